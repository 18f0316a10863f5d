package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.stream.IntStream;

/**
 * The prover of the degree-2 sumcheck sum_x a(x) e(x) over 2^m points where a is a base-field table and e an
 * extension table: the batching sumcheck of {@link ZkOpening#proveClaims}, the largest sumcheck of a proof. Its
 * transcript and result are those of {@link Sumcheck#prove} on {@code Form.product(0, 1)} and the tables
 * {@code {Ext.lift(a), e}}, value for value; it only does less work for them:
 * <ul>
 *   <li>the first round reads a in the base field (no lifted copy of the committed values), its two halves given as
 *   two arrays (the hiding opening's data and blinding block need not be copied into one table);</li>
 *   <li>after the first fold both tables are folded in place (no new half-size array per round), each fold in one
 *   pass with the next round's evaluations (the tables are read once per round, not twice);</li>
 *   <li>the committed values' zero tail (rows past the committed ones) is skipped in the first round and fold;</li>
 *   <li>each round's evaluations and each fold run in parallel chunks.</li>
 * </ul>
 * The extension-field products are counted ({@link FieldOps}) as {@link Sumcheck#prove} counts them, so the estimates
 * derived from that count stay exact.
 */
final class ProductSumcheck {
    private ProductSumcheck() {}

    /**
     * Proves sum_x a(x) e(x) with a = [lo | hi] (the top variable picks the half; each of {@code h} base-field values,
     * read from {@code lo[loOff..]} and {@code hi[hiOff..]}) and e interleaved of 2h entries. {@code e} is overwritten.
     */
    static Sumcheck.Result prove(long[] lo, int loOff, long[] hi, int hiOff, int h, long[] e, Transcript tr) {
        return prove(lo, loOff, hi, hiOff, h, h, e, null, tr);
    }

    /**
     * As above where both halves are zero from index {@code nz} on (a commitment's rows past its committed ones): the
     * first round and the first fold of a skip that tail (e is still folded everywhere). With the {@code claim}
     * sum_x a(x) e(x) given (non-null), each round's g(1) is read off the round's claim (g(0) + g(1) = claim, then
     * claim = g(r)) instead of computed: the same values for the true sum, a third fewer products per round.
     */
    static Sumcheck.Result prove(long[] lo, int loOff, long[] hi, int hiOff, int h, int nz, long[] e, Fp2 claim,
                                 Transcript tr) {
        if (Integer.bitCount(h) != 1 || e.length != 4L * h || nz < 0 || nz > h) {
            throw new IllegalArgumentException("product sumcheck: 2h = 2^m entries in both tables");
        }
        int m = Integer.numberOfTrailingZeros(h) + 1;
        Fp2[][] rounds = new Fp2[m][];
        Fp2[] point = new Fp2[m];
        // round 1: a base-field; then each fold runs in one pass with the next round's sums
        boolean fromClaim = claim != null;
        Fp2 c = claim;
        Fp2[] g = first(lo, loOff, hi, hiOff, h, nz, e, fromClaim);
        if (fromClaim) {
            g[1] = c.sub(g[0]);
        }
        Fp2 r = absorb(g, tr);
        rounds[0] = g;
        point[m - 1] = r;
        long[] a = new long[2 * h];
        g = foldFirstRound(lo, loOff, hi, hiOff, h, nz, r, a, e, fromClaim);
        for (int k = 1; k < m; k++) {
            if (fromClaim) {
                c = Ext.interpolate(rounds[k - 1], point[m - k]);
                g[1] = c.sub(g[0]);
            }
            r = absorb(g, tr);
            rounds[k] = g;
            point[m - 1 - k] = r;
            g = foldRound(a, e, h >>> k, r, fromClaim);
        }
        Fp2[] fin = {new Fp2(a[0], a[1]), new Fp2(e[0], e[1])};
        for (Fp2 v : fin) {
            tr.absorb(v);
        }
        return new Sumcheck.Result(new SumcheckProof(rounds), point, fin);
    }

    private static Fp2 absorb(Fp2[] g, Transcript tr) {
        for (Fp2 v : g) {
            tr.absorb(v);
        }
        return tr.challengeExt();
    }

