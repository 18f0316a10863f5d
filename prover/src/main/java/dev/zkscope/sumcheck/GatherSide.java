package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

/**
 * One operand of a step that reads a tensor out of order: a per-row value broadcast over the row (Softmax's x - max,
 * its division by the row sum, LayerNorm's x - mean and (x - mean) * rsqrt), or the operand grid of a product of two
 * activations. Either the tensor itself in order ({@code seg < 0}: its committed segment is read directly), or a
 * <b>gathered copy</b> G committed in the step's own W segment of 2^logSize values, G(g) = x[src(g)] (src(g) = -1: the
 * public constant consts(g), 0 on padding), proved by a stacked identity from a fresh r:
 *
 * <pre>  sum_g eq(r, g) G(g) - sum_j F_r(j) x(j) = consts~(r),   F_r(j) = sum_{g: src(g) = j} eq(r, g)</pre>
 *
 * one zero-knowledge sumcheck over [G | x] ({@link LayerKit#stackedIdentity}); the verifier evaluates F_r~ in
 * O(nnz + |x|). Soundness: a G that differs from the gather at some g fails the identity at r except with probability
 * logSize / |F_p2|, plus the sumcheck's.
 */
record GatherSide(int tensor, int seg, int logSize, int[] src, long[] consts) {

    /** The tensor read in order (no segment, no gather). */
    static GatherSide identity(int tensor, int logSize) {
        return new GatherSide(tensor, -1, logSize, null, null);
    }

    boolean gathered() {
        return seg >= 0;
    }

    /**
     * The side of a step over the positions of layout l reading srcs (one per element, in l's order): the tensor
     * itself when srcs is that tensor in order and laid out as l, else a gather into a new segment.
     */
    static GatherSide of(Plan.Builder b, Step s, Src[] srcs, Plan.Layout l, String name) {
        int t = b.m.identitySource(srcs);
        if (t >= 0 && b.layoutOf(s, b.p.alias[t]).equals(l)) {
            return identity(b.p.alias[t], l.logSize());
        }
        Src[] at = new Src[1 << l.logSize()];
        for (int o = 0; o < srcs.length; o++) {
            at[l.pos(o)] = srcs[o];
        }
        return grid(b, s, at, l.logSize(), name);
    }

    /** A gather over a grid of 2^log positions (null: the constant 0) into a new segment. */
    static GatherSide grid(Plan.Builder b, Step s, Src[] at, int log, String name) {
        Plan p = b.p;
        int[] src = new int[at.length];
        long[] consts = new long[at.length];
        int in = -1;
        for (int g = 0; g < at.length; g++) {
            Src x = at[g];
            src[g] = -1;
            if (x == null) {
                continue;
            }
            if (x.isConstant() || b.m.isParam(x.tensor())) {
                consts[g] = x.isConstant() ? x.value() : b.m.param(x.tensor())[x.index()];
                continue;
            }
            int a = p.alias[x.tensor()];
            if (in >= 0 && a != in) {
                throw Plan.unsupported(s, "an operand gathered from more than one tensor");
            }
            in = a;
            src[g] = x.index();
        }
        if (in < 0) {
            throw Plan.unsupported(s, "an operand with no activation (constant folding left it)");
        }
        b.layoutOf(s, in);
        return create(p, in, log, src, consts, name);
    }

    /** Allocates the gathered segment (builder and key reader alike, in the same order). */
    static GatherSide create(Plan p, int tensor, int log, int[] src, long[] consts, String name) {
        return new GatherSide(tensor, LayerKit.segment(p, name, log), log, src, consts);
    }

    void write(ByteWriter w) {
        w.u32(tensor).u8(logSize).u8(gathered() ? 1 : 0);
        if (gathered()) {
            Plan.ints(w, src);
            LayerKit.writeSigned(w, consts);
        }
    }

