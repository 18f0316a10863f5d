package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.stream.IntStream;

/**
 * The sumcheck protocol (Lund, Fortnow, Karloff, Nisan 1992) for a sum of products of multilinear tables:
 * claim = sum_{x in {0,1}^m} sum_t c_t prod_{j in terms[t]} f_j(x).
 *
 * <p>Round k sends the univariate g_k(X) = sum over the remaining Boolean variables with the highest free variable set to
 * X, as its values at 0..d (d = the largest term's length); the verifier checks g_k(0) + g_k(1) = claim_k, draws r_k
 * from the transcript (in F_p2) and sets claim_{k+1} = g_k(r_k). After m rounds the claim must equal
 * sum_t c_t prod f_j~(r), which the caller checks against evaluations it can trust (a commitment opening, or the next
 * GKR layer's claim). Soundness error: m d / |F_p2| ~ m d 2^-128 (Schwartz-Zippel per round).
 *
 * <p>The prover folds every table in place of a new half-size one after each challenge (Thaler's linear-time
 * prover); the round sums split the hypercube's half into chunks that run in parallel.
 */
public final class Sumcheck {
    private Sumcheck() {}

    /** A sum of products: term t is coeffs[t] * prod_{j in terms[t]} table j. */
    public record Form(int[][] terms, Fp2[] coeffs) {
        public int degree() {
            int d = 0;
            for (int[] t : terms) {
                d = Math.max(d, t.length);
            }
            return d;
        }

        /** The form's value given each table's value. */
        public Fp2 evaluate(Fp2[] values) {
            Fp2 acc = Fp2.ZERO;
            for (int t = 0; t < terms.length; t++) {
                Fp2 p = coeffs[t];
                for (int j : terms[t]) {
                    p = p.mul(values[j]);
                }
                acc = acc.add(p);
            }
            return acc;
        }

        /** One product of the given tables with coefficient 1. */
        public static Form product(int... tables) {
            return new Form(new int[][] {tables}, new Fp2[] {Fp2.ONE});
        }
    }

    /** What the prover ends with: the proof, the random point (variable j at index j) and each table's value there. */
    public record Result(SumcheckProof proof, Fp2[] point, Fp2[] finalValues) {}

    /** What the verifier ends with: the point and the claim that sum_t c_t prod f_j~(point) must equal. */
    public record Reduced(Fp2[] point, Fp2 claim) {}

    /**
     * Proves the sum of the form over the hypercube. Tables are interleaved extension vectors of 2^m entries each
     * (they are consumed: the arrays are not modified, but not kept either).
     */
    public static Result prove(Form form, long[][] tables, Transcript tr) {
        int n = Ext.len(tables[0]);
        int m = Integer.numberOfTrailingZeros(n);
        for (long[] t : tables) {
            if (Ext.len(t) != n || Integer.bitCount(n) != 1) {
                throw new IllegalArgumentException("sumcheck tables must all have the same power-of-two size");
            }
        }
        int d = form.degree();
        long[][] cur = tables.clone();
        Fp2[][] rounds = new Fp2[m][];
        Fp2[] point = new Fp2[m];
        for (int k = 0; k < m; k++) {
            Fp2[] g = roundPoly(form, cur, d);
            rounds[k] = g;
            for (Fp2 v : g) {
                tr.absorb(v);
            }
            Fp2 r = tr.challengeExt();
            point[m - 1 - k] = r;
            for (int j = 0; j < cur.length; j++) {
                cur[j] = Mle.fold(cur[j], r);
            }
        }
        Fp2[] fin = new Fp2[cur.length];
        for (int j = 0; j < cur.length; j++) {
            fin[j] = Ext.get(cur[j], 0);
            tr.absorb(fin[j]);
        }
        return new Result(new SumcheckProof(rounds), point, fin);
    }

    /**
     * Verifies the rounds against the claim; returns the point and the final claim, or throws
     * {@link SumcheckException} naming the failing round. {@code finalValues} are absorbed as the prover did.
     */
    public static Reduced verify(Fp2 claim, int m, int degree, SumcheckProof proof, Fp2[] finalValues, Transcript tr) {
        if (proof.rounds().length != m) {
            throw new SumcheckException("sumcheck has " + proof.rounds().length + " rounds, expected " + m);
        }
        Fp2 c = claim;
        Fp2[] point = new Fp2[m];
        for (int k = 0; k < m; k++) {
            Fp2[] g = proof.rounds()[k];
            if (g == null || g.length != degree + 1) {
                throw new SumcheckException("round " + k + " polynomial has " + (g == null ? 0 : g.length)
                        + " values, expected " + (degree + 1));
            }
            if (!g[0].add(g[1]).equals(c)) {
                throw new SumcheckException("round " + k + ": g(0) + g(1) != claim");
            }
            for (Fp2 v : g) {
                tr.absorb(v);
            }
            Fp2 r = tr.challengeExt();
            point[m - 1 - k] = r;
            c = Ext.interpolate(g, r);
        }
        for (Fp2 v : finalValues) {
            tr.absorb(v);
        }
        return new Reduced(point, c);
    }

