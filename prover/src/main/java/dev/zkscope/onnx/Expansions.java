package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ONNX ops the importer rewrites, at import, into nodes of ops the registry already carries through every stage
 * (float kernel, quantization rule, quantized kernel, lowering, estimate). The rewrite is exact in real arithmetic,
 * so the float graph computes what ONNX Runtime computes, and the circuit proves the rewritten graph:
 * <ul>
 * <li>{@code If} with a condition that folds to a constant: the taken branch is inlined (its nodes are named under
 *     the If's name); a run-time condition is refused;</li>
 * <li>{@code LSTM}, {@code GRU}: unrolled over the static sequence length (one MatMul for the input projection of all
 *     steps, then per step MatMul, Split, Sigmoid, Tanh, Mul, Add);</li>
 * <li>{@code ReduceProd}: a tree of Mul over the slices of each reduced axis;</li>
 * <li>{@code TopK} (k constant): k rounds of ReduceMax and ArgMax, each masking the element it took with Where;</li>
 * <li>{@code GatherElements}: constant indices are a Gather (wiring); run-time indices a one-hot Equal against the
 *     index range, a Where and a ReduceSum, and an {@link Op.IndexCheck} that refuses an index out of range;</li>
 * <li>{@code Size}: a constant (shapes are static); {@code Clip} with a bound computed at run time: Max and Min
 *     (a constant-bound Clip is the Clip table and is not rewritten);</li>
 * <li>{@code QuantizeLinear} (Div, Round, Add, Clip), {@code DequantizeLinear} (Sub, Mul), {@code MatMulInteger},
 *     {@code ConvInteger}, {@code QLinearMatMul} and {@code QLinearConv} (dequantize, the float op, quantize): a
 *     pre-quantized model becomes the float model it stands for, with its integer grid kept by Round and Clip.</li>
 * </ul>
 * What a rewrite cannot express soundly (a run-time condition, run-time LSTM weights, activations other than the
 * defaults) imports as an {@link Op.Unsupported} node naming the op and the fix.
 */
final class Expansions {
    private Expansions() {}

    /** The importer's side of a rewrite: shapes and constants so far, and nodes emitted at opset 13. */
    interface Emitter {
        /** The shape of a tensor imported so far, or null. */
        int[] shape(String tensor);

        /** The value of a constant tensor (weight or folded), or null. */
        Tensor constant(String tensor);

        /** The ONNX element type a constant was stored with (2 uint8, 3 int8, ...), or 0 when unknown. */
        int elemType(String tensor);

        /** Adds a constant tensor under a fresh name and returns the name. */
        String constant(String name, Tensor value);

        /** Imports one node parsed at opset 13 (named {@code name}) with the given outputs. */
        void node(String name, String opType, List<String> inputs, List<String> outputs,
                  Onnx.AttributeProto... attrs) throws ModelLoadException;

        /**
         * Adds one node of an internal op (no ONNX type of its own, see {@code ops.OpRegistry}) reading run-time
         * tensors, with one output.
         */
        void internal(String name, Op op, List<String> inputs, String output) throws ModelLoadException;

        /** Imports every node of a subgraph (an If branch) at the model's opset, names prefixed. */
        void inline(Onnx.GraphProto g, String prefix) throws ModelLoadException;
    }

    /** The op types rewritten here. */
    static final Set<String> TYPES = Set.of("If", "LSTM", "GRU", "ReduceProd", "TopK", "GatherElements",
            "QuantizeLinear", "DequantizeLinear", "MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv", "Size",
            "Clip");

    /**
     * Whether node {@code p} is rewritten here. Clip is rewritten only when a bound is computed at run time (opset
     * 11+ inputs): constant bounds parse as the Clip table.
     */
    static boolean handles(Onnx.NodeProto p, int opset, java.util.function.Function<String, Tensor> constants) {
        if (p.getOpType().equals("Clip")) {
            if (opset < 11) {
                return false;
            }
            for (int i = 1; i < Math.min(3, p.getInputCount()); i++) {
                if (!p.getInput(i).isEmpty() && constants.apply(p.getInput(i)) == null) {
                    return true;
                }
            }
            return false;
        }
        return TYPES.contains(p.getOpType());
    }

    /**
     * Rewrites node {@code p}: emits its replacement through {@code e} and returns null, or returns an
     * {@link Op.Unsupported} (nothing emitted) saying why it cannot be rewritten.
     */
    static Op expand(Onnx.NodeProto p, String name, int opset, Emitter e) throws ModelLoadException {
        Rewrite w = new Rewrite(p, name, opset, e);
        switch (p.getOpType()) {
            case "If": return w.ifConstant();
            case "LSTM": return Recurrent.lstm(w);
            case "GRU": return Recurrent.gru(w);
            case "ReduceProd": return w.reduceProd();
            case "TopK": return w.topK();
            case "GatherElements": return w.gatherElements();
            case "QuantizeLinear": return QLinear.quantizeLinear(w);
            case "DequantizeLinear": return QLinear.dequantizeLinear(w);
            case "MatMulInteger": return QLinear.matMulInteger(w, false);
            case "ConvInteger": return QLinear.matMulInteger(w, true);
            case "QLinearMatMul": return QLinear.qLinear(w, false);
            case "QLinearConv": return QLinear.qLinear(w, true);
            case "Size": return w.size();
            case "Clip": return w.clipRunTime();
            default: throw new IllegalStateException(p.getOpType());
        }
    }

    /** One rewrite in progress: the node, a name counter, and small node-emitting helpers. */
    static final class Rewrite {
        final Onnx.NodeProto p;
        final String name;
        final int opset;
        final Emitter e;
        final NodeContext ctx;
        private int counter;

        Rewrite(Onnx.NodeProto p, String name, int opset, Emitter e) {
            this.p = p;
            this.name = name;
            this.opset = opset;
            this.e = e;
            List<int[]> shapes = new ArrayList<>();
            List<Tensor> consts = new ArrayList<>();
            for (String in : p.getInputList()) {
                shapes.add(in.isEmpty() ? null : e.shape(in));
                consts.add(in.isEmpty() ? null : e.constant(in));
            }
            this.ctx = new NodeContext(p, name, opset, shapes, consts);
        }

        Op refuse(String reason) {
            return new Op.Unsupported(p.getOpType(), p.getDomain(), opset, reason);
        }

        boolean has(int i) {
            return i < p.getInputCount() && !p.getInput(i).isEmpty();
        }

        String in(int i) {
            return p.getInput(i);
        }

        boolean wants(int i) {
            return i < p.getOutputCount() && !p.getOutput(i).isEmpty();
        }

        String out(int i) {
            return p.getOutput(i);
        }

        int[] shape(String t) {
            return e.shape(t);
        }

        String fresh(String what) {
            return name + "/" + what + "_" + (counter++);
        }

        String constant(String what, Tensor t) {
            return e.constant(fresh(what), t);
        }

        /** One node with one output: into {@code out} if given, else a fresh tensor name. */
        String op(String opType, String out, List<String> inputs, Onnx.AttributeProto... attrs) throws ModelLoadException {
            String nodeName = fresh(opType);
            String o = out != null ? out : nodeName + ":0";
            e.node(nodeName, opType, inputs, List.of(o), attrs);
            return o;
        }

        String op(String opType, List<String> inputs, Onnx.AttributeProto... attrs) throws ModelLoadException {
            return op(opType, null, inputs, attrs);
        }

        List<String> split(String x, int axis, int[] sizes) throws ModelLoadException {
            String nodeName = fresh("Split");
            List<String> outs = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                outs.add(nodeName + ":" + i);
            }
            long[] s = new long[sizes.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = sizes[i];
            }
            String sz = constant("split", Tensor.ofLongs(new int[] {s.length}, s));
            e.node(nodeName, "Split", List.of(x, sz), outs, attr("axis", axis));
            return outs;
        }

        String reshape(String x, String out, int... shape) throws ModelLoadException {
            long[] s = new long[shape.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape[i];
            }
            return op("Reshape", out, List.of(x, constant("shape", Tensor.ofLongs(new int[] {s.length}, s))));
        }

        String slice(String x, int axis, int start, int end) throws ModelLoadException {
            return op("Slice", List.of(x, longs("starts", start), longs("ends", end), longs("axes", axis)));
        }

        String transpose(String x, String out, int... perm) throws ModelLoadException {
            long[] l = new long[perm.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = perm[i];
            }
            return op("Transpose", out, List.of(x), ints("perm", l));
        }

        String concat(List<String> xs, int axis, String out) throws ModelLoadException {
            if (xs.size() == 1) {
                return op("Identity", out, xs);
            }
            return op("Concat", out, xs, attr("axis", axis));
        }

        String longs(String what, long... v) {
            return constant(what, Tensor.ofLongs(new int[] {v.length}, v));
        }

        String scalar(String what, double v) {
            return constant(what, Tensor.of(new int[0], new double[] {v}));
        }

        // ---- Size, Clip with run-time bounds ---------------------------------------------------------------------

        Op size() throws ModelLoadException {
            e.constant(out(0), Tensor.ofLongs(new int[0], new long[] {Tensor.elementCount(shape(in(0)))}));
            return null;
        }

        Op clipRunTime() throws ModelLoadException {
            // a constant bound of no effect (+-infinity, +-FLT_MAX: "no max") is dropped
            boolean lo = has(1) && !unbounded(e.constant(in(1)));
            boolean hi = has(2) && !unbounded(e.constant(in(2)));
            String y = in(0);
            if (lo) {
                y = op("Max", hi ? null : out(0), List.of(y, in(1)));
            }
            if (hi) {
                op("Min", out(0), List.of(y, in(2)));
            }
            return null;
        }

        private static boolean unbounded(Tensor t) {
            return t != null && t.size() == 1 && Math.abs(t.get(0)) >= 3.4e38;
        }

        // ---- If -------------------------------------------------------------------------------------------------

        Op ifConstant() throws ModelLoadException {
            Tensor cond = e.constant(in(0));
            if (cond == null) {
                return refuse("If whose condition '" + in(0) + "' is computed at run time: a circuit proves one "
                        + "straight-line computation, so only an If whose condition folds to a constant (from shapes "
                        + "or constants) is inlined; re-export with the branch resolved (trace with the inputs you "
                        + "prove), or fold the condition with onnxsim");
            }
            if (cond.size() != 1) {
                return refuse("If condition '" + in(0) + "' has " + cond.size() + " elements; ONNX requires one");
            }
            boolean taken = cond.get(0) != 0;
            Onnx.GraphProto branch = null;
            for (Onnx.AttributeProto a : p.getAttributeList()) {
                if (a.getName().equals(taken ? "then_branch" : "else_branch") && a.hasG()) {
                    branch = a.getG();
                }
            }
            if (branch == null) {
                return refuse("If has no " + (taken ? "then_branch" : "else_branch") + " graph");
            }
            if (branch.getOutputCount() != p.getOutputCount()) {
                return refuse("If's " + (taken ? "then" : "else") + " branch has " + branch.getOutputCount()
                        + " outputs for the node's " + p.getOutputCount());
            }
            e.inline(branch, name + "/" + (taken ? "then" : "else"));
            for (int i = 0; i < p.getOutputCount(); i++) {
                if (!wants(i)) {
                    continue;
                }
                String b = branch.getOutput(i).getName();
                Tensor c = e.constant(b);
                if (c != null) {
                    e.constant(out(i), c);
                } else {
                    op("Identity", out(i), List.of(b));
                }
            }
            return null;
        }

        // ---- ReduceProd ----------------------------------------------------------------------------------------

        Op reduceProd() throws ModelLoadException {
            int[] x = shape(in(0));
            int rank = x.length;
            long[] axes;
            if (opset >= 18) {
                axes = has(1) ? e.constant(in(1)) == null ? null : e.constant(in(1)).toLongs() : new long[0];
                if (axes == null) {
                    return refuse("ReduceProd with axes computed at run time; export them as a constant");
                }
            } else {
                axes = ctx.longsAttr("axes");
                if (axes == null) {
                    axes = new long[0];
                }
            }
            boolean keep = ctx.intAttr("keepdims", 1) != 0;
            if (axes.length == 0) {
                if (opset >= 18 && ctx.intAttr("noop_with_empty_axes", 0) != 0) {
                    op("Identity", out(0), List.of(in(0)));
                    return null;
                }
                axes = new long[rank];
                for (int i = 0; i < rank; i++) {
                    axes[i] = i;
                }
            }
            boolean[] reduced = new boolean[rank];
            for (long a : axes) {
                int ax = (int) (a < 0 ? a + rank : a);
                if (ax < 0 || ax >= rank) {
                    throw new IllegalArgumentException("ReduceProd axis " + a + " out of range for rank " + rank);
                }
                reduced[ax] = true;
            }
            String cur = in(0);
            for (int ax = 0; ax < rank; ax++) {
                if (!reduced[ax] || x[ax] == 1) {
                    continue;
                }
                int[] ones = new int[x[ax]];
                Arrays.fill(ones, 1);
                List<String> parts = split(cur, ax, ones);
                while (parts.size() > 1) {
                    List<String> next = new ArrayList<>();
                    for (int i = 0; i + 1 < parts.size(); i += 2) {
                        next.add(op("Mul", List.of(parts.get(i), parts.get(i + 1))));
                    }
                    if (parts.size() % 2 == 1) {
                        next.add(parts.get(parts.size() - 1));
                    }
                    parts = next;
                }
                cur = parts.get(0);
            }
            List<Integer> outShape = new ArrayList<>();
            for (int ax = 0; ax < rank; ax++) {
                if (!reduced[ax]) {
                    outShape.add(x[ax]);
                } else if (keep) {
                    outShape.add(1);
                }
            }
            reshape(cur, out(0), outShape.stream().mapToInt(Integer::intValue).toArray());
            return null;
        }

        // ---- TopK -----------------------------------------------------------------------------------------------

        Op topK() throws ModelLoadException {
            int[] x = shape(in(0));
            int rank = x.length;
            long k;
            if (opset < 10) {
                k = ctx.intAttr("k", -1);
            } else {
                Tensor kt = e.constant(in(1));
                if (kt == null) {
                    return refuse("TopK with k computed at run time ('" + in(1) + "'): the output shape must be "
                            + "static; export k as a constant");
                }
                if (kt.size() != 1) {
                    throw new IllegalArgumentException("TopK k must have one element, got " + kt.size());
                }
                k = (long) kt.get(0);
            }
            int axis = (int) ctx.intAttr("axis", -1);
            axis = axis < 0 ? axis + rank : axis;
            if (axis < 0 || axis >= rank) {
                throw new IllegalArgumentException("TopK axis out of range for rank " + rank);
            }
            int n = x[axis];
            if (k < 1 || k > n) {
                throw new IllegalArgumentException("TopK k = " + k + " for an axis of length " + n
                        + " (k must be in [1, " + n + "])");
            }
            boolean largest = ctx.intAttr("largest", 1) != 0;
            String cur = largest ? in(0) : op("Neg", List.of(in(0)));
            String low = null;
            String range = null;
            if (k > 1) {
                String min = op("ReduceMin", List.of(cur), ints("axes", axis), attr("keepdims", 1));
                low = op("Sub", List.of(min, scalar("one", 1)));
                int[] rs = new int[rank];
                Arrays.fill(rs, 1);
                rs[axis] = n;
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    r[i] = i;
                }
                range = constant("range", Tensor.ofLongs(rs, r));
            }
            List<String> values = new ArrayList<>();
            List<String> indices = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                values.add(op("ReduceMax", List.of(cur), ints("axes", axis), attr("keepdims", 1)));
                String idx = op("ArgMax", List.of(cur), attr("axis", axis), attr("keepdims", 1));
                indices.add(idx);
                if (j + 1 < k) {
                    String taken = op("Equal", List.of(idx, range));
                    cur = op("Where", List.of(taken, low, cur));
                }
            }
            if (wants(0)) {
                if (largest) {
                    concat(values, axis, out(0));
                } else {
                    op("Neg", out(0), List.of(concat(values, axis, null)));
                }
            }
            if (wants(1)) {
                concat(indices, axis, out(1));
            }
            return null;
        }

        // ---- GatherElements ---------------------------------------------------------------------------------------

        Op gatherElements() throws ModelLoadException {
            int[] d = shape(in(0));
            int[] ix = shape(in(1));
            int rank = d.length;
            if (ix.length != rank) {
                throw new IllegalArgumentException("GatherElements indices have rank " + ix.length + ", data rank "
                        + rank + " (they must be equal)");
            }
            int axis = (int) ctx.intAttr("axis", 0);
            axis = axis < 0 ? axis + rank : axis;
            if (axis < 0 || axis >= rank) {
                throw new IllegalArgumentException("GatherElements axis out of range for rank " + rank);
            }
            int n = d[axis];
            String data = in(0);
            for (int a = 0; a < rank; a++) {
                if (a != axis && ix[a] > d[a]) {
                    throw new IllegalArgumentException("GatherElements indices dimension " + a + " is " + ix[a]
                            + ", above the data's " + d[a]);
                }
                if (a != axis && ix[a] < d[a]) {
                    data = slice(data, a, 0, ix[a]);
                }
            }
            Tensor idx = e.constant(in(1));
            if (idx != null) {
                // constant indices: a Gather from the flattened data (wiring only)
                int[] ds = d.clone();
                for (int a = 0; a < rank; a++) {
                    if (a != axis) {
                        ds[a] = ix[a];
                    }
                }
                int[] st = Tensor.strides(ds);
                int[] is = Tensor.strides(ix);
                long[] flat = new long[idx.size()];
                for (int i = 0; i < flat.length; i++) {
                    long off = 0;
                    int rem = i;
                    for (int a = 0; a < rank; a++) {
                        int c = rem / is[a];
                        rem %= is[a];
                        if (a == axis) {
                            long v = (long) idx.get(i);
                            if (v < -n || v >= n) {
                                throw new IllegalArgumentException("GatherElements index " + v + " out of range [" + -n
                                        + ", " + n + ")");
                            }
                            c = (int) (v < 0 ? v + n : v);
                        }
                        off += (long) c * st[a];
                    }
                    flat[i] = off;
                }
                String f = reshape(data, null, (int) Tensor.elementCount(ds));
                op("Gather", out(0), List.of(f, constant("flat_index", Tensor.ofLongs(ix, flat))), attr("axis", 0));
                return null;
            }
            // run-time indices: out = Σ_k [idx == k or idx == k - n] · data[k] over a new one-hot axis
            long[] u1 = {axis};
            String dd = op("Unsqueeze", List.of(data, longs("axes", u1)));
            String ii = op("Unsqueeze", List.of(in(1), longs("axes", axis + 1)));
            int[] rs = new int[rank + 1];
            Arrays.fill(rs, 1);
            rs[axis + 1] = n;
            long[] r = new long[n];
            long[] rn = new long[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
                rn[i] = i - n;
            }
            String hit = op("Equal", List.of(ii, constant("range", Tensor.ofLongs(rs, r))));
            String hitNeg = op("Equal", List.of(ii, constant("range_neg", Tensor.ofLongs(rs, rn))));
            String oneHot = op("Or", List.of(hit, hitNeg));
            String picked = op("Where", List.of(oneHot, dd, scalar("zero", 0)));
            String sum = op("ReduceSum", List.of(picked, longs("axes", axis + 1)), attr("keepdims", 0));
            // the index must match exactly one position: out of range is an error, as in ONNX Runtime
            String hits = op("ReduceSum", List.of(op("Cast", List.of(oneHot), attr("to", 1)), longs("axes", axis + 1)),
                    attr("keepdims", 0));
            String checkName = fresh("IndexCheck");
            e.internal(checkName, new Op.IndexCheck(n), List.of(sum, in(1), hits), out(0));
            return null;
        }
    }

    static Onnx.AttributeProto attr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
                .build();
    }

    static Onnx.AttributeProto attr(String name, double v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF((float) v).build();
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }
}
