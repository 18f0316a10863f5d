package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;

import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.add;
import static dev.zkscope.field.Goldilocks.mul;
import static dev.zkscope.field.Goldilocks.sub;

/**
 * The number-theoretic transform over the two-adic subgroups of Goldilocks.
 *
 * <p>{@link #forward} maps coefficients to evaluations on &lt;omega_N&gt; in natural order: out[k] = sum_j a[j]
 * omega^(jk). It is the iterative radix-2 Cooley-Tukey transform: a bit-reversal permutation, then log N stages of
 * butterflies (u, v) -> (u + w v, u - w v) with w = omega_m^j in blocks of size m. The twiddles of every stage live
 * in one table, tw[m/2 + j] = omega_m^j, valid for all sizes at once because omega_{2m}^2 = omega_m.
 *
 * <p>{@link #inverse} uses sum_j a[j] omega^(-jk) = forward(a)[N - k]: a forward transform, a reversal of indices
 * 1..N-1, and a scaling by 1/N. Coset transforms multiply coefficient i by shift^i (f(shift X) has coefficients
 * c_i shift^i), which gives the low-degree extension on shift * &lt;omega_N&gt; that never meets the trace domain.
 *
 * <p>Large transforms split each stage's N/2 butterflies into chunks run on the common ForkJoin pool.
 */
public final class Ntt {
    /** Below this many elements a transform runs on the calling thread. */
    static final int PARALLEL_THRESHOLD = 1 << 14;
    private static final int CHUNK = 1 << 12;
    /** Elements per cache block (2^12 longs = 32 KiB, an L1/L2-resident block). */
    private static final int BLOCK = 1 << 12;

    private static volatile long[] twiddles = new long[0];

    private Ntt() {}

    /** The twiddle table for transforms up to size 2^logN: tw[h + j] = omega_{2h}^j for h = 2^s, j < h. */
    static long[] twiddles(int logN) {
        long[] t = twiddles;
        int n = 1 << logN;
        if (t.length >= n) {
            return t;
        }
        synchronized (Ntt.class) {
            t = twiddles;
            if (t.length >= n) {
                return t;
            }
            long[] nt = new long[Math.max(n, 2)];
            for (int s = 0; (1 << s) < n; s++) {
                int h = 1 << s;
                long w = Goldilocks.rootOfUnity(s + 1);
                long x = 1;
                for (int j = 0; j < h; j++) {
                    nt[h + j] = x;
                    x = mul(x, w);
                }
            }
            twiddles = nt;
            return nt;
        }
    }

