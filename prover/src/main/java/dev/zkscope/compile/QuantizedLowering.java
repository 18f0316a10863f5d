package dev.zkscope.compile;

import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Srcs;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.compile.model.TableSpec;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import dev.zkscope.ir.Window;
import dev.zkscope.ir.Tensor;
import dev.zkscope.quant.FixedPoint;
import dev.zkscope.quant.LookupTable;
import dev.zkscope.quant.QNode;
import dev.zkscope.quant.QWeight;
import dev.zkscope.quant.QuantizedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a {@link QuantizedGraph} to the layer IR ({@link QModel}), node by node, following the integer semantics
 * documented on {@link dev.zkscope.quant.QuantizedEvaluator} step for step, so that the witness equals the evaluator's
 * tensors bit for bit. Nodes that do not reach the graph output (shape computations folded at import) are skipped.
 * Data movement (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Slice, Split, Pad, Gather, Identity, Cast)
 * becomes wiring: its index map is found by running the op itself on inputs whose values encode their own position
 * ((input + 1) * 2^50 + index, exact in a double; constants such as pad values stay below 2^48).
 */
final class QuantizedLowering {
    private final QuantizedGraph q;
    private final Graph g;
    private final QModel m;
    private final Map<String, Integer> tensors = new HashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private final int s;

    private QuantizedLowering(QuantizedGraph q, long inputBound) {
        this.q = q;
        this.g = q.graph();
        this.s = q.inputScale();
        this.m = new QModel(g.name() == null || g.name().isBlank() ? "model" : g.name());
        for (Graph.Value in : g.inputs()) {
            tensors.put(in.name(), m.input(in.shape(), in.isInteger() ? indexBound(in.name()) : inputBound));
            shapes.put(in.name(), in.shape());
        }
    }

