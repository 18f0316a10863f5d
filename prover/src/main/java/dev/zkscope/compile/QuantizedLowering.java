package dev.zkscope.compile;

import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
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
        return m.add(new Steps.Div(n.name(), n.node().opType(), tensor(size), range(t, size), 1L << k));
    }

    private int div(QNode n, int t, long d) {
        int size = m.size(t);
        return m.add(new Steps.Div(n.name(), n.node().opType(), tensor(size), range(t, size), d));
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
        return new TableSpec(name, name, t::value, t.lo(), t.hi());
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
        LOWERINGS.put(Op.Reduce.class, (l, n) -> l.reduce(n, (Op.Reduce) n.node().op()));
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
        String name = n.name();
        String type = n.node().opType();
        Src[][] win = new Src[outer][len];
        Src[] rowOf = new Src[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < len; i++) {
                win[o][i] = x[o * len + i];
            }
        }
        int sum = m.add(new Steps.Sum(name, type, tensor(outer), win));
        int mu = div(n, sum, len);
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
}
