package dev.zkscope.ir;

import static dev.zkscope.ir.Shapes.require;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The closed set of operations a {@link Graph} node can perform, each a record holding its typed, fully resolved
 * attributes (negative axes normalised, auto_pad turned into explicit pads, constant shape inputs read). Every op has
 * one shape contract, {@link #outputShapes}, from which the importer derives every static shape, and a float
 * semantics, {@link #eval}, used by the {@link FloatEvaluator}.
 *
 * <p>Inputs are the node's data inputs in ONNX order (constant operands such as weights included, inputs that were
 * folded into attributes, such as Reshape's target shape, removed).
 */
public sealed interface Op permits Op.Gemm, Op.MatMul, Op.Binary, Op.Unary, Op.PRelu, Op.Conv, Op.Pool, Op.Softmax,
        Op.BatchNorm, Op.LayerNorm, Op.Reduce, Op.Reshape, Op.Transpose, Op.Concat, Op.Slice, Op.Split, Op.Pad,
        Op.Identity, Op.Cast, Op.Gather, Op.ShapeOf, Op.ConstantOfShape, Op.Compare, Op.Not, Op.Where, Op.Expand,
        Op.Trilu, Op.Logical, Op.SpaceDepth, Op.Tile, Op.CumSum,
        Op.ConvTranspose, Op.Einsum, Op.Resize, Op.ArgExtreme, Op.LogSoftmax, Op.GroupNorm, Op.Range, Op.Mod,
        Op.IndexCheck, Op.Unsupported {

    /** Output shapes from input shapes; throws IllegalArgumentException when the inputs do not fit the op. */
    List<int[]> outputShapes(List<int[]> in);

    /** Float semantics: output tensors from input tensors. */
    List<Tensor> eval(List<Tensor> in);

    /** Multiply-accumulates performed for these shapes (0 for data movement). */
    default long macs(List<int[]> in, List<int[]> out) {
        return 0;
    }

    /** A short name of the op kind, e.g. "Conv" or "Unary(SIGMOID)". */
    default String kind() {
        return getClass().getSimpleName();
    }

    private static List<int[]> one(int[] s) {
        return List.of(s);
    }

    private static long size(int[] s) {
        return Tensor.elementCount(s);
    }

    /** Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (2-D), C broadcast to [M, N]. */
    record Gemm(double alpha, double beta, boolean transA, boolean transB) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2 || in.size() == 3, "Gemm takes 2 or 3 inputs");
            int[] a = in.get(0);
            int[] b = in.get(1);
            require(a.length == 2 && b.length == 2, "Gemm needs 2-D A and B, got " + Shapes.describe(in));
            int m = transA ? a[1] : a[0];
            int k = transA ? a[0] : a[1];
            int kb = transB ? b[1] : b[0];
            int n = transB ? b[0] : b[1];
            require(k == kb, "Gemm inner dimensions differ: " + Shapes.describe(in));
            int[] out = {m, n};
            if (in.size() == 3) {
                require(Arrays.equals(Shapes.broadcast(List.of(in.get(2), out)), out),
                        "Gemm C " + Tensor.shapeString(in.get(2)) + " does not broadcast to " + Tensor.shapeString(out));
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.gemm(this, in));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            int[] a = in.get(0);
            return size(out.get(0)) * (transA ? a[0] : a[1]);
        }
    }

    /** Numpy matmul: 1-D operands promoted and demoted, batch dimensions broadcast. */
    record MatMul() implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, "MatMul takes 2 inputs");
            int[] a = in.get(0);
            int[] b = in.get(1);
            require(a.length >= 1 && b.length >= 1, "MatMul needs operands of rank >= 1");
            int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
            int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
            require(a2[a2.length - 1] == b2[b2.length - 2], "MatMul inner dimensions differ: " + Shapes.describe(in));
            int[] batch = Shapes.broadcast(List.of(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2)));
            List<Integer> out = new ArrayList<>();
            for (int d : batch) {
                out.add(d);
            }
            if (a.length > 1) {
                out.add(a2[a2.length - 2]);
            }
            if (b.length > 1) {
                out.add(b2[b2.length - 1]);
            }
            return one(out.stream().mapToInt(Integer::intValue).toArray());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.matmul(in.get(0), in.get(1)));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            int[] a = in.get(0);
            return size(out.get(0)) * a[a.length - 1];
        }
    }

    /** Elementwise binary arithmetic with numpy broadcasting; MAX and MIN fold over any number of inputs. */
    /** The comparisons of ONNX: Equal, Less, Greater, LessOrEqual, GreaterOrEqual. */
    enum CompareKind { EQUAL, LESS, GREATER, LESS_OR_EQUAL, GREATER_OR_EQUAL }

    /**
     * A comparison of two broadcast operands; the boolean result is an INT64 tensor of 0 and 1 (booleans are integers
     * here, as Where and Not read them).
     */
    record Compare(CompareKind compare) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, compare + " takes 2 inputs");
            return one(Shapes.broadcast(in));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.compare(compare, in.get(0), in.get(1)));
        }

        @Override
        public String kind() {
            return "Compare(" + compare + ")";
        }
    }

    /** The binary logical ops of ONNX: And, Or, Xor. */
    enum LogicalKind { AND, OR, XOR }

    /** A logical op of two broadcast operands (non-zero is true); the result is an INT64 tensor of 0 and 1. */
    record Logical(LogicalKind logical) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, logical + " takes 2 inputs");
            return one(Shapes.broadcast(in));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            int[] shape = Shapes.broadcast(List.of(in.get(0).shape(), in.get(1).shape()));
            int[] ai = Shapes.broadcastIndex(in.get(0).shape(), shape);
            int[] bi = Shapes.broadcastIndex(in.get(1).shape(), shape);
            double[] a = in.get(0).data();
            double[] b = in.get(1).data();
            double[] out = new double[ai.length];
            for (int i = 0; i < out.length; i++) {
                boolean x = a[ai[i]] != 0;
                boolean y = b[bi[i]] != 0;
                boolean r = logical == LogicalKind.AND ? x && y : logical == LogicalKind.OR ? x || y : x ^ y;
                out[i] = r ? 1 : 0;
            }
            return List.of(Tensor.of(shape, out, Tensor.DType.INT64));
        }

        @Override
        public String kind() {
            return "Logical(" + logical + ")";
        }
    }

    /**
     * DepthToSpace (DCR or CRD mode) or SpaceToDepth with block size b on [N, C, H, W]: a reshape, a transpose and a
     * reshape, as ONNX defines them.
     */
    record SpaceDepth(boolean toSpace, boolean crd, int block) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, (toSpace ? "DepthToSpace" : "SpaceToDepth") + " takes 1 input");
            int[] x = in.get(0);
            require(x.length == 4, "needs a 4-D input [N, C, H, W], got " + Tensor.shapeString(x));
            require(block >= 1, "blocksize must be positive");
            int b = block;
            if (toSpace) {
                require(x[1] % (b * b) == 0, "channels " + x[1] + " are not a multiple of blocksize^2 = " + b * b);
                return one(new int[] {x[0], x[1] / (b * b), x[2] * b, x[3] * b});
            }
            require(x[2] % b == 0 && x[3] % b == 0, "height and width must be multiples of blocksize " + b);
            return one(new int[] {x[0], x[1] * b * b, x[2] / b, x[3] / b});
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] s = x.shape();
            int b = block;
            int[] out = outputShapes(List.of(s)).get(0);
            Tensor t;
            if (toSpace) {
                int c = s[1] / (b * b);
                t = crd ? Kernels.transpose(x.reshape(new int[] {s[0], c, b, b, s[2], s[3]}), new int[] {0, 1, 4, 2, 5, 3})
                        : Kernels.transpose(x.reshape(new int[] {s[0], b, b, c, s[2], s[3]}), new int[] {0, 3, 4, 1, 5, 2});
            } else {
                t = Kernels.transpose(x.reshape(new int[] {s[0], s[1], s[2] / b, b, s[3] / b, b}),
                        new int[] {0, 3, 5, 1, 2, 4});
            }
            return List.of(t.reshape(out));
        }

        @Override
        public String kind() {
            return toSpace ? "DepthToSpace" : "SpaceToDepth";
        }
    }

    /** Tile: each axis repeated {@code repeats[i]} times (constant, read at import). */
    record Tile(int[] repeats) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Tile takes its data input (repeats are constant)");
            int[] x = in.get(0);
            require(repeats.length == x.length, "Tile repeats " + Arrays.toString(repeats) + " do not match rank "
                    + x.length);
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                require(repeats[i] >= 0, "Tile repeats must be non-negative");
                out[i] = Math.multiplyExact(x[i], repeats[i]);
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] s = x.shape();
            int[] out = outputShapes(List.of(s)).get(0);
            double[] d = x.data();
            double[] y = new double[Tensor.checkedSize(out)];
            int[] idx = new int[out.length];
            for (int o = 0; o < y.length; o++) {
                int src = 0;
                for (int a = 0; a < out.length; a++) {
                    src = src * s[a] + idx[a] % s[a];
                }
                y[o] = d[src];
                for (int a = out.length - 1; a >= 0; a--) {
                    if (++idx[a] < out[a]) {
                        break;
                    }
                    idx[a] = 0;
                }
            }
            return List.of(Tensor.of(out, y, x.dtype()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tile && Arrays.equals(repeats, ((Tile) o).repeats);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(repeats);
        }

        @Override
        public String toString() {
            return "Tile" + Arrays.toString(repeats);
        }
    }

    /** CumSum along a constant axis; exclusive leaves out the element itself, reverse sums from the end. */
    record CumSum(int axis, boolean exclusive, boolean reverse) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "CumSum takes its data input (the axis is constant)");
            require(axis >= 0 && axis < in.get(0).length, "CumSum axis out of range");
            return one(in.get(0).clone());
        }

        /** The input elements (flat indices) summed into output element o, for input shape s. */
        public int[] window(int[] s, int o) {
            int inner = Shapes.product(s, axis + 1, s.length);
            int len = s[axis];
            int k = (o / inner) % len;
            int base = o - k * inner;
            int from = reverse ? (exclusive ? k + 1 : k) : 0;
            int to = reverse ? len : (exclusive ? k : k + 1);
            int[] w = new int[Math.max(0, to - from)];
            for (int j = from; j < to; j++) {
                w[j - from] = base + j * inner;
            }
            return w;
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            double[] d = x.data();
            double[] y = new double[d.length];
            for (int o = 0; o < y.length; o++) {
                double acc = 0;
                for (int i : window(x.shape(), o)) {
                    acc += d[i];
                }
                y[o] = acc;
            }
            return List.of(Tensor.of(x.shape(), y, x.dtype()));
        }
    }

    /** Logical not: 1 where the input is 0, else 0 (INT64). */
    record Not() implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Not takes 1 input");
            return one(in.get(0).clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.not(in.get(0)));
        }
    }

    /** Where(condition, X, Y): X where the condition is non-zero, else Y, all three broadcast. */
    record Where() implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 3, "Where takes 3 inputs");
            return one(Shapes.broadcast(in));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.where(in.get(0), in.get(1), in.get(2)));
        }
    }

    /** Expand to a constant shape: numpy broadcasting of the input and {@code shape} (read at import). */
    record Expand(int[] shape) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Expand takes its data input (the shape is constant)");
            return one(Shapes.broadcast(List.of(in.get(0), shape)));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            int[] out = outputShapes(List.of(in.get(0).shape())).get(0);
            return List.of(Tensor.of(out, Kernels.expand(in.get(0), out), in.get(0).dtype()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Expand && Arrays.equals(shape, ((Expand) o).shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Expand" + Arrays.toString(shape);
        }
    }

    /**
     * Trilu: the upper (j - i >= k) or lower (j - i <= k) triangle of each matrix of the last two axes, zeros
     * elsewhere; k constant (read at import). PyTorch exports torch.tril/triu (causal masks) as this.
     */
    record Trilu(boolean upper, long k) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Trilu takes its data input (k is constant)");
            require(in.get(0).length >= 2, "Trilu needs a tensor of rank >= 2");
            return one(in.get(0).clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] s = x.shape();
            int rows = s[s.length - 2];
            int cols = s[s.length - 1];
            double[] d = x.data();
            double[] out = new double[d.length];
            for (int i = 0; i < d.length; i++) {
                long r = (i / cols) % rows;
                long c = i % cols;
                boolean keep = upper ? c - r >= k : c - r <= k;
                out[i] = keep ? d[i] : 0;
            }
            return List.of(Tensor.of(s, out, x.dtype()));
        }
    }

    enum BinaryKind { ADD, SUB, MUL, DIV, POW, MAX, MIN }

    record Binary(BinaryKind op) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() >= 1, op + " needs inputs");
            require(in.size() == 2 || op == BinaryKind.MAX || op == BinaryKind.MIN, op + " takes 2 inputs");
            return one(Shapes.broadcast(in));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.binary(op, in));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            return op == BinaryKind.MUL || op == BinaryKind.DIV ? size(out.get(0)) : 0;
        }

        @Override
        public String kind() {
            return "Binary(" + op + ")";
        }
    }

    /** Pointwise functions; alpha and beta are the function's attributes (see {@link UnaryFn}). */
    record Unary(UnaryFn fn, double alpha, double beta) implements Op {
        public Unary(UnaryFn fn) {
            this(fn, 0, 0);
        }

        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, fn + " takes 1 input");
            return one(in.get(0));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.unary(this, in.get(0)));
        }

        public double apply(double x) {
            return fn.apply(x, alpha, beta);
        }

        @Override
        public String kind() {
            return "Unary(" + fn + ")";
        }
    }

    /** y = x if x >= 0 else slope * x, slope broadcast to x (unidirectionally). */
    record PRelu() implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, "PRelu takes 2 inputs");
            int[] out = Shapes.broadcast(in);
            require(Arrays.equals(out, in.get(0)), "PRelu slope " + Tensor.shapeString(in.get(1))
                    + " does not broadcast to " + Tensor.shapeString(in.get(0)));
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.prelu(in.get(0), in.get(1)));
        }
    }

    /**
     * N-d convolution (1 or 2 spatial axes) of X [N, C, ...] with W [M, C/group, k...] plus optional bias B [M];
     * pads are explicit (auto_pad resolved by the importer).
     */
    record Conv(int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations, int group) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2 || in.size() == 3, "Conv takes 2 or 3 inputs");
            int[] x = in.get(0);
            int[] w = in.get(1);
            int sp = kernel.length;
            require(x.length == sp + 2 && w.length == sp + 2, "Conv input " + Tensor.shapeString(x) + " and weight "
                    + Tensor.shapeString(w) + " do not match a " + sp + "-D kernel");
            require(group >= 1 && x[1] % group == 0 && w[0] % group == 0 && w[1] * group == x[1],
                    "Conv channels: input " + x[1] + ", weight " + Tensor.shapeString(w) + ", group " + group);
            if (in.size() == 3) {
                require(in.get(2).length == 1 && in.get(2)[0] == w[0], "Conv bias must have shape [" + w[0] + "]");
            }
            int[] out = new int[sp + 2];
            out[0] = x[0];
            out[1] = w[0];
            for (int i = 0; i < sp; i++) {
                require(w[2 + i] == kernel[i], "Conv kernel_shape differs from the weight's shape");
                out[2 + i] = Shapes.windowOutput(x[2 + i], kernel[i], strides[i], padsBegin[i], padsEnd[i], dilations[i],
                        false);
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.conv(this, in));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            int[] w = in.get(1);
            return size(out.get(0)) * Shapes.product(w, 1, w.length);
        }
    }

    enum PoolKind { MAX, AVERAGE }

    /** Max or average pooling over 1 or 2 spatial axes; for AVERAGE countIncludePad chooses the divisor. */
    record Pool(PoolKind pool, int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations,
                boolean ceilMode, boolean countIncludePad) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "pooling takes 1 input");
            int[] x = in.get(0);
            int sp = kernel.length;
            require(x.length == sp + 2, "pooling input " + Tensor.shapeString(x) + " does not match a " + sp + "-D kernel");
            int[] out = x.clone();
            for (int i = 0; i < sp; i++) {
                require(padsBegin[i] < kernel[i] && padsEnd[i] < kernel[i], "pooling pads must be smaller than the kernel");
                out[2 + i] = Shapes.windowOutput(x[2 + i], kernel[i], strides[i], padsBegin[i], padsEnd[i], dilations[i],
                        ceilMode);
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.pool(this, in.get(0)));
        }

        @Override
        public String kind() {
            return pool == PoolKind.MAX ? "MaxPool" : "AveragePool";
        }
    }

    /**
     * Softmax along {@code axis}; with {@code coerce2d} (opset < 13) over all axes from {@code axis} on, as one
     * flattened dimension.
     */
    record Softmax(int axis, boolean coerce2d) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Softmax takes 1 input");
            require(axis >= 0 && axis < Math.max(1, in.get(0).length), "Softmax axis out of range");
            return one(in.get(0));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.softmax(this, in.get(0)));
        }

        /** [outer, length, inner] of the softmax groups for this input shape. */
        public int[] groups(int[] shape) {
            int outer = Shapes.product(shape, 0, axis);
            if (coerce2d) {
                return new int[] {outer, Shapes.product(shape, axis, shape.length), 1};
            }
            return new int[] {outer, shape[axis], Shapes.product(shape, axis + 1, shape.length)};
        }
    }

    /** y = scale * (x - mean) / sqrt(var + epsilon) + B per channel (axis 1); inputs X, scale, B, mean, var. */
    record BatchNorm(double epsilon) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 5, "BatchNormalization takes 5 inputs");
            int[] x = in.get(0);
            require(x.length >= 2, "BatchNormalization needs rank >= 2");
            for (int i = 1; i < 5; i++) {
                require(in.get(i).length == 1 && in.get(i)[0] == x[1], "BatchNormalization parameters must have shape ["
                        + x[1] + "]");
            }
            return one(x);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.batchNorm(this, in));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            return size(out.get(0));
        }
    }

    /** Normalises over axes [axis, rank): y = (x - mean) / sqrt(var + epsilon) * scale + B; inputs X, scale, [B]. */
    record LayerNorm(int axis, double epsilon) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2 || in.size() == 3, "LayerNormalization takes 2 or 3 inputs");
            int[] x = in.get(0);
            require(axis >= 0 && axis < x.length, "LayerNormalization axis out of range");
            int[] norm = Arrays.copyOfRange(x, axis, x.length);
            for (int i = 1; i < in.size(); i++) {
                require(Arrays.equals(Shapes.broadcast(List.of(in.get(i), norm)), norm),
                        "LayerNormalization scale/bias " + Tensor.shapeString(in.get(i)) + " do not broadcast to "
                                + Tensor.shapeString(norm));
            }
            return one(x);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.layerNorm(this, in));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            return 3 * size(out.get(0));
        }
    }

    /**
     * Reductions: MEAN, SUM, MAX, MIN, L1 (Σ|x|), L2 (sqrt Σx²), SUM_SQUARE (Σx²), LOG_SUM_EXP (log Σ exp x).
     */
    enum ReduceKind { MEAN, SUM, MAX, MIN, L1, L2, SUM_SQUARE, LOG_SUM_EXP }

    /** Reduction over the given (sorted, non-negative) axes. */
    record Reduce(ReduceKind reduce, int[] axes, boolean keepDims) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "reductions take 1 data input");
            int[] x = in.get(0);
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                boolean reduced = false;
                for (int a : axes) {
                    require(a >= 0 && a < x.length, "reduce axis " + a + " out of range for rank " + x.length);
                    reduced |= a == i;
                }
                if (!reduced) {
                    out.add(x[i]);
                } else if (keepDims) {
                    out.add(1);
                }
            }
            return one(out.stream().mapToInt(Integer::intValue).toArray());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.reduce(this, in.get(0)));
        }

        @Override
        public String kind() {
            return "Reduce(" + reduce + ")";
        }
    }

    /** Same data, new shape (Reshape, Flatten, Squeeze, Unsqueeze after resolution). */
    record Reshape(int[] shape) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Reshape takes 1 data input");
            require(Tensor.elementCount(in.get(0)) == Tensor.elementCount(shape), "cannot reshape "
                    + Tensor.shapeString(in.get(0)) + " to " + Tensor.shapeString(shape));
            return one(shape.clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(in.get(0).reshape(shape));
        }
    }

    record Transpose(int[] perm) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Transpose takes 1 input");
            int[] x = in.get(0);
            require(perm.length == x.length, "Transpose perm " + Arrays.toString(perm) + " does not match rank " + x.length);
            boolean[] seen = new boolean[x.length];
            int[] out = new int[x.length];
            for (int i = 0; i < perm.length; i++) {
                require(perm[i] >= 0 && perm[i] < x.length && !seen[perm[i]], "Transpose perm is not a permutation");
                seen[perm[i]] = true;
                out[i] = x[perm[i]];
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.transpose(in.get(0), perm));
        }
    }

    record Concat(int axis) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(!in.isEmpty(), "Concat needs inputs");
            int[] out = in.get(0).clone();
            require(axis >= 0 && axis < out.length, "Concat axis out of range");
            for (int i = 1; i < in.size(); i++) {
                int[] s = in.get(i);
                require(s.length == out.length, "Concat inputs differ in rank: " + Shapes.describe(in));
                for (int d = 0; d < s.length; d++) {
                    require(d == axis || s[d] == out[d], "Concat inputs differ off the axis: " + Shapes.describe(in));
                }
                out[axis] += s[axis];
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.concat(in, axis));
        }
    }

    /** Per axis (full rank): first index, step (non-zero) and element count; resolved from ONNX starts/ends/axes/steps. */
    record Slice(int[] starts, int[] steps, int[] counts) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Slice takes 1 data input");
            int[] x = in.get(0);
            require(starts.length == x.length, "Slice rank mismatch");
            for (int i = 0; i < x.length; i++) {
                if (counts[i] > 0) {
                    long last = starts[i] + (long) steps[i] * (counts[i] - 1);
                    require(starts[i] >= 0 && starts[i] < x[i] && last >= 0 && last < x[i], "Slice out of bounds");
                }
            }
            return one(counts.clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.slice(this, in.get(0)));
        }
    }

    record Split(int axis, int[] sizes) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Split takes 1 data input");
            int[] x = in.get(0);
            require(axis >= 0 && axis < x.length, "Split axis out of range");
            int total = 0;
            List<int[]> out = new ArrayList<>();
            for (int s : sizes) {
                require(s >= 0, "Split sizes must be non-negative");
                total += s;
                int[] o = x.clone();
                o[axis] = s;
                out.add(o);
            }
            require(total == x[axis], "Split sizes " + Arrays.toString(sizes) + " do not sum to " + x[axis]);
            return out;
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return Kernels.split(this, in.get(0));
        }
    }

    enum PadMode { CONSTANT, REFLECT, EDGE }

    record Pad(int[] begins, int[] ends, PadMode mode, double value) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Pad takes 1 data input");
            int[] x = in.get(0);
            require(begins.length == x.length && ends.length == x.length, "Pad pads do not match rank " + x.length);
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                require(begins[i] >= 0 && ends[i] >= 0, "negative pads are not supported");
                require(mode != PadMode.REFLECT || (begins[i] < x[i] && ends[i] < x[i]), "reflect pads must be smaller than the axis");
                require(mode == PadMode.CONSTANT || x[i] > 0 || begins[i] + ends[i] == 0, "cannot edge-pad an empty axis");
                out[i] = x[i] + begins[i] + ends[i];
            }
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.pad(this, in.get(0)));
        }
    }

    /** Identity, Dropout at inference. */
    record Identity() implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Identity takes 1 input");
            return one(in.get(0));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(in.get(0));
        }
    }

    /** Cast to a real (FLOAT) or integer (INT64: truncation toward zero) element type. */
    record Cast(Tensor.DType to) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Cast takes 1 input");
            return one(in.get(0));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            if (to == Tensor.DType.FLOAT || x.isInteger()) {
                return List.of(x.withDType(to));
            }
            double[] d = x.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] < 0 ? Math.ceil(d[i]) : Math.floor(d[i]);
            }
            return List.of(Tensor.of(x.shape(), d, to));
        }
    }

    /** Gather along axis with integer indices (second input); negative indices count from the end. */
    record Gather(int axis) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, "Gather takes 2 inputs");
            int[] x = in.get(0);
            int[] idx = in.get(1);
            require(axis >= 0 && axis < x.length, "Gather axis out of range");
            int[] out = new int[x.length - 1 + idx.length];
            System.arraycopy(x, 0, out, 0, axis);
            System.arraycopy(idx, 0, out, axis, idx.length);
            System.arraycopy(x, axis + 1, out, axis + idx.length, x.length - axis - 1);
            return one(out);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            return List.of(Kernels.gather(in.get(0), in.get(1), axis));
        }
    }

    /** The (static) shape of its input as an int64 vector, dims [start, end); always folded by the importer. */
    record ShapeOf(int start, int end) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Shape takes 1 input");
            return one(new int[] {Math.max(0, end - start)});
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            int[] s = in.get(0).shape();
            long[] v = new long[Math.max(0, end - start)];
            for (int i = 0; i < v.length; i++) {
                v[i] = s[start + i];
            }
            return List.of(Tensor.ofLongs(new int[] {v.length}, v));
        }
    }

    /** A tensor of the given shape filled with value; the shape is resolved at import. */
    record ConstantOfShape(int[] shape, double value, Tensor.DType dtype) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            Tensor.checkedSize(shape);
            return one(shape.clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            double[] d = new double[Tensor.checkedSize(shape)];
            Arrays.fill(d, value);
            return List.of(Tensor.of(shape, d, dtype));
        }
    }

    /**
     * ConvTranspose (the adjoint of a grouped Conv) over 1 or 2 spatial axes: inputs X [N, C, ...], W [C, M/group,
     * k...], optional B [M]; pads are resolved at import (auto_pad and output_shape turned into explicit pads).
     * Output size per axis: stride·(in - 1) + outputPadding + (k - 1)·dilation + 1 - padBegin - padEnd.
     */
    record ConvTranspose(int[] kernel, int[] strides, int[] padsBegin, int[] padsEnd, int[] dilations,
                         int[] outputPadding, int group) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2 || in.size() == 3, "ConvTranspose takes 2 or 3 inputs");
            int[] x = in.get(0);
            int[] w = in.get(1);
            int sp = kernel.length;
            require(x.length == sp + 2 && w.length == sp + 2, "ConvTranspose input " + Tensor.shapeString(x)
                    + " and weight " + Tensor.shapeString(w) + " do not match a " + sp + "-D kernel");
            require(group >= 1 && x[1] == w[0] && x[1] % group == 0, "ConvTranspose channels: input " + x[1]
                    + ", weight " + Tensor.shapeString(w) + ", group " + group);
            int m = w[1] * group;
            if (in.size() == 3) {
                require(in.get(2).length == 1 && in.get(2)[0] == m, "ConvTranspose bias must have shape [" + m + "]");
            }
            int[] out = new int[sp + 2];
            out[0] = x[0];
            out[1] = m;
            for (int i = 0; i < sp; i++) {
                require(w[2 + i] == kernel[i], "ConvTranspose kernel_shape differs from the weight's shape");
                long o = (long) strides[i] * (x[2 + i] - 1) + outputPadding[i] + (long) (kernel[i] - 1) * dilations[i]
                        + 1 - padsBegin[i] - padsEnd[i];
                require(o >= 1 && o <= Integer.MAX_VALUE, "ConvTranspose output size " + o + " on spatial axis " + i);
                out[2 + i] = (int) o;
            }
            return one(out);
        }

        /** The window geometry (input h, w; output oh, ow) for these input and output shapes. */
        public Window window(int[] xs, int[] os) {
            return Window.of(kernel, strides, padsBegin, padsEnd, dilations, xs, os);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            int[] xs = in.get(0).shape();
            int[] os = outputShapes(List.of(xs, in.get(1).shape())).get(0);
            double[] out = new double[Tensor.checkedSize(os)];
            MatKernels.convTranspose(in.get(0).data(), in.get(1).data(), in.size() == 3 ? in.get(2).data() : null, out,
                    window(xs, os), xs[0], xs[1], os[1], group);
            return List.of(Tensor.of(os, out));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            int[] w = in.get(1);
            return size(in.get(0)) * Shapes.product(w, 1, w.length);
        }
    }

    /** Einsum with one or two operands (the matmul-like equations {@link dev.zkscope.ir.Einsum} plans). */
    record Einsum(String equation) implements Op {
        /** The plan for these operand shapes. */
        public dev.zkscope.ir.Einsum plan(List<int[]> in) {
            return dev.zkscope.ir.Einsum.plan(equation, in);
        }

        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1 || in.size() == 2, "Einsum takes 1 or 2 inputs here");
            return one(plan(in).outputShape());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            List<int[]> shapes = new ArrayList<>();
            List<double[]> data = new ArrayList<>();
            for (Tensor t : in) {
                shapes.add(t.shape());
                data.add(t.data());
            }
            dev.zkscope.ir.Einsum p = plan(shapes);
            return List.of(Tensor.of(p.outputShape(), p.apply(data)));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            return plan(in).macs();
        }
    }

    /** Resize's coordinate transformation modes (ONNX coordinate_transformation_mode). */
    enum ResizeCoord { HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NEAREST }

    /** Resize's rounding of a nearest coordinate (nearest_mode; SIMPLE is opset 10 and Upsample). */
    enum ResizeNearest { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, SIMPLE }

    /**
     * Resize / Upsample to a constant output shape, nearest or n-linear (every axis), with the scales ONNX uses for
     * the coordinate transformation (given, or output/input when sizes were given); all read at import. Each output
     * element is a fixed weighted sum of input elements: {@link #taps}.
     */
    record Resize(boolean linear, int[] outShape, double[] scales, ResizeCoord coord, ResizeNearest nearest)
            implements Op {
        /** Output element o reads x[x[t]] with weight w[t] for t in [start[o], start[o+1]). */
        public record Taps(int[] start, int[] x, double[] w) {}

        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "Resize takes its data input (scales and sizes are constant)");
            require(in.get(0).length == outShape.length, "Resize output rank " + outShape.length + " differs from "
                    + "the input's " + in.get(0).length);
            Tensor.checkedSize(outShape);
            for (int d : in.get(0)) {
                require(d >= 1, "Resize of an empty tensor");
            }
            return one(outShape.clone());
        }

        private double original(int o, int axis, int inLen) {
            int outLen = outShape[axis];
            double sc = scales[axis];
            switch (coord) {
                case ALIGN_CORNERS:
                    return outLen == 1 ? 0 : (double) o * (inLen - 1) / (outLen - 1);
                case ASYMMETRIC:
                    return o / sc;
                case PYTORCH_HALF_PIXEL:
                    return outLen > 1 ? (o + 0.5) / sc - 0.5 : 0;
                case TF_HALF_PIXEL_FOR_NEAREST:
                    return (o + 0.5) / sc;
                default:
                    return (o + 0.5) / sc - 0.5;
            }
        }

        private int round(double x, boolean down) {
            double f = Math.floor(x);
            switch (nearest) {
                case ROUND_PREFER_CEIL:
                    return (int) (x - f == 0.5 ? f + 1 : Math.round(x));
                case FLOOR:
                    return (int) f;
                case CEIL:
                    return (int) Math.ceil(x);
                case SIMPLE:
                    return down ? (int) Math.ceil(x) : (int) x;
                default:
                    return (int) (x - f == 0.5 ? f : Math.round(x));
            }
        }

        /** The taps of every output element for input shape {@code xs}. */
        public Taps taps(int[] xs) {
            int rank = xs.length;
            int[][][] idx = new int[rank][][];
            double[][][] wt = new double[rank][][];
            for (int a = 0; a < rank; a++) {
                idx[a] = new int[outShape[a]][];
                wt[a] = new double[outShape[a]][];
                for (int o = 0; o < outShape[a]; o++) {
                    double x = original(o, a, xs[a]);
                    if (!linear) {
                        int i = Math.max(0, Math.min(xs[a] - 1, round(x, scales[a] < 1)));
                        idx[a][o] = new int[] {i};
                        wt[a][o] = new double[] {1};
                        continue;
                    }
                    x = Math.max(0, Math.min(xs[a] - 1, x));
                    int i0 = (int) Math.floor(x);
                    int i1 = Math.min(i0 + 1, xs[a] - 1);
                    double f = x - i0;
                    if (i1 == i0 || f == 0) {
                        idx[a][o] = new int[] {i0};
                        wt[a][o] = new double[] {1};
                    } else {
                        idx[a][o] = new int[] {i0, i1};
                        wt[a][o] = new double[] {1 - f, f};
                    }
                }
            }
            int outSize = Tensor.checkedSize(outShape);
            int[] start = new int[outSize + 1];
            int[] pos = new int[rank];
            int[] xBuf = new int[1 << Math.min(rank, 20)];
            double[] wBuf = new double[xBuf.length];
            int total = 0;
            int[] xAll = new int[outSize * 2];
            double[] wAll = new double[outSize * 2];
            int[] inStride = new int[rank];
            for (int a = rank - 1, st = 1; a >= 0; st *= xs[a], a--) {
                inStride[a] = st;
            }
            for (int o = 0; o < outSize; o++) {
                int n = 1;
                xBuf[0] = 0;
                wBuf[0] = 1;
                for (int a = 0; a < rank; a++) {
                    int[] ii = idx[a][pos[a]];
                    double[] ww = wt[a][pos[a]];
                    if (ii.length == 1) {
                        for (int t = 0; t < n; t++) {
                            xBuf[t] += ii[0] * inStride[a];
                            wBuf[t] *= ww[0];
                        }
                    } else {
                        for (int t = 0; t < n; t++) {
                            xBuf[n + t] = xBuf[t] + ii[1] * inStride[a];
                            wBuf[n + t] = wBuf[t] * ww[1];
                            xBuf[t] += ii[0] * inStride[a];
                            wBuf[t] *= ww[0];
                        }
                        n *= 2;
                    }
                }
                if (total + n > xAll.length) {
                    int cap = Math.max(total + n, xAll.length * 2);
                    xAll = Arrays.copyOf(xAll, cap);
                    wAll = Arrays.copyOf(wAll, cap);
                }
                System.arraycopy(xBuf, 0, xAll, total, n);
                System.arraycopy(wBuf, 0, wAll, total, n);
                total += n;
                start[o + 1] = total;
                for (int a = rank - 1; a >= 0; a--) {
                    if (++pos[a] < outShape[a]) {
                        break;
                    }
                    pos[a] = 0;
                }
            }
            return new Taps(start, Arrays.copyOf(xAll, total), Arrays.copyOf(wAll, total));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            outputShapes(List.of(x.shape()));
            Taps t = taps(x.shape());
            double[] d = x.data();
            double[] out = new double[t.start().length - 1];
            for (int o = 0; o < out.length; o++) {
                double acc = 0;
                for (int k = t.start()[o]; k < t.start()[o + 1]; k++) {
                    acc += d[t.x()[k]] * t.w()[k];
                }
                out[o] = acc;
            }
            return List.of(Tensor.of(outShape.clone(), out));
        }

        @Override
        public String kind() {
            return linear ? "Resize(linear)" : "Resize(nearest)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Resize r && r.linear == linear && Arrays.equals(r.outShape, outShape)
                    && Arrays.equals(r.scales, scales) && r.coord == coord && r.nearest == nearest;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(outShape) * 31 + Arrays.hashCode(scales) + (linear ? 1 : 0);
        }

        @Override
        public String toString() {
            return kind() + Arrays.toString(outShape) + " " + coord + " " + nearest;
        }
    }

    /**
     * ArgMax (max) or ArgMin along one axis; ties give the first index, or the last with selectLast. The result is an
     * INT64 tensor of indices.
     */
    record ArgExtreme(boolean max, int axis, boolean keepDims, boolean selectLast) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, kind() + " takes 1 input");
            int[] x = in.get(0);
            require(axis >= 0 && axis < x.length, kind() + " axis out of range");
            require(x[axis] >= 1, kind() + " over an empty axis");
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (i != axis) {
                    out.add(x[i]);
                } else if (keepDims) {
                    out.add(1);
                }
            }
            return one(out.stream().mapToInt(Integer::intValue).toArray());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] s = x.shape();
            int len = s[axis];
            int inner = Shapes.product(s, axis + 1, s.length);
            int outer = Shapes.product(s, 0, axis);
            double[] d = x.data();
            long[] out = new long[outer * inner];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int best = 0;
                    double bv = d[o * len * inner + i];
                    for (int k = 1; k < len; k++) {
                        double v = d[(o * len + k) * inner + i];
                        boolean better = max ? (selectLast ? v >= bv : v > bv) : (selectLast ? v <= bv : v < bv);
                        if (better) {
                            best = k;
                            bv = v;
                        }
                    }
                    out[o * inner + i] = best;
                }
            }
            return List.of(Tensor.ofLongs(outputShapes(List.of(s)).get(0), out));
        }

        @Override
        public String kind() {
            return max ? "ArgMax" : "ArgMin";
        }
    }

    /** LogSoftmax along {@code axis}; with {@code coerce2d} (opset < 13) over all axes from {@code axis} on. */
    record LogSoftmax(int axis, boolean coerce2d) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 1, "LogSoftmax takes 1 input");
            require(axis >= 0 && axis < Math.max(1, in.get(0).length), "LogSoftmax axis out of range");
            return one(in.get(0));
        }

        /** [outer, length, inner] of the groups for this input shape (as Softmax's). */
        public int[] groups(int[] shape) {
            return new Softmax(axis, coerce2d).groups(shape);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] g = groups(x.shape());
            double[] d = x.data();
            double[] out = new double[d.length];
            for (int o = 0; o < g[0]; o++) {
                for (int i = 0; i < g[2]; i++) {
                    int base = o * g[1] * g[2] + i;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < g[1]; k++) {
                        max = Math.max(max, d[base + k * g[2]]);
                    }
                    double sum = 0;
                    for (int k = 0; k < g[1]; k++) {
                        sum += Math.exp(d[base + k * g[2]] - max);
                    }
                    double log = Math.log(sum);
                    for (int k = 0; k < g[1]; k++) {
                        out[base + k * g[2]] = d[base + k * g[2]] - max - log;
                    }
                }
            }
            return List.of(Tensor.of(x.shape(), out));
        }
    }

    /**
     * GroupNormalization and InstanceNormalization (groups = channels): x [N, C, ...] normalised over each group of
     * C/groups channels and all spatial positions (a contiguous chunk), y = (x - mean) / sqrt(var + epsilon) · scale
     * + bias, scale and bias per channel ([C]) or, with {@code perGroup} (GroupNormalization opset 18), per group.
     */
    record GroupNorm(int groups, double epsilon, boolean perGroup, boolean instance) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            String name = instance ? "InstanceNormalization" : "GroupNormalization";
            require(in.size() == 3, name + " takes 3 inputs");
            int[] x = in.get(0);
            require(x.length >= 2, name + " needs rank >= 2");
            require(groups >= 1 && x[1] % groups == 0, name + ": " + x[1] + " channels are not a multiple of "
                    + groups + " groups");
            int p = perGroup ? groups : x[1];
            for (int i = 1; i < 3; i++) {
                require(in.get(i).length == 1 && in.get(i)[0] == p, name + " scale and bias must have shape [" + p
                        + "]");
            }
            return one(x);
        }

        /** The parameter index of flat element i of an input of shape xs. */
        public int paramOf(int[] xs, int i) {
            int spatial = Shapes.product(xs, 2, xs.length);
            int c = (i / Math.max(1, spatial)) % xs[1];
            return perGroup ? c / (xs[1] / groups) : c;
        }

        /** Elements per normalised chunk. */
        public int chunk(int[] xs) {
            return xs[1] / groups * Shapes.product(xs, 2, xs.length);
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            Tensor x = in.get(0);
            int[] xs = x.shape();
            double[] d = x.data();
            double[] scale = in.get(1).data();
            double[] bias = in.get(2).data();
            int len = chunk(xs);
            double[] out = new double[d.length];
            for (int o = 0; o < d.length / Math.max(1, len); o++) {
                double mean = 0;
                for (int i = 0; i < len; i++) {
                    mean += d[o * len + i];
                }
                mean /= len;
                double var = 0;
                for (int i = 0; i < len; i++) {
                    double v = d[o * len + i] - mean;
                    var += v * v;
                }
                var /= len;
                double r = 1 / Math.sqrt(var + epsilon);
                for (int i = 0; i < len; i++) {
                    int e = o * len + i;
                    int p = paramOf(xs, e);
                    out[e] = (d[e] - mean) * r * scale[p] + bias[p];
                }
            }
            return List.of(Tensor.of(xs, out));
        }

        @Override
        public long macs(List<int[]> in, List<int[]> out) {
            return 3 * size(out.get(0));
        }

        @Override
        public String kind() {
            return instance ? "InstanceNormalization" : "GroupNormalization";
        }
    }

    /**
     * The bound on run-time indices into an axis of length {@code n} (internal: no ONNX type of its own; the rewrite of
     * GatherElements with run-time indices emits it). Inputs: x (the gathered values), idx (the indices) and hits (per
     * element, how many of the positions k in [0, n) the index equals as k or k - n: 1 exactly when it is in range).
     * Output: x. An index outside [-n, n) (negative ones count from the end, as ONNX specifies) or not an integer is
     * refused by the float and quantized evaluators, naming the value and the range; in the circuit hits must equal 1.
     */
    record IndexCheck(int n) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 3, "IndexCheck takes 3 inputs (values, indices, hits)");
            require(Arrays.equals(in.get(0), in.get(1)) && Arrays.equals(in.get(0), in.get(2)),
                    "IndexCheck inputs must have one shape");
            return one(in.get(0).clone());
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            double[] idx = in.get(1).data();
            for (double v : idx) {
                if (!(v >= -n && v < n) || v != Math.rint(v)) {
                    throw new BadInputException(outOfRange(v, n));
                }
            }
            return List.of(in.get(0));
        }

        /** The error for index {@code v} into an axis of length {@code n}. */
        public static String outOfRange(double v, int n) {
            String shown = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
            return "GatherElements index " + shown + " is out of range: valid indices are the integers in [" + (-n) + ", " + (n - 1)
                    + "] for an axis of length " + n + " (negative ones count from the end); ONNX Runtime refuses it too";
        }
    }

    /**
     * Mod of two broadcast operands: with {@code fmod} the remainder has the dividend's sign (C fmod, the only form ONNX
     * allows on floats), else the divisor's (Python's %, integers).
     */
    record Mod(boolean fmod) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 2, "Mod takes 2 inputs");
            return one(Shapes.broadcast(in));
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            int[] shape = Shapes.broadcast(List.of(in.get(0).shape(), in.get(1).shape()));
            int[] ai = Shapes.broadcastIndex(in.get(0).shape(), shape);
            int[] bi = Shapes.broadcastIndex(in.get(1).shape(), shape);
            double[] a = in.get(0).data();
            double[] b = in.get(1).data();
            double[] out = new double[ai.length];
            for (int i = 0; i < out.length; i++) {
                double x = a[ai[i]];
                double d = b[bi[i]];
                double r = x % d;
                if (!fmod && r != 0 && (r < 0) != (d < 0)) {
                    r += d;
                }
                out[i] = r;
            }
            boolean ints = in.get(0).isInteger() && in.get(1).isInteger();
            return List.of(Tensor.of(shape, out, ints ? Tensor.DType.INT64 : Tensor.DType.FLOAT));
        }
    }

    /** Range(start, limit, delta) of {@code length} elements; its inputs are constants, so it is folded at import. */
    record Range(int length) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            require(in.size() == 3, "Range takes 3 inputs");
            return one(new int[] {length});
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            double start = in.get(0).get(0);
            double delta = in.get(2).get(0);
            double[] d = new double[length];
            for (int i = 0; i < length; i++) {
                d[i] = start + i * delta;
            }
            return List.of(Tensor.of(new int[] {length}, d, in.get(0).dtype()));
        }
    }

    /** An op without a parser (or whose inputs could not be shaped): the model loads, later stages refuse it. */
    record Unsupported(String opType, String domain, int opset, String reason) implements Op {
        @Override
        public List<int[]> outputShapes(List<int[]> in) {
            throw new IllegalArgumentException("unsupported op " + opType + " has no shape contract");
        }

        @Override
        public List<Tensor> eval(List<Tensor> in) {
            throw new UnsupportedModelException("op " + opType + " (opset " + opset + ") is not supported: " + reason);
        }

        @Override
        public String kind() {
            return "Unsupported(" + opType + ")";
        }
    }
}
