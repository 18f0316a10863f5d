package dev.zkscope.pcs;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.fri.Fri;
import dev.zkscope.merkle.MerkleTree;
import dev.zkscope.merkle.MultiProof;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import dev.zkscope.transcript.Transcript;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.add;
import static dev.zkscope.field.Goldilocks.mul;
import static dev.zkscope.field.Goldilocks.sub;

/**
 * Batch commitments by Merkle trees over rows of low-degree extensions, opened by DEEP quotients and FRI.
 *
 * <p>Commit: each column f_i (degree &lt; n) is evaluated on the coset D = g &lt;omega_N&gt;, N = n 2^logBlowup, and leaf
 * j of the batch's tree holds the row (f_1(x_j), ..., f_w(x_j)), so one path opens a whole batch at a point.
 *
 * <p>Open at points z_1..z_k with claimed values v_(p,i): after absorbing the values, draw alpha and prove with FRI
 * that F(X) = sum_p alpha^(pT) sum_i alpha^i (f_i(X) - v_(p,i)) / (X - z_p) (T columns in all) has degree &lt; n
 * (DEEP-ALI, eprint 2019/336, with the batching of ethSTARK). If some f_i(z_p) != v_(p,i) the term is not a
 * polynomial, and with high probability over alpha neither is F, which FRI rejects; a query at x_j checks F(x_j),
 * computed from the opened rows, against FRI's first layer.
 */
final class FriPcs implements Pcs {
    private final FriConfig cfg;
    private final IntFunction<byte[]> randomness;
    private final int n;
    private final int bigN;

    private final dev.zkscope.poly.Cancel cancel;
    private dev.zkscope.profile.PhaseListener steps = dev.zkscope.profile.PhaseListener.NONE;

    @Override
    public void reportSteps(dev.zkscope.profile.PhaseListener steps) {
        this.steps = steps == null ? dev.zkscope.profile.PhaseListener.NONE : steps;
    }

    /**
     * randomness: the source of leaf salts, required for commitments while proving when the config is hiding; cancel:
     * polled inside every NTT and between columns (a cancelled call throws CancellationException).
     */
    FriPcs(FriConfig cfg, IntFunction<byte[]> randomness, dev.zkscope.poly.Cancel cancel) {
        this(cfg, randomness, cancel, defaultLdeCacheBytes());
    }

    /** ldeCacheBytes: a batch whose extension takes at most this many bytes keeps it; larger ones recompute it. */
    FriPcs(FriConfig cfg, IntFunction<byte[]> randomness, dev.zkscope.poly.Cancel cancel, long ldeCacheBytes) {
        this(cfg, randomness, cancel, ldeCacheBytes, STREAMED_FULL_TREE_LOG);
    }

    /**
     * As above, with the largest extension (log2 points) whose recomputed batches keep every tree level given
     * ({@link #lowestKeptLevel(int, boolean, int)}): tests lower it to reach the levels of large traces on small ones.
     */
    FriPcs(FriConfig cfg, IntFunction<byte[]> randomness, dev.zkscope.poly.Cancel cancel, long ldeCacheBytes,
           int streamedFullTreeLog) {
        this.streamedFullTreeLog = streamedFullTreeLog;
        this.cfg = cfg;
        this.randomness = randomness;
        this.cancel = cancel;
        this.n = 1 << cfg.logN();
        this.bigN = 1 << cfg.logLde();
        this.ldeCacheBytes = ldeCacheBytes;
    }

    private final long ldeCacheBytes;
    private final int streamedFullTreeLog;

    /**
     * Builds the DEEP sums by reading every column on every coset (the computation before {@link DeepSums}), kept
     * as the reference that tests compare the coefficient-form sums against byte for byte.
     */
    boolean deepFromCosets;

    /** Every column's coefficients, batch after batch (the order of the batching powers alpha^g). */
    private static long[][] coefficientColumns(List<ProverData> batches) {
        long[][] all = new long[totalWidth(batches)][];
        int g = 0;
        for (ProverData b : batches) {
            for (int c = 0; c < b.width(); c++) {
                all[g++] = b.coeffs(c);
            }
        }
        return all;
    }

