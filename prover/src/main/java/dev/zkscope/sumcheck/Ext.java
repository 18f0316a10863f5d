package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * Vectors over the extension F_p2 = F_p[X]/(X^2 - 7) stored interleaved in one {@code long[]}: element i is
 * (a[2i], a[2i+1]). The sumcheck's folded tables live here once the first challenge is applied; the hot loops inline
 * {@link Fp2#mul0}/{@link Fp2#mul1} on these pairs instead of allocating records.
 */
public final class Ext {
    private Ext() {}

    static {
        if (Fp2.W != 7) {
            throw new AssertionError("Ext.timesW assumes the non-residue 7");
        }
    }

    /** W v for the extension's non-residue W = 7, as 8 v - v (no multiplication). */
    static long timesW(long v) {
        return Goldilocks.sub(Goldilocks.mulByPow2(v, 3), v);
    }

    /**
     * The X part of (a0 + a1 X)(b0 + b1 X) by Karatsuba, given v0 = a0 b0 and v1 = a1 b1 (whose constant part is
     * v0 + W v1): (a0 + a1)(b0 + b1) - v0 - v1, one multiplication where the schoolbook form takes two.
     */
    static long cross(long a0, long a1, long b0, long b1, long v0, long v1) {
        return Goldilocks.sub(Goldilocks.sub(Goldilocks.mul(Goldilocks.add(a0, a1), Goldilocks.add(b0, b1)), v0), v1);
    }

    /** The base-field vector v lifted into the extension. */
    public static long[] lift(long[] v) {
        long[] out = new long[2 * v.length];
        for (int i = 0; i < v.length; i++) {
            out[2 * i] = v[i];
        }
        return out;
    }

    /** Element i of an interleaved vector. */
    public static Fp2 get(long[] a, int i) {
        return new Fp2(a[2 * i], a[2 * i + 1]);
    }

    public static void set(long[] a, int i, Fp2 v) {
        a[2 * i] = v.c0();
        a[2 * i + 1] = v.c1();
    }

    /** Number of extension elements in an interleaved vector. */
    public static int len(long[] a) {
        return a.length >>> 1;
    }

    /** The inner product sum a_i b_i of two interleaved vectors. */
    public static Fp2 dot(long[] a, long[] b) {
        long s0 = 0;
        long s1 = 0;
        for (int i = 0; i < a.length; i += 2) {
            s0 = Goldilocks.add(s0, Fp2.mul0(a[i], a[i + 1], b[i], b[i + 1]));
            s1 = Goldilocks.add(s1, Fp2.mul1(a[i], a[i + 1], b[i], b[i + 1]));
        }
        return new Fp2(s0, s1);
    }

    /** sum a_i b_i with a base-field vector a and an interleaved b. */
    public static Fp2 dotBase(long[] a, long[] b) {
        long s0 = 0;
        long s1 = 0;
        for (int i = 0; i < a.length; i++) {
            s0 = Goldilocks.add(s0, Goldilocks.mul(a[i], b[2 * i]));
            s1 = Goldilocks.add(s1, Goldilocks.mul(a[i], b[2 * i + 1]));
        }
        return new Fp2(s0, s1);
    }

    /** Evaluations at 0..d of the polynomial through the d+1 given points is read back at r (Lagrange on 0..d). */
    public static Fp2 interpolate(Fp2[] evals, Fp2 r) {
        int n = evals.length;
        Fp2 acc = Fp2.ZERO;
        for (int i = 0; i < n; i++) {
            Fp2 num = Fp2.ONE;
            long den = 1;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                num = num.mul(r.sub(Fp2.of(j)));
                den = Goldilocks.mul(den, Goldilocks.fromSigned(i - j));
            }
            acc = acc.add(evals[i].mul(num).mul(Goldilocks.inv(den)));
        }
        return acc;
    }

    /** Writes a canonical extension element: two 8-byte little-endian coordinates. */
    public static Fp2 fromLongs(long c0, long c1) {
        return new Fp2(c0, c1);
    }
}
