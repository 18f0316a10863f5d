package dev.zkscope.quant;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnaryFn;
import dev.zkscope.ir.UnsupportedModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link QuantizedGraph} of a graph for given scales: quantizes each node's constants by the role its op
 * gives them (see {@link QuantizedEvaluator} for the semantics) and attaches lookup tables, with the given integer
 * ranges or, while calibrating, unbounded ones. Choosing the scales and ranges is the {@link Calibrator}'s job.
 */
public final class Quantizer {
    private final Graph graph;
    private final int s;
    private final int sp;

    public Quantizer(Graph graph, int inputScale, int paramScale) {
        graph.requireSupported("quantization");
        graph.requireWeightValues("quantize");
        for (Graph.Value v : graph.inputs()) {
            if (v.isInteger()) {
                requireIndexOnly(graph, v);
            }
        }
        this.graph = graph;
        this.s = inputScale;
        this.sp = paramScale;
    }

    /**
     * The quantized graph; {@code ranges} maps node names to table input ranges {lo, hi} (a node with a table but no
     * entry gets an unbounded range, for calibration). Throws {@link UnsupportedModelException} listing every node
     * that has no fixed-point form.
     */
    public QuantizedGraph build(Target target, Map<String, long[]> ranges) {
        List<QNode> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Node n : graph.nodes()) {
            try {
                QNode q = node(n);
                if (q.table() != null) {
                    long[] r = ranges == null ? null : ranges.get(n.name());
                    q = q.withTable(r == null ? q.table().withRange(Long.MIN_VALUE, Long.MAX_VALUE)
                            : q.table().withRange(r[0], r[1]));
                }
                out.add(q);
            } catch (UnsupportedModelException e) {
                refused.add(n.describe() + ": " + e.getMessage());
            } catch (ArithmeticException e) {
                refused.add(n.describe() + ": a constant does not fit the fixed-point range (" + e.getMessage() + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new UnsupportedModelException("fixed-point quantization cannot handle " + refused.size()
                    + " node(s): " + String.join("; ", refused), refused);
        }
        return new QuantizedGraph(graph, s, sp, target, out);
    }

    private boolean isConst(Node n, int i) {
        return graph.isWeight(n.inputs().get(i));
    }

    private Tensor constant(Node n, int i) {
        return graph.weights().get(n.inputs().get(i));
    }

    private static UnsupportedModelException refuse(String why) {
        return new UnsupportedModelException(why);
    }

    private QNode make(Node n, List<Integer> inScales, int shift, Map<String, QWeight> params, LookupTable t,
                       String semantics) {
        return new QNode(n, inScales, s, shift, params, t, semantics);
    }

    /** Activations at s; every constant input quantized at s under role "C<i>" (data-movement and exact ops). */
    private QNode passThrough(Node n, String semantics) {
        Map<String, QWeight> p = new HashMap<>();
        List<Integer> scales = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) {
            if (isConst(n, i)) {
                p.put("C" + i, QWeight.of("C" + i, constant(n, i), s));
            }
            scales.add(s);
        }
        return make(n, scales, 0, p, null, semantics);
    }

    /** A quantization rule: the fixed-point node of a graph node (its constants quantized by role, its table). */
    @FunctionalInterface
    interface Rule {
        QNode apply(Quantizer q, Node n);
    }

    /**
     * The quantization rule of each op kind: the QUANTIZE stage of the op registry ({@code dev.zkscope.ops.OpRegistry}).
     * An op kind without an entry is refused by name.
     */
    private static final Map<Class<? extends Op>, Rule> RULES = new HashMap<>();

