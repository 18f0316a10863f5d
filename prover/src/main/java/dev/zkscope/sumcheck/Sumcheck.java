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
                long[] a = tabs[j];
                long x0 = a[2 * i];
                long x1 = a[2 * i + 1];
                long y0 = a[2 * (i + h)];
                long y1 = a[2 * (i + h) + 1];
                long d0 = Goldilocks.sub(y0, x0);
                long d1 = Goldilocks.sub(y1, x1);
                int base = j * (d + 1) * 2;
                vals[base] = x0;
                vals[base + 1] = x1;
                for (int t = 1; t <= d; t++) {
                    x0 = t == 1 ? y0 : Goldilocks.add(x0, d0);
                    x1 = t == 1 ? y1 : Goldilocks.add(x1, d1);
                    vals[base + 2 * t] = x0;
                    vals[base + 2 * t + 1] = x1;
                }
                if (zt != null) {
                    for (int t = 2; t <= d; t++) {
                        vals[base + 2 * t] = Goldilocks.add(vals[base + 2 * t], zt[base + 2 * t]);
                        vals[base + 2 * t + 1] = Goldilocks.add(vals[base + 2 * t + 1], zt[base + 2 * t + 1]);
                    }
                }
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
}