    private static int chunks(int n) {
        return n >= Mle.PARALLEL ? n / Mle.PARALLEL : 1;
    }

    /** g(0), g(1), g(2) of the first round: a's halves in the base field, both zero from nz on. */
    private static Fp2[] first(long[] lo, int loOff, long[] hi, int hiOff, int h, int nz, long[] e, boolean skipOne) {
        FieldOps.add(3L * h);
        int nc = chunks(h);
        int per = h / nc;
        long[][] part = new long[nc][];
        IntStream.range(0, nc).parallel().forEach(c -> {
            long s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0;
            int to = Math.min((c + 1) * per, nz);
            for (int i = c * per; i < to; i++) {
                long x0 = lo[loOff + i];
                long x1 = hi[hiOff + i];
                long x2 = Goldilocks.sub(Goldilocks.add(x1, x1), x0);
                long e00 = e[2 * i];
                long e01 = e[2 * i + 1];
                long e10 = e[2 * (i + h)];
                long e11 = e[2 * (i + h) + 1];
                long e20 = Goldilocks.sub(Goldilocks.add(e10, e10), e00);
                long e21 = Goldilocks.sub(Goldilocks.add(e11, e11), e01);
                s00 = Goldilocks.add(s00, Goldilocks.mul(x0, e00));
                s01 = Goldilocks.add(s01, Goldilocks.mul(x0, e01));
                if (!skipOne) {
                    s10 = Goldilocks.add(s10, Goldilocks.mul(x1, e10));
                    s11 = Goldilocks.add(s11, Goldilocks.mul(x1, e11));
                }
                s20 = Goldilocks.add(s20, Goldilocks.mul(x2, e20));
                s21 = Goldilocks.add(s21, Goldilocks.mul(x2, e21));
            }
            part[c] = new long[] {s00, s01, s10, s11, s20, s21};
        });
        return sum(part);
    }

    /**
     * The first fold, a = [lo | hi] at top variable r into {@code a} (h interleaved entries) and e in place, in one pass
     * with the second round's sums over the folded tables (null when h = 1: there is no second round).
     */
    private static Fp2[] foldFirstRound(long[] lo, int loOff, long[] hi, int hiOff, int h, int nz, Fp2 r, long[] a,
                                        long[] e, boolean skipOne) {
        FieldOps.add(2L * h);
        long r0 = r.c0();
        long r1 = r.c1();
        if (h == 1) {
            foldBaseAt(lo, loOff, hi, hiOff, 0, nz, r0, r1, a);
            foldAt(e, 0, 1, r0, r1);
            return null;
        }
        int nh = h >>> 1;
        FieldOps.add(3L * nh);
        int nc = chunks(nh);
        int per = nh / nc;
        long[][] part = new long[nc][];
        IntStream.range(0, nc).parallel().forEach(c -> {
            long[] acc = new long[6];
            for (int i = c * per; i < (c + 1) * per; i++) {
                int j = i + nh;
                foldBaseAt(lo, loOff, hi, hiOff, i, nz, r0, r1, a);
                foldBaseAt(lo, loOff, hi, hiOff, j, nz, r0, r1, a);
                foldAt(e, i, h, r0, r1);
                foldAt(e, j, h, r0, r1);
                if (i < nz) { // else a is zero at i and at j
                    accumulate(a, e, i, j, acc, skipOne);
                }
            }
            part[c] = acc;
        });
        return sum(part);
    }

    /**
     * Folds a and e (2 half entries each) at r in place, in one pass with the next round's sums over the folded
     * tables (null when half = 1: that was the last round).
     */
    private static Fp2[] foldRound(long[] a, long[] e, int half, Fp2 r, boolean skipOne) {
        FieldOps.add(2L * half);
        long r0 = r.c0();
        long r1 = r.c1();
        if (half == 1) {
            foldAt(a, 0, 1, r0, r1);
            foldAt(e, 0, 1, r0, r1);
            return null;
        }
        int nh = half >>> 1;
        FieldOps.add(3L * nh);
        int nc = chunks(nh);
        int per = nh / nc;
        long[][] part = new long[nc][];
        // chunk c writes entries [c per, (c + 1) per) and the same + nh, and reads only those and the same + half
        IntStream.range(0, nc).parallel().forEach(c -> {
            long[] acc = new long[6];
            for (int i = c * per; i < (c + 1) * per; i++) {
                int j = i + nh;
                foldAt(a, i, half, r0, r1);
                foldAt(a, j, half, r0, r1);
                foldAt(e, i, half, r0, r1);
                foldAt(e, j, half, r0, r1);
                accumulate(a, e, i, j, acc, skipOne);
            }
            part[c] = acc;
        });
        return sum(part);
    }

