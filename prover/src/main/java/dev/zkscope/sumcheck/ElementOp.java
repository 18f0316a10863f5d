package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Fp2;

import java.util.ArrayList;
import java.util.List;

/**
 * An element-wise step whose operand is broadcast or moved ({@link GatherSide}): Softmax's x - max(row), LayerNorm's
 * x - mean(row) (a Linear step y = alpha a + beta b + gamma) and (x - mean) * rsqrt(row) (a product y = a b). Each
 * operand that is not its tensor in order is a gathered copy committed in the step's own segment; then one zero-check
 * from a fresh tau,
 *
 * <pre>  sum_i eq(tau, i) [y(i) - alpha(i) a(i) - beta(i) b(i) - gamma(i)] = 0   or   sum_i eq(tau, i) [y(i) - a(i) b(i)] = 0</pre>
 *
 * (degree 3; alpha, beta, gamma public tables in the key) and one stacked-identity sumcheck per gathered operand.
 * Zero knowledge: y, a, b private tables of {@link Zk#sumcheck} bound to W (a public output is checked instead), the
 * gathers' sumchecks bind [G | x]; nothing is sent in the clear. Soundness: the zero-check's (log n) 5 / |F_p2| plus
 * each gather's (see {@link GatherSide}).
 */
record ElementOp(String layer, String kind, int out, boolean product, GatherSide a, GatherSide b, long[] alpha,
                 long[] beta, long[] gamma) implements LayerOp {
    static final int TAG = 20;

    /** Whether a side reads an activation other than in order (then the built-in Linear/Product steps refuse it). */
    static boolean broadcasts(Plan.Builder bl, Src[] xs) {
        if (xs == null || bl.m.identitySource(xs) >= 0) {
            return false;
        }
        for (Src x : xs) {
            if (!x.isConstant() && !bl.m.isParam(x.tensor())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an element-wise step needs this op: a side broadcast or moved, or two sides each in order but laid out
     * differently (a residual sum of a convolution's (channel, position) output and a tensor in the identity layout).
     */
    static boolean needed(Plan.Builder bl, Src[] as, Src[] bs) {
        if (broadcasts(bl, as) || broadcasts(bl, bs)) {
            return true;
        }
        int a = bl.m.identitySource(as);
        int b = bl.m.identitySource(bs);
        if (a < 0 || b < 0) {
            return false;
        }
        Plan.Layout la = bl.p.layouts[bl.p.alias[a]];
        Plan.Layout lb = bl.p.layouts[bl.p.alias[b]];
        return la != null && lb != null && !la.equals(lb);
    }

    /** The activation entries of a Linear side as Srcs (null where a constant went to gamma); fills eff and gamma. */
    private static Src[] side(Plan.Builder bl, Src[] xs, long[] coef, long[] eff, long[] gamma) {
        if (xs == null) {
            return null;
        }
        Src[] act = new Src[xs.length];
        boolean any = false;
        for (int i = 0; i < xs.length; i++) {
            Src x = xs[i];
            if (x.isConstant() || bl.m.isParam(x.tensor())) {
                long v = x.isConstant() ? x.value() : bl.m.param(x.tensor())[x.index()];
                gamma[i] = Math.addExact(gamma[i], Math.multiplyExact(coef[i], v));
                act[i] = Src.constant(0);
                continue;
            }
            act[i] = x;
            eff[i] = coef[i];
            any = true;
        }
        return any ? act : null;
    }

    /** The layout of the output: an operand's that is read in order, else the identity. */
    private static Plan.Layout layout(Plan.Builder bl, Src[]... sides) {
        for (Src[] s : sides) {
            int t = bl.m.identitySource(s);
            if (t >= 0 && bl.p.layouts[bl.p.alias[t]] != null) {
                return bl.p.layouts[bl.p.alias[t]];
            }
        }
        return Plan.Layout.identity(sides[0] != null ? sides[0].length : sides[1].length);
    }

    static ElementOp linear(Plan.Builder bl, Steps.Linear s) {
        int n = s.size();
        long[] gamma = s.gammas().clone();
        long[] ea = new long[n];
        long[] eb = new long[n];
        Src[] as = side(bl, s.lefts(), s.alphas(), ea, gamma);
        Src[] bs = side(bl, s.rights(), s.betas(), eb, gamma);
        if (as == null && bs == null) {
            throw Plan.unsupported(s, "an element-wise step with no activation input");
        }
        Plan.Layout l = layout(bl, as, bs);
        bl.p.layouts[s.out()] = l;
        GatherSide a = as == null ? null : GatherSide.of(bl, s, as, l, "ga" + s.out());
        GatherSide b = bs == null ? null : GatherSide.of(bl, s, bs, l, "gb" + s.out());
        return new ElementOp(s.layer(), s.op(), s.out(), false, a, b, l.table(ea), l.table(eb), l.table(gamma));
    }

    static ElementOp product(Plan.Builder bl, Steps.Mul s) {
        Src[] as = s.lefts();
        Src[] bs = s.rights();
        Plan.Layout l = layout(bl, as, bs);
        bl.p.layouts[s.out()] = l;
        GatherSide a = GatherSide.of(bl, s, as, l, "ga" + s.out());
        GatherSide b = GatherSide.of(bl, s, bs, l, "gb" + s.out());
        return new ElementOp(s.layer(), s.op(), s.out(), true, a, b, null, null, null);
    }

    static ElementOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int kindFlag = r.u8();
        boolean product = kindFlag == 1;
        int has = r.u8();
        if (kindFlag > 1 || has > 3) {
            throw r.malformed("element-wise step " + layer);
        }
        GatherSide a = (has & 1) != 0 ? GatherSide.read(r, p, "ga" + out) : null;
        GatherSide b = (has & 2) != 0 ? GatherSide.read(r, p, "gb" + out) : null;
        if (product ? has != 3 : has == 0) {
            throw r.malformed("element-wise step " + layer + " operands");
        }
        if (product) {
            return new ElementOp(layer, kind, out, true, a, b, null, null, null);
        }
        return new ElementOp(layer, kind, out, false, a, b, TensorPcs.readLongs(r), TensorPcs.readLongs(r),
                TensorPcs.readLongs(r));
    }

    @Override public int tag() { return TAG; }

    @Override
    public int[] reads() {
        if (a != null && b != null) {
            return new int[] {a.tensor(), b.tensor()};
        }
        return new int[] {a != null ? a.tensor() : b.tensor()};
    }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter w) {
        w.u8(product ? 1 : 0).u8((a != null ? 1 : 0) | (b != null ? 2 : 0));
        if (a != null) {
            a.write(w);
        }
        if (b != null) {
            b.write(w);
        }
        if (!product) {
            TensorPcs.writeLongs(w, alpha);
            TensorPcs.writeLongs(w, beta);
            TensorPcs.writeLongs(w, gamma);
        }
    }

    @Override
    public void validate(Plan p) throws Malformed {
        int log = p.layouts[out].logSize();
        for (GatherSide s : new GatherSide[] {a, b}) {
            if (s != null && (s.logSize() != log || (!s.gathered() && !p.layouts[s.tensor()].equals(p.layouts[out])))) {
                throw new Malformed("sumcheck plan", "element-wise step " + layer + ": an operand of another layout");
            }
        }
        if (!product && (alpha.length != 1 << log || beta.length != 1 << log || gamma.length != 1 << log)) {
            throw new Malformed("sumcheck plan", "element-wise step " + layer + ": coefficient tables");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        if (a != null) {
            a.witness(t, seg);
        }
        if (b != null) {
            b.witness(t, seg);
        }
    }

    /** Tables: 0 eq, 1 y, 2 a, 3 b (product) | 0 eq, 1 y, 2 a, 3 alpha, 4 b, 5 beta, 6 gamma (linear). */
    Sumcheck.Form form() {
        if (product) {
            return new Sumcheck.Form(new int[][] {{0, 1}, {0, 2, 3}}, new Fp2[] {Fp2.ONE, Fp2.ONE.neg()});
        }
        List<int[]> terms = new ArrayList<>();
        List<Fp2> cs = new ArrayList<>();
        terms.add(new int[] {0, 1});
        cs.add(Fp2.ONE);
        if (a != null) {
            terms.add(new int[] {0, 3, 2});
            cs.add(Fp2.ONE.neg());
        }
        if (b != null) {
            terms.add(new int[] {0, 5, 4});
            cs.add(Fp2.ONE.neg());
        }
        terms.add(new int[] {0, 6});
        cs.add(Fp2.ONE.neg());
        return new Sumcheck.Form(terms.toArray(new int[0][]), cs.toArray(new Fp2[0]));
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        int m = c.plan.layout(out).logSize();
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, m);
        Sumcheck.Form form = form();
        int nt = product ? 4 : 7;
        boolean[] priv = new boolean[nt];
        priv[1] = c.priv(out);
        int ia = 2;
        int ib = product ? 3 : 4;
        priv[ia] = a != null && a.priv(c);
        priv[ib] = b != null && b.priv(c);
        long[][] tabs = null;
        if (c.prover()) {
            tabs = new long[nt][];
            tabs[1] = c.lifted(out);
            long[] zero = new long[2 << m];
            tabs[ia] = a != null ? a.table(c) : zero;
            tabs[ib] = b != null ? b.table(c) : zero;
            if (!product) {
                tabs[3] = Ext.lift(alpha);
                tabs[5] = Ext.lift(beta);
                tabs[6] = Ext.lift(gamma);
            }
        }
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, m, priv, new int[nt], 0, Fp2.ZERO);
        Fp2[] pt = run.point;
        run.expect(0, Mle.eq(tau, pt), what);
        c.bindTensor(run, 1, out, pt, what);
        if (a != null) {
            a.bind(c, run, ia, pt, what);
        } else {
            run.expect(ia, Fp2.ZERO, what);
        }
        if (b != null) {
            b.bind(c, run, ib, pt, what);
        } else {
            run.expect(ib, Fp2.ZERO, what);
        }
        if (!product) {
            run.expect(3, Mle.evaluateBase(alpha, pt), what);
            run.expect(5, Mle.evaluateBase(beta, pt), what);
            run.expect(6, Mle.evaluateBase(gamma, pt), what);
        }
        run.check(form, what + (product ? ": product identity" : ": element-wise identity"));
        if (a != null) {
            a.prove(c, what);
        }
        if (b != null) {
            b.prove(c, what);
        }
    }

    @Override
    public int masks(Plan p) {
        int n = Zk.slots(p.layout(out).logSize(), 5, 3);
        if (a != null) {
            n += a.masks(p);
        }
        if (b != null) {
            n += b.masks(p);
        }
        return n;
    }
}
