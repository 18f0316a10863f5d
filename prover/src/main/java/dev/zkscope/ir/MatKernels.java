package dev.zkscope.ir;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Dense matrix products over primitive arrays, the core of the float and the quantized Conv, Gemm and MatMul.
 *
 * <p>{@code c[m x n] += a[m x k] . b[k x n]}, all row-major at given offsets. The output is cut into tiles of
 * {@value #ROWS} rows by {@value #COLS} columns; tiles run in parallel (the common fork-join pool) when the product
 * has at least {@value #PARALLEL_WORK} multiply-adds. Inside a tile the loop runs blocks of {@value #KB} of the k
 * index, then i, then j innermost over contiguous rows of b and c, so that a block of b (KB x COLS doubles, 256 KiB)
 * stays in the L2 cache while the tile's rows pass over it: a weight matrix is read from memory once per
 * {@value #ROWS} rows of activations (a 64-token transformer's products read it twice); the j loop adds four k steps
 * at once (one load and store of c per four products) and is a stream the JIT vectorizes. Each output element sums
 * its k terms in the same order whatever the tile shape (blocks of k in order, four at a time from each block's
 * start), so the double results do not depend on the tiling or the threads.
 *
 * <p>The long version is exact only if no partial sum can overflow: callers check {@link #fitsLong} (or an equivalent
 * bound) first. Every partial sum of {@code sum_t a_it * b_tj} is bounded by {@code sum_t |a_it| |b_tj|}, whatever the
 * order of summation, so the bound of the full sum covers every intermediate value.
 */
public final class MatKernels {
    /** Multiply-adds below which a product runs on the calling thread only. */
    public static final long PARALLEL_WORK = 1L << 16;
    static final int ROWS = 32;
    static final int COLS = 256;
    static final int KB = 128;

    private MatKernels() {}

    /** c += a . b in doubles. */
    public static void gemm(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int k, int n,
                            boolean parallel) {
        forEachTile(m, k, n, parallel, (i0, i1, j0, j1) -> {
            for (int kk = 0; kk < k; kk += KB) {
                mulAddBlock(a, aOff + i0 * k + kk, k, b, bOff + kk * n + j0, n, c, cOff + i0 * n + j0, n, i1 - i0,
                        Math.min(k, kk + KB) - kk, j1 - j0);
            }
        });
    }

    /**
     * c = a . b for integer matrices whose every partial sum is at most 2^53 in magnitude (the caller has checked
     * {@link #fitsExactDouble} of max|a| and {@link #maxColAbsSum} of b), computed in doubles, exactly, and
     * overwriting c. The same arithmetic as the double {@link #gemm} on the values converted to doubles, but each tile
     * converts the blocks of a and b it reads into its own buffers, so no double copy of a large weight matrix is
     * made: a block of b is converted once per {@value #ROWS} rows of a.
     */
    public static void gemmExact(long[] a, int aOff, long[] b, int bOff, long[] c, int cOff, int m, int k, int n,
                                 boolean parallel) {
        forEachTile(m, k, n, parallel, (i0, i1, j0, j1) -> {
            int rows = i1 - i0;
            int cols = j1 - j0;
            double[] acc = new double[rows * cols];
            double[] ab = new double[rows * KB];
            double[] bb = new double[KB * cols];
            for (int kk = 0; kk < k; kk += KB) {
                int kn = Math.min(k, kk + KB) - kk;
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (i0 + i) * k + kk;
                    for (int q = 0; q < kn; q++) {
                        ab[i * kn + q] = a[src + q];
                    }
                }
                for (int q = 0; q < kn; q++) {
                    int src = bOff + (kk + q) * n + j0;
                    int dst = q * cols;
                    for (int j = 0; j < cols; j++) {
                        bb[dst + j] = b[src + j];
                    }
                }
                mulAddBlock(ab, 0, kn, bb, 0, cols, acc, 0, cols, rows, kn, cols);
            }
            for (int i = 0; i < rows; i++) {
                int dst = cOff + (i0 + i) * n + j0;
                for (int j = 0; j < cols; j++) {
                    c[dst + j] = (long) acc[i * cols + j];
                }
            }
        });
    }

    /** c += a . b in longs, unchecked: the caller has proved that no sum can overflow ({@link #fitsLong}). */
    public static void gemm(long[] a, int aOff, long[] b, int bOff, long[] c, int cOff, int m, int k, int n,
                            boolean parallel) {
        forEachTile(m, k, n, parallel, (i0, i1, j0, j1) -> {
            for (int kk = 0; kk < k; kk += KB) {
                mulAddBlock(a, aOff + i0 * k + kk, k, b, bOff + kk * n + j0, n, c, cOff + i0 * n + j0, n, i1 - i0,
                        Math.min(k, kk + KB) - kk, j1 - j0);
            }
        });
    }

    /** One output tile of a product: rows [i0, i1) and columns [j0, j1) of c. */
    @FunctionalInterface
    private interface Tile {
        void compute(int i0, int i1, int j0, int j1);
    }

    /**
     * Cuts an m x n output into tiles of {@value #ROWS} x {@value #COLS} (the last row and column of tiles clipped)
     * and computes each, in parallel when {@link #run} finds the m.k.n multiply-adds worth it. The one place the
     * tiling of the three products lives: tiles are independent (each owns its block of c).
     */
    private static void forEachTile(int m, int k, int n, boolean parallel, Tile tile) {
        int colTiles = (n + COLS - 1) / COLS;
        int tiles = ((m + ROWS - 1) / ROWS) * colTiles;
        run(tiles, (long) m * k * n, parallel, t -> {
            int i0 = (t / colTiles) * ROWS;
            int j0 = (t % colTiles) * COLS;
            tile.compute(i0, Math.min(m, i0 + ROWS), j0, Math.min(n, j0 + COLS));
        });
    }

    /**
     * One block of the k index of one tile: {@code c[i][j] += sum_q a[i][q] . b[q][j]} for i < rows, q < kn and
     * j < cols, where row i of a starts at {@code aOff + i * lda}, row q of b at {@code bOff + q * ldb} and row i of c
     * at {@code cOff + i * ldc}. Four q at a time (one load and one store of c per four products), from q = 0, then
     * the rest one by one: the order of every sum is fixed by the block alone, and the j loop is a contiguous stream
     * that the JIT vectorizes.
     */
    private static void mulAddBlock(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff,
                                    int ldc, int rows, int kn, int cols) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            int ai = aOff + i * lda;
            int q = 0;
            for (; q + 3 < kn; q += 4) {
                double a0 = a[ai + q];
                double a1 = a[ai + q + 1];
                double a2 = a[ai + q + 2];
                double a3 = a[ai + q + 3];
                int b0 = bOff + q * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                int b3 = b2 + ldb;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; q < kn; q++) {
                double av = a[ai + q];
                int bq = bOff + q * ldb;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += av * b[bq + j];
                }
            }
        }
    }

    /** {@link #mulAddBlock(double[], int, int, double[], int, int, double[], int, int, int, int, int)} in longs. */
    private static void mulAddBlock(long[] a, int aOff, int lda, long[] b, int bOff, int ldb, long[] c, int cOff,
                                    int ldc, int rows, int kn, int cols) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            int ai = aOff + i * lda;
            int q = 0;
            for (; q + 3 < kn; q += 4) {
                long a0 = a[ai + q];
                long a1 = a[ai + q + 1];
                long a2 = a[ai + q + 2];
                long a3 = a[ai + q + 3];
                int b0 = bOff + q * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                int b3 = b2 + ldb;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; q < kn; q++) {
                long av = a[ai + q];
                int bq = bOff + q * ldb;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += av * b[bq + j];
                }
            }
        }
    }

    /**
     * A grouped convolution as im2col and one matrix product per image and group, into {@code out} (row-major
     * [batch][m][positions]): out = W[group's mg x K] . cols + bias, with cols[K x P] gathered from x through the
     * column index {@code idx} ({@link Window#colIndex}: -1 in the padding) and K = idx.length / P. Many-group convs
     * with small products run their groups in parallel, a conv with few large products each product's tiles.
     *
     * @param bias null, or m values added to every position of their output channel
     */
    public static void convIm2col(double[] x, double[] w, double[] bias, double[] out, int[] idx, int batch,
                                  int channels, int m, int group, int positions, int plane) {
        int cg = channels / group;
        int mg = m / group;
        int kLen = idx.length / Math.max(1, positions);
        if (bias != null) {
            for (int p = 0; p < batch * m; p++) {
                java.util.Arrays.fill(out, p * positions, (p + 1) * positions, bias[p % m]);
            }
        }
        int tasks = batch * group;
        boolean outer = tasks > 1 && (long) mg * kLen * positions < PARALLEL_WORK;
        run(tasks, (long) tasks * mg * kLen * positions, outer, t -> {
            int b = t / group;
            int grp = t % group;
            int base = (b * channels + grp * cg) * plane;
            double[] cols = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                cols[i] = idx[i] < 0 ? 0 : x[base + idx[i]];
            }
            gemm(w, grp * mg * kLen, cols, 0, out, (b * m + grp * mg) * positions, mg, kLen, positions, !outer);
        });
    }

    /** {@link #convIm2col(double[], double[], double[], double[], int[], int, int, int, int, int, int)} on longs. */
    public static void convIm2col(long[] x, long[] w, long[] bias, long[] out, int[] idx, int batch,
                                  int channels, int m, int group, int positions, int plane) {
        int cg = channels / group;
        int mg = m / group;
        int kLen = idx.length / Math.max(1, positions);
        if (bias != null) {
            for (int p = 0; p < batch * m; p++) {
                java.util.Arrays.fill(out, p * positions, (p + 1) * positions, bias[p % m]);
            }
        }
        int tasks = batch * group;
        boolean outer = tasks > 1 && (long) mg * kLen * positions < PARALLEL_WORK;
        run(tasks, (long) tasks * mg * kLen * positions, outer, t -> {
            int b = t / group;
            int grp = t % group;
            int base = (b * channels + grp * cg) * plane;
            long[] cols = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                cols[i] = idx[i] < 0 ? 0 : x[base + idx[i]];
            }
            gemm(w, grp * mg * kLen, cols, 0, out, (b * m + grp * mg) * positions, mg, kLen, positions, !outer);
        });
    }

    /**
     * ConvTranspose (the adjoint of a grouped Conv) as one matrix product and a scatter per image and group: with x
     * [batch][channels][h*w], weights [channels][m/group][kh*kw] (ONNX's layout) and g the window from the output
     * geometry ({@link Window#of} with the ConvTranspose's pads, strides and dilations, input and output shapes), cols
     * [(m/group)*kh*kw x h*w] = W_g^T . X_g, then each column entry (oc, ky, kx; iy, ix) is added to output
     * (oc, iy*sh - ph + ky*dh, ix*sw - pw + kx*dw) when that lies inside the output (col2im, {@link #col2im}). Output
     * channels scatter in parallel (each owns its plane). {@code out} is [batch][m][oh*ow], overwritten.
     *
     * @param bias null, or m values added to every position of their output channel
     */
    public static void convTranspose(double[] x, double[] w, double[] bias, double[] out, Window g, int batch,
                                     int channels, int m, int group) {
        int cg = channels / group;
        int mg = m / group;
        int area = g.kh() * g.kw();
        int kLen = mg * area;
        int inPlane = g.h() * g.w();
        int outPlane = g.outPositions();
        int[] map = col2im(g, mg);
        java.util.Arrays.fill(out, 0);
        if (bias != null) {
            for (int p = 0; p < batch * m; p++) {
                java.util.Arrays.fill(out, p * outPlane, (p + 1) * outPlane, bias[p % m]);
            }
        }
        double[] wt = new double[kLen * cg];
        double[] cols = new double[kLen * inPlane];
        for (int grp = 0; grp < group; grp++) {
            for (int c = 0; c < cg; c++) {
                for (int k = 0; k < kLen; k++) {
                    wt[k * cg + c] = w[(grp * cg + c) * kLen + k];
                }
            }
            for (int b = 0; b < batch; b++) {
                java.util.Arrays.fill(cols, 0);
                gemm(wt, 0, x, (b * channels + grp * cg) * inPlane, cols, 0, kLen, cg, inPlane, true);
                int outBase = (b * m + grp * mg) * outPlane;
                int per = area * inPlane;
                run(mg, (long) kLen * inPlane, true, oc -> {
                    for (int j = oc * per; j < (oc + 1) * per; j++) {
                        if (map[j] >= 0) {
                            out[outBase + map[j]] += cols[j];
                        }
                    }
                });
            }
        }
    }

    /**
     * {@link #convTranspose(double[], double[], double[], double[], Window, int, int, int, int)} on longs, unchecked:
     * the caller has proved that no partial sum can overflow ({@link #convTransposeWeightBound}, {@link #fitsLong}).
     * The same product and scatter (the geometry is {@link #col2im}'s, shared).
     */
    static void convTranspose(long[] x, long[] w, long[] bias, long[] out, Window g, int batch, int channels, int m,
                              int group) {
        int cg = channels / group;
        int mg = m / group;
        int area = g.kh() * g.kw();
        int kLen = mg * area;
        int inPlane = g.h() * g.w();
        int outPlane = g.outPositions();
        int[] map = col2im(g, mg);
        java.util.Arrays.fill(out, 0);
        if (bias != null) {
            for (int p = 0; p < batch * m; p++) {
                java.util.Arrays.fill(out, p * outPlane, (p + 1) * outPlane, bias[p % m]);
            }
        }
        long[] wt = new long[kLen * cg];
        long[] cols = new long[kLen * inPlane];
        for (int grp = 0; grp < group; grp++) {
            for (int c = 0; c < cg; c++) {
                for (int k = 0; k < kLen; k++) {
                    wt[k * cg + c] = w[(grp * cg + c) * kLen + k];
                }
            }
            for (int b = 0; b < batch; b++) {
                java.util.Arrays.fill(cols, 0);
                gemm(wt, 0, x, (b * channels + grp * cg) * inPlane, cols, 0, kLen, cg, inPlane, true);
                int outBase = (b * m + grp * mg) * outPlane;
                int per = area * inPlane;
                run(mg, (long) kLen * inPlane, true, oc -> {
                    for (int j = oc * per; j < (oc + 1) * per; j++) {
                        if (map[j] >= 0) {
                            out[outBase + map[j]] += cols[j];
                        }
                    }
                });
            }
        }
    }

    /**
     * The col2im map of a ConvTranspose: column entry j = (oc·kh·kw + ky·kw + kx)·h·w + iy·w + ix of the product goes
     * to offset map[j] = oc·oh·ow + oy·ow + ox of its group's output block, with oy = iy·sh - ph + ky·dh and ox =
     * ix·sw - pw + kx·dw, or -1 when that lies outside the output. The one place the scatter geometry lives.
     */
    public static int[] col2im(Window g, int mg) {
        int area = g.kh() * g.kw();
        int inPlane = g.h() * g.w();
        int[] map = new int[Math.multiplyExact(mg * area, inPlane)];
        for (int oc = 0; oc < mg; oc++) {
            for (int k = 0; k < area; k++) {
                int ky = k / g.kw();
                int kx = k % g.kw();
                int row = (oc * area + k) * inPlane;
                for (int iy = 0; iy < g.h(); iy++) {
                    int oy = iy * g.sh() - g.ph() + ky * g.dh();
                    for (int ix = 0; ix < g.w(); ix++) {
                        int ox = ix * g.sw() - g.pw() + kx * g.dw();
                        boolean inside = oy >= 0 && oy < g.oh() && ox >= 0 && ox < g.ow();
                        map[row + iy * g.w() + ix] = inside ? oc * g.outPositions() + oy * g.ow() + ox : -1;
                    }
                }
            }
        }
        return map;
    }

    /**
     * The ConvTranspose on integers, exactly: the accumulators (no rescale). One output sums, for each (input channel,
     * kernel position), at most one product (a kernel position maps an output position to at most one input
     * position), so max|x| times the largest sum of |w| over one output channel's weights, plus max|bias|, bounds
     * every partial sum in any order (a column entry of the product sums a subset of those terms). When that bound is
     * at most 2^53 the product runs in doubles (exact, see {@link #fitsExactDouble}); when it fits a long, the same
     * product and scatter in unchecked longs; beyond, an ArithmeticException (the caller reports a fixed-point
     * overflow) before any arithmetic.
     */
    public static long[] convTransposeExact(long[] x, long[] w, long[] bias, Window g, int batch, int channels, int m,
                                            int group) {
        long bound = convTransposeWeightBound(w, channels, m, group, g.kh() * g.kw());
        long xMax = maxAbs(x);
        long biasMax = bias == null ? 0 : maxAbs(bias);
        long[] out = new long[Math.multiplyExact(Math.multiplyExact(batch, m), g.outPositions())];
        if (fitsExactDouble(xMax, bound, biasMax)) {
            double[] of = new double[out.length];
            convTranspose(toDoubles(x), toDoubles(w), bias == null ? null : toDoubles(bias), of, g, batch, channels, m,
                    group);
            for (int i = 0; i < out.length; i++) {
                out[i] = (long) of[i];
            }
            return out;
        }
        if (!fitsLong(xMax, bound, biasMax)) {
            throw new ArithmeticException("ConvTranspose accumulators may exceed 2^63: max|x| " + xMax
                    + " times the largest output channel's sum of |w| " + bound);
        }
        convTranspose(x, w, bias, out, g, batch, channels, m, group);
        return out;
    }

    /**
     * The largest sum of |w| over the weights of one ConvTranspose output channel (weights [channels][m/group][area]);
     * Long.MAX_VALUE when a sum does not fit a long.
     */
    public static long convTransposeWeightBound(long[] w, int channels, int m, int group, int area) {
        int cg = channels / group;
        int mg = m / group;
        long best = 0;
        try {
            for (int o = 0; o < m; o++) {
                int grp = o / mg;
                int oc = o % mg;
                long s = 0;
                for (int c = 0; c < cg; c++) {
                    int base = ((grp * cg + c) * mg + oc) * area;
                    for (int k = 0; k < area; k++) {
                        long v = w[base + k];
                        s = Math.addExact(s, v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v));
                    }
                }
                best = Math.max(best, s);
            }
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return best;
    }

    /** Runs tasks 0..tasks-1, in parallel when asked, there are several and the work is worth it. */
    public static void run(int tasks, long work, boolean parallel, IntConsumer task) {
        if (parallel && tasks > 1 && work >= PARALLEL_WORK) {
            IntStream.range(0, tasks).parallel().forEach(task);
        } else {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        }
    }

    /** The largest |v| of the array (0 for an empty one); Long.MIN_VALUE counts as 2^63 - 1 + 1, i.e. no bound. */
    public static long maxAbs(long[] v) {
        long m = 0;
        for (long x : v) {
            if (x == Long.MIN_VALUE) {
                return Long.MAX_VALUE;
            }
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /**
     * True when {@code xMax * rowAbsSum + bias} cannot overflow a long, where xMax bounds every |x| and rowAbsSum
     * bounds every sum of |w| that one output reads: then every partial sum of such an output fits, in any order.
     */
    public static boolean fitsLong(long xMax, long rowAbsSum, long biasMax) {
        try {
            Math.addExact(Math.multiplyExact(xMax, rowAbsSum), biasMax);
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** 2^53: every integer of at most this magnitude is a double, and so is every sum and product that stays below. */
    public static final long EXACT_DOUBLE = 1L << 53;

    /**
     * True when {@code xMax * rowAbsSum + biasMax <= 2^53}: then an integer product computed in doubles is exact,
     * since every product and every partial sum (bias included, in any order) is an integer of magnitude at most
     * 2^53, which a double holds exactly (Java does not fuse a multiply and an add unless asked, so each product is
     * rounded on its own, and exactly). The double product vectorizes where the long one does not (no 64-bit vector
     * multiply below AVX-512), so the quantized kernels use it whenever this holds, which it does at usual scales
     * (2^9 activations times 2^9 weights over 4,608 taps is about 2^32).
     */
    public static boolean fitsExactDouble(long xMax, long rowAbsSum, long biasMax) {
        try {
            return Math.addExact(Math.multiplyExact(xMax, rowAbsSum), biasMax) <= EXACT_DOUBLE;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** The values as doubles (exact for |v| <= 2^53). */
    public static double[] toDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /**
     * The largest sum of |w| over one row of {@code rows} consecutive rows of length {@code len}; Long.MAX_VALUE when
     * a sum does not fit a long (no bound).
     */
    public static long maxRowAbsSum(long[] w, int off, int rows, int len) {
        long best = 0;
        try {
            for (int r = 0; r < rows; r++) {
                long s = 0;
                for (int i = off + r * len, end = i + len; i < end; i++) {
                    s = Math.addExact(s, w[i] == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(w[i]));
                }
                best = Math.max(best, s);
            }
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return best;
    }

    /**
     * The largest sum of |b| over one column of a k x n row-major matrix; Long.MAX_VALUE when it does not fit. Column
     * blocks run in parallel on a large matrix. The sums are plain adds when no |b| reaches 2^62 / 2^ceil(log2 k) (then
     * no column sum can overflow); otherwise every add is checked.
     */
    public static long maxColAbsSum(long[] b, int off, int k, int n) {
        int blocks = Math.max(1, (n + COLS - 1) / COLS);
        long[] best = new long[blocks];
        run(blocks, (long) k * n, true, t -> best[t] = colAbsSums(b, off, k, n, t * COLS, Math.min(n, t * COLS + COLS)));
        long m = 0;
        for (long v : best) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The largest column sum of |b| over columns [j0, j1) (see {@link #maxColAbsSum}). */
    static long colAbsSums(long[] b, int off, int k, int n, int j0, int j1) {
        long[] sums = new long[Math.max(0, j1 - j0)];
        long or = 0;
        for (int q = 0; q < k; q++) {
            int row = off + q * n;
            for (int j = j0; j < j1; j++) {
                long av = Math.abs(b[row + j]);
                sums[j - j0] += av;
                or |= av;
            }
        }
        // or < 0: some value is Long.MIN_VALUE. Else every |b| < 2^bits(or) and a sum of k of them < 2^(bits(or) + lg k)
        int lgK = 64 - Long.numberOfLeadingZeros(Math.max(1, k) - 1L);
        if (or < 0 || (64 - Long.numberOfLeadingZeros(or)) + lgK > 62) {
            java.util.Arrays.fill(sums, 0);
            try {
                for (int q = 0; q < k; q++) {
                    int row = off + q * n;
                    for (int j = j0; j < j1; j++) {
                        long v = b[row + j];
                        sums[j - j0] = Math.addExact(sums[j - j0], v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v));
                    }
                }
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        long best = 0;
        for (long s : sums) {
            best = Math.max(best, s);
        }
        return best;
    }
}