    /** a[i] = lo[i] + r (hi[i] - lo[i]) (zero from nz on, where a already is). */
    private static void foldBaseAt(long[] lo, int loOff, long[] hi, int hiOff, int i, int nz, long r0, long r1,
                                   long[] a) {
        if (i >= nz) {
            return;
        }
        long x = lo[loOff + i];
        long d = Goldilocks.sub(hi[hiOff + i], x);
        a[2 * i] = Goldilocks.add(x, Goldilocks.mul(d, r0));
        a[2 * i + 1] = Goldilocks.mul(d, r1);
    }

    /** t[i] = t[i] + r (t[i + half] - t[i]). */
    private static void foldAt(long[] t, int i, int half, long r0, long r1) {
        int j = i + half;
        long a0 = t[2 * i];
        long a1 = t[2 * i + 1];
        long d0 = Goldilocks.sub(t[2 * j], a0);
        long d1 = Goldilocks.sub(t[2 * j + 1], a1);
        long v0 = Goldilocks.mul(d0, r0);
        long v1 = Goldilocks.mul(d1, r1);
        t[2 * i] = Goldilocks.add(a0, Goldilocks.add(v0, Ext.timesW(v1)));
        t[2 * i + 1] = Goldilocks.add(a1, Ext.cross(d0, d1, r0, r1, v0, v1));
    }

    /** Adds the pair (i, j)'s a e at X = 0, 1, 2 to acc (interleaved; X = 1 left out when skipOne). */
    private static void accumulate(long[] a, long[] e, int i, int j, long[] acc, boolean skipOne) {
        long a00 = a[2 * i];
        long a01 = a[2 * i + 1];
        long a10 = a[2 * j];
        long a11 = a[2 * j + 1];
        long e00 = e[2 * i];
        long e01 = e[2 * i + 1];
        long e10 = e[2 * j];
        long e11 = e[2 * j + 1];
        long a20 = Goldilocks.sub(Goldilocks.add(a10, a10), a00);
        long a21 = Goldilocks.sub(Goldilocks.add(a11, a11), a01);
        long e20 = Goldilocks.sub(Goldilocks.add(e10, e10), e00);
        long e21 = Goldilocks.sub(Goldilocks.add(e11, e11), e01);
        long v0 = Goldilocks.mul(a00, e00);
        long v1 = Goldilocks.mul(a01, e01);
        acc[0] = Goldilocks.add(acc[0], Goldilocks.add(v0, Ext.timesW(v1)));
        acc[1] = Goldilocks.add(acc[1], Ext.cross(a00, a01, e00, e01, v0, v1));
        if (!skipOne) {
            v0 = Goldilocks.mul(a10, e10);
            v1 = Goldilocks.mul(a11, e11);
            acc[2] = Goldilocks.add(acc[2], Goldilocks.add(v0, Ext.timesW(v1)));
            acc[3] = Goldilocks.add(acc[3], Ext.cross(a10, a11, e10, e11, v0, v1));
        }
        v0 = Goldilocks.mul(a20, e20);
        v1 = Goldilocks.mul(a21, e21);
        acc[4] = Goldilocks.add(acc[4], Goldilocks.add(v0, Ext.timesW(v1)));
        acc[5] = Goldilocks.add(acc[5], Ext.cross(a20, a21, e20, e21, v0, v1));
    }

    private static Fp2[] sum(long[][] part) {
        long[] acc = new long[6];
        for (long[] p : part) {
            for (int i = 0; i < 6; i++) {
                acc[i] = Goldilocks.add(acc[i], p[i]);
            }
        }
        return new Fp2[] {new Fp2(acc[0], acc[1]), new Fp2(acc[2], acc[3]), new Fp2(acc[4], acc[5])};
    }
}
