package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.Random;

/**
 * The zero-knowledge sumcheck: Chiesa, Forbes and Spooner's masking (eprint 2017/305) with Libra's succinct masks
 * (Xie, Zhang, Zhang, Papamanthou, Song, CRYPTO 2019, Sections 4.1 and 4.2). docs/sumcheck-zk.md has the argument.
 *
 * <p>Two masks, both random and committed by the caller before the sumcheck starts:
 * <ul>
 *   <li><b>round mask</b> g(x) = sum_j g_j(x_j), each g_j a univariate of the sumcheck's degree D with F_p2
 *   coefficients. The prover sends G = sum_{x in {0,1}^m} g(x); the verifier draws rho and the sumcheck runs on
 *   F + rho g with claim C + rho G. Each round polynomial is then uniform up to the verifier's own consistency
 *   checks; at the end the prover sends g(r), which the caller checks against g's commitment.</li>
 *   <li><b>evaluation masks</b> for the witness tables: f^(x) = f~(x) + sum_j x_j (1 - x_j) c_j, equal to f on the
 *   hypercube (so the sum is unchanged) and, at the final random point r, equal to f~(r) + sum_j r_j (1 - r_j) c_j:
 *   a uniform value whatever f is. The caller checks the final value against the commitments of f and of c.</li>
 * </ul>
 * A masked table has degree 2 in each variable, so a term's degree is the sum of its tables' degrees. Soundness: the
 * usual m D / |F_p2| of the sumcheck for the masked polynomial (the masks are fixed before rho and the first round),
 * plus 1 / |F_p2| for rho (if the claim or the mask's sum is wrong, C + rho G equals the true sum of F + rho g for
 * at most one rho):
 * {@link #soundnessError}.
 */
public final class ZkSumcheck {
    private ZkSumcheck() {}

    /**
     * The prover's random masks: {@code g[j]} the D + 1 coefficients (interleaved F_p2, lowest first) of the round mask
     * in variable j; {@code z[t]} the m coefficients (interleaved F_p2) of table t's evaluation mask, or null for a
     * table the verifier evaluates itself (eq, public tensors).
     */
    public record Masks(long[][] g, long[][] z) {
        /** Fresh uniform masks for an m-variable sumcheck of degree {@code degree} over tables flagged {@code masked}. */
        public static Masks random(int m, int degree, boolean[] masked, Random rng) {
            long[][] g = new long[m][];
            for (int j = 0; j < m; j++) {
                g[j] = randomExt(degree + 1, rng);
            }
            long[][] z = new long[masked.length][];
            for (int t = 0; t < masked.length; t++) {
                z[t] = masked[t] ? randomExt(m, rng) : null;
            }
            return new Masks(g, z);
        }

        /** All-zero masks: the plain sumcheck (used by the tests' positive controls and by the non-zk mode). */
        public static Masks zero(int m, int degree, boolean[] masked) {
            long[][] g = new long[m][];
            for (int j = 0; j < m; j++) {
                g[j] = new long[2 * (degree + 1)];
            }
            long[][] z = new long[masked.length][];
            for (int t = 0; t < masked.length; t++) {
                z[t] = masked[t] ? new long[2 * m] : null;
            }
            return new Masks(g, z);
        }
    }

    static long[] randomExt(int n, Random rng) {
        long[] v = new long[2 * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = TensorPcs.randomFelt(rng);
        }
        return v;
    }

    /** The proof: the mask's sum, the rounds, each table's (masked) final value, the round mask at the final point. */
    public record Proof(Fp2 maskSum, SumcheckProof rounds, Fp2[] finals, Fp2 maskAtPoint) {}

    /** The prover's result: the proof, the point (variable j at index j) and rho. */
    public record Result(Proof proof, Fp2[] point, Fp2 rho) {
        public Fp2[] finalValues() {
            return proof.finals();
        }
    }

    /** Degree of the masked sum: per term, 2 for each masked table and 1 for each other table. */
    public static int degree(Sumcheck.Form form, boolean[] masked) {
        int d = 0;
        for (int[] term : form.terms()) {
            int e = 0;
            for (int j : term) {
                e += masked[j] ? 2 : 1;
            }
            d = Math.max(d, e);
        }
        return d;
    }

