package dev.zkscope.merkle;

import dev.zkscope.hash.Hashing;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A binary Merkle tree over 2^k leaves, each leaf a row of field elements (the values of many columns at one point,
 * so one authentication path opens all of them). Leaf i hashes H(0x00 || salt_i || row_i) where salt_i is 16 random
 * bytes when zero knowledge is on (so the root reveals nothing of unopened rows, which an adversary could otherwise
 * test guesses against) and empty otherwise. Nodes are H(0x01 || left || right).
 *
 * <p>Memory: digests are kept level by level in flat byte arrays, but only from level {@code low} up (level 0 holds
 * the leaf digests, the last level the root): the 2^low leaves under a kept node are hashed again, from the rows the
 * {@link LeafWriter} gives, when a path through them is asked for. A tree over 2^k rows then keeps 2^(k+1-low)
 * digests instead of 2^(k+1) (at low = 4, 4 bytes per leaf instead of 64), for 2^low leaf hashes per opened path.
 * The salts are not stored either: salt_i = AES_key(i) for a random 128-bit key ({@link Salts}), a pseudorandom
 * function of the index, so an opened leaf's salt says nothing of the others'.
 */
public final class MerkleTree {
    public static final int SALT_BYTES = 16;

    /** The levels below this one are not stored by default: 2^4 leaves are hashed again per opened path. */
    public static final int DEFAULT_LOW = 4;

    /** Writes the field elements of one leaf into buf (length = leaf width). */
    @FunctionalInterface
    public interface LeafWriter {
        void write(int leaf, long[] buf);

        /**
         * Writes the rows of leaves from .. from + count - 1 into rows, row-major (leaf from + i, element k at
         * i * width + k). A writer over column arrays overrides it to read each column's run of consecutive values at
         * once: leaf by leaf, every element comes from another large array (a TLB and cache miss each).
         */
        default void writeRows(int from, int count, int width, long[] rows) {
            long[] buf = new long[width];
            for (int i = 0; i < count; i++) {
                write(from + i, buf);
                System.arraycopy(buf, 0, rows, i * width, width);
            }
        }
    }

    /**
     * A writer over columns held coset by coset: leaf i's element k is cosets[k][i mod 2^logCosets][i / 2^logCosets]
     * (the extension of a column split into the cosets of the trace domain, as the commitment scheme keeps it).
     */
    public static LeafWriter ofCosets(long[][][] cosets, int logCosets) {
        int mask = (1 << logCosets) - 1;
        return new LeafWriter() {
            @Override
            public void write(int leaf, long[] buf) {
                for (int k = 0; k < buf.length; k++) {
                    buf[k] = cosets[k][leaf & mask][leaf >>> logCosets];
                }
            }

            @Override
            public void writeRows(int from, int count, int width, long[] rows) {
                int cosetsCount = mask + 1;
                if ((from & mask) != 0 || (count & mask) != 0) {
                    for (int k = 0; k < width; k++) {
                        long[][] col = cosets[k];
                        for (int i = 0; i < count; i++) {
                            int leaf = from + i;
                            rows[i * width + k] = col[leaf & mask][leaf >>> logCosets];
                        }
                    }
                    return;
                }
                // Whole groups of 2^logCosets leaves: each coset's run of values is read in order, no index split
                // per value.
                int t0 = from >>> logCosets;
                int runs = count >>> logCosets;
                for (int k = 0; k < width; k++) {
                    long[][] col = cosets[k];
                    for (int j = 0; j < cosetsCount; j++) {
                        long[] cj = col[j];
                        int at = j * width + k;
                        int step = cosetsCount * width;
                        for (int t = 0; t < runs; t++, at += step) {
                            rows[at] = cj[t0 + t];
                        }
                    }
                }
            }
        };
    }

    /** A writer over column arrays: leaf i's row is (cols[0][i], cols[1][i], ...). */
    public static LeafWriter ofColumns(long[][] cols) {
        return new LeafWriter() {
            @Override
            public void write(int leaf, long[] buf) {
                for (int k = 0; k < buf.length; k++) {
                    buf[k] = cols[k][leaf];
                }
            }

            @Override
            public void writeRows(int from, int count, int width, long[] rows) {
                for (int k = 0; k < width; k++) {
                    long[] col = cols[k];
                    for (int i = 0; i < count; i++) {
                        rows[i * width + k] = col[from + i];
                    }
                }
            }
        };
    }

