package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * A gather over several tensors (Concat; sums or moves whose elements come from more than one tensor):
 * y[o] = sum_t sum_{j in row_t(o)} x_t[j] + bias[o], output in the identity layout. At a fresh random r the identity
 * y~(r) - sum_t sum_j F_(r,t)(j) x_t(j) = bias~(r), F_(r,t)(j) = sum of eq(r, o) over the outputs o reading x_t[j], is
 * proved by one stacked sumcheck ({@link LayerKit#stackedIdentity}) over V = [y | x_1 | ... | x_T] (degree 2; the
 * verifier evaluates each F_(r,t)~ in O(nnz)).
 *
 * <p>Zero knowledge: V is a private table (masked final value bound to y's and the x_t's W segments); nothing is sent
 * in the clear (the old protocol's per-part sums are gone). Soundness: a wrong y fails the identity at random r except
 * with probability logSize / |F_p2| (Schwartz-Zippel), and the sumcheck binds it to the committed tensors.
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
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        Plan.Layout yl = p.layout(out);
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, yl.logSize());
        long[] eqR = Mle.eqTable(r);
        LayerKit.Part[] parts = new LayerKit.Part[ins.length + 1];
        parts[0] = new LayerKit.Part(out, -1, yl.logSize(), c.prover() ? c.tables[p.alias[out]] : null,
                eqR, z -> Mle.eq(r, z));
        for (int t = 0; t < ins.length; t++) {
            int[] st = rowStarts[t];
            int[] cs = cols[t];
            Plan.Layout xl = p.layout(ins[t]);
            parts[t + 1] = new LayerKit.Part(ins[t], -1, xl.logSize(),
                    c.prover() ? c.tables[p.alias[ins[t]]] : null,
                    c.prover() ? LayerKit.gatherCoef(st, cs, xl, eqR, true) : null,
                    z -> LayerKit.gatherCoefAt(st, cs, xl, eqR, z).neg());
        }
        LayerKit.stackedIdentity(c, parts, Mle.evaluateBase(bias, r), what + ": concat");
    }

    @Override
    public int masks(Plan p) {
        int[] logs = new int[ins.length + 1];
        logs[0] = p.layout(out).logSize();
        for (int t = 0; t < ins.length; t++) {
            logs[t + 1] = p.layout(ins[t]).logSize();
        }
        return LayerKit.stackedMasks(logs.length, logs);
    }
}
