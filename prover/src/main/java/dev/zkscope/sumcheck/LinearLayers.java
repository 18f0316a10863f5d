package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The linear layers' sumchecks, prover and verifier side by side. Each reduces a claim on the step's output at a point
 * r to claims on its input(s) (and, for a dot product, on its committed weight matrix).
 *
 * <p><b>Convolution / matrix product</b> ({@link Plan.DotOp}), y = Wm Xcol + bias with Xcol the implicit im2col of x:
 * <ol>
 *   <li>y~(r_p, r_c) - bias~(r) = sum_k Wm~(k, r_c) Xcol~(k, r_p): a degree-2 sumcheck over the log K tap variables
 *   (tables Wm(., r_c), K entries, and Xcol(., r_p), built in O(P K) from x); it ends at a tap point s with a claim on
 *   Wm at (s, r_c) (opened in the key's commitment) and one on Xcol at (s, r_p);</li>
 *   <li>Xcol~(s, r_p) = sum_j G(j) x(j) with G(j) = sum_{(p, k): im2col(p, k) = j} eq(s, k) eq(r_p, p): a degree-2
 *   sumcheck over x's variables, ending at rho with a claim on x and the value G~(rho), which the verifier computes
 *   itself in O(P K) field operations from three eq tables (the im2col map is public, in the key).</li>
 * </ol>
 * Prover work O(C K + P K + |x|) per layer (not O(C P K): the matrix product itself is the quantized evaluator's);
 * verifier O(P K + |x| + |y|); proof 2 (log K + log |x|) rounds of 3 values plus 4 final values.
 *
 * <p><b>Gather</b> ({@link Plan.MapOp}: sums of windows, element moves): y~(r) - bias~(r) = sum_j M_r(j) x(j), M_r(j) =
 * sum_o eq(r, o) [j in row o], one degree-2 sumcheck; the verifier computes M~(r, rho) in O(nnz).
 *
 * <p><b>Element-wise affine</b> ({@link Plan.LinearOp}: residual Add, BatchNorm's affine map): y~(r) - gamma~(r) =
 * sum_i eq(r, i) (alpha(i) a(i) + beta(i) b(i)), one degree-3 sumcheck ending at rho with a claim on a and one on b at
 * the same point (the sumcheck's random point combines the two inputs' claims); alpha~, beta~ and eq at rho are the
 * verifier's own.
 */
final class LinearLayers {
    private LinearLayers() {}

    /** The claims a dot product leaves: on the weight matrix (point, value) and on the input (point). */
    record DotClaims(Fp2[] weightPoint, Fp2 weightValue, Fp2[] inputPoint, Fp2 inputValue) {}

    static Fp2[][] split(Plan.DotOp d, Fp2[] r) {
        int lp = d.logP();
        int lc = d.logC();
        Fp2[] rp = d.channelMajor() ? Arrays.copyOfRange(r, 0, lp) : Arrays.copyOfRange(r, lc, lc + lp);
        Fp2[] rc = d.channelMajor() ? Arrays.copyOfRange(r, lp, lp + lc) : Arrays.copyOfRange(r, 0, lc);
        return new Fp2[][] {rp, rc};
    }

    /** Prover: x is the input's table in its layout (field); wm the weight matrix. */
    static DotClaims proveDot(Plan.DotOp d, long[] wm, long[] x, Plan.Layout xl, Fp2[] r, Transcript tr,
                              ProofStream.Writer out) {
        Fp2[][] sp = split(d, r);
        long[] eqP = Mle.eqTable(sp[0]);
        long[] eqC = Mle.eqTable(sp[1]);
        int logK = d.logK();
        int kPad = 1 << logK;
        int k = d.k();
        int[] im = d.im2col();
        long[] wrow = new long[2 * kPad];
        long[] xcol = new long[2 * kPad];
        int[] pos = positions(im, xl);
        FieldOps.add((long) d.c() * k + 2L * d.p() * k); // the two tap tables, then G below
        IntStream.range(0, k).parallel().forEach(kk -> {
            long w0 = 0;
            long w1 = 0;
            for (int c = 0; c < d.c(); c++) {
                long v = wm[(c << logK) + kk];
                if (v != 0) {
                    w0 = Goldilocks.add(w0, Goldilocks.mul(v, eqC[2 * c]));
                    w1 = Goldilocks.add(w1, Goldilocks.mul(v, eqC[2 * c + 1]));
                }
            }
            wrow[2 * kk] = w0;
            wrow[2 * kk + 1] = w1;
            long x0 = 0;
            long x1 = 0;
            for (int p = 0; p < d.p(); p++) {
                int j = pos[p * k + kk];
                if (j >= 0) {
                    long v = x[j];
                    if (v != 0) {
                        x0 = Goldilocks.add(x0, Goldilocks.mul(v, eqP[2 * p]));
                        x1 = Goldilocks.add(x1, Goldilocks.mul(v, eqP[2 * p + 1]));
                    }
                }
            }
            xcol[2 * kk] = x0;
            xcol[2 * kk + 1] = x1;
        });
        Sumcheck.Result taps = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {wrow, xcol}, tr);
        out.sumcheck(taps);
        Fp2[] s = taps.point();
        // G(j) = sum eq(s, k) eq(r_p, p) over the (p, k) that read x_j
        long[] eqS = Mle.eqTable(s);
        long[] g = new long[2 << xl.logSize()];
        for (int p = 0; p < d.p(); p++) {
            long e0 = eqP[2 * p];
            long e1 = eqP[2 * p + 1];
            for (int kk = 0; kk < k; kk++) {
                int j = pos[p * k + kk];
                if (j >= 0) {
                    long a0 = eqS[2 * kk];
                    long a1 = eqS[2 * kk + 1];
                    g[2 * j] = Goldilocks.add(g[2 * j], Fp2.mul0(a0, a1, e0, e1));
                    g[2 * j + 1] = Goldilocks.add(g[2 * j + 1], Fp2.mul1(a0, a1, e0, e1));
                }
            }
        }
        Sumcheck.Result gather = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {g, Ext.lift(x)}, tr);
        out.sumcheck(gather);
        return new DotClaims(SumcheckBackend.concat(s, sp[1]), taps.finalValues()[0], gather.point(),
                gather.finalValues()[1]);
    }

    /** Verifier: the claim y~(r) = y; returns the weight and input claims or throws. */
    static DotClaims verifyDot(Plan.DotOp d, Plan.Layout xl, Fp2[] r, Fp2 y, Transcript tr, ProofStream.Reader in)
            throws Malformed {
        Fp2 claim = y.sub(Mle.evaluateBase(d.bias(), r));
        int logK = d.logK();
        ProofStream.SumcheckMsg m1 = in.sumcheck(logK, 2, 2);
        Sumcheck.Reduced red1 = Sumcheck.verify(claim, logK, 2, m1.proof(), m1.finals(), tr);
        Fp2[] f = m1.finals();
        if (!f[0].mul(f[1]).equals(red1.claim())) {
            throw new SumcheckException("layer " + d.layer() + ": matrix-product sumcheck fails");
        }
        Fp2[][] sp = split(d, r);
        int lx = xl.logSize();
        ProofStream.SumcheckMsg m2 = in.sumcheck(lx, 2, 2);
        Sumcheck.Reduced red2 = Sumcheck.verify(f[1], lx, 2, m2.proof(), m2.finals(), tr);
        Fp2[] g = m2.finals();
        Fp2 want = im2colPredicate(d, xl, red1.point(), sp[0], red2.point());
        if (!g[0].equals(want)) {
            throw new SumcheckException("layer " + d.layer() + ": the im2col gather's predicate value is wrong");
        }
        if (!g[0].mul(g[1]).equals(red2.claim())) {
            throw new SumcheckException("layer " + d.layer() + ": im2col gather sumcheck fails");
        }
        return new DotClaims(SumcheckBackend.concat(red1.point(), sp[1]), f[0], red2.point(), g[1]);
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

    /** Prover of a gather: returns the point on x. */
    static Fp2[] proveMap(Plan.MapOp mp, long[] x, Plan.Layout xl, Fp2[] r, Transcript tr, ProofStream.Writer out) {
        long[] eqR = Mle.eqTable(r);
        long[] g = new long[2 << xl.logSize()];
        int[] st = mp.rowStart();
        int[] cols = mp.cols();
        for (int o = 0; o + 1 < st.length; o++) {
            long e0 = eqR[2 * o];
            long e1 = eqR[2 * o + 1];
            for (int i = st[o]; i < st[o + 1]; i++) {
                int j = xl.pos(cols[i]);
                g[2 * j] = Goldilocks.add(g[2 * j], e0);
                g[2 * j + 1] = Goldilocks.add(g[2 * j + 1], e1);
            }
        }
        Sumcheck.Result res = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {g, Ext.lift(x)}, tr);
        out.sumcheck(res);
        return res.point();
    }

    /** Verifier of a gather: returns the claim on x as {point, value}. */
    static Object[] verifyMap(Plan.MapOp mp, Plan.Layout xl, Fp2[] r, Fp2 y, Transcript tr, ProofStream.Reader in)
            throws Malformed {
        Fp2 claim = y.sub(Mle.evaluateBase(mp.bias(), r));
        int lx = xl.logSize();
        ProofStream.SumcheckMsg m = in.sumcheck(lx, 2, 2);
        Sumcheck.Reduced red = Sumcheck.verify(claim, lx, 2, m.proof(), m.finals(), tr);
        Fp2[] f = m.finals();
        long[] eqR = Mle.eqTable(r);
        long[] eqRho = Mle.eqTable(red.point());
        int[] st = mp.rowStart();
        int[] cols = mp.cols();
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
        if (!f[0].equals(new Fp2(s0, s1))) {
            throw new SumcheckException("layer " + mp.layer() + ": the gather's predicate value is wrong");
        }
        if (!f[0].mul(f[1]).equals(red.claim())) {
            throw new SumcheckException("layer " + mp.layer() + ": gather sumcheck fails");
        }
        return new Object[] {red.point(), f[1]};
    }

    static Sumcheck.Form linearForm(boolean two) {
        // tables: 0 eq, 1 alpha, 2 a, 3 beta, 4 b
        return two ? new Sumcheck.Form(new int[][] {{0, 1, 2}, {0, 3, 4}}, new Fp2[] {Fp2.ONE, Fp2.ONE})
                : new Sumcheck.Form(new int[][] {{0, 1, 2}}, new Fp2[] {Fp2.ONE});
    }

    /** Prover of an element-wise affine step: a, b the inputs' tables (null when absent); returns the point. */
    static Fp2[] proveLinear(Plan.LinearOp l, long[] a, long[] b, Fp2[] r, Transcript tr, ProofStream.Writer out) {
        boolean two = l.a() >= 0 && l.b() >= 0;
        long[][] tabs = two
                ? new long[][] {Mle.eqTable(r), Ext.lift(l.alpha()), Ext.lift(a), Ext.lift(l.beta()), Ext.lift(b)}
                : new long[][] {Mle.eqTable(r), Ext.lift(l.a() >= 0 ? l.alpha() : l.beta()), Ext.lift(l.a() >= 0 ? a : b)};
        Sumcheck.Result res = Sumcheck.prove(linearForm(two), tabs, tr);
        out.sumcheck(res);
        return res.point();
    }

    /** Verifier: returns {point, value on a (or null), value on b (or null)}. */
    static Object[] verifyLinear(Plan.LinearOp l, Fp2[] r, Fp2 y, Transcript tr, ProofStream.Reader in) throws Malformed {
        boolean two = l.a() >= 0 && l.b() >= 0;
        Fp2 claim = y.sub(Mle.evaluateBase(l.gamma(), r));
        int m = r.length;
        ProofStream.SumcheckMsg msg = in.sumcheck(m, 3, two ? 5 : 3);
        Sumcheck.Reduced red = Sumcheck.verify(claim, m, 3, msg.proof(), msg.finals(), tr);
        Fp2[] f = msg.finals().clone();
        Fp2[] rho = red.point();
        if (!f[0].equals(Mle.eq(r, rho))) {
            throw new SumcheckException("layer " + l.layer() + ": element-wise step's eq value is wrong");
        }
        Fp2 c1 = Mle.evaluateBase(l.a() >= 0 ? l.alpha() : l.beta(), rho);
        if (!f[1].equals(c1) || (two && !f[3].equals(Mle.evaluateBase(l.beta(), rho)))) {
            throw new SumcheckException("layer " + l.layer() + ": element-wise step's coefficients are wrong");
        }
        if (!linearForm(two).evaluate(f).equals(red.claim())) {
            throw new SumcheckException("layer " + l.layer() + ": element-wise sumcheck fails");
        }
        if (two) {
            return new Object[] {rho, f[2], f[4]};
        }
        return l.a() >= 0 ? new Object[] {rho, f[2], null} : new Object[] {rho, null, f[2]};
    }
}