    /** In place: coefficients to evaluations on the subgroup of size a.length (a power of two), natural order. */
    public static void forward(long[] a) {
        int n = a.length;
        if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("NTT size must be a power of two, got " + n);
        }
        if (n == 1) {
            return;
        }
        int logN = Integer.numberOfTrailingZeros(n);
        bitReverse(a, logN);
        stages(a, 1);
    }

    /** The butterfly stages with half-block sizes startHalf, 2 startHalf, ... n/2, on bit-reversed input. */
    private static void stages(long[] a, int startHalf) {
        int n = a.length;
        int logN = Integer.numberOfTrailingZeros(n);
        long[] tw = twiddles(logN);
        boolean parallel = n >= PARALLEL_THRESHOLD;
        // Cache blocking: the stages with blocks of at most BLOCK elements run block by block while the block sits in
        // cache (one pass over the array for the first log2(BLOCK) stages).
        // A transform small enough to run on the calling thread fits in L2 as a whole: one block.
        int block = parallel ? Math.min(n, BLOCK) : n;
        if (parallel) {
            IntStream.range(0, n / block).parallel().forEach(c -> smallStages(a, tw, c * block, block, startHalf));
        } else {
            for (int c = 0; c < n; c += block) {
                smallStages(a, tw, c, block, startHalf);
            }
        }
        if (n <= block) {
            return;
        }
        // The larger stages only mix index bits log2(BLOCK) and up: every column {c + r BLOCK : r < n / BLOCK} is
        // transformed on its own. A tile of adjacent columns is gathered into a contiguous buffer, all large stages
        // run on it in cache, and it is scattered back: one pass over memory instead of one per stage.
        int rows = n / block;
        int startRowHalf = Math.max(1, startHalf / block);
        if (startRowHalf >= rows) {
            return;
        }
        int cols = Math.max(8, TILE / rows);
        int tiles = block / cols;
        if (parallel) {
            // A few tiles per task: one buffer per task, and enough tasks to balance two or more workers.
            int tasks = Math.min(tiles, 16);
            int per = (tiles + tasks - 1) / tasks;
            IntStream.range(0, tasks).parallel().forEach(k -> {
                long[] buf = new long[rows * cols];
                for (int t = k * per; t < Math.min(tiles, (k + 1) * per); t++) {
                    columnStages(a, tw, buf, t * cols, cols, rows, startRowHalf);
                }
            });
        } else {
            long[] buf = new long[rows * cols];
            for (int t = 0; t < tiles; t++) {
                columnStages(a, tw, buf, t * cols, cols, rows, startRowHalf);
            }
        }
    }

    /** Elements per gathered tile of the large stages (2^12 longs = 32 KiB) when the rows allow it. */
    private static final int TILE = 1 << 12;

    /**
     * The stages with half-block sizes rowHalf0 BLOCK, ... n/2 on the columns c0 .. c0 + cols - 1: element (r, c) of the
     * tile is a[r BLOCK + c0 + c], and the butterfly of rows (r, r + hr) uses omega_{2 hr BLOCK}^((r mod hr) BLOCK + c).
     */
    private static void columnStages(long[] a, long[] tw, long[] buf, int c0, int cols, int rows, int rowHalf0) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * BLOCK + c0, buf, r * cols, cols);
        }
        for (int hr = rowHalf0; hr < rows; hr <<= 1) {
            int h = hr * BLOCK;
            int span = hr * cols;
            for (int base = 0; base < rows * cols; base += 2 * span) {
                for (int rr = 0; rr < hr; rr++) {
                    int t0 = h + rr * BLOCK + c0;
                    int i0 = base + rr * cols;
                    int i1 = i0 + span;
                    for (int c = 0; c < cols; c++) {
                        long u = buf[i0 + c];
                        long v = mul(buf[i1 + c], tw[t0 + c]);
                        buf[i0 + c] = add(u, v);
                        buf[i1 + c] = sub(u, v);
                    }
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(buf, r * cols, a, r * BLOCK + c0, cols);
        }
    }

    /** All stages with half-block size below len, inside a[from, from + len). */
    private static void smallStages(long[] a, long[] tw, int from, int len, int startHalf) {
        int end = from + len;
        if (startHalf == 1) {
            for (int i = from; i < end; i += 2) {
                long u = a[i];
                long v = a[i + 1];
                a[i] = add(u, v);
                a[i + 1] = sub(u, v);
            }
        }
        for (int h = Math.max(2, startHalf); h < len; h <<= 1) {
            for (int base = from; base < end; base += 2 * h) {
                long u0 = a[base];
                long v0 = a[base + h];
                a[base] = add(u0, v0);
                a[base + h] = sub(u0, v0);
                for (int j = 1; j < h; j++) {
                    int i0 = base + j;
                    int i1 = i0 + h;
                    long u = a[i0];
                    long v = mul(a[i1], tw[h + j]);
                    a[i0] = add(u, v);
                    a[i1] = sub(u, v);
                }
            }
        }
    }

    /** In place: evaluations on the subgroup (natural order) to coefficients. */
    public static void inverse(long[] a) {
        forward(a);
        int n = a.length;
        long nInv = Goldilocks.inv(n);
        // One pass for the reversal of indices 1..n-1 and the scaling: the pairs (k, n - k), k < n/2, are disjoint.
        a[0] = mul(a[0], nInv);
        if (n == 1) {
            return;
        }
        int halfN = n >>> 1;
        if (n >= PARALLEL_THRESHOLD) {
            IntStream.range(0, halfN / CHUNK).parallel()
                    .forEach(c -> reverseAndScale(a, nInv, Math.max(1, c * CHUNK), (c + 1) * CHUNK));
        } else {
            reverseAndScale(a, nInv, 1, halfN);
        }
        a[halfN] = mul(a[halfN], nInv);
    }

    /** For k in [from, to): (a[k], a[n - k]) := (a[n - k] / n, a[k] / n), given nInv = 1/n. */
    private static void reverseAndScale(long[] a, long nInv, int from, int to) {
        int n = a.length;
        for (int k = from; k < to; k++) {
            int l = n - k;
            long t = a[k];
            a[k] = mul(a[l], nInv);
            a[l] = mul(t, nInv);
        }
    }

    static void bitReverse(long[] a, int logN) {
        int n = a.length;
        if (n >= PARALLEL_THRESHOLD) {
            // Each swap (i, rev i) is done by the owner of the smaller index, so the chunks touch disjoint pairs.
            IntStream.range(0, n / CHUNK).parallel().forEach(c -> bitReverse(a, logN, c * CHUNK, (c + 1) * CHUNK));
        } else {
            bitReverse(a, logN, 0, n);
        }
    }

    /** The swaps (i, rev i) with i in [from, to) and i &lt; rev i. */
    private static void bitReverse(long[] a, int logN, int from, int to) {
        int shift = 32 - logN;
        for (int i = from; i < to; i++) {
            int j = Integer.reverse(i) >>> shift;
            if (i < j) {
                long t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
    }

    /**
     * Low-degree extension: the evaluations of f (degree &lt; coeffs.length) on shift * &lt;omega_M&gt;, M =
     * coeffs.length * 2^logBlowup.
     */
    public static Evals lde(Coeffs f, int logBlowup, long shift) {
        long[] c = f.c();
        int n = c.length;
        int b = 1 << logBlowup;
        long[] out = new long[n << logBlowup];
        // The zero-padded input, bit-reversed over log(n b) bits, puts c_i shift^i at rev_{log n}(i) * b and zeros
        // in between; the first logBlowup stages then only copy it into its block of b: (u, 0) -> (u, u).
        int logN = Integer.numberOfTrailingZeros(n);
        int sh = 32 - logN;
        long s = 1;
        for (int i = 0; i < n; i++) {
            long v = mul(c[i], s);
            s = mul(s, shift);
            int j = (logN == 0 ? 0 : Integer.reverse(i) >>> sh) << logBlowup;
            for (int t = 0; t < b; t++) {
                out[j + t] = v;
            }
        }
        if (out.length > 1) {
            stages(out, b);
        }
        return new Evals(out, shift);
    }

    /** Interpolation: the coefficients of the unique f of degree &lt; size with the given coset evaluations. */
    public static Coeffs interpolate(Evals e) {
        return interpolateInPlace(new Evals(e.v().clone(), e.shift()));
    }

    /** As {@link #interpolate}, overwriting the evaluation array with the coefficients. */
    public static Coeffs interpolateInPlace(Evals e) {
        long[] a = e.v();
        inverse(a);
        if (e.shift() == 1) {
            return new Coeffs(a);
        }
        long sInv = Goldilocks.inv(e.shift());
        long s = 1;
        for (int i = 0; i < a.length; i++) {
            a[i] = mul(a[i], s);
            s = mul(s, sInv);
        }
        return new Coeffs(a);
    }

    /** The evaluations on the subgroup of size coeffs.length (no blowup, shift 1). */
    public static Evals evaluate(Coeffs f) {
        long[] a = f.c().clone();
        forward(a);
        return new Evals(a, 1);
    }
}