    /** levels[l] for l &gt;= low; null below. */
    private final byte[][] levels;
    private final int low;
    private final int leafWidth;
    private final LeafWriter writer;
    private final Salts salts;

    private MerkleTree(byte[][] levels, int low, int leafWidth, LeafWriter writer, Salts salts) {
        this.levels = levels;
        this.low = low;
        this.leafWidth = leafWidth;
        this.writer = writer;
        this.salts = salts;
    }

    /**
     * Builds the tree, keeping every level.
     *
     * @param numLeaves a power of two
     * @param leafWidth field elements per leaf
     * @param writer    fills a leaf's elements
     * @param salts     numLeaves * SALT_BYTES bytes, or null for unsalted leaves
     */
    public static MerkleTree build(int numLeaves, int leafWidth, LeafWriter writer, byte[] salts) {
        return build(numLeaves, leafWidth, writer, salts == null ? null : Salts.of(salts), 0);
    }

    /**
     * Builds the tree keeping the levels from {@code low} up (capped at the depth); the writer is kept to hash the
     * leaves below a kept node again when a path is asked for, so what it reads must outlive the tree.
     *
     * @param salts the leaves' salts, or null for unsalted leaves
     */
    public static MerkleTree build(int numLeaves, int leafWidth, LeafWriter writer, Salts salts, int low) {
        if (Integer.bitCount(numLeaves) != 1) {
            throw new IllegalArgumentException("leaf count must be a power of two, got " + numLeaves);
        }
        int depth = Integer.numberOfTrailingZeros(numLeaves);
        int lo = Math.max(0, Math.min(low, depth));
        byte[][] levels = new byte[depth + 1][];
        int sub = 1 << lo;
        byte[] kept = new byte[(numLeaves >>> lo) * Hashing.DIGEST_BYTES];
        int chunk = Math.max(sub, Math.min(numLeaves, 1024));
        // Rows are read a run of ROW_RUN leaves at a time (column by column, see LeafWriter.writeRows).
        int run = Math.max(sub, Math.min(chunk, ROW_RUN));
        IntStream.range(0, numLeaves / chunk).parallel().forEach(c -> {
            long[] rows = new long[run * leafWidth];
            byte[] bytes = new byte[leafWidth * 8];
            byte[] digests = new byte[sub * Hashing.DIGEST_BYTES];
            MessageDigest d = Hashing.digest();
            byte[] chunkSalts = salts == null ? null : salts.range(c * chunk, chunk);
            for (int s0 = c * chunk; s0 < (c + 1) * chunk; s0 += sub) {
                int inRun = (s0 - c * chunk) % run;
                if (inRun == 0) {
                    writer.writeRows(s0, run, leafWidth, rows);
                }
                for (int i = 0; i < sub; i++) {
                    hashRow(d, rows, (inRun + i) * leafWidth, leafWidth, bytes, chunkSalts,
                            (s0 - c * chunk + i) * SALT_BYTES, digests, i * Hashing.DIGEST_BYTES);
                }
                hashUp(d, digests, sub);
                System.arraycopy(digests, 0, kept, (s0 >>> lo) * Hashing.DIGEST_BYTES, Hashing.DIGEST_BYTES);
            }
        });
        levels[lo] = kept;
        for (int l = lo + 1; l <= depth; l++) {
            byte[] below = levels[l - 1];
            int count = numLeaves >>> l;
            byte[] level = new byte[count * Hashing.DIGEST_BYTES];
            int ch = Math.max(1, Math.min(count, 1024));
            IntStream.range(0, count / ch).parallel().forEach(c -> {
                MessageDigest d = Hashing.digest();
                for (int i = c * ch; i < (c + 1) * ch; i++) {
                    d.update(Hashing.NODE_TAG);
                    d.update(below, 2 * i * Hashing.DIGEST_BYTES, 2 * Hashing.DIGEST_BYTES);
                    finish(d, level, i * Hashing.DIGEST_BYTES);
                }
            });
            levels[l] = level;
        }
        return new MerkleTree(levels, lo, leafWidth, writer, salts);
    }