    /** g(X) at X = 0..d for the current tables (each of 2h entries; the highest variable is X). */
    static Fp2[] roundPoly(Form form, long[][] tabs, int d) {
        return roundPoly(form, tabs, d, null);
    }

    /**
     * g(X) at X = 0..d where table j is f_j(X, x') + X (1 - X) zmask_j (Libra's mask that vanishes on the hypercube);
     * zmask is interleaved (one extension element per table, zero for an unmasked table), or null for none.
     */
    static Fp2[] roundPoly(Form form, long[][] tabs, int d, long[] zmask) {
        int h = Ext.len(tabs[0]) >>> 1;
        FieldOps.add((long) h * (d + 1) * products(form));
        int chunks = h >= Mle.PARALLEL ? h / Mle.PARALLEL : 1;
        int chunk = h / chunks;
        long[][] partial = new long[chunks][];
        IntStream.range(0, chunks).parallel().forEach(c -> partial[c] = roundRange(form, tabs, d, h, c * chunk, (c + 1) * chunk, zmask));
        long[] acc = new long[2 * (d + 1)];
        for (long[] p : partial) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Goldilocks.add(acc[i], p[i]);
            }
        }
        Fp2[] g = new Fp2[d + 1];
        for (int t = 0; t <= d; t++) {
            g[t] = new Fp2(acc[2 * t], acc[2 * t + 1]);
        }
        return g;
    }

    /**
     * The round polynomial of a zero-check, sum_x eq(tau, x) F(x), where table {@code eq} is eq(tau, .) and stands
     * once in every term (Gruen, "Some improvements for the PIOP for ZeroCheck", eprint 2024/108, section 3). With the
     * highest free variable j set to X and the variables above it already bound to r:
     * eq(tau, (x', X, r)) = eq(tau_{<j}, x') L(X) c with L(X) = (1 - tau_j)(1 - X) + tau_j X and c = eq(tau_{>j}, r),
     * so g(X) = c L(X) q(X) with q(X) = sum_{x'} eq(tau_{<j}, x') F(x', X, r) of degree d - 1. The prover evaluates q at
     * 0..d-1 (one point fewer, and no product with the eq table inside the terms), reads q(d) off by interpolation,
     * and never folds the eq table. The values g(0..d) are those of {@link #roundPoly} on the materialised table.
     *
     * <p>Given the round's {@code claim} g(0) + g(1) (the previous round's polynomial at its challenge; null to
     * compute q(1)), q(1) is read off it, q(1) = (claim - c L(0) q(0)) / (c tau_j), and the kernel evaluates q at d - 1
     * points. Only the prover's work changes: for a claim that is the tables' true sum the values are those the kernel
     * computes (a claim that is not makes a proof the verifier rejects, as the computed q(1) would).
     *
     * <p>{@code tabs[eq]} is not read (it may be null); {@code eqLow} holds eq(tau_{<j}, .) in its first 2^j
     * interleaved entries, 2^j the tables' half size; {@code tauJ} and {@code c} as above. The products are counted as
     * {@link #roundPoly} counts them (the unit the estimate prices), not as this kernel does them.
     */
    static Fp2[] roundPolyEq(Form form, long[][] tabs, int eq, int d, long[] zmask, long[] eqLow, Fp2 tauJ, Fp2 c,
                             Fp2 claim) {
        Fp2 denom = c.mul(tauJ);
        boolean fromClaim = claim != null && d >= 2 && !denom.equals(Fp2.ZERO);
        int ref = eq == 0 ? 1 : 0;
        int h = Ext.len(tabs[ref]) >>> 1;
        if (Ext.len(eqLow) < h) {
            throw new IllegalArgumentException("eq table of " + Ext.len(eqLow) + " entries for tables of 2 x " + h);
        }
        FieldOps.add((long) h * (d + 1) * products(form));
        int chunks = h >= Mle.PARALLEL ? h / Mle.PARALLEL : 1;
        int chunk = h / chunks;
        long[][] partial = new long[chunks][];
        IntStream.range(0, chunks).parallel().forEach(k -> partial[k] = roundRangeEq(form, tabs, eq, d, h, k * chunk,
                (k + 1) * chunk, zmask, eqLow, fromClaim));
        long[] acc = new long[2 * d];
        for (long[] p : partial) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Goldilocks.add(acc[i], p[i]);
            }
        }
        Fp2[] q = new Fp2[d];
        for (int t = 0; t < d; t++) {
            q[t] = new Fp2(acc[2 * t], acc[2 * t + 1]);
        }
        Fp2 one = Fp2.ONE.sub(tauJ);
        Fp2 slope = tauJ.add(tauJ).sub(Fp2.ONE);
        if (fromClaim) { // g(0) + g(1) = claim with g(0) = c L(0) q(0), g(1) = c tau_j q(1)
            q[1] = claim.sub(c.mul(one).mul(q[0])).mul(denom.inv());
        }
        Fp2[] g = new Fp2[d + 1];
        for (int t = 0; t <= d; t++) {
            Fp2 qt = t < d ? q[t] : Ext.interpolate(q, Fp2.of(d));
            g[t] = c.mul(one.add(slope.mul(Fp2.of(t)))).mul(qt);
        }
        return g;
    }

    /** q(0..d-1) over [from, to) (see {@link #roundPolyEq}): d interleaved sums (q(1) left zero when skipped). */
    private static long[] roundRangeEq(Form form, long[][] tabs, int eq, int d, int h, int from, int to, long[] zmask,
                                       long[] eqLow, boolean skipOne) {
        int nt = tabs.length;
        Grouped gf = Grouped.of(form, eq);
        long[] zt = null;
        if (zmask != null) {
            zt = new long[nt * 2 * d];
            for (int j = 0; j < nt; j++) {
                for (int t = 2; t < d; t++) {
                    long k = Goldilocks.fromSigned((long) t * (1 - t));
                    zt[(j * d + t) * 2] = Goldilocks.mul(zmask[2 * j], k);
                    zt[(j * d + t) * 2 + 1] = Goldilocks.mul(zmask[2 * j + 1], k);
                }
            }
        }
        long[] vals = new long[nt * 2 * d]; // vals[(j d + t) 2 + {0,1}], t < d
        long[] acc = new long[2 * d];
        for (int i = from; i < to; i++) {
            for (int j = 0; j < nt; j++) {
                if (j == eq) {
                    continue;
                }
                lineAt(tabs[j], i, h, d, zt, vals, j * d * 2);
            }
            long e0 = eqLow[2 * i];
            long e1 = eqLow[2 * i + 1];
            for (int t = 0; t < d; t++) {
                if (t == 1 && skipOne) {
                    continue;
                }
                long s0 = gf.const0;
                long s1 = gf.const1;
                for (int g = 0; g < gf.first.length; g++) {
                    int bf = gf.first[g] * d * 2 + 2 * t;
                    long f0 = vals[bf];
                    long f1 = vals[bf + 1];
                    if (gf.plain[g]) {
                        s0 = Goldilocks.add(s0, f0);
                        s1 = Goldilocks.add(s1, f1);
                        continue;
                    }
                    long i0 = gf.inner0[g];
                    long i1 = gf.inner1[g];
                    int[][] members = gf.rest[g];
                    for (int mb = 0; mb < members.length; mb++) {
                        int[] term = members[mb];
                        int b = term[0] * d * 2 + 2 * t;
                        long p0 = vals[b];
                        long p1 = vals[b + 1];
                        for (int q = 1; q < term.length; q++) {
                            int bq = term[q] * d * 2 + 2 * t;
                            long b0 = vals[bq];
                            long b1 = vals[bq + 1];
                            long v0 = Goldilocks.mul(p0, b0);
                            long v1 = Goldilocks.mul(p1, b1);
                            p1 = Ext.cross(p0, p1, b0, b1, v0, v1);
                            p0 = Goldilocks.add(v0, Ext.timesW(v1));
                        }
                        int kind = gf.kind[g][mb];
                        if (kind == 1) {
                            i0 = Goldilocks.add(i0, p0);
                            i1 = Goldilocks.add(i1, p1);
                        } else if (kind == -1) {
                            i0 = Goldilocks.sub(i0, p0);
                            i1 = Goldilocks.sub(i1, p1);
                        } else {
                            long k0 = gf.coef[g][2 * mb];
                            long k1 = gf.coef[g][2 * mb + 1];
                            long v0 = Goldilocks.mul(p0, k0);
                            long v1 = Goldilocks.mul(p1, k1);
                            i1 = Goldilocks.add(i1, Ext.cross(p0, p1, k0, k1, v0, v1));
                            i0 = Goldilocks.add(i0, Goldilocks.add(v0, Ext.timesW(v1)));
                        }
                    }
                    long v0 = Goldilocks.mul(f0, i0);
                    long v1 = Goldilocks.mul(f1, i1);
                    s1 = Goldilocks.add(s1, Ext.cross(f0, f1, i0, i1, v0, v1));
                    s0 = Goldilocks.add(s0, Goldilocks.add(v0, Ext.timesW(v1)));
                }
                long v0 = Goldilocks.mul(s0, e0);
                long v1 = Goldilocks.mul(s1, e1);
                acc[2 * t] = Goldilocks.add(acc[2 * t], Goldilocks.add(v0, Ext.timesW(v1)));
                acc[2 * t + 1] = Goldilocks.add(acc[2 * t + 1], Ext.cross(s0, s1, e0, e1, v0, v1));
            }
        }
        return acc;
    }

    /**
     * A zero-check's form without its eq factor, its terms grouped by their first table f: sum_f f (c_f + sum_m k_m
     * prod rest_m) + c, so a table common to several terms is multiplied once (LogUp's beta h - h v becomes
     * h (beta - v)). The same value as the terms one by one (the field's products commute).
     */
    private record Grouped(int[] first, boolean[] plain, long[] inner0, long[] inner1, int[][][] rest, int[][] kind,
                           long[][] coef, long const0, long const1) {
        static Grouped of(Form form, int eq) {
            java.util.LinkedHashMap<Integer, java.util.List<Integer>> byFirst = new java.util.LinkedHashMap<>();
            Fp2 constant = Fp2.ZERO;
            int[][] rest = new int[form.terms().length][];
            for (int tm = 0; tm < form.terms().length; tm++) {
                int[] term = form.terms()[tm];
                int[] r = new int[term.length - 1];
                int k = 0;
                for (int j : term) {
                    if (j != eq) {
                        r[k++] = j;
                    }
                }
                rest[tm] = r;
                if (r.length == 0) {
                    constant = constant.add(form.coeffs()[tm]);
                } else {
                    byFirst.computeIfAbsent(r[0], x -> new java.util.ArrayList<>()).add(tm);
                }
            }
            int ng = byFirst.size();
            int[] first = new int[ng];
            boolean[] plain = new boolean[ng];
            long[] in0 = new long[ng];
            long[] in1 = new long[ng];
            int[][][] mRest = new int[ng][][];
            int[][] kind = new int[ng][];
            long[][] coef = new long[ng][];
            int g = 0;
            for (java.util.Map.Entry<Integer, java.util.List<Integer>> e : byFirst.entrySet()) {
                first[g] = e.getKey();
                Fp2 c = Fp2.ZERO;
                java.util.List<int[]> ms = new java.util.ArrayList<>();
                java.util.List<Fp2> ks = new java.util.ArrayList<>();
                for (int tm : e.getValue()) {
                    if (rest[tm].length == 1) {
                        c = c.add(form.coeffs()[tm]);
                    } else {
                        ms.add(java.util.Arrays.copyOfRange(rest[tm], 1, rest[tm].length));
                        ks.add(form.coeffs()[tm]);
                    }
                }
                in0[g] = c.c0();
                in1[g] = c.c1();
                plain[g] = ms.isEmpty() && c.equals(Fp2.ONE);
                mRest[g] = ms.toArray(new int[0][]);
                kind[g] = new int[ms.size()];
                coef[g] = new long[2 * ms.size()];
                for (int mb = 0; mb < ms.size(); mb++) {
                    Fp2 k = ks.get(mb);
                    kind[g][mb] = k.equals(Fp2.ONE) ? 1 : k.equals(Fp2.ONE.neg()) ? -1 : 0;
                    coef[g][2 * mb] = k.c0();
                    coef[g][2 * mb + 1] = k.c1();
                }
                g++;
            }
            return new Grouped(first, plain, in0, in1, mRest, kind, coef, constant.c0(), constant.c1());
        }
    }

    /** Whether table {@code eq} stands exactly once in every term of the form (the zero-check shape). */
    static boolean eqInEveryTerm(Form form, int eq) {
        for (int[] term : form.terms()) {
            int n = 0;
            for (int j : term) {
                n += j == eq ? 1 : 0;
            }
            if (n != 1) {
                return false;
            }
        }
        return true;
    }

    /** Products per hypercube point and per evaluation point of the round polynomial: a term's factors less one, plus its coefficient unless 1. */
    static int products(Form form) {
        int n = 0;
        for (int t = 0; t < form.terms().length; t++) {
            n += form.terms()[t].length - 1 + (form.coeffs()[t].equals(Fp2.ONE) ? 0 : 1);
        }
        return n;
    }

    private static long[] roundRange(Form form, long[][] tabs, int d, int h, int from, int to, long[] zmask) {
        int nt = tabs.length;
        // X (1 - X) zmask_j at X = t, added to table j's value at t (zero at t = 0, 1)
        long[] zt = null;
        if (zmask != null) {
            zt = new long[nt * 2 * (d + 1)];
            for (int j = 0; j < nt; j++) {
                for (int t = 2; t <= d; t++) {
                    long k = Goldilocks.fromSigned((long) t * (1 - t));
                    zt[(j * (d + 1) + t) * 2] = Goldilocks.mul(zmask[2 * j], k);
                    zt[(j * (d + 1) + t) * 2 + 1] = Goldilocks.mul(zmask[2 * j + 1], k);
                }
            }
        }
        long[] vals = new long[nt * 2 * (d + 1)]; // vals[(j (d+1) + t) 2 + {0,1}]
        long[] acc = new long[2 * (d + 1)];
        int[][] terms = form.terms();
        Fp2[] coeffs = form.coeffs();
        for (int i = from; i < to; i++) {
            for (int j = 0; j < nt; j++) {
                lineAt(tabs[j], i, h, d + 1, zt, vals, j * (d + 1) * 2);
            }
            for (int tm = 0; tm < terms.length; tm++) {
                int[] term = terms[tm];
                long k0 = coeffs[tm].c0();
                long k1 = coeffs[tm].c1();
                boolean one = k0 == 1 && k1 == 0;
                for (int t = 0; t <= d; t++) {
                    int b = term[0] * (d + 1) * 2 + 2 * t;
                    long p0 = vals[b];
                    long p1 = vals[b + 1];
                    for (int q = 1; q < term.length; q++) {
                        int bq = term[q] * (d + 1) * 2 + 2 * t;
                        long b0 = vals[bq];
                        long b1 = vals[bq + 1];
                        long v0 = Goldilocks.mul(p0, b0);
                        long v1 = Goldilocks.mul(p1, b1);
                        p1 = Ext.cross(p0, p1, b0, b1, v0, v1);
                        p0 = Goldilocks.add(v0, Ext.timesW(v1));
                    }
                    if (!one) {
                        long v0 = Goldilocks.mul(p0, k0);
                        long v1 = Goldilocks.mul(p1, k1);
                        p1 = Ext.cross(p0, p1, k0, k1, v0, v1);
                        p0 = Goldilocks.add(v0, Ext.timesW(v1));
                    }
                    acc[2 * t] = Goldilocks.add(acc[2 * t], p0);
                    acc[2 * t + 1] = Goldilocks.add(acc[2 * t + 1], p1);
                }
            }
        }
        return acc;
    }

    /**
     * The table's values on the line through rows i and i + h (an F_p2 table, interleaved), at t = 0 .. points - 1,
     * into vals[base + 2t], vals[base + 2t + 1]: x at 0, y at 1, then x + t (y - x); from t = 2 on, plus the mask
     * values zt at the same indices when zt is given.
     */
    private static void lineAt(long[] a, int i, int h, int points, long[] zt, long[] vals, int base) {
        long x0 = a[2 * i];
        long x1 = a[2 * i + 1];
        long y0 = a[2 * (i + h)];
        long y1 = a[2 * (i + h) + 1];
        long d0 = Goldilocks.sub(y0, x0);
        long d1 = Goldilocks.sub(y1, x1);
        vals[base] = x0;
        vals[base + 1] = x1;
        for (int t = 1; t < points; t++) {
            x0 = t == 1 ? y0 : Goldilocks.add(x0, d0);
            x1 = t == 1 ? y1 : Goldilocks.add(x1, d1);
            vals[base + 2 * t] = x0;
            vals[base + 2 * t + 1] = x1;
        }
        if (zt != null) {
            for (int t = 2; t < points; t++) {
                vals[base + 2 * t] = Goldilocks.add(vals[base + 2 * t], zt[base + 2 * t]);
                vals[base + 2 * t + 1] = Goldilocks.add(vals[base + 2 * t + 1], zt[base + 2 * t + 1]);
            }
        }
    }
}