    /** Where the challenges come from: the Fiat-Shamir transcript, or a fixed list in the simulatability tests. */
    interface Channel {
        void absorb(Fp2 v);

        Fp2 challenge();

        static Channel of(Transcript tr) {
            return new Channel() {
                @Override
                public void absorb(Fp2 v) {
                    tr.absorb(v);
                }

                @Override
                public Fp2 challenge() {
                    return tr.challengeExt();
                }
            };
        }
    }

    /** Proves sum_x form(f^(x)) = claim; tables as for {@link Sumcheck#prove} (not modified). */
    public static Result prove(Sumcheck.Form form, long[][] tables, boolean[] masked, Masks masks, Transcript tr) {
        return prove(form, tables, masked, masks, Channel.of(tr));
    }

    static Result prove(Sumcheck.Form form, long[][] tables, boolean[] masked, Masks masks, Channel ch) {
        return prove(form, tables, masked, masks, ch, null, null);
    }

    /**
     * As {@link #prove(Sumcheck.Form, long[][], boolean[], Masks, Transcript)} where table 0 is eq(tau, .) for
     * {@code tau} (a zero-check); {@code tables[0]} may then be null. When table 0 stands once in every term and is not
     * masked, the rounds take {@link Sumcheck#roundPolyEq} (the eq table is never built or folded); otherwise table 0
     * is built and the sumcheck runs as usual. With the unmasked sum's {@code claim} (the prover's own: the form's sum
     * over its tables) each factored round reads g(1) off its claim instead of computing it; null to compute it. Same
     * proof either way (for a claim that is the true sum).
     */
    static Result prove(Sumcheck.Form form, long[][] tables, boolean[] masked, Masks masks, Transcript tr, Fp2[] tau,
                        Fp2 claim) {
        return prove(form, tables, masked, masks, Channel.of(tr), tau, claim);
    }

