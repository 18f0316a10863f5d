package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.stream.IntStream;

/**
 * Multilinear extensions given by their 2^m evaluations on the Boolean hypercube. Index bit j is variable j, so
 * f~(z) = sum_x f(x) eq(z, x) with eq(z, x) = prod_j (z_j x_j + (1 - z_j)(1 - x_j)). Folding fixes the highest
 * variable: f(r, x') = f(0, x') + r (f(1, x') - f(0, x')), where f(0, x') and f(1, x') are the two contiguous halves
 * of the table, so a fold reads and writes memory in order and splits into independent chunks.
 */
public final class Mle {
    static final int PARALLEL = 1 << 12;

    private Mle() {}

    /** Smallest m with 2^m >= n (at least 0). */
    public static int logCeil(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    /** The table padded with zeros to 2^m entries. */
    public static long[] pad(long[] v, int m) {
        long[] out = new long[1 << m];
        System.arraycopy(v, 0, out, 0, Math.min(v.length, out.length));
        return out;
    }

    /** The table eq(z, x) for all x in {0,1}^m, interleaved extension elements; m = z.length. */
    public static long[] eqTable(Fp2[] z) {
        return eqTable(z, Fp2.ONE);
    }

    /** The table k eq(z, x) for all x in {0,1}^m (the same products as {@link #eqTable(Fp2[])}, started from k). */
    public static long[] eqTable(Fp2[] z, Fp2 k) {
        long[] t = new long[2 << z.length];
        eqTableInto(z, k, t, 0);
        return t;
    }

    /** Writes k eq(z, x) for all x into t from index {@code base} on (2^(z.length + 1) longs, interleaved). */
    static void eqTableInto(Fp2[] z, Fp2 k, long[] t, int base) {
        int m = z.length;
        t[base] = k.c0();
        t[base + 1] = k.c1();
        FieldOps.add((1L << m) - 1);
        int s = 1;
        for (int j = 0; j < m; j++) {
            long z0 = z[j].c0();
            long z1 = z[j].c1();
            int half = s;
            if (s >= 2 * PARALLEL) { // the last levels hold most of the work: entries [0, s) split into chunks
                IntStream.range(0, s / PARALLEL).parallel()
                        .forEach(c -> eqLevel(t, base, half, z0, z1, c * PARALLEL, (c + 1) * PARALLEL));
            } else {
                eqLevel(t, base, half, z0, z1, 0, s);
            }
            s <<= 1;
        }
    }

    /** One level of {@link #eqTable}: entry i (i in [from, to)) splits into t[i] (1 - z) and t[i + s] = t[i] z. */
    private static void eqLevel(long[] t, int base, int s, long z0, long z1, int from, int to) {
        for (int i = from; i < to; i++) {
            int lo = base + 2 * i;
            int hi = base + 2 * (i + s);
            long a0 = t[lo];
            long a1 = t[lo + 1];
            long v0 = Goldilocks.mul(a0, z0);
            long v1 = Goldilocks.mul(a1, z1);
            long h0 = Goldilocks.add(v0, Ext.timesW(v1));
            long h1 = Ext.cross(a0, a1, z0, z1, v0, v1);
            t[hi] = h0;
            t[hi + 1] = h1;
            t[lo] = Goldilocks.sub(a0, h0);
            t[lo + 1] = Goldilocks.sub(a1, h1);
        }
    }

    /** eq(a, b) for two points of the same length. */
    public static Fp2 eq(Fp2[] a, Fp2[] b) {
        Fp2 acc = Fp2.ONE;
        for (int j = 0; j < a.length; j++) {
            Fp2 ab = a[j].mul(b[j]);
            // a b + (1 - a)(1 - b) = 1 - a - b + 2ab
            acc = acc.mul(Fp2.ONE.sub(a[j]).sub(b[j]).add(ab).add(ab));
        }
        return acc;
    }

    /** Fixes the highest variable of an interleaved table of 2h entries to r: returns the table of h entries. */
    public static long[] fold(long[] t, Fp2 r) {
        return fold(t, r, Fp2.ZERO);
    }

    /** As {@link #fold(long[], Fp2)} with the constant {@code add} added to every entry in the same pass. */
    static long[] fold(long[] t, Fp2 r, Fp2 add) {
        int h = t.length >>> 2;
        long[] out = new long[2 * h];
        FieldOps.add(h);
        long r0 = r.c0();
        long r1 = r.c1();
        long k0 = add.c0();
        long k1 = add.c1();
        if (h >= PARALLEL) {
            int chunk = PARALLEL;
            IntStream.range(0, h / chunk).parallel()
                    .forEach(c -> foldRange(t, out, h, r0, r1, k0, k1, c * chunk, (c + 1) * chunk));
        } else {
            foldRange(t, out, h, r0, r1, k0, k1, 0, h);
        }
        return out;
    }

    private static void foldRange(long[] t, long[] out, int h, long r0, long r1, long k0, long k1, int from, int to) {
        for (int i = from; i < to; i++) {
            long a0 = t[2 * i];
            long a1 = t[2 * i + 1];
            long d0 = Goldilocks.sub(t[2 * (i + h)], a0);
            long d1 = Goldilocks.sub(t[2 * (i + h) + 1], a1);
            long v0 = Goldilocks.mul(d0, r0);
            long v1 = Goldilocks.mul(d1, r1);
            out[2 * i] = Goldilocks.add(Goldilocks.add(a0, Goldilocks.add(v0, Ext.timesW(v1))), k0);
            out[2 * i + 1] = Goldilocks.add(Goldilocks.add(a1, Ext.cross(d0, d1, r0, r1, v0, v1)), k1);
        }
    }

    /** Fixes the highest variable of a base-field table of 2h entries to an extension r. */
    public static long[] foldBase(long[] t, Fp2 r) {
        int h = t.length >>> 1;
        long[] out = new long[2 * h];
        FieldOps.add(h);
        long r0 = r.c0();
        long r1 = r.c1();
        IntStream.range(0, Math.max(1, h / PARALLEL)).parallel().forEach(c -> {
            int to = h < PARALLEL ? h : (c + 1) * PARALLEL;
            for (int i = h < PARALLEL ? 0 : c * PARALLEL; i < to; i++) {
                long d = Goldilocks.sub(t[i + h], t[i]);
                out[2 * i] = Goldilocks.add(t[i], Goldilocks.mul(d, r0));
                out[2 * i + 1] = Goldilocks.mul(d, r1);
            }
        });
        return out;
    }

    /** f~(z) of a base-field table of 2^z.length entries. */
    public static Fp2 evaluateBase(long[] t, Fp2[] z) {
        if (t.length != 1 << z.length) {
            throw new IllegalArgumentException("table of " + t.length + " entries at a point of " + z.length + " variables");
        }
        if (z.length == 0) {
            return Fp2.of(t[0]);
        }
        long[] cur = foldBase(t, z[z.length - 1]);
        for (int j = z.length - 2; j >= 0; j--) {
            cur = fold(cur, z[j]);
        }
        return new Fp2(cur[0], cur[1]);
    }

    /** f~(z) of an interleaved extension table of 2^z.length entries. */
    public static Fp2 evaluate(long[] t, Fp2[] z) {
        if (t.length != 2 << z.length) {
            throw new IllegalArgumentException("table of " + t.length / 2 + " entries at a point of " + z.length + " variables");
        }
        long[] cur = t;
        for (int j = z.length - 1; j >= 0; j--) {
            cur = fold(cur, z[j]);
        }
        return new Fp2(cur[0], cur[1]);
    }
}