    static {
        RULES.put(Op.Gemm.class, Quantizer::gemm);
        RULES.put(Op.MatMul.class, Quantizer::matmul);
        RULES.put(Op.Conv.class, Quantizer::conv);
        RULES.put(Op.Binary.class, (q, n) -> q.binary(n, ((Op.Binary) n.op()).op()));
        RULES.put(Op.Unary.class, (q, n) -> q.unary(n, (Op.Unary) n.op()));
        RULES.put(Op.PRelu.class, Quantizer::prelu);
        RULES.put(Op.BatchNorm.class, Quantizer::batchNorm);
        RULES.put(Op.LayerNorm.class, Quantizer::layerNorm);
        RULES.put(Op.Softmax.class, (q, n) -> q.make(n, List.of(q.s), 0, new HashMap<>(), new LookupTable("exp",
                TableFunctions.total(UnaryFn.EXP, 0, 0, q.s, q.s), 0, 0, q.s, q.s),
                "d = x - max; e = exp table(d); out = divRound(e·2^" + q.s + ", Σe)"));
        RULES.put(Op.Pool.class, (q, n) -> q.make(n, List.of(q.s), 0, new HashMap<>(), null,
                ((Op.Pool) n.op()).pool() == Op.PoolKind.MAX ? "out = max over window" : "out = divRound(Σ window, count)"));
        RULES.put(Op.Reduce.class, (q, n) -> {
            Op.ReduceKind r = ((Op.Reduce) n.op()).reduce();
            if (r != Op.ReduceKind.MAX && r != Op.ReduceKind.SUM && r != Op.ReduceKind.MEAN) {
                return q.reduceMore(n, r);
            }
            return q.make(n, List.of(q.s), 0, new HashMap<>(), null, r == Op.ReduceKind.MAX ? "out = max"
                    : r == Op.ReduceKind.SUM ? "out = Σx" : "out = divRound(Σx, count)");
        });
        RULES.put(Op.Cast.class, (q, n) -> {
            if (((Op.Cast) n.op()).to() != Tensor.DType.FLOAT) {
                throw refuse("Cast to an integer type on the data path");
            }
            return q.passThrough(n, "out = x");
        });
        RULES.put(Op.Gather.class, Quantizer::gather);
        RULES.put(Op.Pad.class, (q, n) -> {
            Map<String, QWeight> p = new HashMap<>();
            p.put("value", QWeight.of("value", Tensor.scalar(((Op.Pad) n.op()).value()), q.s));
            return q.make(n, List.of(q.s), 0, p, null, "out = pad(x, value)");
        });
        for (Class<? extends Op> c : List.of(Op.Reshape.class, Op.Transpose.class, Op.Concat.class, Op.Slice.class,
                Op.Split.class, Op.Identity.class, Op.Expand.class, Op.SpaceDepth.class, Op.Tile.class)) {
            RULES.put(c, (q, n) -> q.passThrough(n, "data movement"));
        }
        RULES.put(Op.CumSum.class, (q, n) -> q.passThrough(n, "out = running Σx along the axis, exact"));
        RULES.put(Op.Where.class, Quantizer::where);
        // Booleans are 0 and 1.0 at scale s (0 and 2^s), so that Cast to float and arithmetic on them need nothing.
        RULES.put(Op.Compare.class, (q, n) -> q.passThrough(n, "out = (a " + ((Op.Compare) n.op()).compare()
                + " b) ? 2^" + q.s + " : 0, from g = min(max(a - b, 0), 1) (true is 1.0 at scale 2^" + q.s + ")"));
        RULES.put(Op.Not.class, (q, n) -> {
            q.requireBoolean(n, 0);
            return q.make(n, List.of(q.s), 0, new HashMap<>(), null, "out = 2^" + q.s + " - x (x boolean: 0 or 2^"
                    + q.s + ")");
        });
        RULES.put(Op.Logical.class, (q, n) -> {
            if (q.isConst(n, 0) || q.isConst(n, 1)) {
                throw refuse(n.op().kind() + " with a constant operand has no fixed-point form (it is a constant or "
                        + "the other operand)");
            }
            q.requireBoolean(n, 0);
            q.requireBoolean(n, 1);
            return q.make(n, List.of(q.s, q.s), q.s, new HashMap<>(), null, "and = rescale(a·b, " + q.s
                    + "); And = and, Or = a + b - and, Xor = a + b - 2·and (a, b boolean: 0 or 2^" + q.s + ")");
        });
        RULES.put(Op.Trilu.class, (q, n) -> q.passThrough(n, "data movement (zeros outside the triangle)"));
        // Always folded at import (their value depends on static shapes only); reaching here is a bug in the importer.
        for (Class<? extends Op> c : List.of(Op.ShapeOf.class, Op.ConstantOfShape.class)) {
            RULES.put(c, (q, n) -> {
                throw refuse(n.op().kind() + " should have been folded at import");
            });
        }
    }