    /**
     * Builds the tree over given leaf digests (32 bytes per leaf, H(0x00 || salt || row) as {@link #leafDigest} makes
     * them), keeping the levels from {@code low} up; its paths need the rows given ({@link #path(int, int, LeafWriter)}).
     */
    public static MerkleTree fromLeafDigests(byte[] leafDigests, int leafWidth, Salts salts, int low) {
        int numLeaves = leafDigests.length / Hashing.DIGEST_BYTES;
        if (Integer.bitCount(numLeaves) != 1 || leafDigests.length % Hashing.DIGEST_BYTES != 0) {
            throw new IllegalArgumentException("leaf count must be a power of two, got " + numLeaves);
        }
        int depth = Integer.numberOfTrailingZeros(numLeaves);
        int lo = Math.max(0, Math.min(low, depth));
        byte[][] levels = new byte[depth + 1][];
        byte[] below = leafDigests;
        for (int l = 1; l <= depth; l++) {
            byte[] from = below;
            int count = numLeaves >>> l;
            byte[] level = new byte[count * Hashing.DIGEST_BYTES];
            int ch = Math.max(1, Math.min(count, 1024));
            IntStream.range(0, count / ch).parallel().forEach(c -> {
                MessageDigest d = Hashing.digest();
                for (int i = c * ch; i < (c + 1) * ch; i++) {
                    d.update(Hashing.NODE_TAG);
                    d.update(from, 2 * i * Hashing.DIGEST_BYTES, 2 * Hashing.DIGEST_BYTES);
                    finish(d, level, i * Hashing.DIGEST_BYTES);
                }
            });
            if (l - 1 >= lo) {
                levels[l - 1] = from;
            }
            below = level;
        }
        levels[depth] = below;
        return new MerkleTree(levels, lo, leafWidth, null, salts);
    }

    /** H(0x00 || salt || row) into out[off..]; the salt read from saltBytes at saltOff, none when saltBytes is null. */
    public static void leafDigest(long[] row, byte[] saltBytes, int saltOff, byte[] out, int off) {
        MessageDigest d = Hashing.digest();
        byte[] bytes = ROW_BYTES.get();
        if (bytes.length < row.length * 8) {
            bytes = new byte[row.length * 8];
            ROW_BYTES.set(bytes);
        }
        for (int k = 0; k < row.length; k++) {
            Hashing.putLong(bytes, 8 * k, row[k]);
        }
        d.update(Hashing.LEAF_TAG);
        if (saltBytes != null) {
            d.update(saltBytes, saltOff, SALT_BYTES);
        }
        d.update(bytes, 0, row.length * 8);
        finish(d, out, off);
    }

    private static final ThreadLocal<byte[]> ROW_BYTES = ThreadLocal.withInitial(() -> new byte[0]);

    /** Digest of leaf i into out[off..]: H(0x00 || salt || row); salt read from saltBytes at saltOff (or none). */
    private static void hashLeaf(MessageDigest d, LeafWriter writer, int leaf, long[] buf, byte[] bytes, byte[] saltBytes,
                                 int saltOff, byte[] out, int off) {
        writer.write(leaf, buf);
        for (int k = 0; k < buf.length; k++) {
            Hashing.putLong(bytes, 8 * k, buf[k]);
        }
        d.update(Hashing.LEAF_TAG);
        if (saltBytes != null) {
            d.update(saltBytes, saltOff, SALT_BYTES);
        }
        d.update(bytes);
        finish(d, out, off);
    }

    /** Leaves whose rows are gathered at once when building (64 consecutive values per column: 8 cache lines). */
    private static final int ROW_RUN = 64;

    /** As {@link #hashLeaf}, the row being rows[at .. at + width). */
    private static void hashRow(MessageDigest d, long[] rows, int at, int width, byte[] bytes, byte[] saltBytes,
                                int saltOff, byte[] out, int off) {
        for (int k = 0; k < width; k++) {
            Hashing.putLong(bytes, 8 * k, rows[at + k]);
        }
        d.update(Hashing.LEAF_TAG);
        if (saltBytes != null) {
            d.update(saltBytes, saltOff, SALT_BYTES);
        }
        d.update(bytes, 0, width * 8);
        finish(d, out, off);
    }