    static Result prove(Sumcheck.Form form, long[][] tables, boolean[] masked, Masks masks, Channel ch, Fp2[] tau,
                        Fp2 claim) {
        boolean factored = tau != null && !masked[0] && Sumcheck.eqInEveryTerm(form, 0) && tables.length > 1;
        if (tau != null && !factored && tables[0] == null) {
            tables = tables.clone();
            tables[0] = Mle.eqTable(tau);
        }
        int ref = factored ? 1 : 0;
        int n = Ext.len(tables[ref]);
        int m = Integer.numberOfTrailingZeros(n);
        if (Integer.bitCount(n) != 1 || tables.length != masked.length || (tau != null && tau.length != m)) {
            throw new IllegalArgumentException("zk sumcheck: tables of 2^m entries, one mask flag each");
        }
        for (int t = factored ? 1 : 0; t < tables.length; t++) {
            if (Ext.len(tables[t]) != n) {
                throw new IllegalArgumentException("zk sumcheck tables must all have the same size");
            }
        }
        int d = degree(form, masked);
        checkMasks(masks, m, d, masked);
        Fp2 gSum = maskSum(masks.g());
        ch.absorb(gSum);
        Fp2 rho = ch.challenge();
        // s_j = g_j(0) + g_j(1); below[j] = sum_{i < j} s_i
        Fp2[] s = new Fp2[m];
        for (int j = 0; j < m; j++) {
            s[j] = evalUni(masks.g()[j], Fp2.ZERO).add(evalUni(masks.g()[j], Fp2.ONE));
        }
        long[][] cur = tables.clone();
        Fp2[][] rounds = new Fp2[m][];
        Fp2[] point = new Fp2[m];
        Fp2 above = Fp2.ZERO; // sum_{i > j} g_i(r_i)
        long[] zNow = new long[2 * tables.length];
        // the factored zero-check: eqLow = eq(tau_{<j}, .) for the round's variable j, eqAbove = eq(tau_{>j}, r_{>j})
        long[] eqLow = factored && m > 0 ? Mle.eqTable(java.util.Arrays.copyOf(tau, m - 1)) : null;
        if (factored) { // counted as the reference prover's eq(tau, .) and its folds (the estimate's unit)
            FieldOps.add((1L << m) - (m > 0 ? 1L << (m - 1) : 1) + (1L << m) - 1);
        }
        Fp2 eqAbove = Fp2.ONE;
        Fp2 claimF = factored ? claim : null; // the unmasked sum's claim for the current round
        Fp2[] hF = null;
        if (factored) {
            cur[0] = null;
        }
        for (int k = 0; k < m; k++) {
            int j = m - 1 - k;
            for (int t = 0; t < tables.length; t++) {
                zNow[2 * t] = masked[t] ? masks.z()[t][2 * j] : 0;
                zNow[2 * t + 1] = masked[t] ? masks.z()[t][2 * j + 1] : 0;
            }
            Fp2[] h;
            if (factored) {
                if (k > 0) { // eq(tau_{<j}, x') = sum over x_j of eq(tau_{<=j}, (x', x_j)): the two halves added
                    int half = 1 << j;
                    for (int i = 0; i < 2 * half; i++) {
                        eqLow[i] = Goldilocks.add(eqLow[i], eqLow[i + 2 * half]);
                    }
                }
                h = Sumcheck.roundPolyEq(form, cur, 0, d, zNow, eqLow, tau[j], eqAbove, claimF);
                if (claimF != null) {
                    hF = h.clone();
                }
            } else {
                h = Sumcheck.roundPoly(form, cur, d, zNow);
            }
            Fp2 below = Fp2.ZERO;
            for (int i = 0; i < j; i++) {
                below = below.add(s[i]);
            }
            Fp2 pow = Fp2.of(Goldilocks.pow(2, j));
            Fp2 half = j == 0 ? Fp2.ZERO : Fp2.of(Goldilocks.pow(2, j - 1));
            for (int x = 0; x <= d; x++) {
                Fp2 gx = pow.mul(above.add(evalUni(masks.g()[j], Fp2.of(x)))).add(half.mul(below));
                h[x] = h[x].add(rho.mul(gx));
            }
            rounds[k] = h;
            for (Fp2 v : h) {
                ch.absorb(v);
            }
            Fp2 r = ch.challenge();
            point[j] = r;
            above = above.add(evalUni(masks.g()[j], r));
            Fp2 lambda = r.mul(Fp2.ONE.sub(r));
            if (claimF != null) {
                claimF = Ext.interpolate(hF, r);
            }
            if (factored) {
                eqAbove = eqAbove.mul(Fp2.ONE.sub(tau[j]).mul(Fp2.ONE.sub(r)).add(tau[j].mul(r)));
            }
            for (int t = 0; t < cur.length; t++) {
                if (factored && t == 0) {
                    continue;
                }
                // a masked table's fold adds r (1 - r) c_j to every entry, in the same pass
                cur[t] = Mle.fold(cur[t], r, masked[t] ? lambda.mul(Ext.get(masks.z()[t], j)) : Fp2.ZERO);
            }
        }
        Fp2[] fin = new Fp2[cur.length];
        for (int t = 0; t < cur.length; t++) {
            fin[t] = factored && t == 0 ? eqAbove : Ext.get(cur[t], 0);
            ch.absorb(fin[t]);
        }
        Fp2 gAt = above;
        ch.absorb(gAt);
        return new Result(new Proof(gSum, new SumcheckProof(rounds), fin, gAt), point, rho);
    }

    private static void checkMasks(Masks masks, int m, int d, boolean[] masked) {
        if (masks.g().length != m) {
            throw new IllegalArgumentException("round mask for " + masks.g().length + " variables, the sum has " + m);
        }
        for (long[] g : masks.g()) {
            if (g.length != 2 * (d + 1)) {
                throw new IllegalArgumentException("round mask of degree " + (g.length / 2 - 1) + ", the sum has " + d);
            }
        }
        for (int t = 0; t < masked.length; t++) {
            if (masked[t] && (masks.z()[t] == null || masks.z()[t].length != 2 * m)) {
                throw new IllegalArgumentException("table " + t + " is masked but has no mask of " + m + " coefficients");
            }
        }
    }

