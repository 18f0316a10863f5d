package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;

import java.util.List;

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

    /**
     * Blinding rows for a commitment of the first {@code used} of 2^m values ({@link TensorPcs#dataRows}): one per
     * committed data row. The rows past them are zero by definition and hold nothing to hide.
     */
    public static int blindRows(int m, long used, PcsParams p) {
        return TensorPcs.dataRows(m, used, p);
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
        if (c.blind < c.rows) {
            throw new IllegalArgumentException("a zero-knowledge opening needs " + c.rows
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
        int need = c.rowsIn(TensorPcs.shape(m, p));
        if (c.blindRows() < need) {
            throw new SumcheckException("the commitment has " + c.blindRows() + " blinding rows, a zero-knowledge "
                    + "opening needs " + need);
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

    /**
     * Opens a commitment against linear-form claims ({@link Zk.Claim}: segments at points, whole segments, single
     * values) in one batched sumcheck, as {@link #prove} does for point claims: E(x, 0) = sum_i c_i L_i(x) with L_i
     * the claim's weight function. With blinding rows (zero knowledge) the sumcheck runs over P' and ends at (z*, y*)
     * as above; without them over P alone (s = 0, no y).
     */
    public static Proof proveClaims(TensorPcs.Committed c, Zk.Space sp, List<Zk.Claim> claims, PcsParams p, Transcript tr) {
        int m = c.shape.m();
        boolean hiding = c.blind > 0;
        if (hiding && c.blind < c.rows) {
            throw new IllegalArgumentException("a zero-knowledge opening needs " + c.rows
                    + " blinding rows, the commitment has " + c.blind);
        }
        Fp2[] tau = hiding ? SumcheckBackend.challenges(tr, m) : new Fp2[0];
        Fp2 s = Fp2.ZERO;
        long[] block = null;
        long[] e = new long[(hiding ? 4 : 2) << m];
        if (hiding) {
            // E(x, 1) = eq(tau, x), built in place; B~(tau) = sum_x B(x) eq(tau, x) over the block's rows (B is zero
            // after them), counted as the MLE evaluation it replaces
            Mle.eqTableInto(tau, Fp2.ONE, e, 2 << m);
            block = c.blindingBlock();
            s = Ext.dotBase(block, java.util.Arrays.copyOfRange(e, 2 << m, (2 << m) + 2 * block.length));
            FieldOps.add((1L << m) - 1);
        }
        tr.absorb(s);
        Fp2[] coeffs = SumcheckBackend.challenges(tr, claims.size());
        for (int i = 0; i < claims.size(); i++) {
            sp.addWeights(e, claims.get(i), coeffs[i]);
        }
        Sumcheck.Result res;
        if (hiding) {
            // the data P and the block B are the two halves of P' (y the top variable), read where they are; both
            // are zero past the committed rows (the data's and the blinding block's)
            int nz = (int) Math.min(1L << m, (long) Math.max(c.rows, c.blind) * c.shape.cols());
            if (block.length < nz) {
                block = java.util.Arrays.copyOf(block, nz);
            }
            Fp2 claim = s; // the batched sum: s + sum_i c_i v_i (each round's g(1) follows from it)
            for (int i = 0; i < claims.size(); i++) {
                claim = claim.add(coeffs[i].mul(claims.get(i).value()));
            }
            res = ProductSumcheck.prove(c.evals, 0, block, 0, 1 << m, nz, e, claim, tr);
        } else if (m > 0) {
            res = ProductSumcheck.prove(c.evals, 0, c.evals, 1 << (m - 1), 1 << (m - 1), e, tr);
        } else {
            res = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {Ext.lift(c.evals), e}, tr);
        }
        TensorPcs.Opening o = TensorPcs.open(c, new Fp2[][] {res.point()}, p, tr);
        return new Proof(s, res.proof(), res.finalValues()[0], res.finalValues()[1], o);
    }

    /** Checks linear-form claims against a commitment (hiding or not); throws {@link SumcheckException} on failure. */
    public static void verifyClaims(TensorPcs.Commitment c, Zk.Space sp, List<Zk.Claim> claims, Proof proof, PcsParams p,
                                    Transcript tr) {
        int m = c.numVars();
        boolean hiding = c.blindRows() > 0;
        int need = c.rowsIn(TensorPcs.shape(m, p));
        if (hiding && c.blindRows() < need) {
            throw new SumcheckException("the commitment has " + c.blindRows() + " blinding rows, a zero-knowledge "
                    + "opening needs " + need);
        }
        if (sp.logSize() != m) {
            throw new SumcheckException("claims on a table of 2^" + sp.logSize() + " values, the commitment holds 2^" + m);
        }
        Fp2[] tau = hiding ? SumcheckBackend.challenges(tr, m) : new Fp2[0];
        if (!hiding && !proof.blockAtTau().equals(Fp2.ZERO)) {
            throw new SumcheckException("batched opening: a blinding value for a commitment without blinding rows");
        }
        tr.absorb(proof.blockAtTau());
        Fp2[] coeffs = SumcheckBackend.challenges(tr, claims.size());
        Fp2 claim = proof.blockAtTau();
        for (int i = 0; i < claims.size(); i++) {
            claim = claim.add(coeffs[i].mul(claims.get(i).value()));
        }
        int vars = hiding ? m + 1 : m;
        Sumcheck.Reduced red = Sumcheck.verify(claim, vars, 2, proof.rounds(), new Fp2[] {proof.value(), proof.weight()}, tr);
        Fp2[] z = red.point();
        Fp2 lo = Fp2.ZERO;
        for (int i = 0; i < claims.size(); i++) {
            Zk.Claim cl = claims.get(i);
            Fp2 w = Fp2.ZERO;
            for (Zk.Term t : cl.terms()) {
                w = w.add(sp.weightAt(t, z));
            }
            for (Zk.Slot s : cl.slots()) {
                w = w.add(sp.slotAt(s, z));
            }
            lo = lo.add(coeffs[i].mul(w));
        }
        Fp2 want = lo;
        if (hiding) {
            Fp2 y = z[m];
            want = Fp2.ONE.sub(y).mul(lo).add(y.mul(Mle.eq(tau, java.util.Arrays.copyOf(z, m))));
        }
        if (!proof.weight().equals(want)) {
            throw new SumcheckException("batched opening: the weight's final value is not the claims' combination");
        }
        if (!proof.value().mul(proof.weight()).equals(red.claim())) {
            throw new SumcheckException("batched opening: the final product does not match the sumcheck");
        }
        TensorPcs.verify(c, new Fp2[][] {z}, new Fp2[] {proof.value()}, proof.opening(), p, tr);
    }

    /** Writes a proof (the batching sumcheck's rounds of degree 2). */
    static void write(Proof pr, dev.zkscope.codec.ByteWriter w) {
        w.fp2(pr.blockAtTau());
        w.u16(pr.rounds().rounds().length);
        for (Fp2[] g : pr.rounds().rounds()) {
            for (Fp2 v : g) {
                w.fp2(v);
            }
        }
        w.fp2(pr.value());
        w.fp2(pr.weight());
        pr.opening().write(w);
    }

    /** Reads a proof written by {@link #write} for a commitment whose opening point has {@code vars} coordinates. */
    static Proof read(dev.zkscope.codec.ByteReader r, int vars) throws dev.zkscope.codec.Malformed {
        Fp2 s = r.fp2();
        int n = r.u16();
        if (n != vars) {
            throw r.malformed("batched opening of " + n + " rounds, expected " + vars);
        }
        Fp2[][] rounds = new Fp2[n][3];
        for (int k = 0; k < n; k++) {
            for (int t = 0; t < 3; t++) {
                rounds[k][t] = r.fp2();
            }
        }
        Fp2 v = r.fp2();
        Fp2 wt = r.fp2();
        return new Proof(s, new SumcheckProof(rounds), v, wt, TensorPcs.Opening.read(r));
    }
}
