package dev.zkscope.quant;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.MatKernels;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import dev.zkscope.ir.Window;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Integer inference of a {@link QuantizedGraph} with {@link FixedPoint} semantics, bit for bit what the circuit
 * enforces; it returns every intermediate integer tensor, the witness source of the circuit compiler.
 *
 * <p>Notation: s = input/activation scale, sp = parameter scale, rescale(v, k) = {@link FixedPoint#rescale} (division
 * by 2^k rounding half up), divRound = {@link FixedPoint#divRound}, T(x) = table value
 * {@link FixedPoint#tableValue}(f, x, s, s). Every activation is at scale s. Per op (params by role, see
 * {@link QNode#params()}):
 * <ul>
 * <li>Gemm, constant B: acc_ij = Σ_k A_ik·W_kj + B_ij, W = alpha·B' as [K, N] at sp, B = beta·C at s+sp (broadcast);
 *     out = rescale(acc, sp). Activation B: acc = Σ A·B' + B (C at 2s), out = rescale(acc, s).</li>
 * <li>MatMul: acc = Σ_k a_ik·b_kj with numpy batching; a constant operand ("W" right, "A" left) at sp and
 *     out = rescale(acc, sp); two activations: out = rescale(acc, s).</li>
 * <li>Conv: acc = Σ x·W + B over the window (zero padding), W at sp, B at s+sp; out = rescale(acc, sp).</li>
 * <li>Add, Sub, Max, Min: exact on operands at s (constants "C<i>" at s), broadcast.</li>
 * <li>Mul: activation·constant "C<i>" at sp: rescale(x·c, sp); activation·activation: rescale(a·b, s).</li>
 * <li>Div by a constant: rescale(x·C1, sp) with C1 = quantize(1/divisor, sp).</li>
 * <li>Relu = max(0, x); Neg = -x; Abs = |x|; Clip = min(max(x, min), max), bounds at s; LeakyRelu and PRelu:
 *     x >= 0 ? x : rescale(x·alpha, sp) (alpha/slope at sp); Pow 2: rescale(x·x, s).</li>
 * <li>Table ops (Sigmoid, Tanh, Exp, Log, Erf, Gelu, Sqrt, Reciprocal, HardSigmoid, HardSwish, Pow): out = T(x).
 *     An input outside the table's calibrated [lo, hi] is an error naming the node and value (STRICT), or is
 *     clamped to the range and counted (CLAMP, for fidelity measurement).</li>
 * <li>Softmax over each group: m = max x; d = x - m (<= 0); e = T_exp(d); S = Σ e; out = divRound(e·2^s, S).</li>
 * <li>BatchNormalization: out = rescale(x·A[c] + B[c], sp), A = scale/sqrt(var+eps) at sp, B = bias - mean·A at
 *     s+sp.</li>
 * <li>LayerNormalization over the last L elements: mu = divRound(Σx, L); d = x - mu; v = rescale(divRound(Σd², L), s);
 *     r = T_rsqrt(v) (f = 1/sqrt(v + eps)); n = rescale(d·r, s); out = rescale(n·gamma + beta, sp), gamma at sp,
 *     beta at s+sp.</li>
 * <li>AveragePool: divRound(Σ window, count) (count as in the float op); ReduceMean and GlobalAveragePool:
 *     divRound(Σ, count); ReduceSum: Σ; MaxPool, ReduceMax: max (exact).</li>
 * <li>Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Slice, Split, Gather, Identity, Dropout, Cast to
 *     float: data movement; Pad with value quantized at s.</li>
 * </ul>
 * Every result must stay within |v| <= {@link FixedPoint#MAX_ABS}; a larger value is a {@link BadInputException}.
 */
public final class QuantizedEvaluator {
    /** What a table input outside its range does. */
    public enum RangeMode {
        /** Refuse with an error naming the node and value: what the circuit does. */
        STRICT,
        /** Clamp to the range and count, for fidelity measurement. */
        CLAMP,
        /** Ignore ranges (used while calibrating); observed ranges are recorded in every mode. */
        RECORD
    }

    /** Every tensor of one integer inference by name, the outputs, and per table node the observed input range. */
    public record Result(Map<String, QTensor> values, List<QTensor> outputs, long clampedLookups,
                         Map<String, long[]> observedRanges) {
        public List<Tensor> dequantizedOutputs() {
            List<Tensor> out = new ArrayList<>();
            for (QTensor q : outputs) {
                out.add(q.dequantize());
            }
            return out;
        }
    }

    private final QuantizedGraph q;
    private final RangeMode mode;

    public QuantizedEvaluator(QuantizedGraph q) {
        this(q, RangeMode.STRICT);
    }

    public QuantizedEvaluator(QuantizedGraph q, RangeMode mode) {
        this.q = q;
        this.mode = mode;
    }

    /** Quantizes float inputs at the input scale and runs; BadInputException for wrong or non-finite inputs. */
    public Result run(List<Tensor> inputs) {
        return runQuantized(quantizeInputs(inputs), true);
    }

    /**
     * The model inputs in fixed point: float inputs at the input scale, integer inputs (token ids) as exact integers
     * at scale 0. BadInputException for wrong, non-finite or out-of-range inputs.
     */
    private List<QTensor> quantizeInputs(List<Tensor> inputs) {
        List<Tensor> checked = FloatEvaluator.checkInputs(q.graph(), inputs);
        List<QTensor> qs = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            try {
                qs.add(QTensor.quantize(checked.get(i), q.graph().inputs().get(i).isInteger() ? 0 : q.inputScale()));
            } catch (ArithmeticException e) {
                throw new BadInputException("input " + i + " does not fit fixed point at scale 2^" + q.inputScale()
                        + ": " + e.getMessage());
            }
        }
        return qs;
    }

    /** Runs on integer inputs at the input scale. */
    public Result runQuantized(List<QTensor> inputs) {
        return runQuantized(inputs, true);
    }

    /**
     * As {@link #run}, but keeps only the outputs: every intermediate tensor is dropped after the last node that
     * reads it, so the memory held is the live activations of the widest cut of the graph, not all of them. For
     * calibration and fidelity passes, which read only the outputs and the observed ranges; {@link Result#values()}
     * then holds the outputs only.
     */
    public Result runOutputs(List<Tensor> inputs) {
        return runQuantized(quantizeInputs(inputs), false);
    }

    /** Per node (by position), the names of the values whose last reader it is; graph outputs are never listed. */
    private List<List<String>> lastReaders() {
        List<List<String>> dead = lastReaders;
        if (dead == null) {
            Map<String, Integer> last = new HashMap<>();
            List<QNode> nodes = q.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                for (String s : nodes.get(i).node().inputs()) {
                    last.put(s, i);
                }
            }
            for (Graph.Value v : q.graph().outputs()) {
                last.remove(v.name());
            }
            dead = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                dead.add(new ArrayList<>());
            }
            for (Map.Entry<String, Integer> e : last.entrySet()) {
                dead.get(e.getValue()).add(e.getKey());
            }
            lastReaders = dead;
        }
        return dead;
    }

    private volatile List<List<String>> lastReaders;

    private Result runQuantized(List<QTensor> inputs, boolean keepAll) {
        Graph g = q.graph();
        State st = new State();
        for (int i = 0; i < inputs.size(); i++) {
            st.values.put(g.inputs().get(i).name(), inputs.get(i));
        }
        List<List<String>> dead = keepAll ? null : lastReaders();
        int index = -1;
        for (QNode n : q.nodes()) {
            index++;
            List<QTensor> outs;
            try {
                outs = evalNode(n, st);
            } catch (ArithmeticException e) {
                throw new BadInputException("fixed-point overflow at node " + n.node().describe()
                        + "; lower the scales or check the input range");
            }
            for (int i = 0; i < outs.size(); i++) {
                QTensor t = outs.get(i);
                for (long v : t.data()) {
                    if (Math.abs(v) > FixedPoint.MAX_ABS) {
                        throw new BadInputException("fixed-point value " + v + " at node " + n.node().describe()
                                + " exceeds 2^48; lower the scales or check the input range");
                    }
                }
                st.values.put(n.node().outputs().get(i), t);
            }
            if (dead != null) {
                for (String s : dead.get(index)) {
                    st.values.remove(s);
                }
            }
        }
        List<QTensor> outputs = new ArrayList<>();
        for (Graph.Value v : g.outputs()) {
            QTensor t = st.values.get(v.name());
            if (t == null && g.isWeight(v.name())) {
                t = QTensor.quantize(g.weights().get(v.name()), q.inputScale());
            }
            outputs.add(t);
        }
        return new Result(st.values, outputs, st.clamped, st.observed);
    }

    private static final class State {
        final Map<String, QTensor> values = new LinkedHashMap<>();
        final Map<String, long[]> observed = new HashMap<>();
        long clamped;
    }

    // ---- per node

    private QTensor in(QNode n, State st, int i) {
        QWeight w = n.param("C" + i);
        if (w != null) {
            return w.tensor();
        }
        QTensor t = st.values.get(n.node().inputs().get(i));
        if (t == null) {
            throw new IllegalStateException("input " + n.node().inputs().get(i) + " of " + n.name() + " was not computed");
        }
        return t;
    }

    /** A quantized kernel: the integer outputs of one node (see the class comment for each op's semantics). */
    @FunctionalInterface
    private interface Kernel {
        List<QTensor> apply(QuantizedEvaluator e, QNode n, State st);
    }

    /**
     * The quantized kernel of each op kind: the QUANTIZED_KERNEL stage of the op registry
     * ({@code dev.zkscope.ops.OpRegistry}). Dispatch only; the kernels are the methods below. An op kind without an
     * entry is refused by name.
     */
    private static final Map<Class<? extends Op>, Kernel> KERNELS = new HashMap<>();

    static {
        KERNELS.put(Op.Gemm.class, (e, n, st) -> List.of(e.gemm(n, (Op.Gemm) n.node().op(), st)));
        KERNELS.put(Op.MatMul.class, (e, n, st) -> {
            QTensor a = n.param("A") != null ? n.param("A").tensor() : e.in(n, st, 0);
            QTensor b = n.param("W") != null ? n.param("W").tensor() : e.in(n, st, 1);
            long[] acc = matmul(a, b);
            return List.of(new QTensor(n.node().outputShape(), rescaleAll(acc, n.shift()), e.q.inputScale()));
        });
        KERNELS.put(Op.Conv.class, (e, n, st) -> List.of(e.conv(n, (Op.Conv) n.node().op(), e.in(n, st, 0))));
        KERNELS.put(Op.Binary.class, (e, n, st) -> List.of(e.binary(n, ((Op.Binary) n.node().op()).op(), st)));
        KERNELS.put(Op.Unary.class, (e, n, st) -> List.of(e.unary(n, (Op.Unary) n.node().op(), e.in(n, st, 0), st)));
        KERNELS.put(Op.PRelu.class, (e, n, st) -> {
            QTensor x = e.in(n, st, 0);
            long[] slope = broadcastTo(n.param("slope").tensor(), x.shape());
            long[] out = new long[x.size()];
            for (int i = 0; i < out.length; i++) {
                long v = x.data()[i];
                out[i] = v >= 0 ? v : FixedPoint.rescale(Math.multiplyExact(v, slope[i]), n.shift());
            }
            return List.of(new QTensor(x.shape(), out, e.q.inputScale()));
        });
        KERNELS.put(Op.BatchNorm.class, (e, n, st) -> {
            QTensor x = e.in(n, st, 0);
            long[] a = n.param("A").data();
            long[] b = n.param("B").data();
            int c = x.shape()[1];
            int inner = Shapes.product(x.shape(), 2, x.shape().length);
            long[] out = new long[x.size()];
            for (int i = 0; i < out.length; i++) {
                int ch = (i / inner) % c;
                out[i] = FixedPoint.rescale(Math.addExact(Math.multiplyExact(x.data()[i], a[ch]), b[ch]), n.shift());
            }
            return List.of(new QTensor(x.shape(), out, e.q.inputScale()));
        });
        KERNELS.put(Op.LayerNorm.class, (e, n, st) -> List.of(e.layerNorm(n, (Op.LayerNorm) n.node().op(),
                e.in(n, st, 0), st)));
        KERNELS.put(Op.Softmax.class, (e, n, st) -> List.of(e.softmax(n, (Op.Softmax) n.node().op(), e.in(n, st, 0),
                st)));
        KERNELS.put(Op.Pool.class, (e, n, st) -> ((Op.Pool) n.node().op()).pool() == Op.PoolKind.AVERAGE
                ? List.of(e.avgPool(n, (Op.Pool) n.node().op(), e.in(n, st, 0))) : e.exactAll(n, st));
        KERNELS.put(Op.Reduce.class, (e, n, st) -> e.isMoreReduce(n) ? List.of(e.reduceMore(n, e.in(n, st, 0), st))
                : ((Op.Reduce) n.node().op()).reduce() != Op.ReduceKind.MAX
                ? List.of(e.reduceSum(n, (Op.Reduce) n.node().op(), e.in(n, st, 0))) : e.exactAll(n, st));
        KERNELS.put(Op.Pad.class, (e, n, st) -> {
            Op.Pad p = (Op.Pad) n.node().op();
            Op.Pad qp = new Op.Pad(p.begins(), p.ends(), p.mode(), n.param("value").data()[0]);
            return e.exact(qp, List.of(e.in(n, st, 0)));
        });
        KERNELS.put(Op.Gather.class, (e, n, st) -> {
            if (n.param("table") != null) {
                return List.of(e.gatherTable(n, e.in(n, st, 1)));
            }
            QWeight idx = n.param("indices");
            return e.exact(n.node().op(), List.of(e.in(n, st, 0), new QTensor(idx.shape(), idx.data(), 0)));
        });
        KERNELS.put(Op.Compare.class, (e, n, st) -> List.of(e.compare(n, st)));
        KERNELS.put(Op.Not.class, (e, n, st) -> {
            QTensor x = e.in(n, st, 0);
            long one = 1L << e.q.inputScale();
            long[] out = new long[x.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = one - x.data()[i];
            }
            return List.of(new QTensor(x.shape(), out, e.q.inputScale()));
        });
        KERNELS.put(Op.Logical.class, (e, n, st) -> List.of(e.logical(n, st)));
        KERNELS.put(Op.Where.class, (e, n, st) -> {
            QWeight c = n.param("cond");
            if (c == null) {
                return List.of(e.select(n, st));
            }
            return e.exact(n.node().op(), List.of(new QTensor(c.shape(), c.data(), 0), e.in(n, st, 1),
                    e.in(n, st, 2)));
        });
        // Exact ops: data movement, Identity, Cast to float (the quantizer refuses a Cast to an integer type), CumSum
        // (sums of integers below 2^53 are exact in doubles).
        for (Class<? extends Op> c : List.of(Op.Reshape.class, Op.Transpose.class, Op.Concat.class, Op.Slice.class,
                Op.Split.class, Op.Identity.class, Op.Expand.class, Op.Cast.class, Op.Trilu.class,
                Op.SpaceDepth.class, Op.Tile.class, Op.CumSum.class)) {
            KERNELS.put(c, QuantizedEvaluator::exactAll);
        }
    }

    /** Whether op kind {@code op} has a quantized kernel (the registry's QUANTIZED_KERNEL stage). */
    public static boolean hasKernel(Class<? extends Op> op) {
        return KERNELS.containsKey(op);
    }

    private List<QTensor> evalNode(QNode n, State st) {
        Kernel k = KERNELS.get(n.node().op().getClass());
        if (k == null) {
            throw new UnsupportedModelException("node " + n.node().describe() + ": op " + n.node().op().kind()
                    + " has no quantized kernel (not in the op registry's quantized-kernel stage)");
        }
        return k.apply(this, n, st);
    }

    private List<QTensor> exactAll(QNode n, State st) {
        List<QTensor> ins = new ArrayList<>();
        for (int i = 0; i < n.node().inputs().size(); i++) {
            ins.add(in(n, st, i));
        }
        return exact(n.node().op(), ins);
    }

    /** Both operands of a binary node broadcast to its output shape. */
    private long[][] operands(QNode n, State st, int first, int count) {
        int[] shape = n.node().outputShape();
        long[][] out = new long[count][];
        for (int i = 0; i < count; i++) {
            out[i] = broadcastTo(in(n, st, first + i), shape);
        }
        return out;
    }

    /** Comparison: (a ? b) ? 2^s : 0, the circuit's g = min(max(a - b, 0), 1) combined as in the lowering. */
    private QTensor compare(QNode n, State st) {
        long[][] ab = operands(n, st, 0, 2);
        long one = 1L << q.inputScale();
        Op.CompareKind k = ((Op.Compare) n.node().op()).compare();
        long[] out = new long[ab[0].length];
        for (int i = 0; i < out.length; i++) {
            long a = ab[0][i];
            long b = ab[1][i];
            boolean r;
            switch (k) {
                case EQUAL: r = a == b; break;
                case LESS: r = a < b; break;
                case GREATER: r = a > b; break;
                case LESS_OR_EQUAL: r = a <= b; break;
                default: r = a >= b; break;
            }
            out[i] = r ? one : 0;
        }
        return new QTensor(n.node().outputShape(), out, q.inputScale());
    }

    /** And = rescale(a·b, s), Or = a + b - And, Xor = a + b - 2·And, on booleans 0 and 2^s. */
    private QTensor logical(QNode n, State st) {
        long[][] ab = operands(n, st, 0, 2);
        Op.LogicalKind k = ((Op.Logical) n.node().op()).logical();
        long[] out = new long[ab[0].length];
        for (int i = 0; i < out.length; i++) {
            long and = FixedPoint.rescale(Math.multiplyExact(ab[0][i], ab[1][i]), n.shift());
            out[i] = k == Op.LogicalKind.AND ? and : k == Op.LogicalKind.OR ? ab[0][i] + ab[1][i] - and
                    : ab[0][i] + ab[1][i] - 2 * and;
        }
        return new QTensor(n.node().outputShape(), out, q.inputScale());
    }

    /** Where with a run-time condition c (0 or 2^s): out = y + rescale(c·(x - y), s). */
    private QTensor select(QNode n, State st) {
        long[][] cxy = operands(n, st, 0, 3);
        long[] out = new long[cxy[0].length];
        for (int i = 0; i < out.length; i++) {
            long d = Math.subtractExact(cxy[1][i], cxy[2][i]);
            out[i] = Math.addExact(cxy[2][i], FixedPoint.rescale(Math.multiplyExact(cxy[0][i], d), n.shift()));
        }
        return new QTensor(n.node().outputShape(), out, q.inputScale());
    }

    /**
     * Gather from a constant table (quantized at s) by run-time integer indices: out = table[idx] along the axis; an
     * index outside [0, axis length) is a {@link BadInputException} (the circuit's lookup admits exactly that range).
     */
    private QTensor gatherTable(QNode n, QTensor indices) {
        Op.Gather op = (Op.Gather) n.node().op();
        QWeight table = n.param("table");
        int[] ts = table.shape();
        int len = ts[op.axis()];
        for (long v : indices.data()) {
            if (v < 0 || v >= len) {
                throw new BadInputException("node " + n.node().describe() + ": index " + v + " is outside [0, " + len
                        + ") (token ids must be below the vocabulary size " + len + ")");
            }
        }
        return exact(op, List.of(table.tensor(), indices)).get(0);
    }

    /** Runs an exact op on the integers as doubles (exact: every value is below 2^49). */
    private List<QTensor> exact(Op op, List<QTensor> ins) {
        List<Tensor> d = new ArrayList<>();
        for (QTensor t : ins) {
            d.add(t.asExactDoubles());
        }
        List<QTensor> out = new ArrayList<>();
        for (Tensor t : op.eval(d)) {
            out.add(QTensor.fromExactDoubles(t, q.inputScale()));
        }
        return out;
    }

    private QTensor gemm(QNode n, Op.Gemm g, State st) {
        QTensor a = in(n, st, 0);
        if (g.transA()) {
            a = exact(new Op.Transpose(new int[] {1, 0}), List.of(a)).get(0);
        }
        QTensor b;
        if (n.param("W") != null) {
            b = n.param("W").tensor();
        } else {
            b = in(n, st, 1);
            if (g.transB()) {
                b = exact(new Op.Transpose(new int[] {1, 0}), List.of(b)).get(0);
            }
        }
        long[] acc = matmul(a, b);
        int[] shape = n.node().outputShape();
        if (n.param("B") != null) {
            long[] bias = broadcastTo(n.param("B").tensor(), shape);
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Math.addExact(acc[i], bias[i]);
            }
        }
        return new QTensor(shape, rescaleAll(acc, n.shift()), q.inputScale());
    }

    private static long[] rescaleAll(long[] acc, int k) {
        long[] out = new long[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = FixedPoint.rescale(acc[i], k);
        }
        return out;
    }

    /**
     * Numpy matmul of integer tensors: the accumulators, no rescale. Exact: when max|a| times the largest column sum
     * of |b| is at most 2^53 the blocked product runs in doubles (exact, see {@link MatKernels#fitsExactDouble});
     * when it fits a long, in unchecked longs (no partial sum can overflow, see {@link MatKernels}); otherwise every
     * product and sum is checked and an overflow is an ArithmeticException (reported by the caller as a fixed-point
     * overflow at the node).
     */
    static long[] matmul(QTensor a, QTensor b) {
        int[] as = a.shape().length == 1 ? new int[] {1, a.shape()[0]} : a.shape();
        int[] bs = b.shape().length == 1 ? new int[] {b.shape()[0], 1} : b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(as, as.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(List.of(aBatch, bBatch));
        int nb = Shapes.product(batch, 0, batch.length);
        int[] ai = Shapes.broadcastIndex(aBatch, batch);
        int[] bi = Shapes.broadcastIndex(bBatch, batch);
        long[] out = new long[Math.multiplyExact(nb, Math.multiplyExact(m, n))];
        long[] ad = a.data();
        long[] bd = b.data();
        long colSum = 0;
        for (int p = 0; p < bd.length / Math.max(1, k * n); p++) {
            colSum = Math.max(colSum, MatKernels.maxColAbsSum(bd, p * k * n, k, n));
        }
        long aMax = MatKernels.maxAbs(ad);
        if (MatKernels.fitsExactDouble(aMax, colSum, 0)) {
            // in doubles, exactly, converting blocks as the tiles read them (no double copy of the weights)
            boolean outer = nb > 1 && (long) m * k * n < MatKernels.PARALLEL_WORK;
            MatKernels.run(nb, (long) nb * m * k * n, outer, p -> MatKernels.gemmExact(ad, ai[p] * m * k, bd,
                    bi[p] * k * n, out, p * m * n, m, k, n, !outer));
            return out;
        }
        if (MatKernels.fitsLong(aMax, colSum, 0)) {
            boolean outer = nb > 1 && (long) m * k * n < MatKernels.PARALLEL_WORK;
            MatKernels.run(nb, (long) nb * m * k * n, outer, p -> MatKernels.gemm(ad, ai[p] * m * k, bd, bi[p] * k * n,
                    out, p * m * n, m, k, n, !outer));
            return out;
        }
        for (int p = 0; p < nb; p++) {
            int ao = ai[p] * m * k;
            int bo = bi[p] * k * n;
            int oo = p * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long acc = 0;
                    for (int t = 0; t < k; t++) {
                        acc = Math.addExact(acc, Math.multiplyExact(ad[ao + i * k + t], bd[bo + t * n + j]));
                    }
                    out[oo + i * n + j] = acc;
                }
            }
        }
        return out;
    }

    static long[] broadcastTo(QTensor t, int[] shape) {
        int[] idx = Shapes.broadcastIndex(t.shape(), shape);
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = t.data()[idx[i]];
        }
        return out;
    }

    /**
     * Conv as in the float kernel (im2col per image and group, then a matrix product), exactly. Let bound = max|x|
     * times the largest sum of |W| over one output channel's weights, plus max|B|: it bounds every partial sum of every
     * output, in any order. bound <= 2^53: the product runs in doubles, exact (see
     * {@link MatKernels#fitsExactDouble}) and vectorized; bound < 2^63: in unchecked longs, where overflow is
     * impossible by construction; otherwise (scales or inputs far too large) the checked per-tap loop runs and an
     * overflow is reported.
     */
    private QTensor conv(QNode n, Op.Conv op, QTensor x) {
        return new QTensor(n.node().outputShape(), convAccumulators(op, x, n.param("W").tensor(),
                n.param("B") == null ? null : n.param("B").tensor(), n.node().outputShape(), n.shift()), q.inputScale());
    }

    /** The rescaled outputs of an integer Conv (see {@link #conv}); package-private for the kernel tests. */
    static long[] convAccumulators(Op.Conv op, QTensor x, QTensor weights, QTensor biasT, int[] os, int shift) {
        int[] xs = x.shape();
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        int batch = xs[0];
        int channels = xs[1];
        int m = os[1];
        int group = op.group();
        int cg = channels / group;
        int positions = g.outPositions();
        long[] xd = x.data();
        long[] w = weights.data();
        long[] bias = biasT == null ? null : biasT.data();
        long[] out = new long[(int) Tensor.elementCount(os)];
        int[] idx = g.colIndex(cg);
        int kLen = idx.length / Math.max(1, positions);
        long xMax = MatKernels.maxAbs(xd);
        long rowSum = MatKernels.maxRowAbsSum(w, 0, m, kLen);
        long biasMax = bias == null ? 0 : MatKernels.maxAbs(bias);
        boolean fits = MatKernels.fitsLong(xMax, rowSum, biasMax);
        if (!fits) {
            Window.Taps taps = g.convTaps(batch, channels, m, group);
            for (int o = 0; o < out.length; o++) {
                long acc = bias == null ? 0 : bias[(o / positions) % m];
                for (int t = taps.start()[o]; t < taps.start()[o + 1]; t++) {
                    acc = Math.addExact(acc, Math.multiplyExact(xd[taps.x()[t]], w[taps.w()[t]]));
                }
                out[o] = FixedPoint.rescale(acc, shift);
            }
            return out;
        }
        int plane = g.h() * g.w();
        if (MatKernels.fitsExactDouble(xMax, rowSum, biasMax)) {
            // Exact in doubles (see MatKernels.fitsExactDouble), and vectorized.
            double[] of = new double[out.length];
            MatKernels.convIm2col(MatKernels.toDoubles(xd), MatKernels.toDoubles(w),
                    bias == null ? null : MatKernels.toDoubles(bias), of, idx, batch, channels, m, group, positions, plane);
            for (int o = 0; o < out.length; o++) {
                out[o] = FixedPoint.rescale((long) of[o], shift);
            }
            return out;
        }
        MatKernels.convIm2col(xd, w, bias, out, idx, batch, channels, m, group, positions, plane);
        for (int o = 0; o < out.length; o++) {
            out[o] = FixedPoint.rescale(out[o], shift);
        }
        return out;
    }

    private QTensor avgPool(QNode n, Op.Pool op, QTensor x) {
        int[] xs = x.shape();
        int[] os = n.node().outputShape();
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        Window.Taps taps = g.poolTaps(xs[0] * xs[1]);
        long[] xd = x.data();
        long[] out = new long[(int) Tensor.elementCount(os)];
        for (int o = 0; o < out.length; o++) {
            long acc = 0;
            for (int t = taps.start()[o]; t < taps.start()[o + 1]; t++) {
                acc = Math.addExact(acc, xd[taps.x()[t]]);
            }
            long count = op.countIncludePad() ? taps.padded()[o] : Math.max(1, taps.count(o));
            out[o] = FixedPoint.divRound(acc, count);
        }
        return new QTensor(os, out, q.inputScale());
    }

    private QTensor reduceSum(QNode n, Op.Reduce op, QTensor x) {
        int[] xs = x.shape();
        int[] keep = xs.clone();
        for (int a : op.axes()) {
            keep[a] = 1;
        }
        int[] idx = Shapes.broadcastIndex(keep, xs);
        int outSize = (int) Tensor.elementCount(keep);
        long[] acc = new long[outSize];
        for (int i = 0; i < idx.length; i++) {
            acc[idx[i]] = Math.addExact(acc[idx[i]], x.data()[i]);
        }
        if (op.reduce() == Op.ReduceKind.MEAN) {
            long count = outSize == 0 ? 1 : Math.max(1, x.size() / outSize);
            for (int i = 0; i < acc.length; i++) {
                acc[i] = FixedPoint.divRound(acc[i], count);
            }
        }
        return new QTensor(n.node().outputShape(), acc, q.inputScale());
    }

    private QTensor binary(QNode n, Op.BinaryKind k, State st) {
        if (k == Op.BinaryKind.MUL || k == Op.BinaryKind.DIV) {
            QTensor a = n.param("C0") != null ? n.param("C0").tensor() : in(n, st, 0);
            QTensor b = n.param("C1") != null ? n.param("C1").tensor() : in(n, st, 1);
            int[] shape = n.node().outputShape();
            long[] av = broadcastTo(a, shape);
            long[] bv = broadcastTo(b, shape);
            long[] out = new long[av.length];
            if (k == Op.BinaryKind.DIV && n.param("C1") == null) {
                return new QTensor(shape, varDiv(n, av, bv), q.inputScale());
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = FixedPoint.rescale(Math.multiplyExact(av[i], bv[i]), n.shift());
            }
            return new QTensor(shape, out, q.inputScale());
        }
        List<QTensor> ins = new ArrayList<>();
        for (int i = 0; i < n.node().inputs().size(); i++) {
            ins.add(in(n, st, i));
        }
        return exact(n.node().op(), ins).get(0);
    }

    /** Division by a run-time value: out = divRound(a·2^s, b) with b >= 1, else a BadInputException naming the node. */
    private long[] varDiv(QNode n, long[] a, long[] b) {
        long one = 1L << q.inputScale();
        long[] out = new long[a.length];
        for (int i = 0; i < out.length; i++) {
            if (b[i] < 1) {
                throw new BadInputException("node " + n.node().describe() + ": divisor " + b[i] + " (real "
                        + FixedPoint.dequantize(b[i], q.inputScale()) + ") is not positive; division by a run-time "
                        + "value needs a divisor of at least 2^-" + q.inputScale() + " (raise the input scale)");
            }
            out[i] = FixedPoint.divRound(Math.multiplyExact(a[i], one), b[i]);
        }
        return out;
    }

    private long lookup(QNode n, long x, State st) {
        LookupTable t = n.table();
        long[] r = st.observed.computeIfAbsent(n.name(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        r[0] = Math.min(r[0], x);
        r[1] = Math.max(r[1], x);
        if (!t.contains(x)) {
            if (mode == RangeMode.STRICT) {
                throw new BadInputException("node " + n.node().describe() + ": lookup input " + x + " (real "
                        + FixedPoint.dequantize(x, t.inScale()) + ") is outside the calibrated " + t.name() + " table range ["
                        + t.lo() + ", " + t.hi() + "]; recalibrate with inputs like this one or widen the range margin");
            }
            if (mode == RangeMode.CLAMP) {
                st.clamped++;
                x = Math.max(t.lo(), Math.min(t.hi(), x));
            }
        }
        return t.value(x);
    }

    private QTensor unary(QNode n, Op.Unary u, QTensor x, State st) {
        long[] d = x.data();
        long[] out = new long[d.length];
        switch (u.fn()) {
            case RELU:
                for (int i = 0; i < d.length; i++) {
                    out[i] = Math.max(0, d[i]);
                }
                break;
            case NEG:
                for (int i = 0; i < d.length; i++) {
                    out[i] = -d[i];
                }
                break;
            case ABS:
                for (int i = 0; i < d.length; i++) {
                    out[i] = Math.abs(d[i]);
                }
                break;
            case CLIP: {
                long lo = n.param("min").data()[0];
                long hi = n.param("max").data()[0];
                for (int i = 0; i < d.length; i++) {
                    out[i] = Math.min(Math.max(d[i], lo), hi);
                }
                break;
            }
            case LEAKY_RELU: {
                long a = n.param("alpha").data()[0];
                for (int i = 0; i < d.length; i++) {
                    out[i] = d[i] >= 0 ? d[i] : FixedPoint.rescale(Math.multiplyExact(d[i], a), n.shift());
                }
                break;
            }
            default:
                if (n.table() == null) {
                    for (int i = 0; i < d.length; i++) {
                        out[i] = FixedPoint.rescale(Math.multiplyExact(d[i], d[i]), n.shift());
                    }
                } else {
                    for (int i = 0; i < d.length; i++) {
                        out[i] = lookup(n, d[i], st);
                    }
                }
        }
        return new QTensor(x.shape(), out, q.inputScale());
    }

    private QTensor softmax(QNode n, Op.Softmax op, QTensor x, State st) {
        int[] g = op.groups(x.shape());
        int outer = g[0];
        int len = g[1];
        int inner = g[2];
        long one = 1L << q.inputScale();
        long[] d = x.data();
        long[] out = new long[d.length];
        long[] e = new long[len];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < len; i++) {
                    max = Math.max(max, d[base + i * inner]);
                }
                long sum = 0;
                for (int i = 0; i < len; i++) {
                    e[i] = lookup(n, d[base + i * inner] - max, st);
                    sum = Math.addExact(sum, e[i]);
                }
                if (sum <= 0) {
                    throw new BadInputException("node " + n.node().describe() + ": softmax denominator is " + sum
                            + "; the exp table's scale is too small");
                }
                for (int i = 0; i < len; i++) {
                    out[base + i * inner] = FixedPoint.divRound(Math.multiplyExact(e[i], one), sum);
                }
            }
        }
        return new QTensor(x.shape(), out, q.inputScale());
    }

    private QTensor layerNorm(QNode n, Op.LayerNorm op, QTensor x, State st) {
        int s = q.inputScale();
        int[] xs = x.shape();
        int len = Shapes.product(xs, op.axis(), xs.length);
        int outer = x.size() / Math.max(1, len);
        long[] gamma = n.param("gamma").data();
        long[] beta = n.param("beta").data();
        long[] d = x.data();
        long[] out = new long[d.length];
        long[] dev = new long[len];
        for (int o = 0; o < outer; o++) {
            long sum = 0;
            for (int i = 0; i < len; i++) {
                sum = Math.addExact(sum, d[o * len + i]);
            }
            long mu = FixedPoint.divRound(sum, len);
            long ss = 0;
            for (int i = 0; i < len; i++) {
                dev[i] = d[o * len + i] - mu;
                ss = Math.addExact(ss, Math.multiplyExact(dev[i], dev[i]));
            }
            long v = FixedPoint.rescale(FixedPoint.divRound(ss, len), s);
            long r = lookup(n, v, st);
            for (int i = 0; i < len; i++) {
                long norm = FixedPoint.rescale(Math.multiplyExact(dev[i], r), s);
                out[o * len + i] = FixedPoint.rescale(Math.addExact(Math.multiplyExact(norm, gamma[i]), beta[i]), n.shift());
            }
        }
        return new QTensor(xs, out, s);
    }

    // ---- ops real exports use (docs/op-registry.md)

    static {
        KERNELS.put(Op.ConvTranspose.class, (e, n, st) -> {
            Op.ConvTranspose op = (Op.ConvTranspose) n.node().op();
            QTensor x = e.in(n, st, 0);
            int[] xs = x.shape();
            int[] os = n.node().outputShape();
            long[] acc = MatKernels.convTransposeExact(x.data(), n.param("W").data(),
                    n.param("B") == null ? null : n.param("B").data(), op.window(xs, os), xs[0], xs[1], os[1],
                    op.group());
            return List.of(new QTensor(os, rescaleAll(acc, n.shift()), e.q.inputScale()));
        });
        KERNELS.put(Op.Einsum.class, (e, n, st) -> {
            Op.Einsum op = (Op.Einsum) n.node().op();
            List<int[]> shapes = new ArrayList<>();
            List<long[]> data = new ArrayList<>();
            for (int i = 0; i < n.node().inputs().size(); i++) {
                QTensor t = n.param("P" + i) != null ? n.param("P" + i).tensor() : e.in(n, st, i);
                shapes.add(t.shape());
                data.add(t.data());
            }
            long[] acc = op.plan(shapes).applyExact(data);
            return List.of(new QTensor(n.node().outputShape(), rescaleAll(acc, n.shift()), e.q.inputScale()));
        });
        KERNELS.put(Op.Resize.class, (e, n, st) -> {
            Op.Resize op = (Op.Resize) n.node().op();
            if (!op.linear()) {
                return e.exactAll(n, st);
            }
            QTensor x = e.in(n, st, 0);
            Op.Resize.Taps t = op.taps(x.shape());
            long[] w = ModelOpKernels.resizeWeights(t, n.shift());
            long[] d = x.data();
            long[] out = new long[t.start().length - 1];
            for (int o = 0; o < out.length; o++) {
                long acc = 0;
                for (int k = t.start()[o]; k < t.start()[o + 1]; k++) {
                    acc = Math.addExact(acc, Math.multiplyExact(d[t.x()[k]], w[k]));
                }
                out[o] = FixedPoint.rescale(acc, n.shift());
            }
            return List.of(new QTensor(n.node().outputShape(), out, e.q.inputScale()));
        });
        KERNELS.put(Op.ArgExtreme.class, (e, n, st) -> List.of(e.argExtreme(n, e.in(n, st, 0))));
        KERNELS.put(Op.LogSoftmax.class, (e, n, st) -> List.of(e.logSoftmax(n, e.in(n, st, 0), st)));
        KERNELS.put(Op.GroupNorm.class, (e, n, st) -> List.of(e.groupNorm(n, e.in(n, st, 0), st)));
        KERNELS.put(Op.IndexCheck.class, (e, n, st) -> {
            QTensor x = e.in(n, st, 0);
            QTensor idx = e.in(n, st, 1);
            QTensor hits = e.in(n, st, 2);
            long one = 1L << e.q.inputScale();
            for (int i = 0; i < hits.size(); i++) {
                if (hits.data()[i] != one) {
                    throw new BadInputException("node " + n.node().describe() + ": " + Op.IndexCheck.outOfRange(
                            (double) idx.data()[i] / one, ((Op.IndexCheck) n.node().op()).n()));
                }
            }
            return List.of(new QTensor(x.shape(), x.data(), x.scale()));
        });
        KERNELS.put(Op.Mod.class, (e, n, st) -> {
            long[][] xd = e.operands(n, st, 0, 2);
            boolean f = ((Op.Mod) n.node().op()).fmod();
            long[] out = new long[xd[0].length];
            for (int i = 0; i < out.length; i++) {
                out[i] = f ? xd[0][i] % xd[1][i] : Math.floorMod(xd[0][i], xd[1][i]);
            }
            return List.of(new QTensor(n.node().outputShape(), out, e.q.inputScale()));
        });
    }

    private boolean isMoreReduce(QNode n) {
        Op.ReduceKind k = ((Op.Reduce) n.node().op()).reduce();
        return k != Op.ReduceKind.MAX && k != Op.ReduceKind.SUM && k != Op.ReduceKind.MEAN;
    }

    /**
     * ArgMax/ArgMin along the axis: the first (or, with select_last_index, the last) position of the extreme integer,
     * as index·2^s.
     */
    private QTensor argExtreme(QNode n, QTensor x) {
        Op.ArgExtreme op = (Op.ArgExtreme) n.node().op();
        int[] s = x.shape();
        int len = s[op.axis()];
        int inner = Shapes.product(s, op.axis() + 1, s.length);
        int outer = Shapes.product(s, 0, op.axis());
        long[] d = x.data();
        long[] out = new long[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                long bv = d[o * len * inner + i];
                for (int k = 1; k < len; k++) {
                    long v = d[(o * len + k) * inner + i];
                    boolean better = op.max() ? (op.selectLast() ? v >= bv : v > bv)
                            : (op.selectLast() ? v <= bv : v < bv);
                    if (better) {
                        best = k;
                        bv = v;
                    }
                }
                out[o * inner + i] = (long) best << q.inputScale();
            }
        }
        return new QTensor(n.node().outputShape(), out, q.inputScale());
    }

    /** A lookup into the static log table of a sum of exp values (range [2^s, count·2^s], see ModelOpKernels). */
    private long logSum(QNode n, long sum, long count) {
        LookupTable t = ModelOpKernels.logSumTable(q.inputScale(), count);
        if (!t.contains(sum)) {
            throw new BadInputException("node " + n.node().describe() + ": sum of exponentials " + sum + " is outside ["
                    + t.lo() + ", " + t.hi() + "]; the exp table must hold exp(0) = 2^" + q.inputScale());
        }
        return t.value(sum);
    }

    /** LogSoftmax: d = x - max; e = T_exp(d); S = Σe; out = d - T_log(S). */
    private QTensor logSoftmax(QNode n, QTensor x, State st) {
        Op.LogSoftmax op = (Op.LogSoftmax) n.node().op();
        int[] g = op.groups(x.shape());
        int len = g[1];
        int inner = g[2];
        long[] d = x.data();
        long[] out = new long[d.length];
        for (int o = 0; o < g[0]; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < len; i++) {
                    max = Math.max(max, d[base + i * inner]);
                }
                long sum = 0;
                for (int i = 0; i < len; i++) {
                    sum = Math.addExact(sum, lookup(n, d[base + i * inner] - max, st));
                }
                long log = logSum(n, sum, len);
                for (int i = 0; i < len; i++) {
                    out[base + i * inner] = d[base + i * inner] - max - log;
                }
            }
        }
        return new QTensor(x.shape(), out, q.inputScale());
    }

    /** ReduceMin, ReduceL1, ReduceSumSquare, ReduceL2, ReduceLogSumExp (semantics in the quantizer's rule). */
    private QTensor reduceMore(QNode n, QTensor x, State st) {
        Op.Reduce op = (Op.Reduce) n.node().op();
        int[] xs = x.shape();
        int[] keep = xs.clone();
        for (int a : op.axes()) {
            keep[a] = 1;
        }
        int[] idx = Shapes.broadcastIndex(keep, xs);
        int outSize = (int) Tensor.elementCount(keep);
        long count = outSize == 0 ? 1 : Math.max(1, x.size() / outSize);
        long[] d = x.data();
        long[] acc = new long[outSize];
        Op.ReduceKind k = op.reduce();
        if (k == Op.ReduceKind.MIN) {
            java.util.Arrays.fill(acc, Long.MAX_VALUE);
        } else if (k == Op.ReduceKind.LOG_SUM_EXP) {
            java.util.Arrays.fill(acc, Long.MIN_VALUE);
        }
        for (int i = 0; i < idx.length; i++) {
            long v = d[i];
            int o = idx[i];
            switch (k) {
                case MIN: acc[o] = Math.min(acc[o], v); break;
                case LOG_SUM_EXP: acc[o] = Math.max(acc[o], v); break;
                case L1: acc[o] = Math.addExact(acc[o], Math.abs(v)); break;
                default: acc[o] = Math.addExact(acc[o], Math.multiplyExact(v, v));
            }
        }
        if (k == Op.ReduceKind.SUM_SQUARE || k == Op.ReduceKind.L2) {
            for (int o = 0; o < outSize; o++) {
                acc[o] = FixedPoint.rescale(acc[o], n.shift());
                if (k == Op.ReduceKind.L2) {
                    acc[o] = lookup(n, acc[o], st);
                }
            }
        } else if (k == Op.ReduceKind.LOG_SUM_EXP) {
            long[] sum = new long[outSize];
            for (int i = 0; i < idx.length; i++) {
                sum[idx[i]] = Math.addExact(sum[idx[i]], lookup(n, d[i] - acc[idx[i]], st));
            }
            for (int o = 0; o < outSize; o++) {
                acc[o] = acc[o] + logSum(n, sum[o], count);
            }
        }
        return new QTensor(n.node().outputShape(), acc, q.inputScale());
    }

    /** Instance/GroupNormalization: LayerNorm's integer form over each chunk, gamma and beta by parameter index. */
    private QTensor groupNorm(QNode n, QTensor x, State st) {
        Op.GroupNorm op = (Op.GroupNorm) n.node().op();
        int s = q.inputScale();
        int[] xs = x.shape();
        int len = op.chunk(xs);
        long[] gamma = n.param("gamma").data();
        long[] beta = n.param("beta").data();
        long[] d = x.data();
        long[] out = new long[d.length];
        long[] dev = new long[len];
        for (int o = 0; o < d.length / Math.max(1, len); o++) {
            long sum = 0;
            for (int i = 0; i < len; i++) {
                sum = Math.addExact(sum, d[o * len + i]);
            }
            long mu = FixedPoint.divRound(sum, len);
            long ss = 0;
            for (int i = 0; i < len; i++) {
                dev[i] = d[o * len + i] - mu;
                ss = Math.addExact(ss, Math.multiplyExact(dev[i], dev[i]));
            }
            long r = lookup(n, FixedPoint.rescale(FixedPoint.divRound(ss, len), s), st);
            for (int i = 0; i < len; i++) {
                int e = o * len + i;
                int p = op.paramOf(xs, e);
                long norm = FixedPoint.rescale(Math.multiplyExact(dev[i], r), s);
                out[e] = FixedPoint.rescale(Math.addExact(Math.multiplyExact(norm, gamma[p]), beta[p]), n.shift());
            }
        }
        return new QTensor(xs, out, s);
    }
}
