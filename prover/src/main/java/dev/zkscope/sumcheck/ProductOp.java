package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;

/**
 * y = a * b element-wise, both activations in the same layout (a product of two activations: gated units, squares in
 * a variance, x * sigmoid(x)). The zero-check sum_i eq(tau, i) [y(i) - a(i) b(i)] = 0 at a fresh tau (degree 3) proves
 * the identity at every position. Zero knowledge: y, a, b are private tables of one {@link Zk#sumcheck} (masked final
 * values bound to W; public when a model output); nothing is sent in the clear. Soundness: (log n) 4 / |F_p2|.
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
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        int m = c.plan.layout(out).logSize();
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, m);
        Sumcheck.Form form = form();
        boolean[] priv = {false, c.priv(out), c.priv(a), c.priv(b)};
        long[][] tabs = c.prover() ? new long[][] {null, c.lifted(out), c.lifted(a), c.lifted(b)} : null;
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, m, priv, new int[4], 0, Fp2.ZERO);
        Fp2[] pt = run.point;
        run.expect(0, Mle.eq(tau, pt), what);
        c.bindTensor(run, 1, out, pt, what);
        c.bindTensor(run, 2, a, pt, what);
        c.bindTensor(run, 3, b, pt, what);
        run.check(form, what + ": product identity");
    }

    /** Tables 0 eq, 1 y, 2 a, 3 b: eq (y - a b). */
    static Sumcheck.Form form() {
        return new Sumcheck.Form(new int[][] {{0, 1}, {0, 2, 3}}, new Fp2[] {Fp2.ONE, Fp2.ONE.neg()});
    }

    @Override
    public int masks(Plan p) {
        return Zk.slots(p.layout(out).logSize(), 5, 3);
    }
}