    static GatherSide read(ByteReader r, Plan p, String name) throws Malformed {
        int t = r.u32();
        int log = r.u8();
        int flag = r.u8();
        boolean g = flag == 1;
        if (flag > 1 || t < 0 || t >= p.tensorCount || p.layouts[t] == null || log > 26) {
            throw r.malformed("operand of " + name);
        }
        if (!g) {
            if (p.layouts[t].logSize() != log) {
                throw r.malformed("operand of " + name + " read in order with another size");
            }
            return identity(t, log);
        }
        int[] src = Plan.readInts(r, Integer.MAX_VALUE);
        long[] consts = LayerKit.readSigned(r);
        int n = p.layouts[t].n();
        if (src.length != (1 << log) || consts.length != src.length) {
            throw r.malformed("gather of " + name);
        }
        for (int x : src) {
            if (x < -1 || x >= n) {
                throw r.malformed("gather of " + name + " reads outside its input");
            }
        }
        return create(p, t, log, src, consts, name);
    }

    /** Prover: fills the gathered segment from the evaluated tensors. */
    void witness(long[][] t, long[][] seg) {
        if (!gathered()) {
            return;
        }
        long[] x = t[tensor];
        long[] s = seg[this.seg];
        for (int g = 0; g < src.length; g++) {
            s[g] = Goldilocks.fromSigned(src[g] >= 0 ? x[src[g]] : consts[g]);
        }
    }

    /** Whether the operand's values are private. */
    boolean priv(SumcheckBackend.Ctx c) {
        return gathered() || c.priv(tensor);
    }

    /** Prover: the operand's table, lifted. */
    long[] table(SumcheckBackend.Ctx c) {
        return gathered() ? c.segment(seg) : c.lifted(tensor);
    }

    /** Binds table idx of a run (this operand) at the run's point. */
    void bind(SumcheckBackend.Ctx c, Zk.Run run, int idx, Fp2[] pt, String what) {
        if (gathered()) {
            run.bind(idx, new Zk.Lin().seg(seg, pt, Fp2.ONE));
        } else {
            c.bindTensor(run, idx, tensor, pt, what);
        }
    }

    /** Both sides: proves the gathered segment equals the gather (nothing for an operand read in order). */
    void prove(SumcheckBackend.Ctx c, String what) throws Malformed {
        if (!gathered()) {
            return;
        }
        Plan p = c.plan;
        Plan.Layout xl = p.layout(tensor);
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, logSize);
        long[] eqR = Mle.eqTable(r);
        int[] st = new int[src.length + 1];
        int nnz = 0;
        for (int g = 0; g < src.length; g++) {
            nnz += src[g] >= 0 ? 1 : 0;
            st[g + 1] = nnz;
        }
        int[] cols = new int[nnz];
        long[] ct = new long[src.length];
        for (int g = 0, k = 0; g < src.length; g++) {
            if (src[g] >= 0) {
                cols[k++] = src[g];
            } else {
                ct[g] = Goldilocks.fromSigned(consts[g]);
            }
        }
        long[] gv = c.prover() ? c.seg[seg] : null;
        long[] xv = c.prover() ? c.tables[p.alias[tensor]] : null;
        LayerKit.Part[] parts = {
            new LayerKit.Part(-1, seg, logSize, gv, eqR, z -> Mle.eq(r, z)),
            new LayerKit.Part(tensor, -1, xl.logSize(), xv,
                    c.prover() ? LayerKit.gatherCoef(st, cols, xl, eqR, true) : null,
                    z -> LayerKit.gatherCoefAt(st, cols, xl, eqR, z).neg())};
        LayerKit.stackedIdentity(c, parts, Mle.evaluateBase(ct, r), what + ": operand gather");
    }

    /** Mask slots of {@link #prove}. */
    int masks(Plan p) {
        return gathered() ? LayerKit.stackedMasks(2, logSize, p.layout(tensor).logSize()) : 0;
    }
}