    /**
     * The largest extension a batch keeps: {@code -Dzkscope.ldeCacheBytes}, else an eighth of the maximum heap (a
     * proof holds five batches and works beside them).
     */
    static long defaultLdeCacheBytes() {
        return Long.getLong("zkscope.ldeCacheBytes", Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * A committed batch: coefficients, tree, and the extension when it is small enough to keep. Otherwise the
     * extension is recomputed coset by coset where it is read ({@link #coset}): the extension domain
     * g &lt;omega_N&gt; is the union of the 2^logBlowup cosets g omega_N^j &lt;omega_n&gt;, each an NTT of n points, so a
     * reader that goes coset by coset holds n values per column instead of N (the memory of a proof then grows with
     * the trace, not with the extension).
     */
    final class Data implements ProverData {
        final long[][] coeffs;
        /**
         * The extension coset by coset, or null when it is recomputed: lde[c][j][t] is column c at extension index
         * j + 2^logBlowup t. Every reader goes coset by coset (the quotient, the DEEP sums), and a coset read out of a
         * natural-order extension was a strided copy touching a cache line per value; here it is the array itself.
         */
        final long[][][] lde;
        final MerkleTree tree;
        final Commitment commitment;

        Data(long[][] coeffs, long[][][] lde, MerkleTree tree, boolean preprocessed) {
            this.coeffs = coeffs;
            this.lde = lde;
            this.tree = tree;
            this.commitment = new Commitment(tree.root(), coeffs.length, preprocessed);
        }

        @Override public Commitment commitment() { return commitment; }
        @Override public long[] coeffs(int c) { return coeffs[c]; }

        @Override
        public long[] lde(int c) {
            if (lde == null) {
                return Ntt.lde(new Coeffs(coeffs[c]), cfg.logBlowup(), FriConfig.SHIFT, cancel).v();
            }
            int b = 1 << cfg.logBlowup();
            long[] out = new long[bigN];
            for (int j = 0; j < b; j++) {
                long[] v = lde[c][j];
                for (int t = 0; t < n; t++) {
                    out[j + b * t] = v[t];
                }
            }
            return out;
        }

        /** A kept batch returns its own array (readers must not write to it); otherwise the coset is recomputed. */
        @Override
        public long[] coset(int c, int j) {
            if (lde != null) {
                return lde[c][j];
            }
            return cosetValues(coeffs[c], j);
        }

        @Override
        public long[] coset(int c, int j, long[] buffer) {
            return lde != null ? lde[c][j] : cosetValuesInto(coeffs[c], j, buffer);
        }

        /** The rows of the given leaves (extension indices), from the kept extension or recomputed coset by coset. */
        java.util.Map<Integer, long[]> rows(int[] leaves) {
            java.util.Map<Integer, long[]> out = new java.util.HashMap<>();
            int w = coeffs.length;
            for (int leaf : leaves) {
                out.computeIfAbsent(leaf, k -> new long[w]);
            }
            if (lde != null) {
                int lb = cfg.logBlowup();
                int bm = (1 << lb) - 1;
                for (java.util.Map.Entry<Integer, long[]> e : out.entrySet()) {
                    int leaf = e.getKey();
                    for (int c = 0; c < w; c++) {
                        e.getValue()[c] = lde[c][leaf & bm][leaf >>> lb];
                    }
                }
                return out;
            }
            int b = 1 << cfg.logBlowup();
            int logN = Integer.numberOfTrailingZeros(n);
            java.util.BitSet hit = new java.util.BitSet(b);
            for (int leaf : out.keySet()) {
                hit.set(leaf & (b - 1));
            }
            // A few rows: evaluated from the coefficients at their points (one multiply-add per coefficient and row)
            // instead of a transform of n points for every coset they fall in (about logN / 2 multiply-adds per
            // value each); same values, so the same proof.
            if (hornerRows(out.size(), hit.cardinality(), logN)) {
                int[] leafs = out.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                long[] xs = new long[leafs.length];
                long omegaLde = Goldilocks.rootOfUnity(cfg.logLde());
                for (int i = 0; i < leafs.length; i++) {
                    xs[i] = mul(FriConfig.SHIFT, Goldilocks.pow(omegaLde, leafs[i]));
                }
                IntStream.range(0, w).parallel().forEach(c -> {
                    long[] v = hornerAt(coeffs[c], xs);
                    for (int i = 0; i < leafs.length; i++) {
                        out.get(leafs[i])[c] = v[i];
                    }
                });
                return out;
            }
            for (int j = 0; j < b; j++) {
                java.util.List<Integer> here = new java.util.ArrayList<>();
                for (int leaf : out.keySet()) {
                    if ((leaf & (b - 1)) == j) {
                        here.add(leaf);
                    }
                }
                if (here.isEmpty()) {
                    continue;
                }
                int jj = j;
                IntStream.range(0, w).parallel().forEach(c -> {
                    long[] v = cosetValues(coeffs[c], jj);
                    for (int leaf : here) {
                        out.get(leaf)[c] = v[leaf >>> cfg.logBlowup()];
                    }
                });
            }
            return out;
        }
    }

    /** Whether the query phase evaluates a recomputed batch's rows from its coefficients (else it transforms cosets). */
    private static boolean hornerRows(int rows, int cosetsHit, int logN) {
        return 2L * rows <= (long) cosetsHit * logN;
    }

    /**
     * Per column of a batch that recomputes its extension, the query phase's work in transform units (see
     * {@link Pcs#streamedQueryWork}): the tree keeps the levels from {@link #lowestKeptLevel(int, boolean)} up, so
     * each query opens 2^low rows (one up to 2^STREAMED_FULL_TREE_LOG points); the rows are evaluated by Horner (n
     * multiply-adds each) or every coset they touch is transformed (n log n), as {@link Data#rows} decides. Distinct
     * query indices are assumed, and a large tree's rows touching every coset.
     */
    static double streamedQueryWork(int logN, int logBlowup, int queries) {
        int logLde = logN + logBlowup;
        int low = lowestKeptLevel(logLde, true);
        long rows = (long) queries << low;
        int cosets = (int) Math.min(1L << logBlowup, rows);
        double n = Math.scalb(1.0, logN);
        return hornerRows((int) Math.min(rows, Integer.MAX_VALUE), cosets, logN) ? rows * n : cosets * n * logN;
    }

    /**
     * f(x_i) for every point, by Horner's rule run for all points at once (independent chains, so the multiplications
     * overlap; the coefficients are read once).
     */
    static long[] hornerAt(long[] coeffs, long[] xs) {
        long[] acc = new long[xs.length];
        for (int k = coeffs.length - 1; k >= 0; k--) {
            long ck = coeffs[k];
            for (int i = 0; i < xs.length; i++) {
                acc[i] = add(mul(acc[i], xs[i]), ck);
            }
        }
        return acc;
    }

    /** The values of a column (coefficients) on the coset g omega_N^j &lt;omega_n&gt;: extension indices j + 2^logBlowup t. */
    private long[] cosetValues(long[] coeffs, int j) {
        return cosetValuesInto(coeffs, j, null);
    }

    /** As {@link #cosetValues}, into {@code buffer} (null: a new array), which it returns. */
    private long[] cosetValuesInto(long[] coeffs, int j, long[] buffer) {
        long s = mul(FriConfig.SHIFT, Goldilocks.pow(Goldilocks.rootOfUnity(cfg.logLde()), j));
        return Ntt.cosetInto(coeffs, s, buffer, cancel);
    }

    private static Data data(ProverData b) {
        if (!(b instanceof Data d)) {
            throw new IllegalArgumentException("a batch committed by another scheme: " + b);
        }
        return d;
    }

    /** The lowest level a tree of the given depth keeps: {@link MerkleTree#DEFAULT_LOW}, at most its depth. */
    private static int lowLevel(int depth) {
        return Math.max(0, Math.min(MerkleTree.DEFAULT_LOW, depth));
    }


    /** {@link #lowestKeptLevel(int, boolean, int)} at {@link Pcs#STREAMED_FULL_TREE_LOG}. */
    static int lowestKeptLevel(int depth, boolean recomputed) {
        return lowestKeptLevel(depth, recomputed, STREAMED_FULL_TREE_LOG);
    }

    /**
     * The lowest level a batch's tree over 2^depth leaves keeps. A batch that recomputes its extension keeps at most
     * 2^fullTreeLog digests on its lowest level: every level up to 2^fullTreeLog leaves (a query then opens its own
     * row only), level 1 at twice that (two rows per query). Below level 1 the query phase would need 4 or more rows
     * per query, which at 28 queries costs more by Horner than transforming the cosets they fall in, so larger
     * extensions keep {@link #lowLevel} like a kept batch. Measured on ResNet-8's 2^18-row segment (2^21 extended
     * points): level 4 meant transforming all 8 cosets of every recomputed column in the query phase.
     */
    static int lowestKeptLevel(int depth, boolean recomputed, int fullTreeLog) {
        if (recomputed && depth <= fullTreeLog + 1) {
            return Math.max(0, depth - fullTreeLog);
        }
        return lowLevel(depth);
    }

    static int saltBytes(FriConfig cfg, boolean preprocessed) {
        return cfg.hiding() && !preprocessed ? FriConfig.SALT_BYTES : 0;
    }

    @Override public int logBlowup() { return cfg.logBlowup(); }
    @Override public long cosetShift() { return FriConfig.SHIFT; }

    @Override
    public ProverData commit(Evals[] columns) {
        return commitValues(columns, false);
    }

    @Override
    public ProverData commitPreprocessed(Evals[] columns) {
        return commitValues(columns, true);
    }

    private ProverData commitValues(Evals[] columns, boolean preprocessed) {
        long[][] cf = new long[columns.length][];
        for (Evals e : columns) {
            if (e.shift() != 1 || e.v().length != n) {
                throw new IllegalArgumentException("a column must hold its " + n + " values on the trace domain");
            }
        }
        Shifted rel = Shifted.of(columns);
        IntStream.range(0, columns.length).parallel().forEach(c -> {
            if (rel.base[c] == c) {
                cf[c] = Ntt.interpolate(columns[c], cancel).c();
            }
        });
        for (int c = 0; c < columns.length; c++) {
            if (rel.base[c] != c) {
                // Interpolation is linear and a constant's coefficients are (d, 0, ..., 0).
                cf[c] = rel.base[c] < 0 ? new long[n] : cf[rel.base[c]].clone();
                cf[c][0] = add(cf[c][0], rel.delta[c]);
            }
        }
        return commitCoeffs(cf, preprocessed, rel);
    }

    /**
     * Columns that are another column plus a constant, or a constant: their coefficients and extensions follow from
     * the other column's by adding the constant to coefficient 0 and to every extension value, with no transform. A
     * key's copy-constraint identity columns are such ((c + 1) n + r for equality column c), as are constant selectors.
     *
     * @param base  per column: itself (transformed), an earlier column it is a shift of, or -1 for a constant
     * @param delta per column: the constant added to its base (the constant itself when base is -1)
     */
    record Shifted(int[] base, long[] delta) {
        /** Finds each column's relation to the two columns before it (the identity columns alternate with sigma's). */
        static Shifted of(Evals[] columns) {
            int w = columns.length;
            int[] base = new int[w];
            long[] delta = new long[w];
            for (int c = 0; c < w; c++) {
                long[] v = columns[c].v();
                base[c] = c;
                if (shift(v, null, v[0])) {
                    base[c] = -1;
                    delta[c] = v[0];
                    continue;
                }
                for (int back = 1; back <= 2 && c - back >= 0; back++) {
                    int b = base[c - back];
                    if (b < 0) {
                        continue;
                    }
                    long[] bv = columns[b].v();
                    long d = sub(v[0], bv[0]);
                    if (shift(v, bv, d)) {
                        base[c] = b;
                        delta[c] = d;
                        break;
                    }
                }
            }
            return new Shifted(base, delta);
        }

        /** v[r] = b[r] + d for every r (b null: v[r] = d). */
        private static boolean shift(long[] v, long[] b, long d) {
            for (int r = 0; r < v.length; r++) {
                if (v[r] != (b == null ? d : add(b[r], d))) {
                    return false;
                }
            }
            return true;
        }

        static Shifted none(int w) {
            int[] base = new int[w];
            for (int c = 0; c < w; c++) {
                base[c] = c;
            }
            return new Shifted(base, new long[w]);
        }
    }

    @Override
    public ProverData commit(Coeffs[] columns) {
        long[][] cf = new long[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            if (columns[c].length() > n) {
                throw new IllegalArgumentException("column " + c + " has " + columns[c].length() + " coefficients, at most "
                        + n + " are committed");
            }
            cf[c] = columns[c].length() == n ? columns[c].c() : java.util.Arrays.copyOf(columns[c].c(), n);
        }
        return commitCoeffs(cf, false, Shifted.none(cf.length));
    }

    private ProverData commitCoeffs(long[][] cf, boolean preprocessed, Shifted rel) {
        if ((long) cf.length * bigN * 8 > ldeCacheBytes) {
            return commitStreamed(cf, preprocessed);
        }
        // One transform of n 2^logBlowup points per column (2^logBlowup coset transforms of n points measured 18%
        // slower: a shift and a bit reversal each), then split into its cosets in one sequential pass.
        int b = 1 << cfg.logBlowup();
        int lb = cfg.logBlowup();
        long[][][] ev = new long[cf.length][][];
        // The natural-order extension and its scratch, one pair per task running at once, reused from column to
        // column: a fresh extension per column was a humongous array (from 2^18 points) left behind for the collector,
        // and the used heap held every one of them until the next collection.
        java.util.concurrent.ConcurrentLinkedQueue<long[][]> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        IntStream.range(0, cf.length).parallel().forEach(c -> {
            if (rel.base[c] != c) {
                return;
            }
            long[][] buf = buffers.poll();
            if (buf == null) {
                buf = new long[][] {new long[bigN], new long[n]};
            }
            Ntt.ldeInto(cf[c], lb, FriConfig.SHIFT, buf[0], buf[1], cancel);
            long[] v = buf[0];
            long[][] cosets = new long[b][n];
            for (int t = 0; t < n; t++) {
                int base = t << lb;
                for (int j = 0; j < b; j++) {
                    cosets[j][t] = v[base + j];
                }
            }
            ev[c] = cosets;
            buffers.offer(buf);
        });
        // A shifted column's extension is its base's plus the constant (the extension is linear and maps a constant
        // to itself).
        IntStream.range(0, cf.length).parallel().forEach(c -> {
            if (rel.base[c] == c) {
                return;
            }
            long d = rel.delta[c];
            long[][] cosets = new long[b][n];
            for (int j = 0; j < b; j++) {
                if (rel.base[c] < 0) {
                    java.util.Arrays.fill(cosets[j], d);
                } else {
                    long[] src = ev[rel.base[c]][j];
                    long[] dst = cosets[j];
                    for (int t = 0; t < n; t++) {
                        dst[t] = add(src[t], d);
                    }
                }
            }
            ev[c] = cosets;
        });
        int saltLen = saltBytes(cfg, preprocessed);
        if (saltLen > 0 && randomness == null) {
            throw new IllegalStateException("a hiding commitment needs randomness for its salts");
        }
        dev.zkscope.merkle.Salts salts = saltLen == 0 ? null : dev.zkscope.merkle.Salts.fromKey(randomness.apply(16));
        MerkleTree tree = MerkleTree.build(bigN, ev.length, MerkleTree.ofCosets(ev, cfg.logBlowup()), salts,
                lowLevel(cfg.logLde()));
        return new Data(cf, ev, tree, preprocessed);
    }

    /**
     * Commits without keeping the extension: coset by coset, the batch's values on g omega_N^j &lt;omega_n&gt; are computed
     * and their rows (extension indices j + 2^logBlowup t) hashed into the leaf level, which the tree then hashes up
     * and drops below its lowest kept level.
     */
    private ProverData commitStreamed(long[][] cf, boolean preprocessed) {
        if (cfg.logLde() + 5 > 30) {
            throw new IllegalArgumentException("an extension of 2^" + cfg.logLde() + " points is too large to commit");
        }
        int saltLen = saltBytes(cfg, preprocessed);
        if (saltLen > 0 && randomness == null) {
            throw new IllegalStateException("a hiding commitment needs randomness for its salts");
        }
        dev.zkscope.merkle.Salts salts = saltLen == 0 ? null : dev.zkscope.merkle.Salts.fromKey(randomness.apply(16));
        int w = cf.length;
        int b = 1 << cfg.logBlowup();
        byte[] leafDigests = new byte[bigN * dev.zkscope.hash.Hashing.DIGEST_BYTES];
        // One coset of every column at a time, in arrays reused from coset to coset.
        long[][] cv = new long[w][n];
        for (int j = 0; j < b; j++) {
            int jj = j;
            IntStream.range(0, w).parallel().forEach(c -> cosetValuesInto(cf[c], jj, cv[c]));
            cancel.check("a commitment");
            int chunk = Math.min(n, 1024);
            int run = Math.min(chunk, 64);
            IntStream.range(0, n / chunk).parallel().forEach(k -> {
                long[] row = new long[w];
                // A run of rows gathered column by column (see MerkleTree.LeafWriter.writeRows), then hashed row by row.
                long[] rows = new long[run * w];
                byte[] chunkSalts = salts == null ? null : salts.strided(jj + b * k * chunk, b, chunk);
                for (int t0 = k * chunk; t0 < (k + 1) * chunk; t0 += run) {
                    for (int c = 0; c < w; c++) {
                        long[] col = cv[c];
                        for (int i = 0; i < run; i++) {
                            rows[i * w + c] = col[t0 + i];
                        }
                    }
                    for (int i = 0; i < run; i++) {
                        int t = t0 + i;
                        System.arraycopy(rows, i * w, row, 0, w);
                        MerkleTree.leafDigest(row, chunkSalts, (t - k * chunk) * FriConfig.SALT_BYTES, leafDigests,
                                (jj + b * t) * dev.zkscope.hash.Hashing.DIGEST_BYTES);
                    }
                }
            });
        }
        MerkleTree tree = MerkleTree.fromLeafDigests(leafDigests, w, salts,
                lowestKeptLevel(cfg.logLde(), true, streamedFullTreeLog));
        return new Data(cf, null, tree, preprocessed);
    }

    // ---- opening ----

    @Override
    public Fp2[][] evaluate(List<ProverData> batches, Fp2[] points, int[][] columns) {
        long[][] all = new long[totalWidth(batches)][];
        int g = 0;
        for (ProverData b : batches) {
            for (int c = 0; c < b.width(); c++) {
                all[g++] = b.coeffs(c);
            }
        }
        if (columns.length != points.length) {
            throw new IllegalArgumentException(points.length + " points but " + columns.length + " column sets");
        }
        Pcs.pointMasks(columns, all.length);
        // Every column has base-field coefficients, so with the powers of each point computed once, a column's value
        // is sum c_i x^i: two base-field products per coefficient instead of a Horner step's F_p2 product.
        int maxLen = 0;
        for (long[] c : all) {
            maxLen = Math.max(maxLen, c.length);
        }
        Fp2[][] values = new Fp2[points.length][];
        for (int p = 0; p < points.length; p++) {
            long[][] pw = powers(points[p], maxLen);
            int[] cols = columns[p];
            Fp2[] out = new Fp2[cols.length];
            IntStream.range(0, cols.length).parallel().forEach(k -> out[k] = dot(all[cols[k]], pw[0], pw[1]));
            values[p] = out;
        }
        return values;
    }

    /** x^0 .. x^(len-1) as real and imaginary parts, computed in parallel chunks. */
    static long[][] powers(Fp2 x, int len) {
        long[] re = new long[len];
        long[] im = new long[len];
        int chunk = 1 << 12;
        IntStream.range(0, (len + chunk - 1) / chunk).parallel().forEach(b -> {
            int from = b * chunk;
            Fp2 v = x.pow(from);
            for (int i = from; i < Math.min(len, from + chunk); i++) {
                re[i] = v.c0();
                im[i] = v.c1();
                v = v.mul(x);
            }
        });
        return new long[][] {re, im};
    }

    /** sum c_i (re_i + im_i X) for base-field c. */
    static Fp2 dot(long[] c, long[] re, long[] im) {
        long s0 = 0;
        long s1 = 0;
        for (int i = 0; i < c.length; i++) {
            long ci = c[i];
            s0 = add(s0, mul(ci, re[i]));
            s1 = add(s1, mul(ci, im[i]));
        }
        return new Fp2(s0, s1);
    }

    private static int totalWidth(List<? extends ProverData> batches) {
        int t = 0;
        for (ProverData b : batches) {
            t += b.width();
        }
        return t;
    }

    private static int totalCommittedWidth(List<Commitment> batches) {
        int t = 0;
        for (Commitment b : batches) {
            t += b.width();
        }
        return t;
    }

    /** Absorbs the values point by point and draws the batching challenge; returns its powers up to alpha^(kT). */
    private static Fp2[] absorbValues(Transcript tr, Fp2[][] values, int total) {
        for (Fp2[] atPoint : values) {
            for (Fp2 v : atPoint) {
                tr.absorb(v);
            }
        }
        Fp2 alpha = tr.challengeExt();
        Fp2[] ap = new Fp2[total * values.length + 1];
        ap[0] = Fp2.ONE;
        for (int i = 1; i < ap.length; i++) {
            ap[i] = ap[i - 1].mul(alpha);
        }
        return ap;
    }

    /** sum_k alpha^(c_k) v_k over the columns c_k opened at each point: the combined claim A_p(z_p). */
    private static Fp2[] combinedClaims(Fp2[][] values, int[][] columns, Fp2[] ap) {
        Fp2[] out = new Fp2[values.length];
        for (int p = 0; p < values.length; p++) {
            Fp2 acc = Fp2.ZERO;
            for (int k = 0; k < values[p].length; k++) {
                acc = acc.add(ap[columns[p][k]].mul(values[p][k]));
            }
            out[p] = acc;
        }
        return out;
    }

    @Override
    public OpeningProof open(List<ProverData> batches, Fp2[] points, int[][] columns, Fp2[][] values, Transcript tr) {
        int total = totalWidth(batches);
        if (values.length != points.length || columns.length != points.length) {
            throw new IllegalArgumentException("values and column sets must be given for each of " + points.length + " points");
        }
        for (int p = 0; p < points.length; p++) {
            if (values[p].length != columns[p].length) {
                throw new IllegalArgumentException("point " + p + ": " + values[p].length + " values for "
                        + columns[p].length + " columns");
            }
        }
        int[] masks = Pcs.pointMasks(columns, total);
        Fp2[] ap = absorbValues(tr, values, total);
        Fp2[] claims = combinedClaims(values, columns, ap);
        long[] fr = new long[bigN];
        long[] fi = new long[bigN];
        long st = System.nanoTime();
        deepQuotient(batches, total, masks, ap, points, claims, fr, fi);
        steps.step("DEEP quotient", st, System.nanoTime() - st);
        int[] rounds = cfg.rounds();
        Fri.Committed fc = Fri.commit(fr, fi, FriConfig.SHIFT, rounds, cfg.logFinalLen(), tr, FriPcs::lowLevel, steps);
        st = System.nanoTime();
        long nonce = tr.grind(cfg.grindingBits());
        steps.step("grinding " + cfg.grindingBits() + " bits", st, System.nanoTime() - st);
        st = System.nanoTime();
        OpeningProof.Query[] qs = new OpeningProof.Query[cfg.numQueries()];
        int[] indices = new int[qs.length];
        for (int q = 0; q < qs.length; q++) {
            indices[q] = tr.challengeIndex(cfg.logLde());
        }
        // The rows each batch opens: the queried ones and, for the tree's levels it does not keep, their neighbours.
        java.util.List<java.util.Map<Integer, long[]>> rows = new java.util.ArrayList<>();
        for (ProverData b : batches) {
            int low = data(b).tree.lowestStoredLevel();
            int[] needed = new int[qs.length << low];
            for (int q = 0; q < qs.length; q++) {
                int s0 = indices[q] & -(1 << low);
                for (int i = 0; i < 1 << low; i++) {
                    needed[(q << low) + i] = s0 + i;
                }
            }
            rows.add(data(b).rows(needed));
        }
        int[][] friLeafIdx = new int[rounds.length][qs.length];
        for (int q = 0; q < qs.length; q++) {
            int idx = indices[q];
            OpeningProof.BatchOpening[] bo = new OpeningProof.BatchOpening[batches.size()];
            for (int b = 0; b < bo.length; b++) {
                bo[b] = new OpeningProof.BatchOpening(rows.get(b).get(idx).clone(), data(batches.get(b)).tree.salt(idx));
            }
            long[][] leaves = new long[rounds.length][];
            int size = bigN;
            int pos = idx;
            for (int r = 0; r < rounds.length; r++) {
                int m = size >>> rounds[r];
                int leaf = pos % m;
                leaves[r] = fc.leaf(r, leaf);
                friLeafIdx[r][q] = leaf;
                pos = leaf;
                size = m;
            }
            qs[q] = new OpeningProof.Query(bo, leaves);
        }
        byte[][] friRoots = new byte[rounds.length][];
        byte[][][] friNodes = new byte[rounds.length][][];
        for (int r = 0; r < rounds.length; r++) {
            friRoots[r] = fc.trees[r].root();
            friNodes[r] = fc.trees[r].multiProof(friLeafIdx[r]);
        }
        byte[][][] batchNodes = new byte[batches.size()][][];
        for (int b = 0; b < batchNodes.length; b++) {
            java.util.Map<Integer, long[]> rb = rows.get(b);
            MerkleTree.LeafWriter writer = (leaf, buf) -> System.arraycopy(rb.get(leaf), 0, buf, 0, buf.length);
            batchNodes[b] = data(batches.get(b)).tree.multiProof(indices, writer);
        }
        steps.step(qs.length + " queries", st, System.nanoTime() - st);
        return new OpeningProof(values, friRoots, fc.finalPoly, nonce, qs, batchNodes, friNodes);
    }

    /**
     * F(x) = sum_p alpha^(pT) (A_p(x) - A_p(z_p)) / (x - z_p) on the extension domain, A_p = sum over the columns
     * opened at z_p of alpha^i f_i (a column keeps its coefficient alpha^i at every point); with
     * 1/(x - z) = (x - z0 + z1 X) / N(x - z) and the norms inverted in one batch per block. Inlined on longs: this
     * loop runs over every column of every batch at every point of the extension, so each column is added once, into
     * the sum of the columns that share its set of points, and A_p adds up the few sums whose set holds p.
     */
    private void deepQuotient(List<ProverData> batches, int total, int[] masks, Fp2[] ap, Fp2[] points, Fp2[] claims,
                              long[] fr, long[] fi) {
        int k = points.length;
        int numMasks = 1 << k;
        boolean[] used = new boolean[numMasks];
        for (int m : masks) {
            used[m] = true;
        }
        int logB = cfg.logBlowup();
        int b = 1 << logB;
        long omegaN = Goldilocks.rootOfUnity(cfg.logLde());
        long omegaSmall = Goldilocks.rootOfUnity(cfg.logN());
        long[][] sr = new long[numMasks][];
        long[][] si = new long[numMasks][];
        for (int m = 0; m < numMasks; m++) {
            if (used[m]) {
                sr[m] = new long[n];
                si[m] = new long[n];
            }
        }
        int block = Math.min(n, 1 << 10);
        // The sum of the columns sharing a set of points is a polynomial of degree < n: its coefficients are the same
        // sum of the columns' coefficients (evaluation is linear), so it is formed once on the coefficients and
        // transformed coset by coset, 2 transforms per set of points instead of reading (or, for a batch that does not
        // keep its extension, recomputing) every column on every coset. The values are equal in the field, so F and
        // the proof are the same bytes (DeepSumsTest).
        long[][][] combined = deepFromCosets ? null : DeepSums.combine(coefficientColumns(batches), masks, ap, used, n);
        // Coset by coset (extension indices j + b t): the sums of the columns sharing a set of points, then F.
        for (int j = 0; j < b; j++) {
            cancel.check("the DEEP quotient");
            for (int m = 0; m < numMasks; m++) {
                if (used[m] && combined == null) {
                    java.util.Arrays.fill(sr[m], 0);
                    java.util.Arrays.fill(si[m], 0);
                }
            }
            if (combined != null) {
                // The sums' values on this coset: one transform per sum instead of one coset read per column.
                int jc = j;
                IntStream.range(0, 2 * numMasks).parallel().forEach(i -> {
                    int m = i >> 1;
                    if (used[m]) {
                        ((i & 1) == 0 ? sr : si)[m] = cosetValues(combined[m][i & 1], jc);
                    }
                });
            } else {
                int g = 0;
                for (ProverData bd : batches) {
                    for (int c = 0; c < bd.width(); c++, g++) {
                        long[] col = bd.coset(c, j);
                        long a0 = ap[g].c0();
                        long a1 = ap[g].c1();
                        long[] r = sr[masks[g]];
                        long[] im = si[masks[g]];
                        IntStream.range(0, n / block).parallel().forEach(blk -> {
                            for (int t = blk * block; t < (blk + 1) * block; t++) {
                                long v = col[t];
                                r[t] = add(r[t], mul(a0, v));
                                im[t] = add(im[t], mul(a1, v));
                            }
                        });
                    }
                }
            }
            long cosetShift = mul(FriConfig.SHIFT, Goldilocks.pow(omegaN, j));
            int jj = j;
            IntStream.range(0, n / block).parallel().forEach(blk -> {
                int from = blk * block;
                long[] xs = new long[block];
                long x = mul(cosetShift, Goldilocks.pow(omegaSmall, from));
                for (int i = 0; i < block; i++) {
                    xs[i] = x;
                    x = mul(x, omegaSmall);
                }
                long[] accR = new long[block];
                long[] accI = new long[block];
                long[] norm = new long[block];
                long[] pr = new long[block];
                long[] pi = new long[block];
                for (int p = 0; p < k; p++) {
                    java.util.Arrays.fill(pr, 0);
                    java.util.Arrays.fill(pi, 0);
                    for (int m = 0; m < numMasks; m++) {
                        if (used[m] && (m >>> p & 1) != 0) {
                            long[] r = sr[m];
                            long[] im = si[m];
                            for (int i = 0; i < block; i++) {
                                pr[i] = add(pr[i], r[from + i]);
                                pi[i] = add(pi[i], im[from + i]);
                            }
                        }
                    }
                    long z0 = points[p].c0();
                    long z1 = points[p].c1();
                    for (int i = 0; i < block; i++) {
                        long d0 = sub(xs[i], z0);
                        norm[i] = sub(mul(d0, d0), mul(Fp2.W, mul(z1, z1)));
                    }
                    long[] inv = Goldilocks.batchInverse(norm);
                    long c0 = claims[p].c0();
                    long c1 = claims[p].c1();
                    long t0 = ap[p * total].c0();
                    long t1 = ap[p * total].c1();
                    for (int i = 0; i < block; i++) {
                        long p0 = sub(pr[i], c0);
                        long p1 = sub(pi[i], c1);
                        long q0 = mul(sub(xs[i], z0), inv[i]);
                        long q1 = mul(z1, inv[i]);
                        long u0 = Fp2.mul0(p0, p1, q0, q1);
                        long u1 = Fp2.mul1(p0, p1, q0, q1);
                        if (p == 0) {
                            accR[i] = u0;
                            accI[i] = u1;
                        } else {
                            accR[i] = add(accR[i], Fp2.mul0(t0, t1, u0, u1));
                            accI[i] = add(accI[i], Fp2.mul1(t0, t1, u0, u1));
                        }
                    }
                }
                for (int i = 0; i < block; i++) {
                    fr[jj + b * (from + i)] = accR[i];
                    fi[jj + b * (from + i)] = accI[i];
                }
            });
        }
    }

    // ---- verification ----

    @Override
    public OpeningProof read(byte[] bytes, int offset, List<Commitment> batches, int[][] columns) throws Malformed {
        ByteReader r = new ByteReader(bytes, offset);
        r.section("openings");
        return OpeningProof.read(r, cfg, batches, columns);
    }

    @Override
    public Optional<PcsError> verify(List<Commitment> batches, Fp2[] points, int[][] columns, OpeningProof proof,
                                     Transcript tr) {
        PcsError shape = checkShape(batches, points, columns, proof);
        if (shape != null) {
            return Optional.of(shape);
        }
        int total = totalCommittedWidth(batches);
        int[] masks = Pcs.pointMasks(columns, total);
        Fp2[] ap = absorbValues(tr, proof.values(), total);
        Fp2[] claims = combinedClaims(proof.values(), columns, ap);
        int[] rounds = cfg.rounds();
        Fp2[] betas = new Fp2[rounds.length];
        for (int i = 0; i < rounds.length; i++) {
            tr.absorb(proof.friRoots()[i]);
            betas[i] = tr.challengeExt();
        }
        for (Fp2 c : proof.finalPoly()) {
            tr.absorb(c);
        }
        if (!tr.checkGrind(proof.powNonce(), cfg.grindingBits())) {
            return Optional.of(new PcsError.GrindingInvalid(cfg.grindingBits(), proof.powNonce()));
        }
        int[] indices = new int[proof.queries().length];
        for (int q = 0; q < indices.length; q++) {
            indices[q] = tr.challengeIndex(cfg.logLde());
        }
        // Every batch's multiproof over the rows the queries open, before any value is used.
        for (int b = 0; b < batches.size(); b++) {
            byte[][] digests = new byte[indices.length][];
            for (int q = 0; q < indices.length; q++) {
                OpeningProof.BatchOpening o = proof.queries()[q].batches()[b];
                digests[q] = MerkleTree.hashLeaf(o.row(), o.salt());
            }
            MultiProof.Failure f = MultiProof.verify(batches.get(b).root(), cfg.logLde(), indices, digests,
                    proof.batchNodes()[b]);
            if (f != null) {
                return Optional.of(new PcsError.BatchProofInvalid(b, f.reason()));
            }
        }
        long omegaLde = Goldilocks.rootOfUnity(cfg.logLde());
        for (int q = 0; q < proof.queries().length; q++) {
            OpeningProof.Query op = proof.queries()[q];
            int idx = indices[q];
            Fp2[] a = new Fp2[points.length];
            java.util.Arrays.fill(a, Fp2.ZERO);
            int g = 0;
            for (int b = 0; b < batches.size(); b++) {
                OpeningProof.BatchOpening o = op.batches()[b];
                for (long v : o.row()) {
                    Fp2 t = ap[g].mul(v);
                    for (int p = 0; p < points.length; p++) {
                        if ((masks[g] >>> p & 1) != 0) {
                            a[p] = a[p].add(t);
                        }
                    }
                    g++;
                }
            }
            long x = mul(FriConfig.SHIFT, Goldilocks.pow(omegaLde, idx));
            Fp2 expected = Fp2.ZERO;
            for (int p = 0; p < points.length; p++) {
                Fp2 term = a[p].sub(claims[p]).mul(Fp2.of(x).sub(points[p]).inv());
                expected = expected.add(p == 0 ? term : ap[p * total].mul(term));
            }
            PcsError e = checkFriQuery(proof, q, idx, expected, rounds, betas);
            if (e != null) {
                return Optional.of(e);
            }
        }
        // The FRI layers' multiproofs last: a leaf whose value is off is reported as the fold it breaks.
        int[] depths = OpeningProof.friDepths(cfg);
        for (int rd = 0; rd < rounds.length; rd++) {
            int[] leaves = new int[indices.length];
            byte[][] digests = new byte[indices.length][];
            for (int q = 0; q < indices.length; q++) {
                leaves[q] = friLeafIndex(indices[q], rounds, rd);
                digests[q] = MerkleTree.hashLeaf(proof.queries()[q].friLeaves()[rd], new byte[0]);
            }
            MultiProof.Failure f = MultiProof.verify(proof.friRoots()[rd], depths[rd], leaves, digests,
                    proof.friNodes()[rd]);
            if (f != null) {
                return Optional.of(new PcsError.FriProofInvalid(rd, f.reason()));
            }
        }
        return Optional.empty();
    }

    /** The leaf of FRI layer {@code round}'s tree that query index {@code idx} (in the extension domain) opens. */
    int friLeafIndex(int idx, int[] rounds, int round) {
        int size = bigN;
        for (int r = 0; r <= round; r++) {
            size >>>= rounds[r];
        }
        return idx & (size - 1);
    }

    /** Follows one query through the FRI layers: each held value against the expected one, each fold, the final polynomial. */
    private PcsError checkFriQuery(OpeningProof proof, int q, int idx, Fp2 expected, int[] rounds, Fp2[] betas) {
        OpeningProof.Query op = proof.queries()[q];
        int size = bigN;
        int pos = idx;
        long s = FriConfig.SHIFT;
        for (int rd = 0; rd < rounds.length; rd++) {
            int k = 1 << rounds[rd];
            int m = size >>> rounds[rd];
            int leaf = pos % m;
            int at = pos / m;
            long[] lv = op.friLeaves()[rd];
            Fp2 held = new Fp2(lv[2 * at], lv[2 * at + 1]);
            if (!held.equals(expected)) {
                return rd == 0 ? new PcsError.DeepValueMismatch(q, expected.toString(), held.toString())
                        : new PcsError.FriFoldMismatch(rd, q, expected.toString(), held.toString());
            }
            long xl = mul(s, Goldilocks.pow(Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(size)), leaf));
            expected = Fri.foldLeaf(lv, rounds[rd], Goldilocks.inv(xl), betas[rd]);
            pos = leaf;
            size = m;
            s = Goldilocks.pow(s, k);
        }
        long xf = mul(s, Goldilocks.pow(Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(size)), pos));
        Fp2 fin = Fri.evalFinal(proof.finalPoly(), xf);
        if (!fin.equals(expected)) {
            return new PcsError.FriFinalPolyMismatch(q, expected.toString(), fin.toString());
        }
        return null;
    }

    private static boolean digestsShape(byte[][] nodes) {
        if (nodes == null) {
            return false;
        }
        for (byte[] d : nodes) {
            if (d == null || d.length != dev.zkscope.hash.Hashing.DIGEST_BYTES) {
                return false;
            }
        }
        return true;
    }

    /** The sizes that decoding fixes, checked again for a proof handed over as an object. */
    private PcsError checkShape(List<Commitment> batches, Fp2[] points, int[][] columns, OpeningProof proof) {
        if (proof.values().length != points.length || columns.length != points.length) {
            return new PcsError.Malformed("openings", proof.values().length + " points opened, expected " + points.length);
        }
        for (int p = 0; p < points.length; p++) {
            if (proof.values()[p].length != columns[p].length) {
                return new PcsError.Malformed("openings", proof.values()[p].length + " values at point " + p
                        + ", expected " + columns[p].length);
            }
        }
        int[] rounds = cfg.rounds();
        if (proof.friRoots().length != rounds.length || proof.finalPoly().length != 1 << cfg.logFinalLen()) {
            return new PcsError.Malformed("fri", "expected " + rounds.length + " layer roots and a final polynomial of "
                    + (1 << cfg.logFinalLen()) + " coefficients");
        }
        if (proof.queries().length != cfg.numQueries()) {
            return new PcsError.Malformed("queries", proof.queries().length + " queries, expected " + cfg.numQueries());
        }
        if (proof.batchNodes() == null || proof.friNodes() == null || proof.batchNodes().length != batches.size()
                || proof.friNodes().length != rounds.length) {
            return new PcsError.Malformed("merkle", "expected a multiproof for each of " + batches.size()
                    + " batches and " + rounds.length + " FRI layers");
        }
        for (byte[][] nodes : proof.batchNodes()) {
            if (!digestsShape(nodes)) {
                return new PcsError.Malformed("merkle", "a batch multiproof holds a node that is not a digest");
            }
        }
        for (byte[][] nodes : proof.friNodes()) {
            if (!digestsShape(nodes)) {
                return new PcsError.Malformed("merkle", "a FRI multiproof holds a node that is not a digest");
            }
        }
        for (int q = 0; q < proof.queries().length; q++) {
            OpeningProof.Query op = proof.queries()[q];
            if (op == null || op.batches() == null || op.friLeaves() == null || op.batches().length != batches.size()
                    || op.friLeaves().length != rounds.length) {
                return new PcsError.Malformed("query " + q, "wrong number of batch or FRI openings");
            }
            for (int b = 0; b < batches.size(); b++) {
                OpeningProof.BatchOpening o = op.batches()[b];
                if (o == null || o.row() == null || o.salt() == null || o.row().length != batches.get(b).width()
                        || o.salt().length != saltBytes(cfg, batches.get(b).preprocessed())) {
                    return new PcsError.Malformed("query " + q, "batch " + b + " opening has the wrong shape");
                }
            }
            for (int rd = 0; rd < rounds.length; rd++) {
                if (op.friLeaves()[rd] == null || op.friLeaves()[rd].length != 2 << rounds[rd]) {
                    return new PcsError.Malformed("query " + q, "FRI leaf " + rd + " has the wrong shape");
                }
            }
        }
        return null;
    }
}