    /** Whether op kind {@code op} has a quantization rule (the registry's QUANTIZE stage). */
    public static boolean hasRule(Class<? extends Op> op) {
        return RULES.containsKey(op);
    }

    private QNode node(Node n) {
        Rule r = RULES.get(n.op().getClass());
        if (r == null) {
            throw refuse("op " + n.op().kind() + " has no fixed-point rule (not in the op registry's quantize stage)");
        }
        return r.apply(this, n);
    }

    private QNode gemm(Node n) {
        Op.Gemm g = (Op.Gemm) n.op();
        Map<String, QWeight> p = new HashMap<>();
        if (isConst(n, 0)) {
            throw refuse("Gemm with a constant A");
        }
        if (isConst(n, 1)) {
            Tensor w = constant(n, 1);
            if (g.transB()) {
                w = new Op.Transpose(new int[] {1, 0}).eval(List.of(w)).get(0);
            }
            p.put("W", QWeight.of("W", scaleBy(w, g.alpha()), sp));
            if (n.inputs().size() == 3) {
                p.put("B", QWeight.of("B", scaleBy(requireConst(n, 2, "Gemm C"), g.beta()), s + sp));
            }
            return make(n, List.of(s, sp, s + sp), sp, p, null, "acc = x·W + B (scale 2^" + (s + sp)
                    + "); out = rescale(acc, " + sp + ")");
        }
        if (g.alpha() != 1) {
            throw refuse("Gemm of two activations with alpha != 1");
        }
        if (n.inputs().size() == 3) {
            p.put("B", QWeight.of("B", scaleBy(requireConst(n, 2, "Gemm C"), g.beta()), 2 * s));
        }
        return make(n, List.of(s, s, 2 * s), s, p, null, "acc = A·B + C (scale 2^" + 2 * s + "); out = rescale(acc, "
                + s + ")");
    }

    private QNode matmul(Node n) {
        Map<String, QWeight> p = new HashMap<>();
        if (isConst(n, 0) && isConst(n, 1)) {
            throw refuse("MatMul of two constants");
        }
        if (isConst(n, 1) || isConst(n, 0)) {
            int c = isConst(n, 1) ? 1 : 0;
            p.put(c == 1 ? "W" : "A", QWeight.of(c == 1 ? "W" : "A", constant(n, c), sp));
            return make(n, c == 1 ? List.of(s, sp) : List.of(sp, s), sp, p, null,
                    "acc = matmul (scale 2^" + (s + sp) + "); out = rescale(acc, " + sp + ")");
        }
        return make(n, List.of(s, s), s, p, null, "acc = matmul of activations (scale 2^" + 2 * s
                + "); out = rescale(acc, " + s + ")");
    }

    private QNode conv(Node n) {
        Map<String, QWeight> p = new HashMap<>();
        p.put("W", QWeight.of("W", requireConst(n, 1, "Conv weight"), sp));
        if (n.inputs().size() == 3) {
            p.put("B", QWeight.of("B", requireConst(n, 2, "Conv bias"), s + sp));
        }
        if (isConst(n, 0)) {
            throw refuse("Conv of a constant input");
        }
        return make(n, List.of(s, sp, s + sp), sp, p, null, "acc = conv(x, W) + B (scale 2^" + (s + sp)
                + "); out = rescale(acc, " + sp + ")");
    }

