package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;

/**
 * y = f(x) element-wise by a function table (sigmoid, tanh, exp, erf, GELU, rsqrt...): the same (input, output)
 * table the Plonkish backend builds for the step ({@code TableSpec}: its name carries the function and its scales),
 * every input in the calibrated range [lo, lo + T). This op holds the table's values (public, in the key) and its
 * multiplicity segment m in W.
 *
 * <p><b>Argument</b> (zero-knowledge LogUp with committed helpers, Haböck eprint 2022/1530, as the range checks of
 * {@link SumcheckBackend#lookups}): after W is committed the verifier draws beta and gamma (gamma only when the model
 * has a function table); the prover commits, in the lookup helpers H, h(i) = ind(i) / (beta - x(i) - gamma y(i)) over
 * the tensor's layout (ind: 1 where an element sits, 0 in the padding) and g(a) = m(a) / (beta - t(a) - gamma f(a))
 * over the table (a &ge; T repeats the last entry, so a multiplicity there still counts a real entry). Two masked
 * zero-checks from fresh points prove
 * <ol>
 *   <li>sum_i eq(tau, i) [h(i) (beta - x(i) - gamma y(i)) - ind(i)] = 0 (degree 5 masked: h, x, y private),</li>
 *   <li>sum_a eq(tau', a) [g(a) tb(a) - m(a)] = 0 with tb = beta - t - gamma f public (the verifier evaluates it in
 *   O(T)),</li>
 * </ol>
 * and sum h - sum g = 0 is a linear claim on H with the public value 0: the LogUp identity sum_i ind(i) / (beta - v_i)
 * = sum_a m(a) / (beta - w_a), which as rational functions in beta holds only when every (x_i, y_i) folded by gamma is
 * a table pair (x_i, f(x_i)). Nothing private is sent in the clear: h, g, x, y, m enter as masked final values bound
 * to H and W.
 *
 * <p>Soundness: the zero-checks ((logN 5 + 1) + (logT 4 + 1)) / |F_p2| plus their points; the LogUp identity
 * 2 (N + T) / |F_p2| over beta; a gamma-fold collision (x, y) vs (a, f(a)) with y != f(x) for at most one gamma per
 * pair, N T / |F_p2|. One argument per table op (each its own multiplicities; two ops on the same table do not share
 * g). Calls: two {@link Zk#sumcheck}, one {@link Zk#claim} on H.
 */
