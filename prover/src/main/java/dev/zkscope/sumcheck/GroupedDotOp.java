package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A convolution whose input at a tap depends on the channel (depthwise and grouped Conv, MobileNetV2's 3x3 layers):
 * y[c, p] = sum_k Wm[c, k] x[im2col(c, p, k)] + bias[c, p], output channel-major, Wm (2^logC x 2^logK) committed in
 * the key like {@link Plan.DotOp}'s. Not one matrix product, so the channel joins the weight side of the argument.
 *
 * <p><b>Argument</b> (zero-knowledge, as {@link LinearLayers#dot}): at a fresh r = (r_p, r_c),
 * <ol>
 *   <li>the stacked identity sum_o eq(r, o) y(o) - sum_j H(j) x(j) = bias~(r) ({@link LinearLayers#stacked}: one masked
 *   sumcheck over [y | x], both private), with H(j) = sum_{(c, p, k): im2col(c, p, k) = j} Wm(c, k) eq(r_c, c)
 *   eq(r_p, p), a function of the weights and the challenges only; it ends at rho with the prover's h = H~(rho_x);</li>
 *   <li>a plain degree-2 sumcheck over the log C + log K weight variables proves h = sum_{c, k} Wm(c, k) J(c, k) with
 *   J(c, k) = eq(r_c, c) sum_p eq(r_p, p) eq(rho_x, pos(im2col(c, p, k))), which the verifier computes in O(C P K);
 *   it ends with one claim on Wm at one point s, opened against the key's commitment with the other weight claims.</li>
 * </ol>
 * Nothing private is sent in the clear (h depends on weights and challenges, which the key holder knows, as for
 * {@code DotOp}); one weight point per layer and per proof, so the weight opening sends one evaluation vector per
 * layer, and every claim on W (y and x) joins W's one batched opening. Prover and verifier work O(C P K) (the layer's
 * multiply-adds for a depthwise convolution) plus O(|x| + |y|). Soundness: the stacked sumcheck
 * (3 m + 1) / |F_p2| (m = max(log|y|, log|x|) + 1), the tap sumcheck 2 (logC + logK) / |F_p2|, r's Schwartz-Zippel
 * log|y| / |F_p2|, and the weight opening.
 */
record GroupedDotOp(String layer, String kind, int out, int in, int c, int p, int k, int[] im2col, long[] bias,
                    int weight) implements LayerOp {
    static final int TAG = 11;

    static GroupedDotOp read(ByteReader r, Plan pl, String layer, String kind, int out) throws Malformed {
        int in = r.u32();
        int c = r.u32();
        int p = r.u32();
        int k = r.u32();
        int weight = r.u32();
        int[] im2col = Plan.readInts(r, Integer.MAX_VALUE);
        long[] bias = TensorPcs.readLongs(r);
        if (in < 0 || in >= pl.tensorCount || pl.layouts[in] == null || c < 1 || p < 1 || k < 1
                || (long) c * p * k != im2col.length || Mle.logCeil(c) + Mle.logCeil(k) > 26) {
            throw r.malformed("grouped dot product shape");
        }
        int n = pl.layouts[in].n();
        for (int x : im2col) {
            if (x < -1 || x >= n) {
                throw r.malformed("grouped dot product " + layer + " reads outside its input");
            }
        }
        return new GroupedDotOp(layer, kind, out, in, c, p, k, im2col, bias, weight);
    }

    int logC() { return Mle.logCeil(c); }

    int logP() { return Mle.logCeil(p); }

    int logK() { return Mle.logCeil(k); }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {in}; }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter w) {
        w.u32(in).u32(c).u32(p).u32(k).u32(weight);
        Plan.ints(w, im2col);
        TensorPcs.writeLongs(w, bias);
    }

    @Override
    public void validate(Plan pl) throws Malformed {
        Plan.Layout lo = pl.layouts[out];
        if (!lo.equals(new Plan.Layout(c * p, p)) || bias.length != 1 << lo.logSize()) {
            throw new Malformed("sumcheck plan", "grouped dot product " + layer + " output layout");
        }
    }

    @Override
    public void witness(Plan pl, long[][] t, long[][] seg) {
    }

    /** Each im2col entry's position in x's table (-1 stays -1). */
    int[] positions(Plan.Layout xl) {
        return LinearLayers.positions(im2col, xl);
    }

    /** H(j) = sum over (c, p, k) reading x_j of Wm(c, k) eq(r_c, c) eq(r_p, p), interleaved over x's table. */
    long[] coefficients(long[] wm, Plan.Layout xl, long[] eqC, long[] eqP, int[] pos) {
        int lk = logK();
        long[] h = new long[2 << xl.logSize()];
        for (int cc = 0; cc < c; cc++) {
            long c0 = eqC[2 * cc];
            long c1 = eqC[2 * cc + 1];
            for (int pp = 0; pp < p; pp++) {
                long e0 = Fp2.mul0(c0, c1, eqP[2 * pp], eqP[2 * pp + 1]);
                long e1 = Fp2.mul1(c0, c1, eqP[2 * pp], eqP[2 * pp + 1]);
                int row = (cc * p + pp) * k;
                for (int kk = 0; kk < k; kk++) {
                    int j = pos[row + kk];
                    long w = wm[(cc << lk) + kk];
                    if (j >= 0 && w != 0) {
                        h[2 * j] = Goldilocks.add(h[2 * j], Goldilocks.mul(w, e0));
                        h[2 * j + 1] = Goldilocks.add(h[2 * j + 1], Goldilocks.mul(w, e1));
                    }
                }
            }
        }
        FieldOps.add((long) c * p + (long) c * p * k); // eq(r_c) eq(r_p), then the weights times it (F_p by F_p2)
        return h;
    }

    /** J(c, k) = eq(r_c, c) sum_p eq(r_p, p) eq(rho_x, pos(c, p, k)), interleaved over 2^(logC + logK). */
    long[] predicate(long[] eqC, long[] eqP, long[] eqX, int[] pos) {
        int lk = logK();
        long[] jt = new long[2 << (logC() + lk)];
        IntStream.range(0, c).parallel().forEach(cc -> {
            for (int kk = 0; kk < k; kk++) {
                long a0 = 0;
                long a1 = 0;
                for (int pp = 0; pp < p; pp++) {
                    int j = pos[(cc * p + pp) * k + kk];
                    if (j >= 0) {
                        a0 = Goldilocks.add(a0, Fp2.mul0(eqX[2 * j], eqX[2 * j + 1], eqP[2 * pp], eqP[2 * pp + 1]));
                        a1 = Goldilocks.add(a1, Fp2.mul1(eqX[2 * j], eqX[2 * j + 1], eqP[2 * pp], eqP[2 * pp + 1]));
                    }
                }
                int at = (cc << lk) | kk;
                jt[2 * at] = Fp2.mul0(a0, a1, eqC[2 * cc], eqC[2 * cc + 1]);
                jt[2 * at + 1] = Fp2.mul1(a0, a1, eqC[2 * cc], eqC[2 * cc + 1]);
            }
        });
        return jt;
    }

    @Override
    public void step(SumcheckBackend.Ctx ctx, String what) throws Malformed {
        Plan pl = ctx.plan;
        Plan.Layout yl = pl.layout(out);
        Plan.Layout xl = pl.layout(in);
        Fp2[] r = SumcheckBackend.challenges(ctx.zk.tr, yl.logSize());
        Fp2[] rp = Arrays.copyOfRange(r, 0, logP());
        Fp2[] rc = Arrays.copyOfRange(r, logP(), logP() + logC());
        long[] eqP = Mle.eqTable(rp);
        long[] eqC = Mle.eqTable(rc);
        int[] pos = positions(xl);
        long[] h = null;
        long[] wm = null;
        if (ctx.prover()) {
            wm = pl.weightMatrices.get(weight);
            h = coefficients(wm, xl, eqC, eqP, pos);
        }
        // 1. sum_o eq(r, o) y(o) - sum_j H(j) x(j) = bias~(r), y and x private
        Zk.Run run = LinearLayers.stacked(ctx, out, in, r, h, Mle.evaluateBase(bias, r));
        Fp2[] rhoX = Arrays.copyOf(run.point, xl.logSize());
        Fp2 hAt = ctx.zk.send(ctx.prover() ? Mle.evaluate(h, rhoX) : null);
        LinearLayers.expectStacked(ctx, run, out, in, r, hAt, what);
        run.check(Sumcheck.Form.product(0, 1), what + ": grouped convolution's stacked sumcheck");
        // 2. h = sum_{c, k} Wm(c, k) J(c, k): weights and challenges only, one claim on Wm
        long[] jt = predicate(eqC, eqP, Mle.eqTable(rhoX), pos);
        int m = logC() + logK();
        Fp2[] s;
        Fp2 wAt;
        if (ctx.prover()) {
            FieldOps.add((long) c * p * k + (long) c * k); // J
            Sumcheck.Result taps = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {Ext.lift(wm), jt},
                    ctx.zk.tr);
            ctx.zk.out.sumcheck(taps);
            s = taps.point();
            wAt = taps.finalValues()[0];
        } else {
            ProofStream.SumcheckMsg msg = ctx.zk.in.sumcheck(m, 2, 2);
            Sumcheck.Reduced red = Sumcheck.verify(hAt, m, 2, msg.proof(), msg.finals(), ctx.zk.tr);
            s = red.point();
            Fp2[] f = msg.finals();
            if (!f[1].equals(Mle.evaluate(jt, s))) {
                throw new SumcheckException(what + ": the grouped im2col predicate's value is wrong");
            }
            if (!f[0].mul(f[1]).equals(red.claim())) {
                throw new SumcheckException(what + ": the weight sumcheck fails");
            }
            wAt = f[0];
        }
        ctx.onWeights(weight, s, wAt);
    }

    @Override
    public int masks(Plan pl) {
        return Zk.slots(LinearLayers.stackedVars(pl.layout(out), pl.layout(in)), 3, 1);
    }
}