    /** What the verifier ends with: the point, rho and the claim that form(finals) must equal (g(r) taken off). */
    public record Reduced(Fp2[] point, Fp2 rho, Fp2 claim) {}

    /**
     * Verifies the rounds of an m-variable zk sumcheck of the given degree against the claim. The caller then checks
     * form(finals, with its own values for the public tables) == claim, the finals of the masked tables against
     * their commitments (through {@link #evalMaskAt}) and {@code proof.maskAtPoint()} against g's commitment.
     */
    public static Reduced verify(Fp2 claim, int m, int degree, Proof proof, Transcript tr) {
        return verify(claim, m, degree, proof, Channel.of(tr));
    }

    static Reduced verify(Fp2 claim, int m, int degree, Proof proof, Channel ch) {
        ch.absorb(proof.maskSum());
        Fp2 rho = ch.challenge();
        Fp2[][] rounds = proof.rounds().rounds();
        if (rounds.length != m) {
            throw new SumcheckException("sumcheck has " + rounds.length + " rounds, expected " + m);
        }
        Fp2 c = claim.add(rho.mul(proof.maskSum()));
        Fp2[] point = new Fp2[m];
        for (int k = 0; k < m; k++) {
            Fp2[] h = rounds[k];
            if (h == null || h.length != degree + 1) {
                throw new SumcheckException("round " + k + " polynomial has " + (h == null ? 0 : h.length)
                        + " values, expected " + (degree + 1));
            }
            if (!h[0].add(h[1]).equals(c)) {
                throw new SumcheckException("round " + k + ": g(0) + g(1) != claim");
            }
            for (Fp2 v : h) {
                ch.absorb(v);
            }
            Fp2 r = ch.challenge();
            point[m - 1 - k] = r;
            c = Ext.interpolate(h, r);
        }
        for (Fp2 v : proof.finals()) {
            ch.absorb(v);
        }
        ch.absorb(proof.maskAtPoint());
        return new Reduced(point, rho, c.sub(rho.mul(proof.maskAtPoint())));
    }

    /** sum_{x in {0,1}^m} g(x) = 2^(m-1) sum_j (g_j(0) + g_j(1)) (0 for m = 0). */
    public static Fp2 maskSum(long[][] g) {
        int m = g.length;
        if (m == 0) {
            return Fp2.ZERO;
        }
        Fp2 s = Fp2.ZERO;
        for (long[] gj : g) {
            s = s.add(evalUni(gj, Fp2.ZERO)).add(evalUni(gj, Fp2.ONE));
        }
        return s.mul(Goldilocks.pow(2, m - 1));
    }

    /** g(r) = sum_j g_j(r_j). */
    public static Fp2 maskAt(long[][] g, Fp2[] r) {
        Fp2 s = Fp2.ZERO;
        for (int j = 0; j < g.length; j++) {
            s = s.add(evalUni(g[j], r[j]));
        }
        return s;
    }

    /** sum_j r_j (1 - r_j) c_j: what a table's evaluation mask adds to its value at r. */
    public static Fp2 evalMaskAt(long[] c, Fp2[] r) {
        Fp2 s = Fp2.ZERO;
        for (int j = 0; j < r.length; j++) {
            s = s.add(r[j].mul(Fp2.ONE.sub(r[j])).mul(Ext.get(c, j)));
        }
        return s;
    }

    /** The univariate with interleaved coefficients (lowest first) at x, by Horner. */
    static Fp2 evalUni(long[] coeffs, Fp2 x) {
        Fp2 acc = Fp2.ZERO;
        for (int e = coeffs.length / 2 - 1; e >= 0; e--) {
            acc = acc.mul(x).add(Ext.get(coeffs, e));
        }
        return acc;
    }

    /** Soundness error of one zk sumcheck of m variables and degree d: (m d + 1) / |F_p2| (rounds, then rho). */
    public static double soundnessError(int m, int d) {
        return (m * (double) d + 1) / dev.zkscope.security.SecurityAnalysis.FIELD_SIZE;
    }
}