    private QNode prelu(Node n) {
        Map<String, QWeight> p = new HashMap<>();
        p.put("slope", QWeight.of("slope", requireConst(n, 1, "PRelu slope"), sp));
        return make(n, List.of(s, sp), sp, p, null, "out = x >= 0 ? x : rescale(x·slope, " + sp + ")");
    }

    private QNode batchNorm(Node n) {
        Op.BatchNorm b = (Op.BatchNorm) n.op();
        Map<String, QWeight> p = new HashMap<>();
        double[] scale = requireConst(n, 1, "scale").data();
        double[] bias = requireConst(n, 2, "bias").data();
        double[] mean = requireConst(n, 3, "mean").data();
        double[] var = requireConst(n, 4, "var").data();
        double[] a = new double[scale.length];
        double[] c = new double[scale.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = scale[i] / Math.sqrt(var[i] + b.epsilon());
            c[i] = bias[i] - mean[i] * a[i];
        }
        p.put("A", QWeight.of("A", Tensor.of(new int[] {a.length}, a), sp));
        p.put("B", QWeight.of("B", Tensor.of(new int[] {c.length}, c), s + sp));
        return make(n, List.of(s, sp, s + sp, sp, sp), sp, p, null, "out = rescale(x·A[c] + B[c], " + sp
                + "), A = scale/sqrt(var+eps), B = bias - mean·A");
    }

    private QNode layerNorm(Node n) {
        Op.LayerNorm ln = (Op.LayerNorm) n.op();
        Map<String, QWeight> p = new HashMap<>();
        int[] norm = java.util.Arrays.copyOfRange(n.inputShapes().get(0), ln.axis(), n.inputShapes().get(0).length);
        p.put("gamma", QWeight.of("gamma", Tensor.of(norm, expand(requireConst(n, 1, "scale"), norm)), sp));
        double[] beta = n.inputs().size() == 3 ? expand(requireConst(n, 2, "bias"), norm)
                : new double[(int) Tensor.elementCount(norm)];
        p.put("beta", QWeight.of("beta", Tensor.of(norm, beta), s + sp));
        LookupTable t = new LookupTable("rsqrt(eps=" + ln.epsilon() + ")", TableFunctions.rsqrt(ln.epsilon(), s),
                0, 0, s, s);
        return make(n, List.of(s, sp, s + sp), sp, p, t, "mu = divRound(Σx, L); d = x - mu; v = rescale(divRound(Σd², L), "
                + s + "); r = rsqrt table(v); out = rescale(rescale(d·r, " + s + ")·gamma + beta, " + sp + ")");
    }

    /**
     * Gather: run-time data at constant indices is data movement; a constant table (an embedding) at run-time integer
     * indices (a graph input of token ids, at scale 0) is a lookup into the table quantized at s.
     */
    private QNode gather(Node n) {
        Map<String, QWeight> p = new HashMap<>();
        if (!isConst(n, 0) && isConst(n, 1)) {
            p.put("indices", new QWeight("indices", constant(n, 1).shape(), constant(n, 1).toLongs(), 0));
            return make(n, List.of(s, 0), 0, p, null, "out = data at indices");
        }
        if (isConst(n, 0) && !isConst(n, 1) && isIntegerInput(n.inputs().get(1))) {
            p.put("table", QWeight.of("table", constant(n, 0), s));
            return make(n, List.of(s, 0), 0, p, null, "out = table[idx] (a lookup into the constant table by the "
                    + "run-time index, 0 <= idx < " + n.inputShapes().get(0)[((Op.Gather) n.op()).axis()] + ")");
        }
        throw refuse("Gather needs run-time data at constant indices, or a constant table at integer indices that are "
                + "a graph input (token ids)");
    }

