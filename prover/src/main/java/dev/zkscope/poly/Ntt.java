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
        // cache (one pass over the array for the first log2(BLOCK) stages); the larger stages then sweep the array.
        int block = Math.min(n, BLOCK);
        if (parallel) {
            IntStream.range(0, n / block).parallel().forEach(c -> smallStages(a, tw, c * block, block, startHalf));
        } else {
            for (int c = 0; c < n; c += block) {
                smallStages(a, tw, c, block, startHalf);
            }
        }
        for (int half = Math.max(block, startHalf); half < n; half <<= 1) {
            final int h = half;
            int butterflies = n >>> 1;
            if (parallel) {
                IntStream.range(0, butterflies / CHUNK).parallel()
                        .forEach(c -> stage(a, tw, h, c * CHUNK, (c + 1) * CHUNK));
            } else {
                stage(a, tw, h, 0, butterflies);
            }
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

    /** Butterflies with index b in [from, to) of the stage with half-block size h. */
    private static void stage(long[] a, long[] tw, int h, int from, int to) {
        int b = from;
        while (b < to) {
            int block = b / h;
            int j = b - block * h;
            int base = block * 2 * h;
            int end = Math.min(h, j + (to - b));
            for (; j < end; j++, b++) {
                int i0 = base + j;
                int i1 = i0 + h;
                long u = a[i0];
                long v = mul(a[i1], tw[h + j]);
                a[i0] = add(u, v);
                a[i1] = sub(u, v);
            }
        }
    }

    /** In place: evaluations on the subgroup (natural order) to coefficients. */
    public static void inverse(long[] a) {
        forward(a);
        int n = a.length;
        for (int k = 1, l = n - 1; k < l; k++, l--) {
            long t = a[k];
            a[k] = a[l];
            a[l] = t;
        }
        long nInv = Goldilocks.inv(n);
        if (n >= PARALLEL_THRESHOLD) {
            IntStream.range(0, n / CHUNK).parallel().forEach(c -> {
                for (int i = c * CHUNK; i < (c + 1) * CHUNK; i++) {
                    a[i] = mul(a[i], nInv);
                }
            });
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = mul(a[i], nInv);
            }
        }
    }

    static void bitReverse(long[] a, int logN) {
        int n = a.length;
        int shift = 32 - logN;
        for (int i = 0; i < n; i++) {
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
