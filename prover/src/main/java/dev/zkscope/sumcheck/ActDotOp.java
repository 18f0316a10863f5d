package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Fp2;

/**
 * A dot product whose both operands are activations (attention's Q K^T and its product with V): y(o) = bias(o) +
 * sum_k X(o, k) W(o, k), with X(o, k) = x[xs(o, k)] and W(o, k) = w[ws(o, k)] the step's two operand grids on
 * 2^logO x 2^logK positions g = o 2^logK + k (0 where an output has fewer terms). Both grids are gathered copies
 * committed in W ({@link GatherSide}), so any index map works (a transposed K, heads, causal masks); one zero-check
 * from a fresh r over the grid (degree 3),
 *
 * <pre>  sum_g eq(r, o(g)) X(g) W(g) - sum_g eq(r, o(g)) eq(0, k(g)) Yb(g) = -bias~(r)</pre>
 *
 * with Yb(g) = y(o(g)) (its extension at a point is y~ at the point's o part, so Yb binds to y's segment), and one
 * stacked-identity sumcheck per grid proving it is the gather of its tensor. The verifier evaluates eq(r, .) and
 * eq(0, .) at the end itself. Soundness: the identity at a random r gives y(o) - bias(o) = sum_k X W at every o
 * except with probability logO / |F_p2|, plus the sumchecks'.
 *
 * <p>Cost: the grids are O(outputs x taps), i.e. the multiply-adds themselves; the matrix-product sumcheck of
 * {@link LinearLayers#dot} with both factors committed (O(rows x taps + taps x cols)) needs the operands' index maps
 * to factor as (row, tap) and (tap, col), which this op does not assume.
 *
 * <p>Zero knowledge: X, W, Yb private tables of {@link Zk#sumcheck} bound to W (Yb checked against a public output);
 * the gathers' sumchecks bind [X | x] and [W | w]; nothing is sent in the clear.
 */
record ActDotOp(String layer, String kind, int out, int logK, GatherSide x, GatherSide w, long[] bias)
        implements LayerOp {
    static final int TAG = 22;

    /** Whether a Dot step reads an activation on its weight side. */
    static boolean activationWeights(Plan.Builder b, Steps.Dot d) {
        Steps.Dot.Operand wo = d.wOperand();
        java.util.BitSet ts = new java.util.BitSet();
        wo.readTensors(ts);
        for (int t = ts.nextSetBit(0); t >= 0; t = ts.nextSetBit(t + 1)) {
            if (!b.m.isParam(t)) {
                return true;
            }
        }
        return false;
    }

    static ActDotOp of(Plan.Builder b, Steps.Dot d) {
        Plan p = b.p;
        Src[][] xs = d.xs();
        Src[][] ws = d.ws();
        int n = xs.length;
        int k = 1;
        for (Src[] row : xs) {
            k = Math.max(k, row.length);
        }
        int logK = Mle.logCeil(k);
        int logO = Mle.logCeil(n);
        if (logK + logO > 24) {
            throw Plan.unsupported(d, "a product of two activations with 2^" + (logK + logO) + " multiply-adds");
        }
        Src[] xg = new Src[1 << (logK + logO)];
        Src[] wg = new Src[xg.length];
        for (int o = 0; o < n; o++) {
            for (int kk = 0; kk < xs[o].length; kk++) {
                xg[(o << logK) | kk] = xs[o][kk];
                wg[(o << logK) | kk] = ws[o][kk];
            }
        }
        Src[] bs = d.biases();
        long[] bias = new long[n];
        if (bs != null) {
            for (int o = 0; o < n; o++) {
                Src s = bs[o];
                if (!s.isConstant() && !b.m.isParam(s.tensor())) {
                    throw Plan.unsupported(d, "a bias that is an activation");
                }
                bias[o] = s.isConstant() ? s.value() : b.m.param(s.tensor())[s.index()];
            }
        }
        Plan.Layout l = Plan.Layout.identity(n);
        p.layouts[d.out()] = l;
        GatherSide x = GatherSide.grid(b, d, xg, logK + logO, "dx" + d.out());
        GatherSide w = GatherSide.grid(b, d, wg, logK + logO, "dw" + d.out());
        return new ActDotOp(d.layer(), d.op(), d.out(), logK, x, w, l.table(bias));
    }

    static ActDotOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int logK = r.u8();
        GatherSide x = GatherSide.read(r, p, "dx" + out);
        GatherSide w = GatherSide.read(r, p, "dw" + out);
        long[] bias = TensorPcs.readLongs(r);
        return new ActDotOp(layer, kind, out, logK, x, w, bias);
    }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {x.tensor(), w.tensor()}; }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter wr) {
        wr.u8(logK);
        x.write(wr);
        w.write(wr);
        TensorPcs.writeLongs(wr, bias);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        Plan.Layout l = p.layouts[out];
        int logO = l.logSize();
        if (!l.equals(Plan.Layout.identity(l.n())) || !x.gathered() || !w.gathered() || logK > 24
                || x.logSize() != logK + logO || w.logSize() != logK + logO || bias.length != 1 << logO) {
            throw new Malformed("sumcheck plan", "product of activations " + layer + ": shapes");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        x.witness(t, seg);
        w.witness(t, seg);
    }

    /** Tables 0 E = eq(r, o), 1 X, 2 W, 3 E eq(0, k), 4 Yb. */
    static Sumcheck.Form form() {
        return new Sumcheck.Form(new int[][] {{0, 1, 2}, {3, 4}}, new Fp2[] {Fp2.ONE, Fp2.ONE.neg()});
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        int logO = p.layout(out).logSize();
        int m = logK + logO;
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, logO);
        Sumcheck.Form form = form();
        boolean[] priv = {false, true, true, false, c.priv(out)};
        long[][] tabs = null;
        if (c.prover()) {
            long[] eqR = Mle.eqTable(r);
            long[] e = new long[2 << m];
            long[] ed = new long[2 << m];
            long[] yb = new long[2 << m];
            long[] y = c.tables[p.alias[out]];
            int kk = 1 << logK;
            for (int o = 0; o < (1 << logO); o++) {
                for (int j = 0; j < kk; j++) {
                    int g = (o << logK) | j;
                    e[2 * g] = eqR[2 * o];
                    e[2 * g + 1] = eqR[2 * o + 1];
                    yb[2 * g] = y[o];
                }
                ed[2 * (o << logK)] = eqR[2 * o];
                ed[2 * (o << logK) + 1] = eqR[2 * o + 1];
            }
            tabs = new long[][] {e, x.table(c), w.table(c), ed, yb};
        }
        Fp2 claim = Mle.evaluateBase(bias, r).neg();
        Zk.Run run = c.zk.sumcheck(form, tabs, m, priv, new int[5], 0, claim);
        Fp2[] pt = run.point;
        Fp2[] lo = java.util.Arrays.copyOfRange(pt, 0, logK);
        Fp2[] hi = java.util.Arrays.copyOfRange(pt, logK, m);
        Fp2 eo = Mle.eq(r, hi);
        run.expect(0, eo, what);
        x.bind(c, run, 1, pt, what);
        w.bind(c, run, 2, pt, what);
        run.expect(3, eo.mul(Mle.eq(lo, LayerKit.bits(0, logK))), what);
        c.bindTensor(run, 4, out, hi, what);
        run.check(form, what + ": product of activations");
        x.prove(c, what);
        w.prove(c, what);
    }

    @Override
    public int masks(Plan p) {
        return Zk.slots(logK + p.layout(out).logSize(), 5, 3) + x.masks(p) + w.masks(p);
    }
}