    /** Hashes count (a power of two) digests in place up to one, left in digests[0..32). */
    private static void hashUp(MessageDigest d, byte[] digests, int count) {
        for (int c = count; c > 1; c >>= 1) {
            for (int i = 0; i < c / 2; i++) {
                d.update(Hashing.NODE_TAG);
                d.update(digests, 2 * i * Hashing.DIGEST_BYTES, 2 * Hashing.DIGEST_BYTES);
                finish(d, digests, i * Hashing.DIGEST_BYTES);
            }
        }
    }

    /** Bytes of digests this tree holds (the levels from {@code low} up). */
    public long storedBytes() {
        long b = 0;
        for (byte[] l : levels) {
            b += l == null ? 0 : l.length;
        }
        return b;
    }

    private static void finish(MessageDigest d, byte[] out, int off) {
        try {
            d.digest(out, off, Hashing.DIGEST_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] root() {
        return levels[levels.length - 1].clone();
    }

    public int depth() {
        return levels.length - 1;
    }

    /** The lowest level this tree stores (0: every leaf digest; a path then needs no rows). */
    public int lowestStoredLevel() {
        return low;
    }

    public int leafWidth() {
        return leafWidth;
    }

    /** The salt of a leaf (empty when unsalted). */
    public byte[] salt(int leaf) {
        return salts == null ? new byte[0] : salts.range(leaf, 1);
    }

    /** The sibling digests from the leaf level up to just below the root. */
    public byte[][] path(int leaf) {
        return path(leaf, 0);
    }

    /**
     * The cap of the given height: the 2^height digests of the level that many steps below the root, left to right.
     * A proof that opens many leaves sends the cap once and each path only up to it (Merkle caps, as in plonky2): a
     * path is {@code height} digests shorter, and the cap hashes up to the root ({@link #rootOfCap}).
     */
    public byte[][] cap(int height) {
        if (height < 0 || height > depth()) {
            throw new IllegalArgumentException("cap height " + height + " of a tree of depth " + depth());
        }
        if (depth() - height < low) {
            throw new IllegalArgumentException("cap height " + height + " reaches below the stored levels (from " + low + ")");
        }
        byte[] level = levels[depth() - height];
        byte[][] out = new byte[1 << height][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(level, i * Hashing.DIGEST_BYTES, (i + 1) * Hashing.DIGEST_BYTES);
        }
        return out;
    }

    /** The sibling digests from the leaf level up to just below the cap of the given height. */
    public byte[][] path(int leaf, int capHeight) {
        if (writer == null && low > 0) {
            throw new IllegalStateException("this tree keeps no rows: give them (path(leaf, capHeight, rows))");
        }
        return path(leaf, capHeight, writer);
    }

    /**
     * As {@link #path(int, int)}, reading the rows of the leaves below the stored levels from {@code rows} (which must
     * give the rows the tree was built from, at least for the 2^low leaves around {@code leaf}).
     */
    public byte[][] path(int leaf, int capHeight, LeafWriter rows) {
        byte[][] p = new byte[depth() - capHeight][];
        int idx = leaf;
        int l = 0;
        if (low > 0 && p.length > 0) {
            int sub = 1 << low;
            int s0 = leaf & ~(sub - 1);
            byte[] digests = new byte[sub * Hashing.DIGEST_BYTES];
            long[] buf = new long[leafWidth];
            byte[] bytes = new byte[leafWidth * 8];
            MessageDigest d = Hashing.digest();
            byte[] subSalts = salts == null ? null : salts.range(s0, sub);
            for (int i = 0; i < sub; i++) {
                hashLeaf(d, rows, s0 + i, buf, bytes, subSalts, i * SALT_BYTES, digests, i * Hashing.DIGEST_BYTES);
            }
            int local = leaf - s0;
            for (int c = sub; c > 1 && l < p.length; c >>= 1, l++) {
                int sib = local ^ 1;
                p[l] = Arrays.copyOfRange(digests, sib * Hashing.DIGEST_BYTES, (sib + 1) * Hashing.DIGEST_BYTES);
                for (int i = 0; i < c / 2; i++) {
                    d.update(Hashing.NODE_TAG);
                    d.update(digests, 2 * i * Hashing.DIGEST_BYTES, 2 * Hashing.DIGEST_BYTES);
                    finish(d, digests, i * Hashing.DIGEST_BYTES);
                }
                local >>>= 1;
                idx >>>= 1;
            }
        }
        for (; l < p.length; l++) {
            int sib = idx ^ 1;
            p[l] = Arrays.copyOfRange(levels[l], sib * Hashing.DIGEST_BYTES, (sib + 1) * Hashing.DIGEST_BYTES);
            idx >>>= 1;
        }
        return p;
    }

    /**
     * The {@link MultiProof} of the given leaves (repeats allowed): every node the verifier cannot compute from them,
     * once, in the order {@link MultiProof#verify} reads them.
     */
    public byte[][] multiProof(int[] leaves) {
        if (writer == null && low > 0) {
            throw new IllegalStateException("this tree keeps no rows: give them (multiProof(leaves, rows))");
        }
        return multiProof(leaves, writer);
    }

    /** As {@link #multiProof(int[])}, reading the rows below the stored levels from {@code rows}. */
    public byte[][] multiProof(int[] leaves, LeafWriter rows) {
        int[] distinct = MultiProof.distinct(leaves);
        byte[][][] paths = new byte[distinct.length][][];
        for (int i = 0; i < distinct.length; i++) {
            if (distinct[i] < 0 || distinct[i] >= 1 << depth()) {
                throw new IllegalArgumentException("leaf " + distinct[i] + " of a tree of depth " + depth());
            }
            paths[i] = path(distinct[i], 0, rows);
        }
        return MultiProof.fromPaths(depth(), distinct, paths);
    }

    /** The leaf digest of given values and salt. */
    public static byte[] hashLeaf(long[] values, byte[] salt) {
        MessageDigest d = Hashing.digest();
        d.update(Hashing.LEAF_TAG);
        d.update(salt);
        byte[] bytes = new byte[values.length * 8];
        for (int k = 0; k < values.length; k++) {
            Hashing.putLong(bytes, 8 * k, values[k]);
        }
        d.update(bytes);
        return d.digest();
    }

    /** The root the cap's digests (a power of two of them, left to right) hash up to. */
    public static byte[] rootOfCap(byte[][] cap) {
        if (Integer.bitCount(cap.length) != 1) {
            throw new IllegalArgumentException("a cap holds a power of two digests, got " + cap.length);
        }
        byte[][] level = cap;
        MessageDigest d = Hashing.digest();
        while (level.length > 1) {
            byte[][] up = new byte[level.length / 2][];
            for (int i = 0; i < up.length; i++) {
                d.reset();
                d.update(Hashing.NODE_TAG);
                d.update(level[2 * i]);
                d.update(level[2 * i + 1]);
                up[i] = d.digest();
            }
            level = up;
        }
        return level[0].clone();
    }

    /** True when values (with salt) at index leaf hash up through path to the cap's digest above the leaf. */
    public static boolean verifyToCap(byte[][] cap, int leaf, long[] values, byte[] salt, byte[][] path) {
        int above = leaf >>> path.length;
        return above < cap.length && verify(cap[above], leaf, values, salt, path);
    }

    /** True when values (with salt) at index leaf hash up through path to root. */
    public static boolean verify(byte[] root, int leaf, long[] values, byte[] salt, byte[][] path) {
        byte[] h = hashLeaf(values, salt);
        int idx = leaf;
        MessageDigest d = Hashing.digest();
        for (byte[] sib : path) {
            d.reset();
            d.update(Hashing.NODE_TAG);
            if ((idx & 1) == 0) {
                d.update(h);
                d.update(sib);
            } else {
                d.update(sib);
                d.update(h);
            }
            h = d.digest();
            idx >>>= 1;
        }
        return MessageDigest.isEqual(h, root);
    }
}
