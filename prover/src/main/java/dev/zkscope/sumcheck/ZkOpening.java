package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;

/**
 * A zero-knowledge opening of a hiding commitment ({@link TensorPcs#commitHiding}) at several points: one degree-2
 * sumcheck batches the claims P(z_i) = v_i into one point (z*, y*) of P'(x, y) = (1 - y) P(x) + y B(x), which is opened
 * once. The verifier draws tau and the prover first sends s = B~(tau); the sumcheck proves
 * sum_{x, y} P'(x, y) E(x, y) = sum_i c_i v_i + s with E(x, 0) = sum_i c_i eq(z_i, x) and E(x, 1) = eq(tau, x), so
 * the blinding block B enters every round polynomial and the final value. What the proof reveals beyond the claimed
 * values: s, 2 new values per round (m + 1 rounds of degree 2), the evaluation vector and the opening: all functionals
 * of B, which is uniform on every row ({@link #blindRows}, docs/sumcheck-zk.md). Soundness: the batching 1/|F| per claim,
 * the sumcheck 2 (m + 1)/|F|, and the commitment's column test.
 */
public final class ZkOpening {
    private ZkOpening() {}

    /** The proof: B~(tau), the batching sumcheck's rounds, P' and E at its point, and the commitment's opening. */
    public record Proof(Fp2 blockAtTau, SumcheckProof rounds, Fp2 value, Fp2 weight, TensorPcs.Opening opening) {}

    /**
     * Blinding rows a commitment of 2^m values needs for this opening: all R rows (B uniform on the whole hypercube).
     * Counting the revealed values (2 per round, s, v) suggests fewer, but the exact simulator test finds a leak with
     * R - 1 of R rows: each data row's partial sums in the rounds that bind the row variables are masked only by the
     * blinding row of the same index (docs/sumcheck-zk.md).
     */
    public static int blindRows(int m, PcsParams p) {
        return TensorPcs.shape(m, p).rows();
    }

    /** The batching weights E as one table of 2^(m+1) entries (y on top), interleaved. */
    static long[] weights(Fp2[][] points, Fp2[] coeffs, Fp2[] tau) {
        int m = tau.length;
        long[] e = new long[4 << m];
        for (int i = 0; i < points.length; i++) {
            long[] eq = Mle.eqTable(points[i]);
            for (int x = 0; x < (1 << m); x++) {
                Ext.set(e, x, Ext.get(e, x).add(Ext.get(eq, x).mul(coeffs[i])));
            }
        }
        System.arraycopy(Mle.eqTable(tau), 0, e, 2 << m, 2 << m);
        return e;
    }

    /** E~(z*, y*) from the points, without the table. */
    static Fp2 weightAt(Fp2[][] points, Fp2[] coeffs, Fp2[] tau, Fp2[] star) {
        int m = tau.length;
        Fp2[] x = java.util.Arrays.copyOf(star, m);
        Fp2 y = star[m];
        Fp2 lo = Fp2.ZERO;
        for (int i = 0; i < points.length; i++) {
            lo = lo.add(coeffs[i].mul(Mle.eq(points[i], x)));
        }
        return Fp2.ONE.sub(y).mul(lo).add(y.mul(Mle.eq(tau, x)));
    }

    /** Opens the hiding commitment at the points (m coordinates each); the values are already in the transcript. */
    public static Proof prove(TensorPcs.Committed c, Fp2[][] points, PcsParams p, Transcript tr) {
        int m = c.shape.m();
        if (c.blind < blindRows(m, p)) {
            throw new IllegalArgumentException("a zero-knowledge opening needs " + blindRows(m, p)
                    + " blinding rows, the commitment has " + c.blind);
        }
        Fp2[] tau = SumcheckBackend.challenges(tr, m);
        long[] block = new long[1 << m];
        long[] b = c.blindingBlock();
        System.arraycopy(b, 0, block, 0, b.length);
        Fp2 s = Mle.evaluateBase(block, tau);
        tr.absorb(s);
        Fp2[] coeffs = SumcheckBackend.challenges(tr, points.length);
        long[] pPrime = new long[2 << m];
        System.arraycopy(c.evals, 0, pPrime, 0, 1 << m);
        System.arraycopy(block, 0, pPrime, 1 << m, 1 << m);
        Sumcheck.Result res = Sumcheck.prove(Sumcheck.Form.product(0, 1),
                new long[][] {Ext.lift(pPrime), weights(points, coeffs, tau)}, tr);
        TensorPcs.Opening o = TensorPcs.open(c, new Fp2[][] {res.point()}, p, tr);
        return new Proof(s, res.proof(), res.finalValues()[0], res.finalValues()[1], o);
    }

    /** Checks the claims P(z_i) = v_i against a hiding commitment; throws {@link SumcheckException} on failure. */
    public static void verify(TensorPcs.Commitment c, Fp2[][] points, Fp2[] values, Proof proof, PcsParams p,
                              Transcript tr) {
        int m = c.numVars();
        if (c.blindRows() < blindRows(m, p)) {
            throw new SumcheckException("the commitment has " + c.blindRows() + " blinding rows, a zero-knowledge "
                    + "opening needs " + blindRows(m, p));
        }
        if (points.length != values.length) {
            throw new SumcheckException(points.length + " points and " + values.length + " values");
        }
        for (Fp2[] z : points) {
            if (z.length != m) {
                throw new SumcheckException("a claim at a point of " + z.length + " coordinates on a polynomial of " + m);
            }
        }
        Fp2[] tau = SumcheckBackend.challenges(tr, m);
        tr.absorb(proof.blockAtTau());
        Fp2[] coeffs = SumcheckBackend.challenges(tr, points.length);
        Fp2 claim = proof.blockAtTau();
        for (int i = 0; i < points.length; i++) {
            claim = claim.add(coeffs[i].mul(values[i]));
        }
        Sumcheck.Reduced red = Sumcheck.verify(claim, m + 1, 2, proof.rounds(), new Fp2[] {proof.value(), proof.weight()}, tr);
        if (!proof.weight().equals(weightAt(points, coeffs, tau, red.point()))) {
            throw new SumcheckException("batched opening: the weight's final value is not the claims' combination");
        }
        if (!proof.value().mul(proof.weight()).equals(red.claim())) {
            throw new SumcheckException("batched opening: the final product does not match the sumcheck");
        }
        TensorPcs.verify(c, new Fp2[][] {red.point()}, new Fp2[] {proof.value()}, proof.opening(), p, tr);
    }
}
