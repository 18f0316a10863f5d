package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * A convolution whose input at a tap depends on the channel (depthwise and grouped Conv, MobileNetV2's 3x3 layers):
 * y[c, p] = sum_k Wm[c, k] x[im2col(c, p, k)] + bias[c, p], output channel-major, Wm (2^logC x 2^logK) committed in
 * the key like {@link Plan.DotOp}'s. Not one matrix product, so the channel joins the sumcheck:
 * <ol>
 *   <li>y~(r_p, r_c) - bias~(r) = sum_{c, k} eq(r_c, c) Wm(c, k) Xg(c, k), Xg(c, k) = sum_p eq(r_p, p)
 *   x[im2col(c, p, k)]: a degree-3 sumcheck over log C + log K variables ending at s with a claim on Wm at s (opened
 *   in the key's commitment) and one on Xg~(s);</li>
 *   <li>Xg~(s) = sum_j G(j) x(j), G(j) = sum_{(c, p, k): im2col(c, p, k) = j} eq(s, (c, k)) eq(r_p, p): a degree-2
 *   sumcheck over x's variables ending at rho with a claim on x; the verifier computes G~(rho) in O(C P K).</li>
 * </ol>
 * Prover and verifier work O(C P K) (= the layer's multiply-adds for a depthwise convolution). Soundness: the two
 * sumchecks ((logC + logK) 3 + log|x| 2) / |F_p2| and the weight opening. Calls: two {@link Sumcheck#prove}/
 * {@link Sumcheck#verify}, one claim on the key's weight matrix. <b>Not zero-knowledge yet</b>: refused at keygen by
 * {@link LayerOps#groupedDot} (and its tag when a key is read) until its sumchecks go through {@link Zk#sumcheck}.
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

    /** Xg(c, k) at (c << logK) | k, interleaved Fp2. */
    long[] xg(long[] x, Plan.Layout xl, long[] eqP) {
        int lk = logK();
        long[] out = new long[2 << (logC() + lk)];
        java.util.stream.IntStream.range(0, c).parallel().forEach(cc -> {
            for (int kk = 0; kk < k; kk++) {
                long a0 = 0;
                long a1 = 0;
                for (int pp = 0; pp < p; pp++) {
                    int j = im2col[(cc * p + pp) * k + kk];
                    if (j < 0) {
                        continue;
                    }
                    long v = x[xl.pos(j)];
                    a0 = Goldilocks.add(a0, Goldilocks.mul(v, eqP[2 * pp]));
                    a1 = Goldilocks.add(a1, Goldilocks.mul(v, eqP[2 * pp + 1]));
                }
                int at = (cc << lk) | kk;
                out[2 * at] = a0;
                out[2 * at + 1] = a1;
            }
        });
        return out;
    }

    /** eq(r_c, c) repeated over k, interleaved. */
    long[] eqChannels(Fp2[] rc) {
        long[] e = Mle.eqTable(rc);
        int lk = logK();
        long[] out = new long[2 << (logC() + lk)];
        for (int i = 0; i < (1 << (logC() + lk)); i++) {
            int cc = i >>> lk;
            out[2 * i] = e[2 * cc];
            out[2 * i + 1] = e[2 * cc + 1];
        }
        return out;
    }

    /** G as a table over x's positions (prover), or G~(rho) (verifier, with eqRho != null). */
    long[] predicate(Plan.Layout xl, Fp2[] s, long[] eqP) {
        long[] es = Mle.eqTable(s);
        int lk = logK();
        long[] g = new long[2 << xl.logSize()];
        for (int cc = 0; cc < c; cc++) {
            for (int kk = 0; kk < k; kk++) {
                int at = (cc << lk) | kk;
                long s0 = es[2 * at];
                long s1 = es[2 * at + 1];
                for (int pp = 0; pp < p; pp++) {
                    int j = im2col[(cc * p + pp) * k + kk];
                    if (j < 0) {
                        continue;
                    }
                    int q = xl.pos(j);
                    g[2 * q] = Goldilocks.add(g[2 * q], Fp2.mul0(s0, s1, eqP[2 * pp], eqP[2 * pp + 1]));
                    g[2 * q + 1] = Goldilocks.add(g[2 * q + 1], Fp2.mul1(s0, s1, eqP[2 * pp], eqP[2 * pp + 1]));
                }
            }
        }
        return g;
    }

    /** Not yet zero-knowledge: refused at keygen ({@link LayerOps}), so no key holds this step. */
    @Override
    public void step(SumcheckBackend.Ctx c, String what) {
        throw new IllegalStateException(what + ": the grouped convolution step has no zero-knowledge protocol yet");
    }

    @Override
    public int masks(Plan p) {
        return 0;
    }
}
