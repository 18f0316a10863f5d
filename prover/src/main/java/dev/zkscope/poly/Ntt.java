package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;

import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.mul;

/**
 * The number-theoretic transform over the two-adic subgroups of Goldilocks.
 *
 * <p>{@link #forward} maps coefficients to evaluations on &lt;omega_N&gt; in natural order: out[k] = sum_j a[j]
 * omega^(jk). It is the iterative Cooley-Tukey transform: a bit-reversal permutation, then log N stages of
 * butterflies (u, v) -> (u + w v, u - w v) with w = omega_m^j in blocks of size m, run two stages at a time as
 * radix-4 butterflies (see {@link #radix4}) and a last radix-2 stage when the count is odd. The twiddles of every stage live
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
    /** tw3[h + j] = omega_{4h}^(3j) for h = 2^s, j &lt; h: the third twiddle of the radix-4 butterflies. */
    private static volatile long[] twiddles3 = new long[0];
    /** omega_4 = 2^48 for the generator 7 (checked here, so the shift below is exact): x omega_4 = x 2^48. */
    private static final boolean OMEGA4_IS_2_48 = Goldilocks.rootOfUnity(2) == 1L << 48;

    private Ntt() {}

    /**
     * a + b for canonical a, b (both below p), canonical: a + b - p = a - (p - b) when a &gt;= p - b, else a + b with
     * no wrap. Five operations and a conditional move where {@link Goldilocks#add} (valid for the same inputs, same
     * result) takes a carry mask and a final reduction: the butterflies do as many additions as multiplications.
     */
    static long add(long a, long b) {
        long pb = Goldilocks.P - b;
        long d = a - pb;
        return Long.compareUnsigned(a, pb) >= 0 ? d : a + b;
    }

    /** a - b for canonical a, b, canonical: a - b, plus p when it borrowed (the same result as {@link Goldilocks#sub}). */
    static long sub(long a, long b) {
        long d = a - b;
        return Long.compareUnsigned(a, b) >= 0 ? d : d + Goldilocks.P;
    }

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

    /** The radix-4 twiddles for transforms up to size 2^logN: tw3[h + j] = omega_{4h}^(3j), 4h &lt;= 2^logN. */
    static long[] twiddles3(int logN) {
        long[] t = twiddles3;
        int n = 1 << logN;
        if (t.length >= n) {
            return t;
        }
        synchronized (Ntt.class) {
            t = twiddles3;
            if (t.length >= n) {
                return t;
            }
            long[] nt = new long[Math.max(n, 2)];
            for (int s = 0; (4 << s) <= n; s++) {
                int h = 1 << s;
                long w3 = Goldilocks.pow(Goldilocks.rootOfUnity(s + 2), 3);
                long x = 1;
                for (int j = 0; j < h; j++) {
                    nt[h + j] = x;
                    x = mul(x, w3);
                }
            }
            twiddles3 = nt;
            return nt;
        }
    }

    /** x omega_4. */
    private static long mulOmega4(long x) {
        return OMEGA4_IS_2_48 ? Goldilocks.mulByPow2(x, 48) : mul(x, Goldilocks.rootOfUnity(2));
    }

    /**
     * The stages with half-block sizes h and 2h fused (radix 4): the 4-point butterflies with index g in [from, to),
     * g = block h + j for the block starting at 4h block. After the stages below h, a block of 4h holds the size-h
     * transforms of the inputs with residues 0, 2, 1, 3 mod 4 (bit-reversed order); with W = omega_{4h} and
     * t_r = W^(rj) E_r[j], output j + qh is sum_r omega_4^(rq) t_r: three general multiplications and one by
     * omega_4 = 2^48 instead of four.
     */
    private static void radix4(long[] a, long[] tw, long[] tw3, int h, int from, int to) {
        int g = from;
        while (g < to) {
            int block = g / h;
            int j = g - block * h;
            int base = block * 4 * h;
            int end = Math.min(h, j + (to - g));
            for (; j < end; j++, g++) {
                int i0 = base + j;
                int i1 = i0 + h;
                int i2 = i1 + h;
                int i3 = i2 + h;
                long t0 = a[i0];
                long t2 = mul(a[i1], tw[h + j]);
                long t1 = mul(a[i2], tw[2 * h + j]);
                long t3 = mul(a[i3], tw3[h + j]);
                long s02 = add(t0, t2);
                long d02 = sub(t0, t2);
                long s13 = add(t1, t3);
                long m = mulOmega4(sub(t1, t3));
                a[i0] = add(s02, s13);
                a[i1] = add(d02, m);
                a[i2] = sub(s02, s13);
                a[i3] = sub(d02, m);
            }
        }
    }

    /** In place: coefficients to evaluations on the subgroup of size a.length (a power of two), natural order. */
    public static void forward(long[] a) {
        forward(a, Cancel.NEVER);
    }

    /**
     * As {@link #forward(long[])}, polling {@code cancel} between cache blocks and between butterfly stages; a
     * cancelled transform throws {@link java.util.concurrent.CancellationException} and leaves {@code a} scrambled.
     */
    public static void forward(long[] a, Cancel cancel) {
        int n = a.length;
        if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("NTT size must be a power of two, got " + n);
        }
        if (n == 1) {
            return;
        }
        int logN = Integer.numberOfTrailingZeros(n);
        cancel.check("an NTT of 2^" + logN);
        bitReverse(a, logN);
        stages(a, 1, cancel);
    }

    /** The butterfly stages with half-block sizes startHalf, 2 startHalf, ... n/2, on bit-reversed input. */
    private static void stages(long[] a, int startHalf, Cancel cancel) {
        int n = a.length;
        int logN = Integer.numberOfTrailingZeros(n);
        long[] tw = twiddles(logN);
        long[] tw3 = twiddles3(logN);
        boolean parallel = n >= PARALLEL_THRESHOLD;
        // Cache blocking: the stages with blocks of at most BLOCK elements run block by block while the block sits in
        // cache (one pass over the array for the first log2(BLOCK) stages).
        // A transform small enough to run on the calling thread fits in L2 as a whole: one block.
        int block = parallel ? Math.min(n, BLOCK) : n;
        String where = "an NTT of 2^" + logN;
        if (parallel) {
            IntStream.range(0, n / block).parallel().forEach(c -> {
                cancel.check(where);
                smallStages(a, tw, tw3, c * block, block, startHalf);
            });
        } else {
            for (int c = 0; c < n; c += block) {
                smallStages(a, tw, tw3, c, block, startHalf);
            }
        }
        int half = Math.max(block, startHalf);
        for (; 4 * half <= n; half <<= 2) {
            cancel.check(where);
            final int h = half;
            int groups = n >>> 2;
            if (parallel) {
                IntStream.range(0, Math.max(1, groups / CHUNK)).parallel()
                        .forEach(c -> radix4(a, tw, tw3, h, c * CHUNK, Math.min(groups, (c + 1) * CHUNK)));
            } else {
                radix4(a, tw, tw3, h, 0, groups);
            }
        }
        for (; half < n; half <<= 1) {
            cancel.check(where);
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

    /** All stages with half-block size below len, inside a[from, from + len). */
    private static void smallStages(long[] a, long[] tw, long[] tw3, int from, int len, int startHalf) {
        int end = from + len;
        if (startHalf == 1) {
            for (int i = from; i < end; i += 2) {
                long u = a[i];
                long v = a[i + 1];
                a[i] = add(u, v);
                a[i + 1] = sub(u, v);
            }
        }
        int h = Math.max(2, startHalf);
        for (; 4 * h <= len; h <<= 2) {
            radix4(a, tw, tw3, h, from >> 2, (from + len) >> 2);
        }
        for (; h < len; h <<= 1) {
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
        inverse(a, Cancel.NEVER);
    }

    /** As {@link #inverse(long[])}, polling {@code cancel} as {@link #forward(long[], Cancel)} does. */
    public static void inverse(long[] a, Cancel cancel) {
        forward(a, cancel);
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

    /** Tile side 2^TILE_BITS of the blocked bit reversal: a 32 x 32 tile of longs is 8 KiB, two sit in L1. */
    private static final int TILE_BITS = 5;
    /** Two tile buffers per thread, reused by every reversal (they were 6% of a proof's allocations). */
    private static final ThreadLocal<long[][]> TILE_BUFFERS =
            ThreadLocal.withInitial(() -> new long[2][1 << (2 * TILE_BITS)]);

    static void bitReverse(long[] a, int logN) {
        // A transform below the parallel threshold sits in cache, where plain swaps are cheapest; larger ones (at
        // least 2^14 elements, so at least one tile's 2^(2 TILE_BITS)) are reversed by tiles.
        if (a.length >= PARALLEL_THRESHOLD) {
            blockedBitReverse(a, logN);
        } else {
            swapReverse(a, logN);
        }
    }

    /**
     * Bit reversal by tiles, so that every memory access is part of a run of 2^b consecutive longs. Split an index
     * into b high bits, m = logN - 2b middle bits and b low bits, i = (hi, mid, lo); then rev(i) = (rev lo, rev mid,
     * rev hi). For one mid the 2^b x 2^b elements (hi, mid, lo) form a tile of 2^b rows (one per hi), each row 2^b
     * consecutive elements; the reversal moves tile mid, transposed and with both coordinates bit-reversed, onto tile
     * rev(mid). The tiles of mid and rev(mid) are read into buffers and written back swapped. The naive swap loop
     * instead touches one element per cache line at a stride of n/2, which on 2^20 elements is bound by L3 latency.
     */
    private static void blockedBitReverse(long[] a, int logN) {
        int m = logN - 2 * TILE_BITS;
        int mids = 1 << m;
        int chunk = Math.max(1, mids / 64);
        IntStream.range(0, (mids + chunk - 1) / chunk).parallel().forEach(c -> {
            long[][] buf = TILE_BUFFERS.get();
            for (int mid = c * chunk; mid < Math.min(mids, (c + 1) * chunk); mid++) {
                reverseTilePair(a, logN, m, mid, buf[0], buf[1]);
            }
        });
    }

    /** Moves tile mid onto tile rev(mid) and back, once per pair (by the smaller of the two). */
    private static void reverseTilePair(long[] a, int logN, int m, int mid, long[] x, long[] y) {
        int rmid = m == 0 ? 0 : Integer.reverse(mid) >>> (32 - m);
        if (rmid < mid) {
            return;
        }
        int side = 1 << TILE_BITS;
        int rowStride = 1 << (logN - TILE_BITS);
        int bShift = 32 - TILE_BITS;
        loadTile(a, mid << TILE_BITS, rowStride, x);
        if (rmid != mid) {
            loadTile(a, rmid << TILE_BITS, rowStride, y);
        }
        storeReversed(a, rmid << TILE_BITS, rowStride, x, side, bShift);
        if (rmid != mid) {
            storeReversed(a, mid << TILE_BITS, rowStride, y, side, bShift);
        }
    }

    private static void loadTile(long[] a, int offset, int rowStride, long[] t) {
        int side = 1 << TILE_BITS;
        for (int hi = 0; hi < side; hi++) {
            System.arraycopy(a, hi * rowStride + offset, t, hi * side, side);
        }
    }

    /** Row r of the destination tile holds the source's column rev(r), its element c the source row rev(c). */
    private static void storeReversed(long[] a, int offset, int rowStride, long[] t, int side, int bShift) {
        for (int r = 0; r < side; r++) {
            int lo = Integer.reverse(r) >>> bShift;
            int base = r * rowStride + offset;
            for (int c = 0; c < side; c++) {
                int hi = Integer.reverse(c) >>> bShift;
                a[base + c] = t[hi * side + lo];
            }
        }
    }

    /** The swaps (i, rev i) with i &lt; rev i. */
    private static void swapReverse(long[] a, int logN) {
        int shift = 32 - logN;
        for (int i = 0; i < a.length; i++) {
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
        return lde(f, logBlowup, shift, Cancel.NEVER);
    }

    /** As {@link #lde(Coeffs, int, long)}, polling {@code cancel} between cache blocks and butterfly stages. */
    public static Evals lde(Coeffs f, int logBlowup, long shift, Cancel cancel) {
        long[] c = f.c();
        long[] out = new long[c.length << logBlowup];
        ldeInto(c, logBlowup, shift, out, new long[c.length], cancel);
        return new Evals(out, shift);
    }

    /**
     * As {@link #lde(Coeffs, int, long, Cancel)}, into {@code out} (n 2^logBlowup values) with {@code shifted} (n
     * values) as scratch; both are overwritten whole, so a committer that extends many columns reuses one pair per
     * thread instead of leaving an extension-sized array behind per column (a humongous one from 2^18 points).
     */
    public static void ldeInto(long[] c, int logBlowup, long shift, long[] out, long[] shifted, Cancel cancel) {
        int n = c.length;
        int b = 1 << logBlowup;
        if (out.length != n << logBlowup || shifted.length != n) {
            throw new IllegalArgumentException("buffers of " + out.length + " and " + shifted.length + " values for "
                    + n + " coefficients at blowup 2^" + logBlowup);
        }
        // The zero-padded input, bit-reversed over log(n b) bits, puts c_i shift^i at rev_{log n}(i) * b and zeros
        // in between; the first logBlowup stages then only copy it into its block of b: (u, 0) -> (u, u).
        // Written in output order (the shifted coefficients bit-reversed by tiles, then each repeated b times in one
        // sequential pass): writing each c_i shift^i straight to its bit-reversed block touched a fresh cache line
        // (and often a fresh page) per coefficient.
        int logN = Integer.numberOfTrailingZeros(n);
        if (n >= PARALLEL_THRESHOLD) {
            IntStream.range(0, n / CHUNK).parallel()
                    .forEach(k -> shiftPowers(c, shifted, shift, k * CHUNK, (k + 1) * CHUNK));
        } else {
            shiftPowers(c, shifted, shift, 0, n);
        }
        if (n > 1) {
            bitReverse(shifted, logN);
        }
        if (n >= PARALLEL_THRESHOLD) {
            IntStream.range(0, n / CHUNK).parallel()
                    .forEach(k -> repeat(shifted, out, logBlowup, k * CHUNK, (k + 1) * CHUNK));
        } else {
            repeat(shifted, out, logBlowup, 0, n);
        }
        cancel.check("a low-degree extension to 2^" + Integer.numberOfTrailingZeros(out.length));
        if (out.length > 1) {
            stages(out, b, cancel);
        }
    }

    /**
     * The evaluations of f (degree &lt; coeffs.length) on the coset shift * &lt;omega_n&gt;, n = coeffs.length, written
     * into {@code out} (length n; null: a new array) and returned: the values of {@code lde(f, 0, shift)} without its
     * two allocations, so that a reader recomputing the cosets of a batch one after another reuses one array per
     * column.
     */
    public static long[] cosetInto(long[] coeffs, long shift, long[] buffer, Cancel cancel) {
        int n = coeffs.length;
        long[] out = buffer != null ? buffer : new long[n];
        if (out.length != n) {
            throw new IllegalArgumentException("output of " + out.length + " values for " + n + " coefficients");
        }
        if (n >= PARALLEL_THRESHOLD) {
            IntStream.range(0, n / CHUNK).parallel().forEach(k -> shiftPowers(coeffs, out, shift, k * CHUNK, (k + 1) * CHUNK));
        } else {
            shiftPowers(coeffs, out, shift, 0, n);
        }
        if (n > 1) {
            bitReverse(out, Integer.numberOfTrailingZeros(n));
            cancel.check("a coset of 2^" + Integer.numberOfTrailingZeros(n) + " points");
            stages(out, 1, cancel);
        }
        return out;
    }

    /** out[i] = c_i shift^i for i in [from, to). */
    private static void shiftPowers(long[] c, long[] out, long shift, int from, int to) {
        if (shift == 1) { // the subgroup itself (the sumcheck backend's row code): c_i, reduced as mul(c_i, 1) would
            for (int i = from; i < to; i++) {
                long x = c[i];
                out[i] = Long.compareUnsigned(x, Goldilocks.P) >= 0 ? x - Goldilocks.P : x;
            }
            return;
        }
        // Four interleaved chains of powers, each stepping by shift^4: one chain's products wait on each other, four
        // overlap in the multiplier (the loop was bound by a product's latency).
        long s0 = Goldilocks.pow(shift, from);
        long s1 = mul(s0, shift);
        long s2 = mul(s1, shift);
        long s3 = mul(s2, shift);
        long step = mul(mul(shift, shift), mul(shift, shift));
        int i = from;
        for (; i + 3 < to; i += 4) {
            out[i] = mul(c[i], s0);
            out[i + 1] = mul(c[i + 1], s1);
            out[i + 2] = mul(c[i + 2], s2);
            out[i + 3] = mul(c[i + 3], s3);
            s0 = mul(s0, step);
            s1 = mul(s1, step);
            s2 = mul(s2, step);
            s3 = mul(s3, step);
        }
        for (; i < to; i++) {
            out[i] = mul(c[i], s0);
            s0 = mul(s0, shift);
        }
    }

    /** out[r b + t] = v[r] for r in [from, to), t &lt; b = 2^logBlowup. */
    private static void repeat(long[] v, long[] out, int logBlowup, int from, int to) {
        int b = 1 << logBlowup;
        if (b == 1) {
            System.arraycopy(v, from, out, from, to - from);
            return;
        }
        for (int r = from; r < to; r++) {
            long x = v[r];
            int j = r << logBlowup;
            for (int t = 0; t < b; t++) {
                out[j + t] = x;
            }
        }
    }

    /** Interpolation: the coefficients of the unique f of degree &lt; size with the given coset evaluations. */
    public static Coeffs interpolate(Evals e) {
        return interpolateInPlace(new Evals(e.v().clone(), e.shift()));
    }

    /** As {@link #interpolate(Evals)}, polling {@code cancel} between cache blocks and butterfly stages. */
    public static Coeffs interpolate(Evals e, Cancel cancel) {
        return interpolateInPlace(new Evals(e.v().clone(), e.shift()), cancel);
    }

    /** As {@link #interpolate}, overwriting the evaluation array with the coefficients. */
    public static Coeffs interpolateInPlace(Evals e) {
        return interpolateInPlace(e, Cancel.NEVER);
    }

    /** As {@link #interpolateInPlace(Evals)}, polling {@code cancel} between cache blocks and butterfly stages. */
    public static Coeffs interpolateInPlace(Evals e, Cancel cancel) {
        long[] a = e.v();
        inverse(a, cancel);
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
