package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The linear layers' identities, prover and verifier in one code path ({@link SumcheckBackend.Ctx}): each starts from
 * fresh challenges and runs one zero-knowledge sumcheck ({@link Zk#sumcheck}) whose claim is public, so no value of a
 * private tensor is sent in the clear; every table that holds witness values is masked and its final value becomes a
 * claim on W (docs/sumcheck-zk.md, section 3).
 *
 * <p><b>Stacked identity</b> for y = F(x) + bias with F linear (gathers and matrix products): at a random r,
 * sum_o eq(r, o) y(o) - sum_j F_r(j) x(j) = bias~(r), run as one sumcheck over max(log|y|, log|x|) + 1 variables
 * (the top one, b, picks y or x): sum A V with A = [eq(r, .) | -F_r] the verifier's and V = [y | x] private.
 * <ul>
 *   <li><b>Gather</b> ({@link Plan.MapOp}: sums of windows, element moves): F_r = M_r, M_r(j) = sum_o eq(r, o)
 *   [j in row o]; the verifier computes M~(r, rho) in O(nnz).</li>
 *   <li><b>Convolution / matrix product</b> ({@link Plan.DotOp}, y = Wm Xcol + bias with Xcol the implicit im2col of
 *   x): F_r = H, H(j) = sum_{(p, k) reading x_j} Wm~(k, r_c) eq(r_p, p). The prover then sends h = H~(rho_x), a value
 *   of the weights and the challenges only, and a plain degree-2 sumcheck over the log K taps proves
 *   h = sum_k Wm~(k, r_c) J(k) with J(k) = sum_p eq(r_p, p) eq(rho_x, pos(p, k)), which the verifier evaluates in
 *   O(P K); it leaves a claim on Wm at (s, r_c), opened against the key's commitment. Prover work O(C K + P K + |x|
 *   + |y|); nothing is O(C P K).</li>
 * </ul>
 *
 * <p><b>Element-wise affine</b> ({@link Plan.LinearOp}: residual Add, BatchNorm's affine map): the zero-check
 * sum_i eq(tau, i) (y - alpha a - beta b - gamma)(i) = 0, degree 4 with the masks.
 */
final class LinearLayers {
    private LinearLayers() {}

    static Fp2[][] split(Plan.DotOp d, Fp2[] r) {
        int lp = d.logP();
        int lc = d.logC();
        Fp2[] rp = d.channelMajor() ? Arrays.copyOfRange(r, 0, lp) : Arrays.copyOfRange(r, lc, lc + lp);
        Fp2[] rc = d.channelMajor() ? Arrays.copyOfRange(r, lp, lp + lc) : Arrays.copyOfRange(r, 0, lc);
        return new Fp2[][] {rp, rc};
    }

    /** Variables of a stacked sumcheck over an output y and an input x: the larger table's, plus the selector b. */
    static int stackedVars(Plan.Layout y, Plan.Layout x) {
        return Math.max(y.logSize(), x.logSize()) + 1;
    }

    /** [lo | hi], each zero-padded to 2^(m-1) entries (interleaved). */
    static long[] stack(long[] lo, long[] hi, int m) {
        long[] t = new long[4 << m];
        System.arraycopy(lo, 0, t, 0, lo.length);
        System.arraycopy(hi, 0, t, 2 << m, hi.length);
        return t;
    }

    /**
     * The stacked identity of a linear step y = F(x) + bias at a fresh random r (zero-knowledge: y and x are committed
     * and enter as one private table V = [y | x]): sum_{b, i} A(i, b) V(i, b) = bias~(r) with A = [eq(r, .) | -F_r],
     * F_r(j) the coefficient of x(j) in sum_o eq(r, o) F(x)(o). Returns the run; the caller checks A's final value
     * (table 0) with {@link #expectStacked}.
     */
    static Zk.Run stacked(SumcheckBackend.Ctx c, int out, int in, Fp2[] r, long[] fr, Fp2 claim) throws Malformed {
        Plan.Layout yl = c.plan.layout(out);
        Plan.Layout xl = c.plan.layout(in);
        int m = stackedVars(yl, xl);
        long[][] tabs = null;
        if (c.prover()) {
            long[] neg = new long[fr.length];
            for (int i = 0; i < neg.length; i++) {
                neg[i] = Goldilocks.neg(fr[i]);
            }
            tabs = new long[][] {stack(Mle.eqTable(r), neg, m - 1), stack(c.lifted(out), c.lifted(in), m - 1)};
        }
        boolean priv = c.priv(out) || c.priv(in);
        Zk.Run run = c.zk.sumcheck(Sumcheck.Form.product(0, 1), tabs, m, new boolean[] {false, priv}, new int[2], 0,
                claim);
        Fp2[] pt = run.point;
        Fp2 b = pt[m - 1];
        Fp2[] lo = Arrays.copyOf(pt, m - 1);
        Fp2 ky = Fp2.ONE.sub(b).mul(SumcheckBackend.zeroTail(lo, yl.logSize()));
        Fp2 kx = b.mul(SumcheckBackend.zeroTail(lo, xl.logSize()));
        Fp2[] py = Arrays.copyOf(lo, yl.logSize());
        Fp2[] px = Arrays.copyOf(lo, xl.logSize());
        if (priv) {
            Zk.Lin lin = new Zk.Lin();
            c.tensor(lin, out, py, ky);
            c.tensor(lin, in, px, kx);
            run.bind(1, lin);
        } else {
            run.expect(1, ky.mul(Mle.evaluateBase(c.tables[c.plan.alias[out]], py))
                    .add(kx.mul(Mle.evaluateBase(c.tables[c.plan.alias[in]], px))), "a linear step");
        }
        return run;
    }

    /** A's final value: (1 - b) zt eq(r, rho_y) - b zt F_r~(rho_x). */
    static void expectStacked(SumcheckBackend.Ctx c, Zk.Run run, int out, int in, Fp2[] r, Fp2 frAt, String what) {
        Plan.Layout yl = c.plan.layout(out);
        Plan.Layout xl = c.plan.layout(in);
        Fp2[] pt = run.point;
        int m = pt.length;
        Fp2 b = pt[m - 1];
        Fp2[] lo = Arrays.copyOf(pt, m - 1);
        Fp2 ky = Fp2.ONE.sub(b).mul(SumcheckBackend.zeroTail(lo, yl.logSize()));
        Fp2 kx = b.mul(SumcheckBackend.zeroTail(lo, xl.logSize()));
        run.expect(0, ky.mul(Mle.eq(r, Arrays.copyOf(lo, yl.logSize()))).sub(kx.mul(frAt)), what);
    }

    /**
     * Conv / Gemm / MatMul: the stacked identity with F_r = H, H(j) = sum_{(p, k) reading x_j} Wrow(k) eq(r_p, p) and
     * Wrow(k) = Wm~(k, r_c); then the prover sends h = H~(rho_x) (a function of the weights and the challenges only)
     * and a plain sumcheck proves h = sum_k Wrow(k) J(k), J(k) = sum_p eq(r_p, p) eq(rho_x, pos(p, k)) the im2col
     * predicate the verifier evaluates, leaving a claim on the weights at (s, r_c).
     */
    static void dot(SumcheckBackend.Ctx c, Plan.DotOp d, String what) throws Malformed {
        Plan.Layout yl = c.plan.layout(d.out());
        Plan.Layout xl = c.plan.layout(d.in());
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, yl.logSize());
        Fp2[][] sp = split(d, r);
        int logK = d.logK();
        int kPad = 1 << logK;
        int k = d.k();
        int[] pos = positions(d.im2col(), xl);
        long[] wrow = null;
        long[] h = null;
        if (c.prover()) {
            long[] eqP = Mle.eqTable(sp[0]);
            long[] eqC = Mle.eqTable(sp[1]);
            long[] wm = c.plan.weightMatrices.get(d.weight());
            long[] wr = new long[2 * kPad];
            IntStream.range(0, k).parallel().forEach(kk -> {
                long w0 = 0;
                long w1 = 0;
                for (int ch = 0; ch < d.c(); ch++) {
                    long v = wm[(ch << logK) + kk];
                    if (v != 0) {
                        w0 = Goldilocks.add(w0, Goldilocks.mul(v, eqC[2 * ch]));
                        w1 = Goldilocks.add(w1, Goldilocks.mul(v, eqC[2 * ch + 1]));
                    }
                }
                wr[2 * kk] = w0;
                wr[2 * kk + 1] = w1;
            });
            wrow = wr;
            FieldOps.add((long) d.c() * k + (long) d.p() * k); // Wrow (F_p weights by eq), then H
            h = new long[2 << xl.logSize()];
            for (int p = 0; p < d.p(); p++) {
                long e0 = eqP[2 * p];
                long e1 = eqP[2 * p + 1];
                for (int kk = 0; kk < k; kk++) {
                    int j = pos[p * k + kk];
                    if (j >= 0) {
                        long a0 = wr[2 * kk];
                        long a1 = wr[2 * kk + 1];
                        h[2 * j] = Goldilocks.add(h[2 * j], Fp2.mul0(a0, a1, e0, e1));
                        h[2 * j + 1] = Goldilocks.add(h[2 * j + 1], Fp2.mul1(a0, a1, e0, e1));
                    }
                }
            }
        }
        Fp2 claim = Mle.evaluateBase(d.bias(), r);
        Zk.Run run = stacked(c, d.out(), d.in(), r, h, claim);
        Fp2[] rhoX = Arrays.copyOf(run.point, xl.logSize());
        Fp2 hAt = c.zk.send(c.prover() ? Mle.evaluate(h, rhoX) : null);
        expectStacked(c, run, d.out(), d.in(), r, hAt, what);
        run.check(Sumcheck.Form.product(0, 1), what + ": matrix-product sumcheck");
        // h = sum_k Wrow(k) J(k): public data only (weights and challenges)
        Fp2 j0;
        Fp2 wAt;
        Fp2[] s;
        if (c.prover()) {
            long[] eqX = Mle.eqTable(rhoX);
            long[] eqP = Mle.eqTable(sp[0]);
            long[] jt = new long[2 * kPad];
            FieldOps.add((long) d.p() * k); // the im2col predicate J
            for (int p = 0; p < d.p(); p++) {
                long e0 = eqP[2 * p];
                long e1 = eqP[2 * p + 1];
                for (int kk = 0; kk < k; kk++) {
                    int j = pos[p * k + kk];
                    if (j >= 0) {
                        jt[2 * kk] = Goldilocks.add(jt[2 * kk], Fp2.mul0(eqX[2 * j], eqX[2 * j + 1], e0, e1));
                        jt[2 * kk + 1] = Goldilocks.add(jt[2 * kk + 1], Fp2.mul1(eqX[2 * j], eqX[2 * j + 1], e0, e1));
                    }
                }
            }
            Sumcheck.Result taps = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {wrow, jt}, c.zk.tr);
            c.zk.out.sumcheck(taps);
            s = taps.point();
            wAt = taps.finalValues()[0];
        } else {
            ProofStream.SumcheckMsg m1 = c.zk.in.sumcheck(logK, 2, 2);
            Sumcheck.Reduced red = Sumcheck.verify(hAt, logK, 2, m1.proof(), m1.finals(), c.zk.tr);
            s = red.point();
            Fp2[] f = m1.finals();
            j0 = im2colPredicate(d, xl, s, sp[0], rhoX);
            if (!f[1].equals(j0)) {
                throw new SumcheckException(what + ": the im2col predicate's value is wrong");
            }
            if (!f[0].mul(f[1]).equals(red.claim())) {
                throw new SumcheckException(what + ": the weight sumcheck fails");
            }
            wAt = f[0];
        }
        c.onWeights(d, SumcheckBackend.concat(s, sp[1]), wAt);
    }

    /** G~(rho) = sum_{p, k} eq(s, k) eq(r_p, p) eq(rho, pos(im2col(p, k))). */
    static Fp2 im2colPredicate(Plan.DotOp d, Plan.Layout xl, Fp2[] s, Fp2[] rp, Fp2[] rho) {
        long[] eqS = Mle.eqTable(s);
        long[] eqP = Mle.eqTable(rp);
        long[] eqR = Mle.eqTable(rho);
        int[] pos = positions(d.im2col(), xl);
        int k = d.k();
        long[] part = new long[2 * d.p()];
        IntStream.range(0, d.p()).parallel().forEach(p -> {
            long a0 = 0;
            long a1 = 0;
            for (int kk = 0; kk < k; kk++) {
                int j = pos[p * k + kk];
                if (j >= 0) {
                    long b0 = eqS[2 * kk];
                    long b1 = eqS[2 * kk + 1];
                    long c0 = eqR[2 * j];
                    long c1 = eqR[2 * j + 1];
                    a0 = Goldilocks.add(a0, Fp2.mul0(b0, b1, c0, c1));
                    a1 = Goldilocks.add(a1, Fp2.mul1(b0, b1, c0, c1));
                }
            }
            part[2 * p] = Fp2.mul0(a0, a1, eqP[2 * p], eqP[2 * p + 1]);
            part[2 * p + 1] = Fp2.mul1(a0, a1, eqP[2 * p], eqP[2 * p + 1]);
        });
        long s0 = 0;
        long s1 = 0;
        for (int p = 0; p < d.p(); p++) {
            s0 = Goldilocks.add(s0, part[2 * p]);
            s1 = Goldilocks.add(s1, part[2 * p + 1]);
        }
        return new Fp2(s0, s1);
    }

    /** Each im2col entry's position in x's table (-1 stays -1). */
    static int[] positions(int[] im2col, Plan.Layout xl) {
        int[] pos = new int[im2col.length];
        for (int i = 0; i < im2col.length; i++) {
            pos[i] = im2col[i] < 0 ? -1 : xl.pos(im2col[i]);
        }
        return pos;
    }

    /** A gather y(o) = sum_{j in row o} x(j) + bias(o): the stacked identity with F_r = M_r. */
    static void map(SumcheckBackend.Ctx c, Plan.MapOp mp, String what) throws Malformed {
        Plan.Layout yl = c.plan.layout(mp.out());
        Plan.Layout xl = c.plan.layout(mp.in());
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, yl.logSize());
        long[] eqR = Mle.eqTable(r);
        int[] st = mp.rowStart();
        int[] cols = mp.cols();
        long[] g = null;
        if (c.prover()) {
            g = new long[2 << xl.logSize()];
            for (int o = 0; o + 1 < st.length; o++) {
                long e0 = eqR[2 * o];
                long e1 = eqR[2 * o + 1];
                for (int i = st[o]; i < st[o + 1]; i++) {
                    int j = xl.pos(cols[i]);
                    g[2 * j] = Goldilocks.add(g[2 * j], e0);
                    g[2 * j + 1] = Goldilocks.add(g[2 * j + 1], e1);
                }
            }
        }
        Zk.Run run = stacked(c, mp.out(), mp.in(), r, g, Mle.evaluateBase(mp.bias(), r));
        long[] eqRho = Mle.eqTable(Arrays.copyOf(run.point, xl.logSize()));
        long s0 = 0;
        long s1 = 0;
        for (int o = 0; o + 1 < st.length; o++) {
            long a0 = 0;
            long a1 = 0;
            for (int i = st[o]; i < st[o + 1]; i++) {
                int j = xl.pos(cols[i]);
                a0 = Goldilocks.add(a0, eqRho[2 * j]);
                a1 = Goldilocks.add(a1, eqRho[2 * j + 1]);
            }
            s0 = Goldilocks.add(s0, Fp2.mul0(a0, a1, eqR[2 * o], eqR[2 * o + 1]));
            s1 = Goldilocks.add(s1, Fp2.mul1(a0, a1, eqR[2 * o], eqR[2 * o + 1]));
        }
        if (c.prover()) {
            FieldOps.add(st.length - 1L); // M_r~(rho): one product per output row
        }
        expectStacked(c, run, mp.out(), mp.in(), r, new Fp2(s0, s1), what);
        run.check(Sumcheck.Form.product(0, 1), what + ": gather sumcheck");
    }

    /**
     * y = alpha a + beta b + gamma element-wise: the zero-check sum_i eq(tau, i) [y - alpha a - beta b - gamma](i) = 0
     * over tables (0 eq, 1 y, 2 alpha, 3 a, 4 beta, 5 b, 6 gamma); an absent side is a zero table.
     */
    static void linear(SumcheckBackend.Ctx c, Plan.LinearOp l, String what) throws Malformed {
        Plan.Layout yl = c.plan.layout(l.out());
        int m = yl.logSize();
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, m);
        Sumcheck.Form form = new Sumcheck.Form(new int[][] {{0, 1}, {0, 2, 3}, {0, 4, 5}, {0, 6}},
                new Fp2[] {Fp2.ONE, Fp2.ONE.neg(), Fp2.ONE.neg(), Fp2.ONE.neg()});
        boolean hasA = l.a() >= 0;
        boolean hasB = l.b() >= 0;
        boolean[] priv = {false, c.priv(l.out()), false, hasA && c.priv(l.a()), false, hasB && c.priv(l.b()), false};
        long[][] tabs = null;
        if (c.prover()) {
            long[] zero = new long[2 << m];
            tabs = new long[][] {null, c.lifted(l.out()), Ext.lift(l.alpha()), hasA ? c.lifted(l.a()) : zero,
                    Ext.lift(l.beta()), hasB ? c.lifted(l.b()) : zero, Ext.lift(l.gamma())};
        }
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, m, priv, new int[7], 0, Fp2.ZERO);
        Fp2[] rho = run.point;
        run.expect(0, Mle.eq(tau, rho), what);
        c.bindTensor(run, 1, l.out(), rho, what);
        run.expect(2, Mle.evaluateBase(l.alpha(), rho), what);
        if (hasA) {
            c.bindTensor(run, 3, l.a(), rho, what);
        } else {
            run.expect(3, Fp2.ZERO, what);
        }
        run.expect(4, Mle.evaluateBase(l.beta(), rho), what);
        if (hasB) {
            c.bindTensor(run, 5, l.b(), rho, what);
        } else {
            run.expect(5, Fp2.ZERO, what);
        }
        run.expect(6, Mle.evaluateBase(l.gamma(), rho), what);
        run.check(form, what + ": element-wise identity");
    }
}