record TableOp(String layer, String kind, int out, int in, String table, long lo, long[] values, int multSeg)
        implements LayerOp {
    static final int TAG = 9;
    /** Largest function table: 2^20 entries. */
    static final int MAX_LOG = 20;
    /** H's segments per table op: h's two coordinates, g's two coordinates. */
    static final int HELPER_SEGMENTS = 4;

    static TableOp create(Plan p, String layer, String kind, int out, int in, String table, long lo, long[] values) {
        int m = LayerKit.segment(p, "tmult" + out, Mle.logCeil(values.length));
        return new TableOp(layer, kind, out, in, table, lo, values, m);
    }

    static TableOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int in = r.u32();
        String table = r.string();
        long lo = r.u64();
        long[] values = LayerKit.readSigned(r);
        if (in < 0 || in >= p.tensorCount || p.layouts[in] == null || values.length < 1
                || Mle.logCeil(values.length) > MAX_LOG) {
            throw r.malformed("function table " + layer);
        }
        return create(p, layer, kind, out, in, table, lo, values);
    }

    int logT() { return Mle.logCeil(values.length); }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {in}; }

    @Override public boolean commitsOutput() { return true; }

    @Override
    public void write(ByteWriter w) {
        w.u32(in).string(table).u64(lo);
        LayerKit.writeSigned(w, values);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        if (!p.layouts[out].equals(p.layouts[in])) {
            throw new Malformed("sumcheck plan", "function table " + layer + " changes its layout");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        long[] x = t[in];
        long[] y = t[out];
        for (int i = 0; i < x.length; i++) {
            long j = x[i] - lo;
            if (j < 0 || j >= values.length) {
                if (LayerKit.LENIENT.get()) {
                    continue;
                }
                throw new IllegalArgumentException("layer " + layer + ": input " + x[i] + " is outside the table "
                        + table + " [" + lo + ", " + (lo + values.length - 1) + "]: the input is outside the calibrated domain");
            }
            if (y[i] != values[(int) j] && !LayerKit.LENIENT.get()) {
                throw new IllegalStateException("layer " + layer + ": output " + y[i] + " is not the table's value");
            }
            seg[multSeg][(int) j]++;
        }
    }

    // ------------------------------------------------------------------------------------------ lookup helpers

    /** The model's function-table ops, in plan order (their helpers sit in H in this order). */
    static List<TableOp> of(Plan p) {
        List<TableOp> l = new ArrayList<>();
        for (Plan.Op op : p.ops) {
            if (op instanceof TableOp t) {
                l.add(t);
            }
        }
        return l;
    }

    /** Index of this op's first helper segment in H (after the range helpers' {@code first} segments). */
    int helperBase(Plan p, int first) {
        int j = 0;
        for (Plan.Op op : p.ops) {
            if (op == this) {
                return first + HELPER_SEGMENTS * j;
            }
            if (op instanceof TableOp) {
                j++;
            }
        }
        throw new IllegalStateException("function table " + layer + " is not in its plan");
    }

    /** H's segment sizes of every table op: h0, h1 (the tensor's layout), g0, g1 (the table). */
    static int[] helperLogSizes(Plan p) {
        List<TableOp> ts = of(p);
        int[] l = new int[HELPER_SEGMENTS * ts.size()];
        for (int j = 0; j < ts.size(); j++) {
            int n = p.layout(ts.get(j).in).logSize();
            l[4 * j] = n;
            l[4 * j + 1] = n;
            l[4 * j + 2] = ts.get(j).logT();
            l[4 * j + 3] = ts.get(j).logT();
        }
        return l;
    }

    /** H's mask slots for every table op's two private helper tables (h and g evaluation masks). */
    static int helperMasks(Plan p) {
        int n = 0;
        for (TableOp t : of(p)) {
            n += Zk.slots(p.layout(t.in).logSize(), 0, 1) + Zk.slots(t.logT(), 0, 1);
        }
        return n;
    }

    /** The table's inputs and outputs over 2^logT (the last entry repeated in the padding), field. */
    long[][] columns() {
        int n = 1 << logT();
        long[] a = new long[n];
        long[] f = new long[n];
        for (int i = 0; i < n; i++) {
            int j = Math.min(i, values.length - 1);
            a[i] = Goldilocks.fromSigned(lo + j);
            f[i] = Goldilocks.fromSigned(values[j]);
        }
        return new long[][] {a, f};
    }

    /**
     * Prover: fills this op's helpers in H's values hv: h = ind / (beta - x - gamma y) over the tensor's layout and
     * g = m / (beta - t - gamma f) over the table, each as two base-field coordinates (one batch inversion each).
     */
    void fillHelpers(Plan p, long[][] t, long[][] seg, Fp2 beta, Fp2 gamma, Zk.Space space, int base, long[] hv) {
        Plan.Layout l = p.layout(in);
        long[] x = t[in];
        long[] y = t[out];
        int n = l.n();
        Fp2[] d = new Fp2[n];
        for (int i = 0; i < n; i++) {
            d[i] = beta.sub(Fp2.of(Goldilocks.fromSigned(x[i]))).sub(gamma.mul(Goldilocks.fromSigned(y[i])));
        }
        Fp2[] h = batchInverse(d);
        int o0 = space.offsets()[base];
        int o1 = space.offsets()[base + 1];
        for (int i = 0; i < n; i++) {
            int at = l.pos(i);
            hv[o0 + at] = h[i].c0();
            hv[o1 + at] = h[i].c1();
        }
        long[][] cols = columns();
        int tn = cols[0].length;
        Fp2[] e = new Fp2[tn];
        for (int a = 0; a < tn; a++) {
            e[a] = beta.sub(Fp2.of(cols[0][a])).sub(gamma.mul(cols[1][a]));
        }
        Fp2[] g = batchInverse(e);
        long[] m = seg[multSeg];
        int g0 = space.offsets()[base + 2];
        int g1 = space.offsets()[base + 3];
        for (int a = 0; a < tn; a++) {
            Fp2 v = g[a].mul(m[a]);
            hv[g0 + a] = v.c0();
            hv[g1 + a] = v.c1();
        }
        FieldOps.add(4L * n + 4L * tn); // the denominators' gamma products, prefix products, back substitution, m
    }

    /** 1/d for every d (nonzero except with probability n / |F_p2| over beta), by one inversion. */
    static Fp2[] batchInverse(Fp2[] d) {
        int n = d.length;
        Fp2[] pre = new Fp2[n];
        Fp2 acc = Fp2.ONE;
        for (int i = 0; i < n; i++) {
            pre[i] = acc;
            acc = acc.mul(d[i]);
        }
        Fp2 inv = acc.inv();
        Fp2[] out = new Fp2[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = inv.mul(pre[i]);
            inv = inv.mul(d[i]);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- the step

    /** Tables 0 eq, 1 h, 2 x, 3 y, 4 ind: eq [h beta - h x - gamma h y - ind]. */
    static Sumcheck.Form lookedUpForm(Fp2 beta, Fp2 gamma) {
        return new Sumcheck.Form(new int[][] {{0, 1}, {0, 1, 2}, {0, 1, 3}, {0, 4}},
                new Fp2[] {beta, Fp2.ONE.neg(), gamma.neg(), Fp2.ONE.neg()});
    }

    /** Tables 0 eq, 1 g, 2 tb = beta - t - gamma f, 3 m: eq [g tb - m]. */
    static Sumcheck.Form tableForm() {
        return new Sumcheck.Form(new int[][] {{0, 1, 2}, {0, 3}}, new Fp2[] {Fp2.ONE, Fp2.ONE.neg()});
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        Fp2 beta = c.beta;
        Fp2 gamma = c.gamma;
        int base = helperBase(p, SumcheckBackend.Helpers.TABLES);
        Plan.Layout l = p.layout(in);
        int logN = l.logSize();
        // 1. h (beta - x - gamma y) = ind at every position of the looked-up tensor
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, logN);
        Sumcheck.Form f1 = lookedUpForm(beta, gamma);
        long[][] tabs = null;
        if (c.prover()) {
            tabs = new long[][] {null, helper(c, base, logN), c.lifted(in), c.lifted(out),
                    Ext.lift(l.indicator())};
        }
        Zk.Run run = c.zk.zeroCheck(f1, tau, tabs, logN, new boolean[] {false, true, c.priv(in), c.priv(out), false},
                new int[] {0, 1, 0, 0, 0}, 0, Fp2.ZERO);
        Fp2[] pt = run.point;
        run.expect(0, Mle.eq(tau, pt), what);
        run.bind(1, new Zk.Lin().seg(base, pt, Fp2.ONE).seg(base + 1, pt, Zk.X));
        c.bindTensor(run, 2, in, pt, what);
        c.bindTensor(run, 3, out, pt, what);
        run.expect(4, Mle.evaluateBase(l.indicator(), pt), what);
        run.check(f1, what + ": function lookup h (beta - x - gamma y) = 1");
        // 2. g (beta - t - gamma f) = m at every table entry
        int logT = logT();
        Fp2[] tau2 = SumcheckBackend.challenges(c.zk.tr, logT);
        long[][] cols = columns();
        Sumcheck.Form f2 = tableForm();
        if (c.prover()) {
            long[] tb = new long[2 << logT];
            for (int a = 0; a < (1 << logT); a++) {
                Ext.set(tb, a, beta.sub(Fp2.of(cols[0][a])).sub(gamma.mul(cols[1][a])));
            }
            tabs = new long[][] {null, helper(c, base + 2, logT), tb, c.segment(multSeg)};
        }
        run = c.zk.zeroCheck(f2, tau2, tabs, logT, new boolean[] {false, true, false, true}, new int[] {0, 1, 0, 0}, 0,
                Fp2.ZERO);
        Fp2[] rho = run.point;
        run.expect(0, Mle.eq(tau2, rho), what);
        run.bind(1, new Zk.Lin().seg(base + 2, rho, Fp2.ONE).seg(base + 3, rho, Zk.X));
        run.expect(2, beta.sub(Mle.evaluateBase(cols[0], rho)).sub(gamma.mul(Mle.evaluateBase(cols[1], rho))), what);
        run.bind(3, new Zk.Lin().seg(multSeg, rho, Fp2.ONE));
        run.check(f2, what + ": function table g (beta - t - gamma f) = m");
        // 3. sum h = sum g: the LogUp identity, a claim on H with the public value 0
        c.zk.claim(1, new Zk.Lin().seg(base, null, Fp2.ONE).seg(base + 1, null, Zk.X)
                .seg(base + 2, null, Fp2.ONE.neg()).seg(base + 3, null, Zk.X.neg()), Fp2.ZERO);
    }

    /** Prover: helper segments base (c0) and base + 1 (c1) of H as one interleaved F_p2 table of 2^log values. */
    private static long[] helper(SumcheckBackend.Ctx c, int base, int log) {
        int[] off = c.helpers.space.offsets();
        long[] t = new long[2 << log];
        for (int i = 0; i < (1 << log); i++) {
            t[2 * i] = c.hv[off[base] + i];
            t[2 * i + 1] = c.hv[off[base + 1] + i];
        }
        return t;
    }

    @Override
    public int masks(Plan p) {
        return Zk.slots(p.layout(in).logSize(), 5, 3) + Zk.slots(logT(), 4, 2);
    }
}
