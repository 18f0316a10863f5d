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
        for (Graph.Value v : graph.inputs()) {
            if (v.isInteger()) {
                throw new UnsupportedModelException("fixed-point quantization cannot handle integer input '" + v.name()
                        + "' (token ids or indices): look-ups by run-time indices are not in the circuit yet; float "
                        + "inference (zkscope infer without --quantized) runs it");
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

    private QNode node(Node n) {
        Op op = n.op();
        Map<String, QWeight> p = new HashMap<>();
        if (op instanceof Op.Gemm) {
            Op.Gemm g = (Op.Gemm) op;
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
        if (op instanceof Op.MatMul) {
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
        if (op instanceof Op.Conv) {
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
        if (op instanceof Op.Binary) {
            return binary(n, ((Op.Binary) op).op());
        }
        if (op instanceof Op.Unary) {
            return unary(n, (Op.Unary) op);
        }
        if (op instanceof Op.PRelu) {
            p.put("slope", QWeight.of("slope", requireConst(n, 1, "PRelu slope"), sp));
            return make(n, List.of(s, sp), sp, p, null, "out = x >= 0 ? x : rescale(x·slope, " + sp + ")");
        }
        if (op instanceof Op.BatchNorm) {
            Op.BatchNorm b = (Op.BatchNorm) op;
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
        if (op instanceof Op.LayerNorm) {
            Op.LayerNorm ln = (Op.LayerNorm) op;
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
        if (op instanceof Op.Softmax) {
            LookupTable t = new LookupTable("exp", TableFunctions.total(UnaryFn.EXP, 0, 0, s, s), 0, 0, s, s);
            return make(n, List.of(s), 0, p, t, "d = x - max; e = exp table(d); out = divRound(e·2^" + s + ", Σe)");
        }
        if (op instanceof Op.Pool) {
            Op.Pool pl = (Op.Pool) op;
            return make(n, List.of(s), 0, p, null, pl.pool() == Op.PoolKind.MAX ? "out = max over window"
                    : "out = divRound(Σ window, count)");
        }
        if (op instanceof Op.Reduce) {
            Op.Reduce r = (Op.Reduce) op;
            String sem = r.reduce() == Op.ReduceKind.MAX ? "out = max" : r.reduce() == Op.ReduceKind.SUM ? "out = Σx"
                    : "out = divRound(Σx, count)";
            return make(n, List.of(s), 0, p, null, sem);
        }
        if (op instanceof Op.Cast) {
            if (((Op.Cast) op).to() != Tensor.DType.FLOAT) {
                throw refuse("Cast to an integer type on the data path");
            }
            return passThrough(n, "out = x");
        }
        if (op instanceof Op.Gather) {
            if (isConst(n, 0) || !isConst(n, 1)) {
                throw refuse("Gather needs run-time data and constant indices");
            }
            p.put("indices", new QWeight("indices", constant(n, 1).shape(), constant(n, 1).toLongs(), 0));
            return make(n, List.of(s, 0), 0, p, null, "out = data at indices");
        }
        if (op instanceof Op.Pad) {
            Op.Pad pd = (Op.Pad) op;
            p.put("value", QWeight.of("value", Tensor.scalar(pd.value()), s));
            return make(n, List.of(s), 0, p, null, "out = pad(x, value)");
        }
        if (op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Concat
                || op instanceof Op.Slice || op instanceof Op.Split || op instanceof Op.Identity) {
            return passThrough(n, "data movement");
        }
        if (op instanceof Op.Compare || op instanceof Op.Not || op instanceof Op.Where || op instanceof Op.Expand
                || op instanceof Op.Trilu) {
            throw refuse(op.kind() + " on run-time values has no fixed-point form (nor circuit gadget) yet: it runs in "
                    + "float inference, and folds away at import when its inputs are constants (e.g. a causal mask)");
        }
        throw refuse("no fixed-point form for " + op.kind());
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
                throw refuse("division by a run-time value");
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
}
