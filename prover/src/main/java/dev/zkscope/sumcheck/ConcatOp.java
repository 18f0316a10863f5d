package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * A gather over several tensors (Concat; sums or moves whose elements come from more than one tensor):
 * y[o] = sum_t sum_{j in row_t(o)} x_t[j] + bias[o], output in the identity layout. The prover sends each part's value
 * c_t = sum_o eq(r, o) sum_{j in row_t(o)} x_t[j] at the output point r; the verifier checks
 * y~(r) - bias~(r) = sum_t c_t and each c_t is reduced to a claim on x_t by the one-tensor gather sumcheck of
 * {@link LinearLayers#proveMap} (degree 2, the verifier computes the 0/1 map's extension in O(nnz)).
 *
 * <p>Soundness: the split is checked by the sum; each part's sumcheck binds its c_t to x_t. Calls: one
 * {@link Sumcheck#prove}/{@link Sumcheck#verify} of degree 2 per input tensor, t field elements sent in the clear.
 */
record ConcatOp(String layer, String kind, int out, int[] ins, int[][] rowStarts, int[][] cols, long[] bias)
        implements LayerOp {
    static final int TAG = 7;

    static ConcatOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int n = r.u32();
        if (n < 2 || n > 4096) {
            throw r.malformed("concat of " + n + " tensors");
        }
        int[] ins = new int[n];
        int[][] st = new int[n][];
        int[][] cols = new int[n][];
        for (int t = 0; t < n; t++) {
            ins[t] = r.u32();
            if (ins[t] < 0 || ins[t] >= p.tensorCount) {
                throw r.malformed("concat input");
            }
            st[t] = Plan.readInts(r, Integer.MAX_VALUE);
            cols[t] = Plan.readInts(r, Integer.MAX_VALUE);
        }
        return new ConcatOp(layer, kind, out, ins, st, cols, TensorPcs.readLongs(r));
    }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return ins.clone(); }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter w) {
        w.u32(ins.length);
        for (int t = 0; t < ins.length; t++) {
            w.u32(ins[t]);
            Plan.ints(w, rowStarts[t]);
            Plan.ints(w, cols[t]);
        }
        TensorPcs.writeLongs(w, bias);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        Plan.Layout lo = p.layouts[out];
        if (!lo.equals(Plan.Layout.identity(lo.n())) || bias.length != 1 << lo.logSize()) {
            throw new Malformed("sumcheck plan", "concat " + layer + " output layout");
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int t = 0; t < ins.length; t++) {
            if (!seen.add(ins[t])) {
                throw new Malformed("sumcheck plan", "concat " + layer + " reads a tensor twice");
            }
            int[] st = rowStarts[t];
            if (st.length != lo.n() + 1 || st[0] != 0 || st[st.length - 1] != cols[t].length) {
                throw new Malformed("sumcheck plan", "concat " + layer + " rows");
            }
            for (int i = 1; i < st.length; i++) {
                if (st[i] < st[i - 1]) {
                    throw new Malformed("sumcheck plan", "concat " + layer + " rows");
                }
            }
            int n = p.layouts[ins[t]].n();
            for (int x : cols[t]) {
                if (x < 0 || x >= n) {
                    throw new Malformed("sumcheck plan", "concat " + layer + " reads outside its input");
                }
            }
        }
    }

    /** Part t as a one-tensor gather with no bias. */
    Plan.MapOp part(Plan p, int t) {
        return new Plan.MapOp(layer, kind, out, ins[t], rowStarts[t], cols[t], new long[1 << p.layouts[out].logSize()]);
    }

    @Override
    public void witness(Plan p, long[][] tensors, long[][] seg) {
    }

    @Override
    public void prove(LayerProver c) {
        Plan p = c.plan;
        Fp2[] r = c.outPoint(this);
        long[] eqR = Mle.eqTable(r);
        for (int t = 0; t < ins.length; t++) {
            long[] x = c.table(ins[t]);
            Plan.Layout xl = p.layout(ins[t]);
            long s0 = 0;
            long s1 = 0;
            int[] st = rowStarts[t];
            for (int o = 0; o + 1 < st.length; o++) {
                long acc = 0;
                for (int i = st[o]; i < st[o + 1]; i++) {
                    acc = Goldilocks.add(acc, x[xl.pos(cols[t][i])]);
                }
                s0 = Goldilocks.add(s0, Goldilocks.mul(acc, eqR[2 * o]));
                s1 = Goldilocks.add(s1, Goldilocks.mul(acc, eqR[2 * o + 1]));
            }
            c.out.fp2(new Fp2(s0, s1), c.tr);
        }
        for (int t = 0; t < ins.length; t++) {
            Fp2[] rho = LinearLayers.proveMap(part(p, t), c.table(ins[t]), p.layout(ins[t]), r, c.tr, c.out);
            c.inputPoint(ins[t], rho);
        }
    }

    @Override
    public void verify(LayerVerifier c) throws Malformed {
        Plan p = c.plan;
        Object[] oc = c.outClaim(this);
        Fp2[] r = (Fp2[]) oc[0];
        Fp2 y = (Fp2) oc[1];
        Fp2[] parts = new Fp2[ins.length];
        Fp2 sum = Mle.evaluateBase(bias, r);
        for (int t = 0; t < ins.length; t++) {
            parts[t] = c.in.fp2(c.tr);
            sum = sum.add(parts[t]);
        }
        if (!sum.equals(y)) {
            throw new SumcheckException("layer " + layer + ": the concatenated parts do not sum to the output's claim");
        }
        for (int t = 0; t < ins.length; t++) {
            Object[] x = LinearLayers.verifyMap(part(p, t), p.layout(ins[t]), r, parts[t], c.tr, c.in);
            c.claimOnInput(ins[t], (Fp2[]) x[0], (Fp2) x[1]);
        }
    }
}