    /**
     * The bound of an integer input (token ids): the quantizer admits one only as the indices of Gathers from constant
     * tables, whose lookups bound it by the table's length along the axis.
     */
    private long indexBound(String input) {
        long b = 0;
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.Gather && n.inputs().size() == 2 && n.inputs().get(1).equals(input)) {
                b = Math.max(b, n.inputShapes().get(0)[((Op.Gather) n.op()).axis()] - 1L);
            }
        }
        return b;
    }

    /** The layer IR of a quantized graph; {@code inputAbsMax} bounds |input| in real units. */
    static QModel lower(QuantizedGraph q, double inputAbsMax) {
        long bound = (long) Math.ceil(Math.scalb(inputAbsMax, q.inputScale()));
        QuantizedLowering l = new QuantizedLowering(q, bound);
        Set<String> live = l.liveNodes();
        for (QNode n : q.nodes()) {
            if (live.contains(n.name())) {
                l.node(n);
            }
        }
        for (Graph.Value out : l.g.outputs()) {
            Integer t = l.tensors.get(out.name());
            if (t == null) {
                throw new CompileException("graph output " + out.name() + " is not computed by any node");
            }
            l.m.output(t, out.shape());
        }
        return l.m;
    }

    private Set<String> liveNodes() {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                producer.put(o, n);
            }
        }
        Set<String> live = new HashSet<>();
        List<String> work = new ArrayList<>();
        for (Graph.Value out : g.outputs()) {
            work.add(out.name());
        }
        while (!work.isEmpty()) {
            Node n = producer.get(work.remove(work.size() - 1));
            if (n != null && live.add(n.name())) {
                QNode qn = q.node(n.name());
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (qn != null && qn.param("C" + i) != null) {
                        continue;
                    }
                    work.add(n.inputs().get(i));
                }
            }
        }
        return live;
    }

    // ------------------------------------------------------------------ helpers

    private static Src[] range(int t, int n) {
        Src[] out = new Src[n];
        for (int i = 0; i < n; i++) {
            out[i] = new Src(t, i);
        }
        return out;
    }

    private static int size(int[] shape) {
        return (int) Tensor.elementCount(shape);
    }

    /** Operand i of a node broadcast to {@code shape}: an activation's elements, or a constant parameter's values. */
    private Src[] operand(QNode n, int i, int[] shape) {
        QWeight c = n.param("C" + i);
        if (c != null) {
            int[] idx = Shapes.broadcastIndex(c.shape(), shape);
            Src[] out = new Src[idx.length];
            for (int k = 0; k < idx.length; k++) {
                out[k] = Src.constant(c.data()[idx[k]]);
            }
            return out;
        }
        String name = n.node().inputs().get(i);
        Integer t = tensors.get(name);
        if (t == null) {
            throw new CompileException("node " + n.node().describe() + " reads " + name + ", which was not computed");
        }
        int[] idx = Shapes.broadcastIndex(shapes.get(name), shape);
        Src[] out = new Src[idx.length];
        for (int k = 0; k < idx.length; k++) {
            out[k] = new Src(t, idx[k]);
        }
        return out;
    }

    private Src[] operand(QNode n, int i) {
        String name = n.node().inputs().get(i);
        return operand(n, i, n.param("C" + i) != null ? n.param("C" + i).shape() : shapes.get(name));
    }

    private int[] inShape(QNode n, int i) {
        return n.param("C" + i) != null ? n.param("C" + i).shape() : shapes.get(n.node().inputs().get(i));
    }

    private void define(QNode n, int tensor) {
        Node node = n.node();
        tensors.put(node.outputs().get(0), tensor);
        shapes.put(node.outputs().get(0), node.outputShape());
        m.nodeOutput(node.name(), tensor);
    }

    private int add(Steps.Dot st) { return m.add(st); }

    private int tensor(int size) {
        return m.newTensor(size);
    }

    private int rescale(QNode n, int t, int k) {
        if (k == 0) {
            return t;
        }
        int size = m.size(t);
        return m.add(new Steps.Div(n.name(), n.node().opType(), tensor(size), Srcs.range(t, size), 1L << k));
    }

    private int div(QNode n, int t, long d) {
        int size = m.size(t);
        return m.add(new Steps.Div(n.name(), n.node().opType(), tensor(size), Srcs.range(t, size), d));
    }

    private int linear(QNode n, Src[] a, Src[] b, long[] alpha, long[] beta, long[] gamma) {
        return m.add(new Steps.Linear(n.name(), n.node().opType(), tensor(a.length), a, b, alpha, beta, gamma));
    }

    private static long[] fill(int n, long v) {
        long[] out = new long[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    private TableSpec table(QNode n) {
        LookupTable t = n.table();
        if (t == null || t.unbounded()) {
            throw new CompileException("node " + n.node().describe() + " needs a calibrated lookup table");
        }
        String name = TableSpec.nameOf(t);
        return new TableSpec(name, name, t::value, t.lo(), t.hi(), t.monotone());
    }

    // ------------------------------------------------------------------ nodes

    /** The lowering of one node to steps of the layer IR. */
    @FunctionalInterface
    private interface Lowering {
        void apply(QuantizedLowering l, QNode n);
    }

    /**
     * The lowering of each op kind: the LOWERING stage of the op registry ({@code dev.zkscope.ops.OpRegistry}). Data
     * movement is listed by name like every other op: an op kind without an entry is refused, never wired.
     */
    private static final Map<Class<? extends Op>, Lowering> LOWERINGS = new HashMap<>();

    static {
        LOWERINGS.put(Op.Gemm.class, (l, n) -> l.gemm(n, (Op.Gemm) n.node().op()));
        LOWERINGS.put(Op.MatMul.class, QuantizedLowering::matmul);
        LOWERINGS.put(Op.Conv.class, (l, n) -> l.conv(n, (Op.Conv) n.node().op()));
        LOWERINGS.put(Op.Binary.class, (l, n) -> l.binary(n, ((Op.Binary) n.node().op()).op()));
        LOWERINGS.put(Op.Unary.class, (l, n) -> l.unary(n, (Op.Unary) n.node().op()));
        LOWERINGS.put(Op.PRelu.class, (l, n) -> {
            QWeight slope = n.param("slope");
            int[] shape = n.node().outputShape();
            int[] idx = Shapes.broadcastIndex(slope.shape(), shape);
            long[] a = new long[idx.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = slope.data()[idx[i]];
            }
            l.leaky(n, a);
        });
        LOWERINGS.put(Op.BatchNorm.class, QuantizedLowering::batchNorm);
        LOWERINGS.put(Op.LayerNorm.class, (l, n) -> l.layerNorm(n, (Op.LayerNorm) n.node().op()));
        LOWERINGS.put(Op.Softmax.class, (l, n) -> l.softmax(n, (Op.Softmax) n.node().op()));
        LOWERINGS.put(Op.Pool.class, (l, n) -> l.pool(n, (Op.Pool) n.node().op()));
        LOWERINGS.put(Op.Reduce.class, (l, n) -> {
            Op.ReduceKind k = ((Op.Reduce) n.node().op()).reduce();
            if (k == Op.ReduceKind.MAX || k == Op.ReduceKind.SUM || k == Op.ReduceKind.MEAN) {
                l.reduce(n, (Op.Reduce) n.node().op());
            } else {
                l.reduceMore(n, (Op.Reduce) n.node().op());
            }
        });
        LOWERINGS.put(Op.Gather.class, (l, n) -> {
            if (n.param("table") != null) {
                l.gatherTable(n);
            } else {
                l.wiring(n);
            }
        });
        for (Class<? extends Op> c : List.of(Op.Reshape.class, Op.Transpose.class, Op.Concat.class, Op.Slice.class,
                Op.Split.class, Op.Pad.class, Op.Identity.class, Op.Cast.class, Op.Expand.class, Op.Trilu.class,
                Op.SpaceDepth.class, Op.Tile.class)) {
            LOWERINGS.put(c, QuantizedLowering::wiring);
        }
        LOWERINGS.put(Op.CumSum.class, QuantizedLowering::cumSum);
        LOWERINGS.put(Op.Where.class, (l, n) -> {
            if (n.param("cond") != null) {
                l.wiring(n);
            } else {
                l.select(n);
            }
        });
        LOWERINGS.put(Op.Compare.class, QuantizedLowering::compare);
        LOWERINGS.put(Op.Not.class, (l, n) -> {
            Src[] x = l.operand(n, 0);
            l.define(n, l.linear(n, x, null, fill(x.length, -1), new long[x.length], fill(x.length, 1L << l.s)));
        });
        LOWERINGS.put(Op.Logical.class, QuantizedLowering::logical);
    }

    /** Whether op kind {@code op} has a lowering (the registry's LOWERING stage). */
    static boolean hasLowering(Class<? extends Op> op) {
        return LOWERINGS.containsKey(op);
    }

    private void node(QNode n) {
        Lowering lw = LOWERINGS.get(n.node().op().getClass());
        if (lw == null) {
            throw new CompileException("node " + n.node().describe() + ": op " + n.node().op().kind()
                    + " has no circuit lowering (not in the op registry's lowering stage)");
        }
        lw.apply(this, n);
    }

    /** CumSum: one sum per output over its window; an empty window (exclusive, at the start) is the constant 0. */
    private void cumSum(QNode n) {
        Op.CumSum op = (Op.CumSum) n.node().op();
        int[] xs = inShape(n, 0);
        Src[] x = operand(n, 0);
        List<Src[]> wins = new ArrayList<>();
        int[] at = new int[x.length];
        for (int o = 0; o < x.length; o++) {
            int[] w = op.window(xs, o);
            if (w.length == 0) {
                at[o] = -1;
                continue;
            }
            Src[] win = new Src[w.length];
            for (int t = 0; t < w.length; t++) {
                win[t] = x[w[t]];
            }
            at[o] = wins.size();
            wins.add(win);
        }
        int sum = m.add(new Steps.Sum(n.name(), n.node().opType(), tensor(wins.size()), wins.toArray(new Src[0][])));
        if (wins.size() == x.length) {
            define(n, sum);
            return;
        }
        Src[] out = new Src[x.length];
        for (int o = 0; o < x.length; o++) {
            out[o] = at[o] < 0 ? Src.constant(0) : new Src(sum, at[o]);
        }
        define(n, m.add(new Steps.Wire(n.name(), n.node().opType(), tensor(out.length), out)));
    }

    /** t = u - v elementwise, a constant operand folded into the offset (not both constant). */
    private int difference(QNode n, Src[] u, Src[] v) {
        int size = u.length;
        long[] gamma = new long[size];
        if (u[0].isConstant() && v[0].isConstant()) {
            throw new CompileException("node " + n.node().describe() + " compares two constants");
        }
        if (v[0].isConstant()) {
            for (int i = 0; i < size; i++) {
                gamma[i] = -v[i].value();
            }
            return linear(n, u, null, fill(size, 1), new long[size], gamma);
        }
        if (u[0].isConstant()) {
            for (int i = 0; i < size; i++) {
                gamma[i] = u[i].value();
            }
            return linear(n, v, null, fill(size, -1), new long[size], gamma);
        }
        return linear(n, u, v, fill(size, 1), fill(size, -1), gamma);
    }

    /** g = [u > v] = min(max(u - v, 0), 1) on integers: two comparisons of the difference (CompareGadget). */
    private int greater(QNode n, Src[] u, Src[] v) {
        int size = u.length;
        int d = difference(n, u, v);
        String type = n.node().opType();
        int pos = m.add(new Steps.Compare(n.name(), type, tensor(size), range(d, size), constants(size, 0),
                CompareGadget.Kind.MAX));
        return m.add(new Steps.Compare(n.name(), type, tensor(size), range(pos, size), constants(size, 1),
                CompareGadget.Kind.MIN));
    }

    /**
     * Comparisons from g(u, v) = [u > v]: Greater 2^s·g(a, b), Less 2^s·g(b, a), LessOrEqual 2^s - 2^s·g(a, b),
     * GreaterOrEqual 2^s - 2^s·g(b, a), Equal 2^s - 2^s·(g(a, b) + g(b, a)).
     */
    private void compare(QNode n) {
        int[] shape = n.node().outputShape();
        int size = size(shape);
        Src[] a = operand(n, 0, shape);
        Src[] b = operand(n, 1, shape);
        long one = 1L << s;
        switch (((Op.Compare) n.node().op()).compare()) {
            case GREATER:
                define(n, linear(n, range(greater(n, a, b), size), null, fill(size, one), new long[size], new long[size]));
                return;
            case LESS:
                define(n, linear(n, range(greater(n, b, a), size), null, fill(size, one), new long[size], new long[size]));
                return;
            case LESS_OR_EQUAL:
                define(n, linear(n, range(greater(n, a, b), size), null, fill(size, -one), new long[size], fill(size, one)));
                return;
            case GREATER_OR_EQUAL:
                define(n, linear(n, range(greater(n, b, a), size), null, fill(size, -one), new long[size], fill(size, one)));
                return;
            default: {
                int gt = greater(n, a, b);
                int lt = greater(n, b, a);
                define(n, linear(n, range(gt, size), range(lt, size), fill(size, -one), fill(size, -one), fill(size, one)));
            }
        }
    }

    /** and = rescale(a·b, s); And = and, Or = a + b - and, Xor = a + b - 2·and (booleans 0 and 2^s). */
    private void logical(QNode n) {
        int[] shape = n.node().outputShape();
        int size = size(shape);
        Src[] a = operand(n, 0, shape);
        Src[] b = operand(n, 1, shape);
        int and = rescale(n, m.add(new Steps.Mul(n.name(), n.node().opType(), tensor(size), a, b)), s);
        Op.LogicalKind k = ((Op.Logical) n.node().op()).logical();
        if (k == Op.LogicalKind.AND) {
            define(n, and);
            return;
        }
        int sum = linear(n, a, b, fill(size, 1), fill(size, 1), new long[size]);
        define(n, linear(n, range(sum, size), range(and, size), fill(size, 1), fill(size, k == Op.LogicalKind.OR ? -1 : -2),
                new long[size]));
    }

    /** Where with a run-time condition c (0 or 2^s): out = y + rescale(c·(x - y), s). */
    private void select(QNode n) {
        int[] shape = n.node().outputShape();
        int size = size(shape);
        Src[] c = operand(n, 0, shape);
        Src[] x = operand(n, 1, shape);
        Src[] y = operand(n, 2, shape);
        int prod;
        if (x[0].isConstant() && y[0].isConstant()) {
            long[] alpha = new long[size];
            for (int i = 0; i < size; i++) {
                alpha[i] = x[i].value() - y[i].value();
            }
            prod = linear(n, c, null, alpha, new long[size], new long[size]);
        } else {
            int d = difference(n, x, y);
            prod = m.add(new Steps.Mul(n.name(), n.node().opType(), tensor(size), c, range(d, size)));
        }
        int r = rescale(n, prod, s);
        if (y[0].isConstant()) {
            long[] gamma = new long[size];
            for (int i = 0; i < size; i++) {
                gamma[i] = y[i].value();
            }
            define(n, linear(n, range(r, size), null, fill(size, 1), new long[size], gamma));
        } else {
            define(n, linear(n, range(r, size), y, fill(size, 1), fill(size, 1), new long[size]));
        }
    }

    /**
     * Gather from a constant table T (quantized at s; shape [..outer.., V, ..inner..] along the axis) by run-time
     * indices idx (a graph input, scale 0). Output element (o, p, i) is T[o, idx_p, i]; with c = o·inner + i in
     * [0, C), C = outer·inner, it is one lookup of the key idx_p + V·c into the function table
     * key -> T[c / inner, key mod V, c mod inner] over [0, V·C). Soundness: membership of the key for c = 0 gives
     * 0 <= idx_p < V·C as an integer (V·C is far below p), and for c = C - 1 then idx_p + V·(C-1) < V·C, so
     * 0 <= idx_p < V exactly: every key decomposes uniquely, and the value read is T at the honest index. The table
     * keeps its whole range (no clamping of constant ends, which would drop the bound).
     */
    private void gatherTable(QNode n) {
        Op.Gather op = (Op.Gather) n.node().op();
        QWeight table = n.param("table");
        int[] ts = table.shape();
        int axis = op.axis();
        long v = ts[axis];
        int outer = Shapes.product(ts, 0, axis);
        int inner = Shapes.product(ts, axis + 1, ts.length);
        long classes = (long) outer * inner;
        if (v * classes > (1L << 40)) {
            throw new CompileException("node " + n.node().describe() + ": Gather table of " + v * classes
                    + " entries is too large for a lookup table");
        }
        Src[] idx = operand(n, 1);
        int positions = idx.length;
        int size = size(n.node().outputShape());
        Src[] xs = new Src[size];
        long[] alpha = fill(size, 1);
        long[] gamma = new long[size];
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < positions; p++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * positions + p) * inner + i;
                    xs[e] = idx[p];
                    gamma[e] = v * ((long) o * inner + i);
                }
            }
        }
        int key = linear(n, xs, null, alpha, new long[size], gamma);
        long[] data = table.data();
        long vv = v;
        java.util.function.LongUnaryOperator f = k -> {
            long c = k / vv;
            return data[(int) ((c / inner) * vv * inner + (k % vv) * inner + (c % inner))];
        };
        String name = "gather_" + n.name();
        TableSpec spec = new TableSpec(name, "rows of " + n.node().inputs().get(0) + " " + Tensor.shapeString(ts)
                + " by index (key = idx + " + v + "·column)", f, 0, v * classes - 1);
        define(n, m.add(new Steps.Lookup(n.name(), n.node().opType(), tensor(size), range(key, size), spec, true)));
    }

    /**
     * Products out[o] = bias[o] + sum_k a[o][k] * b[o][k] (then rescaled) from explicit index maps: for small operands
     * only (one Src per multiply-add); Conv, Gemm and MatMul describe their terms by index arithmetic instead.
     */
    private int dot(QNode n, Src[][] xs, Src[][] ws, Src[] bias) {
        return add(new Steps.Dot(n.name(), n.node().opType(), tensor(xs.length), xs, ws, bias));
    }

    /** A parameter as a dot product operand: a whole tensor, no per-element references. */
    private Steps.Dot.Operand paramOperand(QWeight w) {
        return Steps.Dot.Operand.tensor(m.param(w.data()), w.data().length);
    }

    private Src[] paramSrcs(QWeight w) {
        int t = m.param(w.data());
        return range(t, w.data().length);
    }

    private Src[] activation(String name) {
        Integer t = tensors.get(name);
        if (t == null) {
            throw new CompileException("tensor " + name + " was not computed");
        }
        return range(t, m.size(t));
    }

    private static Src[] transpose2d(Src[] a, int rows, int cols) {
        Src[] out = new Src[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return out;
    }

    private void gemm(QNode n, Op.Gemm op) {
        int[] as = inShape(n, 0);
        Src[] a = operand(n, 0);
        int mRows = op.transA() ? as[1] : as[0];
        int k = op.transA() ? as[0] : as[1];
        if (op.transA()) {
            a = transpose2d(a, as[0], as[1]);
        }
        Steps.Dot.Operand b;
        int nCols;
        if (n.param("W") != null) {
            QWeight w = n.param("W");
            b = paramOperand(w);
            nCols = w.shape()[1];
        } else {
            int[] bs = inShape(n, 1);
            Src[] bo = operand(n, 1);
            if (op.transB()) {
                bo = transpose2d(bo, bs[0], bs[1]);
                nCols = bs[0];
            } else {
                nCols = bs[1];
            }
            b = Steps.Dot.Operand.of(bo);
        }
        int[] outShape = n.node().outputShape();
        Steps.Dot.Operand bias = null;
        int[] biasIdx = null;
        if (n.param("B") != null) {
            QWeight bw = n.param("B");
            bias = paramOperand(bw);
            biasIdx = Shapes.broadcastIndex(bw.shape(), outShape);
        }
        Steps.Dot.Terms terms = new Steps.Dot.MatMulTerms(1, mRows, k, nCols, new int[] {0}, new int[] {0}, false,
                biasIdx);
        define(n, rescale(n, add(new Steps.Dot(n.name(), n.node().opType(), tensor(terms.outputs()), Steps.Dot.Operand.of(a),
                b, terms, bias)), n.shift()));
    }

    private void matmul(QNode n) {
        Steps.Dot.Operand a;
        int[] as;
        if (n.param("A") != null) {
            a = paramOperand(n.param("A"));
            as = n.param("A").shape();
        } else {
            a = Steps.Dot.Operand.of(operand(n, 0));
            as = inShape(n, 0);
        }
        Steps.Dot.Operand b;
        int[] bs;
        if (n.param("W") != null) {
            b = paramOperand(n.param("W"));
            bs = n.param("W").shape();
        } else {
            b = Steps.Dot.Operand.of(operand(n, 1));
            bs = inShape(n, 1);
        }
        int[] a2 = as.length == 1 ? new int[]{1, as[0]} : as;
        int[] b2 = bs.length == 1 ? new int[]{bs[0], 1} : bs;
        int rows = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int cols = b2[b2.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(a2, a2.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Shapes.broadcast(List.of(aBatch, bBatch));
        int nb = size(batch);
        int[] ai = Shapes.broadcastIndex(aBatch, batch);
        int[] bi = Shapes.broadcastIndex(bBatch, batch);
        // the parameter operand goes on the weight side
        boolean aIsParam = n.param("A") != null;
        Steps.Dot.Terms terms = new Steps.Dot.MatMulTerms(nb, rows, k, cols, ai, bi, aIsParam, null);
        define(n, rescale(n, add(new Steps.Dot(n.name(), n.node().opType(), tensor(terms.outputs()),
                aIsParam ? b : a, aIsParam ? a : b, terms, null)), n.shift()));
    }

    private void conv(QNode n, Op.Conv op) {
        QWeight wq = n.param("W");
        int[] xs = inShape(n, 0);
        int[] os = n.node().outputShape();
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        int mOut = os[1];
        Steps.Dot.ConvTerms terms = new Steps.Dot.ConvTerms(g, xs[0], xs[1], mOut, op.group());
        QWeight bq = n.param("B");
        Steps.Dot.Operand x = Steps.Dot.Operand.of(operand(n, 0));
        Steps.Dot.Operand w = paramOperand(wq);
        Steps.Dot.Operand bias = bq == null ? null : paramOperand(bq);
        define(n, rescale(n, add(new Steps.Dot(n.name(), n.node().opType(), tensor(terms.outputs()), x, w, terms,
                bias)), n.shift()));
    }

    private void binary(QNode n, Op.BinaryKind k) {
        int[] shape = n.node().outputShape();
        int size = size(shape);
        switch (k) {
            case ADD:
            case SUB: {
                Src[] a = operand(n, 0, shape);
                Src[] b = operand(n, 1, shape);
                long sign = k == Op.BinaryKind.ADD ? 1 : -1;
                long[] alpha = new long[size];
                long[] beta = new long[size];
                long[] gamma = new long[size];
                Src[] as = new Src[size];
                Src[] bs = new Src[size];
                boolean anyB = false;
                for (int i = 0; i < size; i++) {
                    if (a[i].isConstant() && b[i].isConstant()) {
                        throw new CompileException("node " + n.node().describe() + " adds two constants");
                    }
                    if (a[i].isConstant()) {
                        as[i] = b[i];
                        alpha[i] = sign;
                        gamma[i] = a[i].value();
                    } else if (b[i].isConstant()) {
                        as[i] = a[i];
                        alpha[i] = 1;
                        gamma[i] = sign * b[i].value();
                    } else {
                        as[i] = a[i];
                        bs[i] = b[i];
                        alpha[i] = 1;
                        beta[i] = sign;
                        anyB = true;
                    }
                }
                if (anyB) {
                    for (int i = 0; i < size; i++) {
                        if (bs[i] == null) {
                            bs[i] = Src.constant(0);
                        }
                    }
                }
                define(n, linear(n, as, anyB ? bs : null, alpha, anyB ? beta : new long[size], gamma));
                return;
            }
            case MAX:
            case MIN: {
                CompareGadget.Kind kind = k == Op.BinaryKind.MAX ? CompareGadget.Kind.MAX : CompareGadget.Kind.MIN;
                Src[] acc = operand(n, 0, shape);
                int t = -1;
                for (int i = 1; i < n.node().inputs().size(); i++) {
                    Src[] b = operand(n, i, shape);
                    Src[] as = acc;
                    Src[] bs = b;
                    for (int e = 0; e < size; e++) {
                        if (as[e].isConstant()) {
                            Src tmp = as[e];
                            as[e] = bs[e];
                            bs[e] = tmp;
                        }
                    }
                    t = m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), as, bs, kind));
                    acc = range(t, size);
                }
                define(n, t);
                return;
            }
            case MUL:
            case DIV: {
                Src[] a = operand(n, 0, shape);
                Src[] b = operand(n, 1, shape);
                int prod;
                boolean aConst = a[0].isConstant();
                boolean bConst = b[0].isConstant();
                if (k == Op.BinaryKind.DIV && n.param("C1") == null) {
                    // division by a run-time value: divRound(a·2^s, b), b >= 1 (VarDivGadget range-checks it)
                    Src[] num = new Src[size];
                    if (aConst) {
                        for (int i = 0; i < size; i++) {
                            num[i] = Src.constant(Math.multiplyExact(a[i].value(), 1L << s));
                        }
                    } else {
                        num = range(linear(n, a, null, fill(size, 1L << s), new long[size], new long[size]), size);
                    }
                    define(n, m.add(new Steps.VarDiv(n.name(), n.node().opType(), tensor(size), num, b)));
                    return;
                }
                if (aConst || bConst) {
                    long[] alpha = new long[size];
                    Src[] xs = new Src[size];
                    for (int i = 0; i < size; i++) {
                        xs[i] = aConst ? b[i] : a[i];
                        alpha[i] = aConst ? a[i].value() : b[i].value();
                    }
                    prod = linear(n, xs, null, alpha, new long[size], new long[size]);
                } else {
                    prod = m.add(new Steps.Mul(n.name(), n.node().opType(), tensor(size), a, b));
                }
                define(n, rescale(n, prod, n.shift()));
                return;
            }
            default:
                throw new CompileException("node " + n.node().describe() + ": " + k + " is not supported by the compiler");
        }
    }

    private void unary(QNode n, Op.Unary u) {
        Src[] x = operand(n, 0);
        int size = x.length;
        switch (u.fn()) {
            case RELU:
                define(n, m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), x, constants(size, 0),
                        CompareGadget.Kind.MAX)));
                return;
            case NEG:
                define(n, linear(n, x, null, fill(size, -1), new long[size], new long[size]));
                return;
            case ABS: {
                int neg = linear(n, x, null, fill(size, -1), new long[size], new long[size]);
                define(n, m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), x, range(neg, size),
                        CompareGadget.Kind.MAX)));
                return;
            }
            case CLIP: {
                long lo = n.param("min").data()[0];
                long hi = n.param("max").data()[0];
                int a = m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), x, constants(size, lo),
                        CompareGadget.Kind.MAX));
                define(n, m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), range(a, size),
                        constants(size, hi), CompareGadget.Kind.MIN)));
                return;
            }
            case LEAKY_RELU:
                leaky(n, fill(size, n.param("alpha").data()[0]));
                return;
            default:
                if (n.table() == null) {
                    // Pow 2 without a table: rescale(x*x, shift)
                    int sq = m.add(new Steps.Mul(n.name(), n.node().opType(), tensor(size), x, x));
                    define(n, rescale(n, sq, n.shift()));
                } else {
                    define(n, m.add(new Steps.Lookup(n.name(), n.node().opType(), tensor(size), x, table(n))));
                }
        }
    }

    private static Src[] constants(int n, long v) {
        Src[] out = new Src[n];
        java.util.Arrays.fill(out, Src.constant(v));
        return out;
    }

    /**
     * x >= 0 ? x : rescale(x*a, shift). For slopes in [0, 1] this is max(x, rescale(x*a, shift)); otherwise
     * max(x, 0) + rescale(min(x, 0)*a, shift), which is the same for every slope.
     */
    private void leaky(QNode n, long[] a) {
        Src[] x = operand(n, 0);
        int size = x.length;
        boolean unit = true;
        for (long v : a) {
            unit &= v >= 0 && v <= (1L << n.shift());
        }
        String type = n.node().opType();
        if (!unit) {
            int pos = m.add(new Steps.Compare(n.name(), type, tensor(size), x, constants(size, 0), CompareGadget.Kind.MAX));
            int neg = m.add(new Steps.Compare(n.name(), type, tensor(size), x, constants(size, 0), CompareGadget.Kind.MIN));
            int sc = rescale(n, linear(n, range(neg, size), null, a, new long[size], new long[size]), n.shift());
            define(n, linear(n, range(pos, size), range(sc, size), fill(size, 1), fill(size, 1), new long[size]));
            return;
        }
        int scaled = linear(n, x, null, a, new long[size], new long[size]);
        int z = rescale(n, scaled, n.shift());
        define(n, m.add(new Steps.Compare(n.name(), n.node().opType(), tensor(size), x, range(z, size), CompareGadget.Kind.MAX)));
    }

    private void batchNorm(QNode n) {
        Src[] x = operand(n, 0);
        int[] xs = inShape(n, 0);
        long[] a = n.param("A").data();
        long[] b = n.param("B").data();
        int c = xs[1];
        int inner = Shapes.product(xs, 2, xs.length);
        long[] alpha = new long[x.length];
        long[] gamma = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            alpha[i] = a[ch];
            gamma[i] = b[ch];
        }
        int t = linear(n, x, null, alpha, new long[x.length], gamma);
        define(n, rescale(n, t, n.shift()));
    }

    private void softmax(QNode n, Op.Softmax op) {
        Src[] x = operand(n, 0);
        int[] grp = op.groups(inShape(n, 0));
        int outer = grp[0];
        int len = grp[1];
        int inner = grp[2];
        int groups = outer * inner;
        Src[][] win = new Src[groups][len];
        int[] groupOf = new int[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                for (int i = 0; i < len; i++) {
                    win[o * inner + in][i] = x[base + i * inner];
                    groupOf[base + i * inner] = o * inner + in;
                }
            }
        }
        String name = n.name();
        String type = n.node().opType();
        int max = m.add(new Steps.MaxReduce(name, type, tensor(groups), win));
        Src[] mx = new Src[x.length];
        for (int i = 0; i < x.length; i++) {
            mx[i] = new Src(max, groupOf[i]);
        }
        int d = linear(n, x, mx, fill(x.length, 1), fill(x.length, -1), new long[x.length]);
        int e = m.add(new Steps.Lookup(name, type, tensor(x.length), range(d, x.length), table(n)));
        Src[][] ew = new Src[groups][len];
        for (int i = 0; i < x.length; i++) {
            int gi = groupOf[i];
            int o = gi / inner;
            int in = gi % inner;
            int pos = (i - o * len * inner - in) / inner;
            ew[gi][pos] = new Src(e, i);
        }
        int sum = m.add(new Steps.Sum(name, type, tensor(groups), ew));
        int num = linear(n, range(e, x.length), null, fill(x.length, 1L << s), new long[x.length], new long[x.length]);
        Src[] den = new Src[x.length];
        for (int i = 0; i < x.length; i++) {
            den[i] = new Src(sum, groupOf[i]);
        }
        define(n, m.add(new Steps.VarDiv(name, type, tensor(x.length), range(num, x.length), den)));
    }

    private void layerNorm(QNode n, Op.LayerNorm op) {
        Src[] x = operand(n, 0);
        int[] xs = inShape(n, 0);
        int len = Shapes.product(xs, op.axis(), xs.length);
        int outer = x.length / Math.max(1, len);
        int norm = normalizedRows(n, x, outer, len);
        long[] gamma = n.param("gamma").data();
        long[] beta = n.param("beta").data();
        long[] al = new long[x.length];
        long[] ga = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            al[i] = gamma[i % gamma.length];
            ga[i] = beta[i % beta.length];
        }
        int aff = linear(n, range(norm, x.length), null, al, new long[x.length], ga);
        define(n, rescale(n, aff, n.shift()));
    }

    private void pool(QNode n, Op.Pool op) {
        int[] xs = inShape(n, 0);
        int[] os = n.node().outputShape();
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        Window.Taps taps = g.poolTaps(xs[0] * xs[1]);
        Src[] x = operand(n, 0);
        int outSize = taps.outputs();
        Src[][] win = new Src[outSize][];
        long[] count = new long[outSize];
        for (int o = 0; o < outSize; o++) {
            int from = taps.start()[o];
            win[o] = new Src[taps.count(o)];
            for (int t = 0; t < win[o].length; t++) {
                win[o][t] = x[taps.x()[from + t]];
            }
            count[o] = op.countIncludePad() ? taps.padded()[o] : Math.max(1, win[o].length);
        }
        String type = n.node().opType();
        if (op.pool() == Op.PoolKind.MAX) {
            define(n, m.add(new Steps.MaxReduce(n.name(), type, tensor(outSize), win)));
            return;
        }
        int sum = m.add(new Steps.Sum(n.name(), type, tensor(outSize), win));
        define(n, divideBy(n, sum, count));
    }

    /** out[i] = divRound(x[i], count[i]): one constant division per distinct count, then wiring back in order. */
    private int divideBy(QNode n, int x, long[] count) {
        Map<Long, List<Integer>> byCount = new LinkedHashMap<>();
        for (int i = 0; i < count.length; i++) {
            byCount.computeIfAbsent(count[i], k -> new ArrayList<>()).add(i);
        }
        if (byCount.size() == 1) {
            return div(n, x, count[0]);
        }
        Src[] out = new Src[count.length];
        for (Map.Entry<Long, List<Integer>> e : byCount.entrySet()) {
            List<Integer> idx = e.getValue();
            Src[] part = new Src[idx.size()];
            for (int j = 0; j < part.length; j++) {
                part[j] = new Src(x, idx.get(j));
            }
            int t = m.add(new Steps.Div(n.name(), n.node().opType(), tensor(part.length), part, e.getKey()));
            for (int j = 0; j < part.length; j++) {
                out[idx.get(j)] = new Src(t, j);
            }
        }
        return m.add(new Steps.Wire(n.name(), n.node().opType(), tensor(out.length), out));
    }

    private void reduce(QNode n, Op.Reduce op) {
        int[] xs = inShape(n, 0);
        Src[] x = operand(n, 0);
        int[] keep = xs.clone();
        for (int a : op.axes()) {
            keep[a] = 1;
        }
        int[] idx = Shapes.broadcastIndex(keep, xs);
        int outSize = size(keep);
        List<List<Src>> groups = new ArrayList<>();
        for (int i = 0; i < outSize; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < idx.length; i++) {
            groups.get(idx[i]).add(x[i]);
        }
        Src[][] win = new Src[outSize][];
        for (int i = 0; i < outSize; i++) {
            win[i] = groups.get(i).toArray(new Src[0]);
        }
        String type = n.node().opType();
        if (op.reduce() == Op.ReduceKind.MAX) {
            define(n, m.add(new Steps.MaxReduce(n.name(), type, tensor(outSize), win)));
            return;
        }
        int sum = m.add(new Steps.Sum(n.name(), type, tensor(outSize), win));
        if (op.reduce() == Op.ReduceKind.MEAN) {
            long count = Math.max(1, x.length / outSize);
            define(n, div(n, sum, count));
        } else {
            define(n, sum);
        }
    }

    /**
     * Data movement: runs the op on inputs whose element j of activation input i holds (i + 1) * 2^50 + j, so every
     * output element says where it came from; anything else in the output is a constant (a pad value, a parameter).
     */
    private void wiring(QNode n) {
        Node node = n.node();
        if (node.inputs().size() > 6) {
            throw new CompileException("node " + node.describe() + " moves data from " + node.inputs().size()
                    + " inputs; the compiler wires at most 6");
        }
        Op op = node.op();
        if (op instanceof Op.Pad) {
            Op.Pad p = (Op.Pad) op;
            op = new Op.Pad(p.begins(), p.ends(), p.mode(), n.param("value").data()[0]);
        }
        List<Tensor> ins = new ArrayList<>();
        List<Src[]> srcs = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            if (op instanceof Op.Where && i == 0) {
                QWeight c = n.param("cond");
                double[] d = new double[c.data().length];
                for (int k = 0; k < d.length; k++) {
                    d[k] = c.data()[k];
                }
                ins.add(Tensor.of(c.shape(), d));
                srcs.add(null);
                continue;
            }
            if (op instanceof Op.Gather && i == 1) {
                QWeight idx = n.param("indices");
                double[] d = new double[idx.data().length];
                for (int k = 0; k < d.length; k++) {
                    d[k] = idx.data()[k];
                }
                ins.add(Tensor.of(idx.shape(), d));
                srcs.add(null);
                continue;
            }
            Src[] in = operand(n, i);
            int[] shape = inShape(n, i);
            double[] d = new double[in.length];
            for (int k = 0; k < d.length; k++) {
                d[k] = in[k].isConstant() ? in[k].value() : (double) (((long) (i + 1) << 50) + k);
            }
            ins.add(Tensor.of(shape, d));
            srcs.add(in);
        }
        List<Tensor> outs = op.eval(ins);
        for (int o = 0; o < outs.size(); o++) {
            double[] od = outs.get(o).data();
            Src[] res = new Src[od.length];
            for (int k = 0; k < od.length; k++) {
                long v = (long) od[k];
                if (v >= (1L << 50)) {
                    res[k] = srcs.get((int) (v >>> 50) - 1)[(int) (v & ((1L << 50) - 1))];
                } else {
                    res[k] = Src.constant(v);
                }
            }
            int t = m.add(new Steps.Wire(n.name(), node.opType(), tensor(res.length), res));
            String name = node.outputs().get(o);
            tensors.put(name, t);
            shapes.put(name, node.outputShapes().get(o));
            if (o == 0) {
                m.nodeOutput(node.name(), t);
            }
        }
    }

    // ------------------------------------------------------------------ ops real exports use (docs/op-registry.md)

    static {
        LOWERINGS.put(Op.ConvTranspose.class, QuantizedLowering::convTranspose);
        LOWERINGS.put(Op.Einsum.class, QuantizedLowering::einsum);
        LOWERINGS.put(Op.Resize.class, (l, n) -> {
            if (((Op.Resize) n.node().op()).linear()) {
                l.resizeLinear(n);
            } else {
                l.wiring(n);
            }
        });
        LOWERINGS.put(Op.ArgExtreme.class, QuantizedLowering::argExtreme);
        LOWERINGS.put(Op.LogSoftmax.class, QuantizedLowering::logSoftmax);
        LOWERINGS.put(Op.GroupNorm.class, QuantizedLowering::groupNorm);
        LOWERINGS.put(Op.Mod.class, QuantizedLowering::mod);
        LOWERINGS.put(Op.IndexCheck.class, QuantizedLowering::indexCheck);
    }

    /**
     * IndexCheck: out = x (wired); every hits cell is looked up in the one-entry table {2^s}, so a witness whose index
     * matched no position (out of range, or not an integer) has no valid lookup and cannot be proved. hits is a sum
     * of booleans from comparisons (the quantizer checks that), each 0 or 2^s by their gadgets.
     */
    private void indexCheck(QNode n) {
        int size = size(n.node().outputShape());
        Src[] hits = operand(n, 2);
        long one = 1L << s;
        int bound = ((Op.IndexCheck) n.node().op()).n();
        TableSpec spec = new TableSpec("one_s" + s, "the index matched exactly one of the " + bound + " positions",
                k -> k, one, one);
        m.add(new Steps.Lookup(n.name(), n.node().opType(), tensor(size), hits, spec));
        define(n, m.add(new Steps.Wire(n.name(), n.node().opType(), tensor(size), operand(n, 0))));
    }

    /**
     * Mod by a constant d (D = |d|): f = floor(x / D) = divRound(x - floor(D/2), D) (DivGadget: the remainder is
     * range-checked, so f is the floor); r0 = x - D·f lies in [0, D). fmod (sign of x): out = r0 - D·[x < 0]·[r0 > 0],
     * with [x < 0] = min(max(-x, 0), 1) and [r0 > 0] = min(r0, 1) by comparisons; the divisor's sign (d > 0): r0; d < 0:
     * r0 - D·[r0 > 0]. One output element per broadcast position; elements are grouped by divisor.
     */
    private void mod(QNode n) {
        int[] shape = n.node().outputShape();
        int size = size(shape);
        Src[] x = operand(n, 0, shape);
        Src[] d = operand(n, 1, shape);
        boolean f = ((Op.Mod) n.node().op()).fmod();
        String type = n.node().opType();
        long[] big = new long[size];
        long[] half = new long[size];
        for (int i = 0; i < size; i++) {
            big[i] = Math.abs(d[i].value());
            half[i] = -(big[i] / 2);
        }
        int shifted = linear(n, x, null, fill(size, 1), new long[size], half);
        // floor division by each element's |d|: one Div step per distinct divisor, wired back in order
        int fl = divideBy(n, shifted, big);
        long[] negD = new long[size];
        for (int i = 0; i < size; i++) {
            negD[i] = -big[i];
        }
        int r0 = linear(n, x, range(fl, size), fill(size, 1), negD, new long[size]);
        int nz = m.add(new Steps.Compare(n.name(), type, tensor(size), range(r0, size), constants(size, 1),
                CompareGadget.Kind.MIN));
        int sel;
        if (f) {
            int neg = greater(n, constants(size, 0), x);
            sel = m.add(new Steps.Mul(n.name(), type, tensor(size), range(neg, size), range(nz, size)));
        } else {
            long[] alpha = new long[size];
            for (int i = 0; i < size; i++) {
                alpha[i] = d[i].value() < 0 ? 1 : 0;
            }
            sel = linear(n, range(nz, size), null, alpha, new long[size], new long[size]);
        }
        define(n, linear(n, range(r0, size), range(sel, size), fill(size, 1), negD, new long[size]));
    }

    /**
     * ConvTranspose: output o = bias + Σ x[i]·W[j] over the (input, weight) pairs that scatter into it (each input
     * element times each kernel tap lands on output (iy·sh - ph + ky·dh, ix·sw - pw + kx·dw)), one dot product per
     * output, then rescaled.
     */
    private void convTranspose(QNode n) {
        Op.ConvTranspose op = (Op.ConvTranspose) n.node().op();
        int[] xs = inShape(n, 0);
        int[] os = n.node().outputShape();
        Window g = op.window(xs, os);
        int batch = xs[0];
        int channels = xs[1];
        int mOut = os[1];
        int group = op.group();
        int cg = channels / group;
        int mg = mOut / group;
        int area = g.kh() * g.kw();
        int inPlane = g.h() * g.w();
        int outPlane = g.outPositions();
        int outputs = batch * mOut * outPlane;
        int[] count = new int[outputs];
        // two passes over the scatter (MatKernels.col2im, the kernels' geometry): count each output's terms, place them
        int[] map = dev.zkscope.ir.MatKernels.col2im(g, mg);
        int[][] xsrcT = null;
        int[][] wsrcT = null;
        for (int pass = 0; pass < 2; pass++) {
            int[] fill = new int[outputs];
            for (int b = 0; b < batch; b++) {
                for (int grp = 0; grp < group; grp++) {
                    int outBase = (b * mOut + grp * mg) * outPlane;
                    for (int c = 0; c < cg; c++) {
                        int xBase = (b * channels + grp * cg + c) * inPlane;
                        for (int j = 0; j < map.length; j++) {
                            if (map[j] < 0) {
                                continue;
                            }
                            int out = outBase + map[j];
                            if (pass == 0) {
                                count[out]++;
                            } else {
                                int at = fill[out]++;
                                int ock = j / inPlane;
                                xsrcT[out][at] = xBase + j % inPlane;
                                wsrcT[out][at] = ((grp * cg + c) * mg + ock / area) * area + ock % area;
                            }
                        }
                    }
                }
            }
            if (pass == 0) {
                xsrcT = new int[outputs][];
                wsrcT = new int[outputs][];
                for (int o = 0; o < outputs; o++) {
                    xsrcT[o] = new int[count[o]];
                    wsrcT[o] = new int[count[o]];
                }
            }
        }
        Src[] x = operand(n, 0);
        int wt = m.param(n.param("W").data());
        int bt = n.param("B") == null ? -1 : m.param(n.param("B").data());
        Src[][] xsrc = new Src[outputs][];
        Src[][] wsrc = new Src[outputs][];
        Src[] bias = bt < 0 ? null : new Src[outputs];
        for (int o = 0; o < outputs; o++) {
            xsrc[o] = new Src[count[o]];
            wsrc[o] = new Src[count[o]];
            for (int t = 0; t < count[o]; t++) {
                xsrc[o][t] = x[xsrcT[o][t]];
                wsrc[o][t] = new Src(wt, wsrcT[o][t]);
            }
            if (bias != null) {
                bias[o] = new Src(bt, (o / outPlane) % mOut);
            }
        }
        define(n, rescale(n, dot(n, xsrc, wsrc, bias), n.shift()));
    }

    /**
     * Einsum: each output element is the sum, over every assignment of the labels the output drops, of A·B at those
     * labels (one dot product per output, a constant operand on the weight side, then rescaled); one operand: a sum.
     */
    private void einsum(QNode n) {
        Op.Einsum op = (Op.Einsum) n.node().op();
        int inputs = n.node().inputs().size();
        String eq = op.equation().replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] subs = sides[0].split(",", -1);
        List<int[]> shapes = new ArrayList<>();
        List<Src[]> srcs = new ArrayList<>();
        int paramSide = -1;
        for (int i = 0; i < inputs; i++) {
            QWeight p = n.param("P" + i);
            if (p != null) {
                shapes.add(p.shape());
                srcs.add(paramSrcs(p));
                paramSide = i;
            } else {
                shapes.add(inShape(n, i));
                srcs.add(operand(n, i));
            }
        }
        int[] size = new int[128];
        for (int i = 0; i < inputs; i++) {
            for (int k = 0; k < subs[i].length(); k++) {
                size[subs[i].charAt(k)] = shapes.get(i)[k];
            }
        }
        String out;
        if (sides.length == 2) {
            out = sides[1];
        } else {
            StringBuilder b = new StringBuilder();
            for (char c = 'A'; c <= 'z'; c++) {
                if (Character.isLetter(c) && (subs[0].indexOf(c) >= 0 ? 1 : 0)
                        + (inputs == 2 && subs[1].indexOf(c) >= 0 ? 1 : 0) == 1) {
                    b.append(c);
                }
            }
            out = b.toString();
        }
        StringBuilder dropped = new StringBuilder();
        for (int i = 0; i < inputs; i++) {
            for (char c : subs[i].toCharArray()) {
                if (out.indexOf(c) < 0 && dropped.indexOf(String.valueOf(c)) < 0) {
                    dropped.append(c);
                }
            }
        }
        String all = out + dropped;
        int[] value = new int[128];
        int outSize = size(n.node().outputShape());
        int inner = 1;
        for (char c : dropped.toString().toCharArray()) {
            inner = Math.multiplyExact(inner, size[c]);
        }
        Src[][] xs = new Src[outSize][inner];
        Src[][] ws = inputs == 2 ? new Src[outSize][inner] : null;
        for (int o = 0; o < outSize; o++) {
            int rem = o;
            for (int k = out.length() - 1; k >= 0; k--) {
                value[out.charAt(k)] = rem % size[out.charAt(k)];
                rem /= size[out.charAt(k)];
            }
            for (int t = 0; t < inner; t++) {
                int r2 = t;
                for (int k = dropped.length() - 1; k >= 0; k--) {
                    value[dropped.charAt(k)] = r2 % size[dropped.charAt(k)];
                    r2 /= size[dropped.charAt(k)];
                }
                for (int i = 0; i < inputs; i++) {
                    int flat = 0;
                    for (char c : subs[i].toCharArray()) {
                        flat = flat * size[c] + value[c];
                    }
                    Src v = srcs.get(i)[flat];
                    // the parameter operand goes on the weight side
                    boolean weightSide = paramSide >= 0 ? i == paramSide : i == 1;
                    if (weightSide) {
                        ws[o][t] = v;
                    } else {
                        xs[o][t] = v;
                    }
                }
            }
        }
        if (all.isEmpty() && outSize == 0) {
            throw new CompileException("node " + n.node().describe() + ": empty Einsum");
        }
        if (inputs == 1) {
            define(n, m.add(new Steps.Sum(n.name(), n.node().opType(), tensor(outSize), xs)));
            return;
        }
        define(n, rescale(n, dot(n, xs, ws, null), n.shift()));
    }

    /** Linear Resize: out = rescale(Σ x·w, sp), w the interpolation weights quantized at sp (parameters). */
    private void resizeLinear(QNode n) {
        Op.Resize op = (Op.Resize) n.node().op();
        Op.Resize.Taps t = op.taps(inShape(n, 0));
        long[] w = dev.zkscope.quant.ModelOpKernels.resizeWeights(t, n.shift());
        int wt = m.param(w);
        Src[] x = operand(n, 0);
        int outputs = t.start().length - 1;
        Src[][] xs = new Src[outputs][];
        Src[][] ws = new Src[outputs][];
        for (int o = 0; o < outputs; o++) {
            int from = t.start()[o];
            int k = t.start()[o + 1] - from;
            xs[o] = new Src[k];
            ws[o] = new Src[k];
            for (int j = 0; j < k; j++) {
                xs[o][j] = x[t.x()[from + j]];
                ws[o][j] = new Src(wt, from + j);
            }
        }
        define(n, rescale(n, dot(n, xs, ws, null), n.shift()));
    }

    /** The groups of a reduction along {@code axis}: [outer·inner][len] sources, group index outer·inner order. */
    private static Src[][] axisGroups(Src[] x, int outer, int len, int inner) {
        Src[][] win = new Src[outer * inner][len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int k = 0; k < len; k++) {
                    win[o * inner + i][k] = x[(o * len + k) * inner + i];
                }
            }
        }
        return win;
    }

    /**
     * ArgMax / ArgMin as index·2^s. For ArgMin the input is negated first (the first minimum of x is the first
     * maximum of -x). m = max over the group (MaxReduce: m >= every x_k and equals one of them); then g_k = min(m -
     * x_k, 1), which is 0 exactly where x_k = m and 1 elsewhere (m - x_k >= 0 is an integer). For the first maximum,
     * h_k = min(h_{k-1}, g_k) (h_0 = g_0) is 1 before the first maximum and 0 from it on, so the index is Σ h_k; for
     * the last, h runs from the end (1 after the last maximum) and the index is len - 1 - Σ h_k. Each h_k is one
     * comparison step over all groups; out = 2^s·(Σh) or 2^s·(len - 1 - Σh).
     */
    private void argExtreme(QNode n) {
        Op.ArgExtreme op = (Op.ArgExtreme) n.node().op();
        int[] xs = inShape(n, 0);
        Src[] x = operand(n, 0);
        String type = n.node().opType();
        if (!op.max()) {
            x = range(linear(n, x, null, fill(x.length, -1), new long[x.length], new long[x.length]), x.length);
        }
        int len = xs[op.axis()];
        int inner = Shapes.product(xs, op.axis() + 1, xs.length);
        int outer = Shapes.product(xs, 0, op.axis());
        int groups = outer * inner;
        Src[][] win = axisGroups(x, outer, len, inner);
        int mx = m.add(new Steps.MaxReduce(n.name(), type, tensor(groups), win));
        // g[k·groups + j] = min(m_j - x_jk, 1)
        Src[] us = new Src[groups * len];
        Src[] vs = new Src[groups * len];
        for (int k = 0; k < len; k++) {
            for (int j = 0; j < groups; j++) {
                us[k * groups + j] = new Src(mx, j);
                vs[k * groups + j] = win[j][k];
            }
        }
        int d = linear(n, us, vs, fill(us.length, 1), fill(us.length, -1), new long[us.length]);
        int gt = m.add(new Steps.Compare(n.name(), type, tensor(us.length), range(d, us.length),
                constants(us.length, 1), CompareGadget.Kind.MIN));
        int[] h = new int[len];
        for (int step = 0; step < len; step++) {
            int k = op.selectLast() ? len - 1 - step : step;
            Src[] gk = new Src[groups];
            for (int j = 0; j < groups; j++) {
                gk[j] = new Src(gt, k * groups + j);
            }
            if (step == 0) {
                h[k] = m.add(new Steps.Wire(n.name(), type, tensor(groups), gk));
                continue;
            }
            int prev = h[op.selectLast() ? k + 1 : k - 1];
            h[k] = m.add(new Steps.Compare(n.name(), type, tensor(groups), range(prev, groups), gk,
                    CompareGadget.Kind.MIN));
        }
        Src[][] hs = new Src[groups][len];
        for (int j = 0; j < groups; j++) {
            for (int k = 0; k < len; k++) {
                hs[j][k] = new Src(h[k], j);
            }
        }
        int sum = m.add(new Steps.Sum(n.name(), type, tensor(groups), hs));
        long one = 1L << s;
        define(n, op.selectLast()
                ? linear(n, range(sum, groups), null, fill(groups, -one), new long[groups], fill(groups, (len - 1) * one))
                : linear(n, range(sum, groups), null, fill(groups, one), new long[groups], new long[groups]));
    }

    /** The static log table of a sum of exp values over {@code count} elements (see ModelOpKernels.logSumTable). */
    private TableSpec logSumSpec(long count) {
        LookupTable t = dev.zkscope.quant.ModelOpKernels.logSumTable(s, count);
        if (t.size() > (1L << 24)) {
            throw new CompileException("a log table over sums of " + count + " exponentials at scale 2^" + s + " has "
                    + t.size() + " entries; lower the input scale or reduce over fewer elements");
        }
        String name = "logsum_s" + s + "_n" + count;
        return new TableSpec(name, "log of a sum of " + count + " exp values", t::value, t.lo(), t.hi(), t.monotone());
    }

    /**
     * max, d = x - max, e = T_exp(d), S = Σe over each group, L = T_log(S) (static range [2^s, len·2^s]); returns the
     * tensors {max, d, L} for LogSoftmax and ReduceLogSumExp.
     */
    private int[] logSumExp(QNode n, Src[][] win) {
        String name = n.name();
        String type = n.node().opType();
        int groups = win.length;
        int len = groups == 0 ? 0 : win[0].length;
        int mx = m.add(new Steps.MaxReduce(name, type, tensor(groups), win));
        Src[] us = new Src[groups * len];
        Src[] ms = new Src[groups * len];
        for (int j = 0; j < groups; j++) {
            for (int k = 0; k < len; k++) {
                us[j * len + k] = win[j][k];
                ms[j * len + k] = new Src(mx, j);
            }
        }
        int d = linear(n, us, ms, fill(us.length, 1), fill(us.length, -1), new long[us.length]);
        int e = m.add(new Steps.Lookup(name, type, tensor(us.length), range(d, us.length), table(n)));
        Src[][] ew = new Src[groups][len];
        for (int j = 0; j < groups; j++) {
            for (int k = 0; k < len; k++) {
                ew[j][k] = new Src(e, j * len + k);
            }
        }
        int sum = m.add(new Steps.Sum(name, type, tensor(groups), ew));
        int log = m.add(new Steps.Lookup(name, type, tensor(groups), range(sum, groups), logSumSpec(len)));
        return new int[] {mx, d, log};
    }

    /** LogSoftmax: out = d - T_log(Σ T_exp(d)), d = x - max (grouped in group-major order, then wired back). */
    private void logSoftmax(QNode n) {
        Op.LogSoftmax op = (Op.LogSoftmax) n.node().op();
        Src[] x = operand(n, 0);
        int[] g = op.groups(inShape(n, 0));
        int len = g[1];
        Src[][] win = axisGroups(x, g[0], len, g[2]);
        int[] t = logSumExp(n, win);
        int total = x.length;
        Src[] ds = new Src[total];
        Src[] ls = new Src[total];
        for (int o = 0; o < g[0]; o++) {
            for (int i = 0; i < g[2]; i++) {
                int j = o * g[2] + i;
                for (int k = 0; k < len; k++) {
                    int e = (o * len + k) * g[2] + i;
                    ds[e] = new Src(t[1], j * len + k);
                    ls[e] = new Src(t[2], j);
                }
            }
        }
        define(n, linear(n, ds, ls, fill(total, 1), fill(total, -1), new long[total]));
    }

    /** ReduceMin, ReduceL1, ReduceSumSquare, ReduceL2, ReduceLogSumExp over the reduced axes' groups. */
    private void reduceMore(QNode n, Op.Reduce op) {
        int[] xs = inShape(n, 0);
        Src[] x = operand(n, 0);
        int[] keep = xs.clone();
        for (int a : op.axes()) {
            keep[a] = 1;
        }
        int[] idx = Shapes.broadcastIndex(keep, xs);
        int outSize = size(keep);
        String type = n.node().opType();
        Src[] in = x;
        switch (op.reduce()) {
            case MIN:
            case L1: {
                int neg = linear(n, x, null, fill(x.length, -1), new long[x.length], new long[x.length]);
                in = op.reduce() == Op.ReduceKind.MIN ? range(neg, x.length)
                        : range(m.add(new Steps.Compare(n.name(), type, tensor(x.length), x, range(neg, x.length),
                                CompareGadget.Kind.MAX)), x.length);
                break;
            }
            case SUM_SQUARE:
            case L2:
                in = range(m.add(new Steps.Mul(n.name(), type, tensor(x.length), x, x)), x.length);
                break;
            default:
                break;
        }
        List<List<Src>> groups = new ArrayList<>();
        for (int i = 0; i < outSize; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < idx.length; i++) {
            groups.get(idx[i]).add(in[i]);
        }
        Src[][] win = new Src[outSize][];
        for (int i = 0; i < outSize; i++) {
            win[i] = groups.get(i).toArray(new Src[0]);
        }
        switch (op.reduce()) {
            case MIN: {
                int mx = m.add(new Steps.MaxReduce(n.name(), type, tensor(outSize), win));
                define(n, linear(n, range(mx, outSize), null, fill(outSize, -1), new long[outSize], new long[outSize]));
                return;
            }
            case L1:
                define(n, m.add(new Steps.Sum(n.name(), type, tensor(outSize), win)));
                return;
            case SUM_SQUARE:
                define(n, rescale(n, m.add(new Steps.Sum(n.name(), type, tensor(outSize), win)), n.shift()));
                return;
            case L2: {
                int ss = rescale(n, m.add(new Steps.Sum(n.name(), type, tensor(outSize), win)), n.shift());
                define(n, m.add(new Steps.Lookup(n.name(), type, tensor(outSize), range(ss, outSize), table(n))));
                return;
            }
            default: {
                int[] t = logSumExp(n, win);
                define(n, linear(n, range(t[0], outSize), range(t[2], outSize), fill(outSize, 1), fill(outSize, 1),
                        new long[outSize]));
            }
        }
    }

    /**
     * LayerNorm's chain over {@code outer} rows of {@code len} contiguous elements of x: mean, centred values, variance,
     * the rsqrt table, and the normalised values rescaled to scale s (the affine map is the caller's). Returns the
     * normalised tensor; LayerNormalization and Instance/GroupNormalization share it.
     */
    private int normalizedRows(QNode n, Src[] x, int outer, int len) {
        String name = n.name();
        String type = n.node().opType();
        Src[][] win = new Src[outer][len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < len; i++) {
                win[o][i] = x[o * len + i];
            }
        }
        int sum = m.add(new Steps.Sum(name, type, tensor(outer), win));
        int mu = div(n, sum, len);
        Src[] rowOf = new Src[x.length];
        for (int i = 0; i < x.length; i++) {
            rowOf[i] = new Src(mu, i / len);
        }
        int d = linear(n, x, rowOf, fill(x.length, 1), fill(x.length, -1), new long[x.length]);
        int sq = m.add(new Steps.Mul(name, type, tensor(x.length), range(d, x.length), range(d, x.length)));
        Src[][] sw = new Src[outer][len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < len; i++) {
                sw[o][i] = new Src(sq, o * len + i);
            }
        }
        int ss = m.add(new Steps.Sum(name, type, tensor(outer), sw));
        int v = rescale(n, div(n, ss, len), s);
        int r = m.add(new Steps.Lookup(name, type, tensor(outer), range(v, outer), table(n)));
        Src[] rr = new Src[x.length];
        for (int i = 0; i < x.length; i++) {
            rr[i] = new Src(r, i / len);
        }
        int prod = m.add(new Steps.Mul(name, type, tensor(x.length), range(d, x.length), rr));
        int norm = rescale(n, prod, s);
        return norm;
    }

    /** Instance/GroupNormalization: the LayerNorm lowering over each contiguous chunk, gamma/beta by parameter. */
    private void groupNorm(QNode n) {
        Op.GroupNorm op = (Op.GroupNorm) n.node().op();
        Src[] x = operand(n, 0);
        int[] xs = inShape(n, 0);
        int len = op.chunk(xs);
        int outer = x.length / Math.max(1, len);
        int norm = normalizedRows(n, x, outer, len);
        long[] gamma = n.param("gamma").data();
        long[] beta = n.param("beta").data();
        long[] al = new long[x.length];
        long[] ga = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            int p = op.paramOf(xs, i);
            al[i] = gamma[p];
            ga[i] = beta[p];
        }
        int aff = linear(n, range(norm, x.length), null, al, new long[x.length], ga);
        define(n, rescale(n, aff, n.shift()));
    }
}
