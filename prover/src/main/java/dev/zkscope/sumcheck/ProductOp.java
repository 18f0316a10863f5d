package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;

/**
 * y = a * b element-wise, both activations in the same layout (a product of two activations: gated units, squares in
 * a variance, x * sigmoid(x)). A claim y~(r) is reduced by the Hadamard-product sumcheck
 * y~(r) = sum_i eq(r, i) a(i) b(i) (degree 3) to claims on a and on b at one point rho; eq(r, rho) is the verifier's.
 * Soundness: (log n) 3 / |F_p2|. Calls: one {@link Sumcheck#prove}/{@link Sumcheck#verify} of degree 3 with 3 tables.
 * When a and b are the same tensor (a square) it is read twice, so it is committed in W and both claims go there.
 */
record ProductOp(String layer, String kind, int out, int a, int b) implements LayerOp {
    static final int TAG = 10;

    static ProductOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int a = r.u32();
        int b = r.u32();
        if (a < 0 || b < 0 || a >= p.tensorCount || b >= p.tensorCount) {
            throw r.malformed("product inputs");
        }
        return new ProductOp(layer, kind, out, a, b);
    }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {a, b}; }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter w) {
        w.u32(a).u32(b);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        if (!p.layouts[out].equals(p.layouts[a]) || !p.layouts[out].equals(p.layouts[b])) {
            throw new Malformed("sumcheck plan", "product " + layer + " of tensors laid out differently");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
    }

    @Override
    public void prove(LayerProver c) {
        Fp2[] r = c.outPoint(this);
        Sumcheck.Result res = Sumcheck.prove(Sumcheck.Form.product(0, 1, 2),
                new long[][] {Mle.eqTable(r), Ext.lift(c.table(a)), Ext.lift(c.table(b))}, c.tr);
        c.out.sumcheck(res);
        c.inputPoint(a, res.point());
        c.inputPoint(b, res.point());
    }

    @Override
    public void verify(LayerVerifier c) throws Malformed {
        Object[] oc = c.outClaim(this);
        Fp2[] r = (Fp2[]) oc[0];
        int m = r.length;
        ProofStream.SumcheckMsg msg = c.in.sumcheck(m, 3, 3);
        Sumcheck.Reduced red = Sumcheck.verify((Fp2) oc[1], m, 3, msg.proof(), msg.finals(), c.tr);
        Fp2[] f = msg.finals();
        if (!f[0].equals(Mle.eq(r, red.point()))) {
            throw new SumcheckException("layer " + layer + ": product's eq value is wrong");
        }
        if (!f[0].mul(f[1]).mul(f[2]).equals(red.claim())) {
            throw new SumcheckException("layer " + layer + ": product sumcheck fails");
        }
        c.claimOnInput(a, red.point(), f[1]);
        c.claimOnInput(b, red.point(), f[2]);
    }
}
