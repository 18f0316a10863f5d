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
 * <p>Digests are kept level by level in flat byte arrays: level 0 holds the leaf digests, the last level the root.
 */
public final class MerkleTree {
    public static final int SALT_BYTES = 16;

    /** Writes the field elements of one leaf into buf (length = leaf width). */
    @FunctionalInterface
    public interface LeafWriter {
        void write(int leaf, long[] buf);
    }

    private final byte[][] levels;
    private final int leafWidth;
    private final byte[] salts;

    private MerkleTree(byte[][] levels, int leafWidth, byte[] salts) {
        this.levels = levels;
        this.leafWidth = leafWidth;
        this.salts = salts;
    }

    /**
     * Builds the tree.
     *
     * @param numLeaves a power of two
     * @param leafWidth field elements per leaf
     * @param writer    fills a leaf's elements
     * @param salts     numLeaves * SALT_BYTES bytes, or null for unsalted leaves
     */
    public static MerkleTree build(int numLeaves, int leafWidth, LeafWriter writer, byte[] salts) {
        if (Integer.bitCount(numLeaves) != 1) {
            throw new IllegalArgumentException("leaf count must be a power of two, got " + numLeaves);
        }
        int depth = Integer.numberOfTrailingZeros(numLeaves);
        byte[][] levels = new byte[depth + 1][];
        levels[0] = new byte[numLeaves * Hashing.DIGEST_BYTES];
        int chunk = Math.max(1, Math.min(numLeaves, 1024));
        IntStream.range(0, numLeaves / chunk).parallel().forEach(c -> {
            long[] buf = new long[leafWidth];
            byte[] bytes = new byte[leafWidth * 8];
            MessageDigest d = Hashing.digest();
            for (int i = c * chunk; i < (c + 1) * chunk; i++) {
                writer.write(i, buf);
                for (int k = 0; k < leafWidth; k++) {
                    Hashing.putLong(bytes, 8 * k, buf[k]);
                }
                d.update(Hashing.LEAF_TAG);
                if (salts != null) {
                    d.update(salts, i * SALT_BYTES, SALT_BYTES);
                }
                d.update(bytes);
                finish(d, levels[0], i * Hashing.DIGEST_BYTES);
            }
        });
        for (int l = 1; l <= depth; l++) {
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
        return new MerkleTree(levels, leafWidth, salts);
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

    public int leafWidth() {
        return leafWidth;
    }

    /** The salt of a leaf (empty when unsalted). */
    public byte[] salt(int leaf) {
        return salts == null ? new byte[0] : Arrays.copyOfRange(salts, leaf * SALT_BYTES, (leaf + 1) * SALT_BYTES);
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
        byte[] level = levels[depth() - height];
        byte[][] out = new byte[1 << height][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(level, i * Hashing.DIGEST_BYTES, (i + 1) * Hashing.DIGEST_BYTES);
        }
        return out;
    }

    /** The sibling digests from the leaf level up to just below the cap of the given height. */
    public byte[][] path(int leaf, int capHeight) {
        byte[][] p = new byte[depth() - capHeight][];
        int idx = leaf;
        for (int l = 0; l < p.length; l++) {
            int sib = idx ^ 1;
            p[l] = Arrays.copyOfRange(levels[l], sib * Hashing.DIGEST_BYTES, (sib + 1) * Hashing.DIGEST_BYTES);
            idx >>>= 1;
        }
        return p;
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