    /**
     * An integer input (token ids) is quantized as exact integers (scale 0); the circuit supports it as the indices
     * of a Gather into a constant table only, so every consumer must be one.
     */
    private static void requireIndexOnly(Graph graph, Graph.Value v) {
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                if (n.inputs().get(i).equals(v.name()) && !(n.op() instanceof Op.Gather && i == 1
                        && graph.isWeight(n.inputs().get(0)))) {
                    throw new UnsupportedModelException("fixed-point quantization cannot handle integer input '"
                            + v.name() + "' read by node " + n.describe() + ": integer inputs (token ids) are "
                            + "supported as the indices of a Gather into a constant table (an embedding) only; float "
                            + "inference (zkscope infer without --quantized) runs it");
                }
            }
        }
    }

    /**
     * Input i of n must hold booleans (0 or 2^s): produced by a comparison, Not or a logical op, possibly moved
     * (Reshape, Transpose, Expand, Slice, Concat, Identity, Cast to float) or selected by Where between booleans.
     * Arithmetic on booleans relies on it (And is a product), so any other producer is refused.
     */
    private void requireBoolean(Node n, int i) {
        if (!isBoolean(n.inputs().get(i), 0)) {
            throw refuse(n.op().kind() + " reads " + n.inputs().get(i) + ", which is not a boolean computed by a "
                    + "comparison, Not, And, Or or Xor: its fixed-point form needs 0/1 values");
        }
    }

    /**
     * IndexCheck's hits input must be a ReduceSum of booleans (the one-hot of the index): a count, so that hits = 1
     * says the index matched exactly one position.
     */
    private void requireHitCount(Node n) {
        String hits = n.inputs().get(2);
        for (Node p : graph.nodes()) {
            if (p.outputs().contains(hits)) {
                if (p.op() instanceof Op.Reduce && ((Op.Reduce) p.op()).reduce() == Op.ReduceKind.SUM
                        && isBoolean(p.inputs().get(0), 0)) {
                    return;
                }
                break;
            }
        }
        throw refuse("IndexCheck reads hits " + hits + ", which is not a ReduceSum of booleans (the one-hot of the "
                + "index)");
    }

    private boolean isBoolean(String name, int depth) {
        if (depth > 64) {
            return false;
        }
        if (graph.isWeight(name)) {
            for (double v : graph.weights().get(name).data()) {
                if (v != 0 && v != 1) {
                    return false;
                }
            }
            return true;
        }
        for (Node p : graph.nodes()) {
            if (!p.outputs().contains(name)) {
                continue;
            }
            Op op = p.op();
            if (op instanceof Op.Compare || op instanceof Op.Not || op instanceof Op.Logical) {
                return true;
            }
            if (op instanceof Op.Where) {
                return isBoolean(p.inputs().get(1), depth + 1) && isBoolean(p.inputs().get(2), depth + 1);
            }
            if (op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Expand
                    || op instanceof Op.Slice || op instanceof Op.Identity || op instanceof Op.Split
                    || (op instanceof Op.Cast && ((Op.Cast) op).to() == Tensor.DType.FLOAT)) {
                return isBoolean(p.inputs().get(0), depth + 1);
            }
            if (op instanceof Op.Concat) {
                for (String in : p.inputs()) {
                    if (!isBoolean(in, depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            return false;
        }
        return false;
    }

    private boolean isIntegerInput(String name) {
        for (Graph.Value v : graph.inputs()) {
            if (v.name().equals(name)) {
                return v.isInteger();
            }
        }
        return false;
    }

    /**
     * Where with a constant condition: a selection of elements, data movement (a causal mask); the condition is kept
     * as 0/1 ("cond", scale 0), a constant branch at s. A run-time condition is refused.
     */
    private QNode where(Node n) {
        if (!isConst(n, 0)) {
            requireBoolean(n, 0);
            Map<String, QWeight> p = new HashMap<>();
            for (int i = 1; i <= 2; i++) {
                if (isConst(n, i)) {
                    p.put("C" + i, QWeight.of("C" + i, constant(n, i), s));
                }
            }
            return make(n, List.of(s, s, s), s, p, null, "out = y + rescale(c·(x - y), " + s + ") (c boolean: 0 or 2^"
                    + s + ")");
        }
        Map<String, QWeight> p = new HashMap<>();
        Tensor cond = constant(n, 0);
        long[] c = new long[(int) cond.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = cond.data()[i] != 0 ? 1 : 0;
        }
        p.put("cond", new QWeight("cond", cond.shape(), c, 0));
        for (int i = 1; i <= 2; i++) {
            if (isConst(n, i)) {
                p.put("C" + i, QWeight.of("C" + i, constant(n, i), s));
            }
        }
        return make(n, List.of(0, s, s), 0, p, null, "out = cond ? x : y (cond constant: data movement)");
    }

    private QNode binary(Node n, Op.BinaryKind k) {
        boolean c0 = isConst(n, 0);
        boolean c1 = n.inputs().size() > 1 && isConst(n, 1);
        Map<String, QWeight> p = new HashMap<>();
        switch (k) {
            case ADD:
            case SUB:
            case MAX:
            case MIN:
                return passThrough(n, "out = " + k.name().toLowerCase(java.util.Locale.ROOT) + "(a, b), exact");
            case MUL:
                if (c0 || c1) {
                    int c = c1 ? 1 : 0;
                    p.put("C" + c, QWeight.of("C" + c, constant(n, c), sp));
                    return make(n, c == 1 ? List.of(s, sp) : List.of(sp, s), sp, p, null, "out = rescale(x·C, " + sp + ")");
                }
                return make(n, List.of(s, s), s, p, null, "out = rescale(a·b, " + s + ")");
            case DIV:
                if (c1 && !c0) {
                    double[] d = constant(n, 1).data();
                    double[] inv = new double[d.length];
                    for (int i = 0; i < d.length; i++) {
                        if (d[i] == 0) {
                            throw refuse("division by a constant zero");
                        }
                        inv[i] = 1 / d[i];
                    }
                    p.put("C1", QWeight.of("C1", Tensor.of(constant(n, 1).shape(), inv), sp));
                    return make(n, List.of(s, sp), sp, p, null, "out = rescale(x·C1, " + sp + "), C1 = 1/divisor");
                }
                if (c1) {
                    throw refuse("division of two constants");
                }
                if (c0) {
                    p.put("C0", QWeight.of("C0", constant(n, 0), s));
                }
                return make(n, List.of(s, s), 0, p, null, "out = divRound(a·2^" + s + ", b), b >= 1 (a positive "
                        + "run-time divisor: range-checked division)");
            default:
                throw refuse(k + " with a run-time exponent");
        }
    }

    private QNode unary(Node n, Op.Unary u) {
        Map<String, QWeight> p = new HashMap<>();
        switch (u.fn()) {
            case RELU:
                return make(n, List.of(s), 0, p, null, "out = max(0, x)");
            case NEG:
                return make(n, List.of(s), 0, p, null, "out = -x");
            case ABS:
                return make(n, List.of(s), 0, p, null, "out = |x|");
            case CLIP: {
                double bound = Math.scalb(1.0, 47 - s);
                p.put("min", QWeight.of("min", Tensor.scalar(Math.max(-bound, u.alpha())), s));
                p.put("max", QWeight.of("max", Tensor.scalar(Math.min(bound, u.beta())), s));
                return make(n, List.of(s), 0, p, null, "out = min(max(x, min), max)");
            }
            case LEAKY_RELU:
                p.put("alpha", QWeight.of("alpha", Tensor.scalar(u.alpha()), sp));
                return make(n, List.of(s), sp, p, null, "out = x >= 0 ? x : rescale(x·alpha, " + sp + ")");
            case POW:
                if (u.alpha() == 2) {
                    return make(n, List.of(s), s, p, null, "out = rescale(x·x, " + s + ")");
                }
                break;
            default:
                break;
        }
        LookupTable t = new LookupTable(TableFunctions.name(u.fn(), u.alpha(), u.beta()),
                TableFunctions.total(u.fn(), u.alpha(), u.beta(), s, s), 0, 0, s, s);
        return make(n, List.of(s), 0, p, t, "out = " + t.name() + " table(x)");
    }

    private Tensor requireConst(Node n, int i, String what) {
        if (!isConst(n, i)) {
            throw refuse(what + " must be a constant");
        }
        return constant(n, i);
    }

    private static Tensor scaleBy(Tensor t, double f) {
        if (f == 1) {
            return t;
        }
        double[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] *= f;
        }
        return Tensor.of(t.shape(), d);
    }

    private static double[] expand(Tensor t, int[] shape) {
        return new dev.zkscope.ir.Op.Binary(Op.BinaryKind.ADD)
                .eval(List.of(t, Tensor.zeros(shape))).get(0).data();
    }

    // ---- ops real exports use (docs/op-registry.md): ConvTranspose, Einsum, Resize, ArgMax/ArgMin, LogSoftmax, the
    // other reductions, Instance/GroupNormalization; Range is folded at import.

    static {
        RULES.put(Op.ConvTranspose.class, (q, n) -> {
            Map<String, QWeight> p = new HashMap<>();
            p.put("W", QWeight.of("W", q.requireConst(n, 1, "ConvTranspose weight"), q.sp));
            if (n.inputs().size() == 3) {
                p.put("B", QWeight.of("B", q.requireConst(n, 2, "ConvTranspose bias"), q.s + q.sp));
            }
            if (q.isConst(n, 0)) {
                throw refuse("ConvTranspose of a constant input");
            }
            return q.make(n, List.of(q.s, q.sp, q.s + q.sp), q.sp, p, null, "acc = convTranspose(x, W) + B (scale 2^"
                    + (q.s + q.sp) + "); out = rescale(acc, " + q.sp + ")");
        });
        RULES.put(Op.Einsum.class, Quantizer::einsum);
        RULES.put(Op.Resize.class, (q, n) -> {
            if (!((Op.Resize) n.op()).linear()) {
                return q.passThrough(n, "data movement (nearest)");
            }
            return q.make(n, List.of(q.s), q.sp, new HashMap<>(), null, "out = rescale(Σ x·w, " + q.sp
                    + "), the interpolation weights w quantized at 2^" + q.sp);
        });
        RULES.put(Op.ArgExtreme.class, (q, n) -> q.make(n, List.of(q.s), 0, new HashMap<>(), null,
                "out = index·2^" + q.s + " of the " + (((Op.ArgExtreme) n.op()).max() ? "max" : "min")
                        + " (an index is the real number it names)"));
        RULES.put(Op.LogSoftmax.class, (q, n) -> q.make(n, List.of(q.s), 0, new HashMap<>(), new LookupTable("exp",
                TableFunctions.total(UnaryFn.EXP, 0, 0, q.s, q.s), 0, 0, q.s, q.s),
                "d = x - max; e = exp table(d); S = Σe; out = d - log table(S), S in [2^" + q.s + ", length·2^" + q.s
                        + "]"));
        RULES.put(Op.GroupNorm.class, Quantizer::groupNorm);
        RULES.put(Op.Mod.class, Quantizer::mod);
        RULES.put(Op.IndexCheck.class, (q, n) -> {
            q.requireHitCount(n);
            return q.make(n, List.of(q.s, q.s, q.s), 0, new HashMap<>(), null, "out = x; hits must be 2^" + q.s
                    + " (the index equals exactly one position k or k - n: it lies in [-n, n))");
        });
        RULES.put(Op.Range.class, (q, n) -> {
            throw refuse(n.op().kind() + " should have been folded at import (its inputs must be constants)");
        });
    }

    /** ReduceMin, ReduceL1, ReduceSumSquare, ReduceL2, ReduceLogSumExp. */
    private QNode reduceMore(Node n, Op.ReduceKind r) {
        Map<String, QWeight> p = new HashMap<>();
        switch (r) {
            case MIN:
                return make(n, List.of(s), 0, p, null, "out = min");
            case L1:
                return make(n, List.of(s), 0, p, null, "out = Σ|x|");
            case SUM_SQUARE:
                return make(n, List.of(s), s, p, null, "out = rescale(Σx², " + s + ")");
            case L2:
                return make(n, List.of(s), s, p, new LookupTable("sqrt", TableFunctions.total(UnaryFn.SQRT, 0, 0, s,
                        s), 0, 0, s, s), "out = sqrt table(rescale(Σx², " + s + "))");
            default:
                return make(n, List.of(s), 0, p, new LookupTable("exp", TableFunctions.total(UnaryFn.EXP, 0, 0, s, s),
                        0, 0, s, s), "m = max; out = m + log table(Σ exp table(x - m)), the sum in [2^" + s
                        + ", count·2^" + s + "]");
        }
    }

    /** Einsum: two activations at s (out = rescale(acc, s)); a constant operand "P<i>" at sp; one operand: Σ, exact. */
    private QNode einsum(Node n) {
        Map<String, QWeight> p = new HashMap<>();
        if (n.inputs().size() == 1) {
            if (isConst(n, 0)) {
                throw refuse("Einsum of a constant");
            }
            return make(n, List.of(s), 0, p, null, "out = sums of x over the dropped labels, exact");
        }
        if (isConst(n, 0) && isConst(n, 1)) {
            throw refuse("Einsum of two constants");
        }
        for (int i = 0; i < 2; i++) {
            if (isConst(n, i)) {
                p.put("P" + i, QWeight.of("P" + i, constant(n, i), sp));
                return make(n, i == 1 ? List.of(s, sp) : List.of(sp, s), sp, p, null, "acc = einsum (scale 2^"
                        + (s + sp) + "); out = rescale(acc, " + sp + ")");
            }
        }
        return make(n, List.of(s, s), s, p, null, "acc = einsum of activations (scale 2^" + 2 * s
                + "); out = rescale(acc, " + s + ")");
    }

    /** Instance/GroupNormalization: LayerNorm's fixed-point form over each group, scale and bias per parameter. */
    private QNode groupNorm(Node n) {
        Op.GroupNorm g = (Op.GroupNorm) n.op();
        Map<String, QWeight> p = new HashMap<>();
        p.put("gamma", QWeight.of("gamma", requireConst(n, 1, "scale"), sp));
        p.put("beta", QWeight.of("beta", requireConst(n, 2, "bias"), s + sp));
        LookupTable t = new LookupTable("rsqrt(eps=" + g.epsilon() + ")", TableFunctions.rsqrt(g.epsilon(), s),
                0, 0, s, s);
        return make(n, List.of(s, sp, s + sp), sp, p, t, "per group of L elements: mu = divRound(Σx, L); d = x - mu; "
                + "v = rescale(divRound(Σd², L), " + s + "); r = rsqrt table(v); out = rescale(rescale(d·r, " + s
                + ")·gamma + beta, " + sp + ")");
    }

    /**
     * Mod by a constant divisor d: x and d at s, d·2^s must be a non-zero integer (else refused: the remainder would
     * not be exact). fmod: out = x - d·trunc(x/d) (sign of x); else x - d·floor(x/d) (sign of d); exact on integers.
     */
    private QNode mod(Node n) {
        if (isConst(n, 0) || !isConst(n, 1)) {
            throw refuse("Mod needs a run-time dividend and a constant divisor");
        }
        Tensor d = constant(n, 1);
        for (double v : d.data()) {
            double q = Math.scalb(v, s);
            if (v == 0 || q != Math.rint(q) || Math.abs(q) > Math.scalb(1.0, 40)) {
                throw refuse("Mod divisor " + v + " is not a non-zero multiple of 2^-" + s + ", so the remainder is "
                        + "not exact in fixed point; use a divisor that is (e.g. an integer) or raise the input scale");
            }
        }
        Map<String, QWeight> p = new HashMap<>();
        p.put("C1", QWeight.of("C1", d, s));
        boolean f = ((Op.Mod) n.op()).fmod();
        return make(n, List.of(s, s), 0, p, null, f ? "out = x - d·trunc(x/d) (the sign of x), exact"
                : "out = x - d·floor(x/d) (the sign of d), exact");
    }
}
