package dev.zkscope.compile.model;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.Tables;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.gadget.DivGadget;
import dev.zkscope.compile.gadget.DotGadget;
import dev.zkscope.compile.gadget.LinearGadget;
import dev.zkscope.compile.gadget.Limbs;
import dev.zkscope.compile.gadget.LookupGadget;
import dev.zkscope.compile.gadget.RescaleGadget;
import dev.zkscope.compile.gadget.VarDivGadget;
import dev.zkscope.quant.FixedPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The step kinds of the layer IR. Each states its integer semantics in one line; the gadgets enforce exactly that. */
public final class Steps {
    private Steps() {}

    static long val(long[][] t, Src s) {
        return s.isConstant() ? s.value() : t[s.tensor()][s.index()];
    }

    static long bnd(long[] b, Src s) {
        return s.isConstant() ? Math.abs(s.value()) : b[s.tensor()];
    }

    static long sat(long a, long b) {
        long r = a + b;
        return r < 0 || r > FixedPoint.MAX_ABS * 4 ? FixedPoint.MAX_ABS * 4 : r;
    }

    static long satMul(long a, long b) {
        if (a != 0 && b > FixedPoint.MAX_ABS * 4 / a) {
            return FixedPoint.MAX_ABS * 4;
        }
        return a * b;
    }

    /**
     * out[o] = bias[o] + sum_t x[o][t] * w[o][t] (Gemm, MatMul, Conv). Terms whose x is the constant 0 (padding) are
     * dropped. Weights are parameter elements (fixed columns, or private cells) or activations (advice).
     */
    public static final class Dot extends Step {
        final Src[][] xs;
        final Src[][] ws;
        final Src[] bias;

        /** The terms x[o][k] * w[o][k] and the biases (null without bias), for other backends. */
        public Src[][] xs() { return xs; }
        public Src[][] ws() { return ws; }
        public Src[] biases() { return bias; }

        public Dot(String layer, String op, int out, Src[][] xs, Src[][] ws, Src[] bias) {
            super(layer, op, out);
            this.xs = xs;
            this.ws = ws;
            this.bias = bias;
        }

        @Override public int size() { return xs.length; }

        /** Terms per output that the dot gadget multiplies (padding, the constant 0, dropped): K of each output. */
        public int[] terms() {
            int[] k = new int[xs.length];
            for (int o = 0; o < xs.length; o++) {
                for (Src x : xs[o]) {
                    if (!(x.isConstant() && x.value() == 0)) {
                        k[o]++;
                    }
                }
            }
            return k;
        }

        /** Whether the outputs start from a bias. */
        public boolean hasBias() {
            return bias != null;
        }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[xs.length];
            for (int o = 0; o < xs.length; o++) {
                long acc = bias == null ? 0 : val(t, bias[o]);
                for (int k = 0; k < xs[o].length; k++) {
                    acc = Math.addExact(acc, Math.multiplyExact(val(t, xs[o][k]), val(t, ws[o][k])));
                }
                y[o] = acc;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (int o = 0; o < xs.length; o++) {
                long acc = bias == null ? 0 : bnd(b, bias[o]);
                for (int k = 0; k < xs[o].length; k++) {
                    acc = sat(acc, satMul(bnd(b, xs[o][k]), bnd(b, ws[o][k])));
                }
                m = Math.max(m, acc);
            }
            return m;
        }

        private boolean fixedWeights(Lowerer lw) {
            if (lw.privateParams) {
                return false;
            }
            for (Src[] row : ws) {
                for (Src s : row) {
                    if (!lw.isParam(s)) {
                        return false;
                    }
                }
            }
            if (bias != null) {
                for (Src s : bias) {
                    if (!lw.isParam(s)) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            List<Cell[]> xc = new ArrayList<>();
            boolean fixed = fixedWeights(lw);
            List<long[]> wv = new ArrayList<>();
            List<Cell[]> wc = new ArrayList<>();
            for (int o = 0; o < xs.length; o++) {
                // arrays, not boxed lists: this loop runs once per multiply-accumulate of the model
                int kept = 0;
                for (Src x : xs[o]) {
                    if (!(x.isConstant() && x.value() == 0)) {
                        kept++;
                    }
                }
                Cell[] xr = new Cell[kept];
                long[] wr = new long[fixed ? kept : 0];
                Cell[] wcr = new Cell[fixed ? 0 : kept];
                int at = 0;
                for (int k = 0; k < xs[o].length; k++) {
                    Src x = xs[o][k];
                    if (x.isConstant() && x.value() == 0) {
                        continue;
                    }
                    xr[at] = lw.cell(x);
                    if (fixed) {
                        wr[at] = lw.paramValue(ws[o][k]);
                    } else {
                        wcr[at] = lw.cell(ws[o][k]);
                    }
                    at++;
                }
                xc.add(xr);
                wv.add(wr);
                wc.add(wcr);
            }
            if (fixed) {
                long[] bv = new long[xs.length];
                for (int o = 0; o < xs.length; o++) {
                    bv[o] = bias == null ? 0 : lw.paramValue(bias[o]);
                }
                return DotGadget.placeFixed(lw.layout, xc, wv, bv);
            }
            Cell[] bc = null;
            if (bias != null) {
                bc = new Cell[xs.length];
                for (int o = 0; o < xs.length; o++) {
                    bc[o] = lw.cell(bias[o]);
                }
            }
            return DotGadget.placePrivate(lw.layout, xc, wc, bc);
        }

        @Override
        public Work work(QModel m, long[] bounds) {
            long macs = 0;
            long var = 0;
            for (int o = 0; o < xs.length; o++) {
                for (int k = 0; k < xs[o].length; k++) {
                    if (xs[o][k].isConstant()) {
                        continue;
                    }
                    macs++;
                    if (!ws[o][k].isConstant() && !m.isParam(ws[o][k].tensor())) {
                        var++;
                    }
                }
            }
            return new Work(macs, var, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, xs.length);
        }
    }

    /** out[i] = divRound(x[i], d), {@link FixedPoint#divRound}: rescaling (d = 2^k), means, average pooling. */
    public static final class Div extends Step {
        final Src[] xs;
        final long d;

        /** The dividends (for other backends). */
        public Src[] inputs() { return xs.clone(); }

        public Div(String layer, String op, int out, Src[] xs, long d) {
            super(layer, op, out);
            this.xs = xs;
            this.d = d;
        }

        /** The constant divisor (2^k for a rescale). */
        public long divisor() {
            return d;
        }

        @Override public int size() { return xs.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[xs.length];
            for (int i = 0; i < xs.length; i++) {
                y[i] = FixedPoint.divRound(val(t, xs[i]), d);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (Src s : xs) {
                m = Math.max(m, bnd(b, s));
            }
            return m / d + 1;
        }

        @Override
        public int rangeBits(long[] b) {
            return Math.max(Limbs.bitsFor(d - 1), Limbs.bitsFor(bound(b)) + 1);
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long yMax = bound(lw.bounds);
            if (Long.bitCount(d) == 1 && RescaleGadget.fits(lw.layout.geometry(), Long.numberOfTrailingZeros(d), yMax)) {
                return RescaleGadget.place(lw.layout, lw.cells(xs), Long.numberOfTrailingZeros(d), yMax);
            }
            return DivGadget.place(lw.layout, lw.cells(xs), d, yMax, Long.bitCount(d) == 1 ? "rescale" : "div");
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, xs.length, Limbs.bitsFor(d - 1) + Limbs.bitsFor(bound(b)) + 1, 0, 0, 0, 0, 0,
                    xs.length);
        }
    }

    /** out[i] = alpha[i]*a[i] + beta[i]*b[i] + gamma[i] (Add, Sub, scale alignment, BatchNorm's affine map). */
    public static final class Linear extends Step {
        final Src[] as;
        final Src[] bs;
        final long[] alpha;
        final long[] beta;
        final long[] gamma;

        /** The two sides (bs null when absent) and the coefficients (for other backends). */
        public Src[] lefts() { return as; }
        public Src[] rights() { return bs; }
        public long[] alphas() { return alpha; }
        public long[] betas() { return beta; }
        public long[] gammas() { return gamma; }

        public Linear(String layer, String op, int out, Src[] as, Src[] bs, long[] alpha, long[] beta, long[] gamma) {
            super(layer, op, out);
            this.as = as;
            this.bs = bs;
            this.alpha = alpha;
            this.beta = beta;
            this.gamma = gamma;
        }

        @Override public int size() { return as.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.length];
            for (int i = 0; i < as.length; i++) {
                long v = Math.multiplyExact(alpha[i], val(t, as[i])) + gamma[i];
                if (bs != null) {
                    v = Math.addExact(v, Math.multiplyExact(beta[i], val(t, bs[i])));
                }
                y[i] = v;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (int i = 0; i < as.length; i++) {
                long v = sat(satMul(Math.abs(alpha[i]), bnd(b, as[i])), Math.abs(gamma[i]));
                if (bs != null) {
                    v = sat(v, satMul(Math.abs(beta[i]), bnd(b, bs[i])));
                }
                m = Math.max(m, v);
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            // rows pack elements that share (alpha, beta, gamma)
            Map<List<Long>, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < as.length; i++) {
                groups.computeIfAbsent(List.of(alpha[i], bs == null ? 0L : beta[i], gamma[i]), k -> new ArrayList<>()).add(i);
            }
            Cell[] out = new Cell[as.length];
            for (Map.Entry<List<Long>, List<Integer>> e : groups.entrySet()) {
                List<Integer> idx = e.getValue();
                Cell[] a = new Cell[idx.size()];
                Cell[] b = bs == null ? null : new Cell[idx.size()];
                for (int j = 0; j < idx.size(); j++) {
                    a[j] = lw.cell(as[idx.get(j)]);
                    if (b != null) {
                        b[j] = lw.cell(bs[idx.get(j)]);
                    }
                }
                Cell[] y = LinearGadget.placeLinear(lw.layout, a, b, e.getKey().get(0), e.getKey().get(1), e.getKey().get(2));
                for (int j = 0; j < idx.size(); j++) {
                    out[idx.get(j)] = y[j];
                }
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, as.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, as.length);
        }
    }

    /** out[i] = a[i] * b[i] (element-wise Mul, before its rescale). */
    public static final class Mul extends Step {
        final Src[] as;
        final Src[] bs;

        public Mul(String layer, String op, int out, Src[] as, Src[] bs) {
            super(layer, op, out);
            this.as = as;
            this.bs = bs;
        }

        @Override public int size() { return as.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.length];
            for (int i = 0; i < as.length; i++) {
                y[i] = Math.multiplyExact(val(t, as[i]), val(t, bs[i]));
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (int i = 0; i < as.length; i++) {
                m = Math.max(m, satMul(bnd(b, as[i]), bnd(b, bs[i])));
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return LinearGadget.placeMul(lw.layout, lw.cells(as), lw.cells(bs));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, as.length, 0, as.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, as.length);
        }
    }

    /** out[i] = max or min(a[i], b[i]); b may be a constant (ReLU: max(x, 0); Clip: two of these). */
    public static final class Compare extends Step {
        final Src[] as;
        final Src[] bs;
        final CompareGadget.Kind kind;

        /** The compared pairs and the kind (for other backends). */
        public Src[] left() { return as.clone(); }
        public Src[] right() { return bs.clone(); }
        public boolean isMax() { return kind == CompareGadget.Kind.MAX; }

        public Compare(String layer, String op, int out, Src[] as, Src[] bs, CompareGadget.Kind kind) {
            super(layer, op, out);
            this.as = as;
            this.bs = bs;
            this.kind = kind;
        }

        @Override public int size() { return as.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.length];
            for (int i = 0; i < as.length; i++) {
                long a = val(t, as[i]);
                long b = val(t, bs[i]);
                y[i] = kind == CompareGadget.Kind.MAX ? Math.max(a, b) : Math.min(a, b);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (int i = 0; i < as.length; i++) {
                m = Math.max(m, Math.max(bnd(b, as[i]), bnd(b, bs[i])));
            }
            return m;
        }

        private long diffBound(long[] b) {
            long m = 0;
            for (int i = 0; i < as.length; i++) {
                m = Math.max(m, sat(bnd(b, as[i]), bnd(b, bs[i])));
            }
            return m;
        }

        @Override
        public int rangeBits(long[] b) {
            return Limbs.bitsFor(diffBound(b));
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long db = diffBound(lw.bounds);
            Cell[] out = new Cell[as.length];
            Map<Long, CompareGadget.Packer> constPackers = new LinkedHashMap<>();
            CompareGadget.Packer cells = null;
            for (int i = 0; i < as.length; i++) {
                Cell a = lw.cell(as[i]);
                if (bs[i].isConstant()) {
                    long k = bs[i].value();
                    out[i] = constPackers.computeIfAbsent(k, kk -> new CompareGadget.Packer(lw.layout, kind, true, kk, db))
                            .add(a, null);
                } else {
                    if (cells == null) {
                        cells = new CompareGadget.Packer(lw.layout, kind, false, 0, db);
                    }
                    out[i] = cells.add(a, lw.cell(bs[i]));
                }
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, as.length, rangeBits(b), 0, 0, 0, 0, 0, 0, 0, as.length);
        }
    }

    /** out[o] = max over the window x[o][*] (MaxPool, ReduceMax, Softmax's max), a chain of pairwise maxima. */
    public static final class MaxReduce extends Step {
        final Src[][] windows;

        public MaxReduce(String layer, String op, int out, Src[][] windows) {
            super(layer, op, out);
            this.windows = windows;
        }

        @Override public int size() { return windows.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[windows.length];
            for (int o = 0; o < windows.length; o++) {
                long m = val(t, windows[o][0]);
                for (int k = 1; k < windows[o].length; k++) {
                    m = Math.max(m, val(t, windows[o][k]));
                }
                y[o] = m;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (Src[] w : windows) {
                for (Src s : w) {
                    m = Math.max(m, bnd(b, s));
                }
            }
            return m;
        }

        @Override
        public int rangeBits(long[] b) {
            return Limbs.bitsFor(sat(bound(b), bound(b)));
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long db = sat(bound(lw.bounds), bound(lw.bounds));
            Cell[] out = new Cell[windows.length];
            CompareGadget.Packer p = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MAX, false, 0, db);
            for (int o = 0; o < windows.length; o++) {
                Cell m = lw.cell(windows[o][0]);
                for (int k = 1; k < windows[o].length; k++) {
                    m = p.add(m, lw.cell(windows[o][k]));
                }
                out[o] = m;
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            long c = 0;
            for (Src[] w : windows) {
                c += w.length - 1;
            }
            return new Work(0, 0, 0, 0, c, rangeBits(b), 0, 0, 0, 0, 0, 0, 0, windows.length);
        }
    }

    /** out[o] = sum over the window x[o][*] (ReduceSum; with a {@link Div} after it, means and average pooling). */
    public static final class Sum extends Step {
        final Src[][] windows;

        /** The summed elements of each output (for other backends). */
        public Src[][] windows() { return windows; }

        public Sum(String layer, String op, int out, Src[][] windows) {
            super(layer, op, out);
            this.windows = windows;
        }

        @Override public int size() { return windows.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[windows.length];
            for (int o = 0; o < windows.length; o++) {
                long s = 0;
                for (Src x : windows[o]) {
                    s = Math.addExact(s, val(t, x));
                }
                y[o] = s;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (Src[] w : windows) {
                long s = 0;
                for (Src x : w) {
                    s = sat(s, bnd(b, x));
                }
                m = Math.max(m, s);
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            List<Cell[]> xs = new ArrayList<>();
            for (Src[] w : windows) {
                List<Cell> c = new ArrayList<>();
                for (Src x : w) {
                    if (x.isConstant() && x.value() == 0) {
                        continue;
                    }
                    c.add(lw.cell(x));
                }
                xs.add(c.toArray(new Cell[0]));
            }
            return DotGadget.placeSum(lw.layout, xs, new long[windows.length]);
        }

        @Override
        public Work work(QModel m, long[] b) {
            long adds = 0;
            for (Src[] w : windows) {
                adds += w.length;
            }
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, adds, 0, windows.length);
        }
    }

    /** out[i] = f(x[i]) by table lookup over the table's calibrated input range. */
    public static final class Lookup extends Step {
        final Src[] xs;
        final TableSpec table;
        final boolean ofWeights;

        public Lookup(String layer, String op, int out, Src[] xs, TableSpec table) {
            this(layer, op, out, xs, table, false);
        }

        /**
         * With {@code ofWeights} the table holds model weights (Gather from an embedding at run-time indices): its
         * whole range is stored (membership itself bounds the key, see {@code QuantizedLowering}'s Gather), and it
         * is refused when weights are not fixed in the key.
         */
        public Lookup(String layer, String op, int out, Src[] xs, TableSpec table, boolean ofWeights) {
            super(layer, op, out);
            this.xs = xs;
            this.table = table;
            this.ofWeights = ofWeights;
        }

        @Override public int size() { return xs.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[xs.length];
            for (int i = 0; i < xs.length; i++) {
                long x = val(t, xs[i]);
                if (x < table.lo() || x > table.hi()) {
                    throw new WitnessException(layer, x, "input " + x + " is outside the calibrated range ["
                            + table.lo() + ", " + table.hi() + "] of table " + table.name());
                }
                y[i] = table.f().applyAsLong(x);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (long x = table.lo(); x <= table.hi(); x++) {
                m = Math.max(m, Math.abs(table.f().applyAsLong(x)));
            }
            return m;
        }

        /**
         * The part of the table's range that must be stored: f is constant on [lo, a] and on [b, hi] (a saturating
         * function such as exp of very negative inputs, erf, sigmoid or tanh at the calibrated scales).
         */
        long[] core() {
            if (ofWeights) {
                return new long[]{table.lo(), table.hi()};
            }
            long a = table.lo();
            long fa = table.f().applyAsLong(a);
            while (a < table.hi() && table.f().applyAsLong(a + 1) == fa) {
                a++;
            }
            long b = table.hi();
            long fb = table.f().applyAsLong(b);
            while (b > a && table.f().applyAsLong(b - 1) == fb) {
                b--;
            }
            return new long[]{a, b};
        }

        /**
         * y = f(x) for x in the calibrated [lo, hi]. When f saturates, only its core [a, b] is stored and x is first
         * clamped to it by two comparisons, y = T(min(max(x, a), b)), which is the same function on [lo, hi]; this is
         * done when the table rows saved exceed the rows the comparisons add. An input outside [lo, hi] is still a
         * witness error, as in the quantized evaluator.
         */
        @Override
        public Cell[] lower(Lowerer lw) {
            if (ofWeights && lw.privateParams) {
                throw new dev.zkscope.compile.CompileException("node " + layer + " looks up its weights by a run-time "
                        + "index: that table is fixed in the verifying key, so its weights cannot be private or hashed; "
                        + "compile with fixed weights");
            }
            long[] core = core();
            long saved = (core[0] - table.lo()) + (table.hi() - core[1]);
            Cell[] in = lw.cells(xs);
            long lo = table.lo();
            long hi = table.hi();
            if (saved > 2L * xs.length + 16) {
                lw.layout.filler(t -> {
                    for (Cell c : in) {
                        long x = t.get(c);
                        if (x < lo || x > hi) {
                            throw new WitnessException(layer, x, "input " + x + " is outside the calibrated range ["
                                    + lo + ", " + hi + "] of table " + table.name());
                        }
                    }
                });
                long xb = lw.bound(xs);
                CompareGadget.Packer up = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MAX, true, core[0],
                        sat(xb, Math.abs(core[0])));
                Cell[] clamped = new Cell[in.length];
                for (int i = 0; i < in.length; i++) {
                    clamped[i] = up.add(in[i], null);
                }
                CompareGadget.Packer down = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MIN, true, core[1],
                        sat(Math.max(xb, Math.abs(core[0])), Math.abs(core[1])));
                for (int i = 0; i < in.length; i++) {
                    clamped[i] = down.add(clamped[i], null);
                }
                Tables.FunctionTable t = lw.layout.tables().function(table.name(), table.function(), table.f(), core[0], core[1]);
                return LookupGadget.place(lw.layout, clamped, t);
            }
            Tables.FunctionTable t = lw.layout.tables().function(table.name(), table.function(), table.f(), lo, hi);
            return LookupGadget.place(lw.layout, in, t);
        }

        @Override
        public int rangeBits(long[] b) {
            long[] core = core();
            long xb = 0;
            for (Src x : xs) {
                xb = Math.max(xb, bnd(b, x));
            }
            return Limbs.bitsFor(sat(Math.max(xb, Math.abs(core[0])), Math.max(Math.abs(core[0]), Math.abs(core[1]))));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, xs.length, table.hi() - table.lo() + 1, 0, 0, xs.length);
        }
    }

    /** out[i] = src[i] (Reshape, Flatten, Transpose, Concat, Slice, Pad, Squeeze): no rows, no gates. */
    public static final class Wire extends Step {
        final Src[] srcs;

        /** Where each output element is read from (for other backends). */
        public Src[] sources() { return srcs.clone(); }

        public Wire(String layer, String op, int out, Src[] srcs) {
            super(layer, op, out);
            this.srcs = srcs;
        }

        @Override public int size() { return srcs.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[srcs.length];
            for (int i = 0; i < srcs.length; i++) {
                y[i] = val(t, srcs[i]);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (Src s : srcs) {
                m = Math.max(m, bnd(b, s));
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return lw.cells(srcs);
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, srcs.length, srcs.length);
        }
    }

    /** out[i] = divRound(num[i], den[i]) with den[i] &gt;= 1 (Softmax's normalisation). */
    public static final class VarDiv extends Step {
        final Src[] nums;
        final Src[] dens;

        public VarDiv(String layer, String op, int out, Src[] nums, Src[] dens) {
            super(layer, op, out);
            this.nums = nums;
            this.dens = dens;
        }

        @Override public int size() { return nums.length; }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[nums.length];
            for (int i = 0; i < nums.length; i++) {
                long d = val(t, dens[i]);
                if (d < 1) {
                    throw new WitnessException(layer, d, "divisor " + d + " is not positive");
                }
                y[i] = FixedPoint.divRound(val(t, nums[i]), d);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            for (Src s : nums) {
                m = Math.max(m, bnd(b, s));
            }
            return m + 1;
        }

        private long denBound(long[] b) {
            long m = 0;
            for (Src s : dens) {
                m = Math.max(m, bnd(b, s));
            }
            return m;
        }

        @Override
        public int rangeBits(long[] b) {
            long den = denBound(b);
            return Math.max(Math.max(Limbs.bitsFor(Math.max(0, den - 1)), Limbs.bitsFor(den / 2)),
                    Limbs.bitsFor(bound(b)) + 1);
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return VarDivGadget.place(lw.layout, lw.cells(nums), lw.cells(dens), bound(lw.bounds), denBound(lw.bounds));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, nums.length, 0, 0, 0, 0, 0, rangeBits(b), nums.length, 0, 0, 0, 0, nums.length);
        }
    }
}
