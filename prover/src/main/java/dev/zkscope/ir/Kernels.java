package dev.zkscope.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Float kernels of the ops, in double precision; shapes have been checked by the op contracts. */
final class Kernels {
    private Kernels() {}

    /** Walks every index of {@code shape} in row-major order, tracking offsets into operands with given strides. */
    static final class Walker {
        final int[] shape;
        final int[][] strides;
        final int[] counter;
        final int[] offsets;

        Walker(int[] shape, int[]... strides) {
            this.shape = shape;
            this.strides = strides;
            this.counter = new int[shape.length];
            this.offsets = new int[strides.length];
        }

        void next() {
            for (int d = shape.length - 1; d >= 0; d--) {
                counter[d]++;
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] += strides[k][d];
                }
                if (counter[d] < shape[d]) {
                    return;
                }
                for (int k = 0; k < offsets.length; k++) {
                    offsets[k] -= strides[k][d] * shape[d];
                }
                counter[d] = 0;
            }
        }
    }

    static Tensor gemm(Op.Gemm op, List<Tensor> in) {
        Tensor a = in.get(0);
        Tensor b = in.get(1);
        int m = op.transA() ? a.dim(1) : a.dim(0);
        int k = op.transA() ? a.dim(0) : a.dim(1);
        int n = op.transB() ? b.dim(0) : b.dim(1);
        double[] ad = op.transA() ? transpose(a.data(), k, m) : a.data();
        double[] bd = op.transB() ? transpose(b.data(), n, k) : b.data();
        double[] out = new double[Tensor.checkedSize(new int[] {m, n})];
        MatKernels.gemm(ad, 0, bd, 0, out, 0, m, k, n, true);
        if (op.alpha() != 1) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= op.alpha();
            }
        }
        if (in.size() == 3) {
            Tensor c = in.get(2);
            int[] shape = {m, n};
            int[] cs = Shapes.broadcastStrides(c.shape(), shape);
            double[] cd = c.data();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += op.beta() * cd[i * cs[0] + j * cs[1]];
                }
            }
        }
        return Tensor.of(new int[] {m, n}, out);
    }

    /** The transpose of a rows x cols row-major matrix. */
    static double[] transpose(double[] d, int rows, int cols) {
        double[] t = new double[d.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = d[r * cols + c];
            }
        }
        return t;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int[] aBatch = Arrays.copyOf(as, as.length - 2);
        int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(List.of(aBatch, bBatch));
        int nb = Shapes.product(batch, 0, batch.length);
        int[] ai = Shapes.broadcastIndex(aBatch, batch);
        int[] bi = Shapes.broadcastIndex(bBatch, batch);
        int[] outShape = new Op.MatMul().outputShapes(List.of(a.shape(), b.shape())).get(0);
        double[] out = new double[Tensor.checkedSize(outShape)];
        double[] ad = a.data();
        double[] bd = b.data();
        // Many small products (attention heads): parallel over the batch; one large product: parallel inside it.
        boolean outer = nb > 1 && (long) m * k * n < MatKernels.PARALLEL_WORK;
        MatKernels.run(nb, (long) nb * m * k * n, outer, p -> MatKernels.gemm(ad, ai[p] * m * k, bd, bi[p] * k * n,
                out, p * m * n, m, k, n, !outer));
        return Tensor.of(outShape, out);
    }

    static Tensor binary(Op.BinaryKind kind, List<Tensor> in) {
        Tensor acc = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            acc = binary2(kind, acc, in.get(i));
        }
        return acc;
    }

    private static Tensor binary2(Op.BinaryKind kind, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(List.of(a.shape(), b.shape()));
        boolean ints = a.isInteger() && b.isInteger();
        double[] out = new double[Tensor.checkedSize(shape)];
        double[] ad = a.data();
        double[] bd = b.data();
        Walker w = new Walker(shape, Shapes.broadcastStrides(a.shape(), shape), Shapes.broadcastStrides(b.shape(), shape));
        for (int i = 0; i < out.length; i++) {
            double x = ad[w.offsets[0]];
            double y = bd[w.offsets[1]];
            double r;
            switch (kind) {
                case ADD: r = x + y; break;
                case SUB: r = x - y; break;
                case MUL: r = x * y; break;
                case DIV:
                    if (ints) {
                        if (y == 0) {
                            throw new BadInputException("integer division by zero");
                        }
                        r = (long) x / (long) y;
                    } else {
                        r = x / y;
                    }
                    break;
                case POW: r = Math.pow(x, y); break;
                case MAX: r = Math.max(x, y); break;
                case MIN: r = Math.min(x, y); break;
                default: throw new AssertionError(kind);
            }
            out[i] = r;
            w.next();
        }
        return Tensor.of(shape, out, ints ? Tensor.DType.INT64 : Tensor.DType.FLOAT);
    }

    static Tensor compare(Op.CompareKind kind, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(List.of(a.shape(), b.shape()));
        double[] out = new double[Tensor.checkedSize(shape)];
        double[] ad = a.data();
        double[] bd = b.data();
        Walker w = new Walker(shape, Shapes.broadcastStrides(a.shape(), shape), Shapes.broadcastStrides(b.shape(), shape));
        for (int i = 0; i < out.length; i++) {
            double x = ad[w.offsets[0]];
            double y = bd[w.offsets[1]];
            boolean r;
            switch (kind) {
                case EQUAL: r = x == y; break;
                case LESS: r = x < y; break;
                case GREATER: r = x > y; break;
                case LESS_OR_EQUAL: r = x <= y; break;
                case GREATER_OR_EQUAL: r = x >= y; break;
                default: throw new AssertionError(kind);
            }
            out[i] = r ? 1 : 0;
            w.next();
        }
        return Tensor.of(shape, out, Tensor.DType.INT64);
    }

    static Tensor not(Tensor x) {
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] == 0 ? 1 : 0;
        }
        return Tensor.of(x.shape(), out, Tensor.DType.INT64);
    }

    static Tensor where(Tensor c, Tensor x, Tensor y) {
        int[] shape = Shapes.broadcast(List.of(c.shape(), x.shape(), y.shape()));
        double[] out = new double[Tensor.checkedSize(shape)];
        double[] cd = c.data();
        double[] xd = x.data();
        double[] yd = y.data();
        Walker w = new Walker(shape, Shapes.broadcastStrides(c.shape(), shape), Shapes.broadcastStrides(x.shape(), shape),
                Shapes.broadcastStrides(y.shape(), shape));
        for (int i = 0; i < out.length; i++) {
            out[i] = cd[w.offsets[0]] != 0 ? xd[w.offsets[1]] : yd[w.offsets[2]];
            w.next();
        }
        return Tensor.of(shape, out, x.isInteger() && y.isInteger() ? Tensor.DType.INT64 : Tensor.DType.FLOAT);
    }

    static Tensor unary(Op.Unary op, Tensor x) {
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = op.apply(d[i]);
        }
        return Tensor.of(x.shape(), out);
    }

    static Tensor prelu(Tensor x, Tensor slope) {
        int[] shape = x.shape();
        int[] ss = Shapes.broadcastStrides(slope.shape(), shape);
        double[] out = new double[x.size()];
        double[] xd = x.data();
        double[] sd = slope.data();
        Walker w = new Walker(shape, ss);
        for (int i = 0; i < out.length; i++) {
            out[i] = xd[i] >= 0 ? xd[i] : xd[i] * sd[w.offsets[0]];
            w.next();
        }
        return Tensor.of(shape, out);
    }

    /**
     * Conv as im2col and a matrix product per image and group: the columns cols[K x P] are gathered through
     * {@link Window#colIndex} (zeros in the padding), then out[group's mg x P] = W[mg x K] . cols + bias, with K =
     * channels per group x kernel size and P = output positions. Depthwise and other many-group convs with small
     * products run their groups in parallel; a conv with few large products runs each product's tiles in parallel.
     */
    static Tensor conv(Op.Conv op, List<Tensor> in) {
        Tensor x = in.get(0);
        Tensor wt = in.get(1);
        int[] xs = x.shape();
        int[] os = op.outputShapes(List.of(xs, wt.shape())).get(0);
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        int group = op.group();
        double[] bias = in.size() == 3 ? in.get(2).data() : null;
        double[] out = new double[Tensor.checkedSize(os)];
        MatKernels.convIm2col(x.data(), wt.data(), bias, out, g.colIndex(xs[1] / group), xs[0], xs[1], os[1], group,
                g.outPositions(), g.h() * g.w());
        return Tensor.of(os, out);
    }

    static Tensor pool(Op.Pool op, Tensor x) {
        int[] xs = x.shape();
        int[] os = op.outputShapes(List.of(xs)).get(0);
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), xs, os);
        Window.Taps taps = g.poolTaps(xs[0] * xs[1]);
        double[] xd = x.data();
        double[] out = new double[Tensor.checkedSize(os)];
        boolean max = op.pool() == Op.PoolKind.MAX;
        for (int o = 0; o < out.length; o++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int t = taps.start()[o]; t < taps.start()[o + 1]; t++) {
                double v = xd[taps.x()[t]];
                acc = max ? Math.max(acc, v) : acc + v;
            }
            if (!max) {
                acc /= op.countIncludePad() ? taps.padded()[o] : Math.max(1, taps.count(o));
            }
            out[o] = acc;
        }
        return Tensor.of(os, out);
    }

    static Tensor softmax(Op.Softmax op, Tensor x) {
        int[] g = op.groups(x.shape());
        int outer = g[0], len = g[1], inner = g[2];
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < len; i++) {
                    max = Math.max(max, d[base + i * inner]);
                }
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    double e = Math.exp(d[base + i * inner] - max);
                    out[base + i * inner] = e;
                    sum += e;
                }
                for (int i = 0; i < len; i++) {
                    out[base + i * inner] /= sum;
                }
            }
        }
        return Tensor.of(x.shape(), out);
    }

    static Tensor batchNorm(Op.BatchNorm op, List<Tensor> in) {
        Tensor x = in.get(0);
        double[] scale = in.get(1).data(), bias = in.get(2).data(), mean = in.get(3).data(), var = in.get(4).data();
        int c = x.dim(1);
        int inner = Shapes.product(x.shape(), 2, x.rank());
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            int ch = (i / inner) % c;
            out[i] = scale[ch] * (d[i] - mean[ch]) / Math.sqrt(var[ch] + op.epsilon()) + bias[ch];
        }
        return Tensor.of(x.shape(), out);
    }

    static Tensor layerNorm(Op.LayerNorm op, List<Tensor> in) {
        Tensor x = in.get(0);
        int[] xs = x.shape();
        int[] norm = Arrays.copyOfRange(xs, op.axis(), xs.length);
        int len = Shapes.product(xs, op.axis(), xs.length);
        int outer = x.size() / Math.max(1, len);
        double[] scale = expand(in.get(1), norm);
        double[] bias = in.size() == 3 ? expand(in.get(2), norm) : new double[len];
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int o = 0; o < outer; o++) {
            double mean = 0;
            for (int i = 0; i < len; i++) {
                mean += d[o * len + i];
            }
            mean /= len;
            double var = 0;
            for (int i = 0; i < len; i++) {
                double t = d[o * len + i] - mean;
                var += t * t;
            }
            var /= len;
            double inv = 1 / Math.sqrt(var + op.epsilon());
            for (int i = 0; i < len; i++) {
                out[o * len + i] = (d[o * len + i] - mean) * inv * scale[i] + bias[i];
            }
        }
        return Tensor.of(xs, out);
    }

    /** The values of t broadcast to shape, materialised. */
    static double[] expand(Tensor t, int[] shape) {
        double[] out = new double[Tensor.checkedSize(shape)];
        Walker w = new Walker(shape, Shapes.broadcastStrides(t.shape(), shape));
        double[] d = t.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = d[w.offsets[0]];
            w.next();
        }
        return out;
    }

    static Tensor reduce(Op.Reduce op, Tensor x) {
        int[] xs = x.shape();
        int[] keep = xs.clone();
        for (int a : op.axes()) {
            keep[a] = 1;
        }
        int[] outStrides = Shapes.broadcastStrides(keep, xs);
        int outSize = Tensor.checkedSize(keep);
        double[] out = new double[outSize];
        Op.ReduceKind k = op.reduce();
        if (k == Op.ReduceKind.MAX || k == Op.ReduceKind.LOG_SUM_EXP) {
            Arrays.fill(out, Double.NEGATIVE_INFINITY);
        } else if (k == Op.ReduceKind.MIN) {
            Arrays.fill(out, Double.POSITIVE_INFINITY);
        }
        double[] d = x.data();
        Walker w = new Walker(xs, outStrides);
        for (int i = 0; i < d.length; i++) {
            int o = w.offsets[0];
            double v = d[i];
            switch (k) {
                case MAX:
                case LOG_SUM_EXP:
                    out[o] = Math.max(out[o], v);
                    break;
                case MIN:
                    out[o] = Math.min(out[o], v);
                    break;
                case L1:
                    out[o] += Math.abs(v);
                    break;
                case L2:
                case SUM_SQUARE:
                    out[o] += v * v;
                    break;
                default:
                    out[o] += v;
            }
            w.next();
        }
        if (k == Op.ReduceKind.LOG_SUM_EXP) {
            // log Σ exp(x) = m + log Σ exp(x - m), m the maximum (the pass above)
            double[] sum = new double[outSize];
            Walker w2 = new Walker(xs, outStrides);
            for (int i = 0; i < d.length; i++) {
                int o = w2.offsets[0];
                sum[o] += Math.exp(d[i] - out[o]);
                w2.next();
            }
            for (int o = 0; o < outSize; o++) {
                out[o] += Math.log(sum[o]);
            }
        } else if (k == Op.ReduceKind.L2) {
            for (int o = 0; o < outSize; o++) {
                out[o] = Math.sqrt(out[o]);
            }
        }
        if (op.reduce() == Op.ReduceKind.MEAN) {
            int count = outSize == 0 ? 1 : d.length / outSize;
            for (int i = 0; i < out.length; i++) {
                out[i] /= count;
            }
        }
        int[] os = op.outputShapes(List.of(xs)).get(0);
        return Tensor.of(os, out, x.dtype());
    }

    static Tensor transpose(Tensor x, int[] perm) {
        int[] xs = x.shape();
        int[] st = Tensor.strides(xs);
        int[] os = new int[xs.length];
        int[] srcStrides = new int[xs.length];
        for (int i = 0; i < perm.length; i++) {
            os[i] = xs[perm[i]];
            srcStrides[i] = st[perm[i]];
        }
        double[] d = x.data();
        double[] out = new double[d.length];
        Walker w = new Walker(os, srcStrides);
        for (int i = 0; i < out.length; i++) {
            out[i] = d[w.offsets[0]];
            w.next();
        }
        return Tensor.of(os, out, x.dtype());
    }

    static Tensor concat(List<Tensor> in, int axis) {
        List<int[]> shapes = new ArrayList<>();
        for (Tensor t : in) {
            shapes.add(t.shape());
        }
        int[] os = new Op.Concat(axis).outputShapes(shapes).get(0);
        int outer = Shapes.product(os, 0, axis);
        int innerOut = Shapes.product(os, axis, os.length);
        double[] out = new double[Tensor.checkedSize(os)];
        int offset = 0;
        boolean ints = true;
        for (Tensor t : in) {
            int chunk = Shapes.product(t.shape(), axis, t.rank());
            double[] d = t.data();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(d, o * chunk, out, o * innerOut + offset, chunk);
            }
            offset += chunk;
            ints &= t.isInteger();
        }
        return Tensor.of(os, out, ints ? Tensor.DType.INT64 : Tensor.DType.FLOAT);
    }

    static Tensor slice(Op.Slice op, Tensor x) {
        int[] st = Tensor.strides(x.shape());
        int[] os = op.counts();
        int[] srcStrides = new int[os.length];
        int base = 0;
        for (int i = 0; i < os.length; i++) {
            srcStrides[i] = st[i] * op.steps()[i];
            base += op.counts()[i] > 0 ? st[i] * op.starts()[i] : 0;
        }
        double[] out = new double[Tensor.checkedSize(os)];
        double[] d = x.data();
        Walker w = new Walker(os, srcStrides);
        for (int i = 0; i < out.length; i++) {
            out[i] = d[base + w.offsets[0]];
            w.next();
        }
        return Tensor.of(os, out, x.dtype());
    }

    static List<Tensor> split(Op.Split op, Tensor x) {
        List<Tensor> out = new ArrayList<>();
        int start = 0;
        int rank = x.rank();
        for (int s : op.sizes()) {
            int[] starts = new int[rank];
            int[] steps = new int[rank];
            int[] counts = x.shape();
            Arrays.fill(steps, 1);
            starts[op.axis()] = start;
            counts[op.axis()] = s;
            out.add(slice(new Op.Slice(starts, steps, counts), x));
            start += s;
        }
        return out;
    }

    static Tensor pad(Op.Pad op, Tensor x) {
        int[] xs = x.shape();
        int[] os = op.outputShapes(List.of(xs)).get(0);
        int[] st = Tensor.strides(xs);
        double[] d = x.data();
        double[] out = new double[Tensor.checkedSize(os)];
        int[] idx = new int[os.length];
        for (int i = 0; i < out.length; i++) {
            int src = 0;
            boolean inside = true;
            for (int k = 0; k < os.length; k++) {
                int p = idx[k] - op.begins()[k];
                if (p < 0 || p >= xs[k]) {
                    if (op.mode() == Op.PadMode.CONSTANT) {
                        inside = false;
                        break;
                    }
                    if (op.mode() == Op.PadMode.EDGE) {
                        p = p < 0 ? 0 : xs[k] - 1;
                    } else {
                        p = p < 0 ? -p : 2 * (xs[k] - 1) - p;
                    }
                }
                src += p * st[k];
            }
            out[i] = inside ? d[src] : op.value();
            for (int k = os.length - 1; k >= 0; k--) {
                if (++idx[k] < os[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return Tensor.of(os, out, x.dtype());
    }

    static Tensor gather(Tensor x, Tensor indices, int axis) {
        int[] xs = x.shape();
        int[] os = new Op.Gather(axis).outputShapes(List.of(xs, indices.shape())).get(0);
        int outer = Shapes.product(xs, 0, axis);
        int inner = Shapes.product(xs, axis + 1, xs.length);
        int n = xs[axis];
        double[] idx = indices.data();
        double[] d = x.data();
        double[] out = new double[Tensor.checkedSize(os)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (double iv : idx) {
                long i = (long) iv;
                if (i < -n || i >= n) {
                    throw new BadInputException("Gather index " + i + " is out of range: valid indices are the integers "
                            + "in [" + -n + ", " + (n - 1) + "] for an axis of length " + n
                            + " (negative ones count from the end); ONNX Runtime refuses it too");
                }
                int r = (int) (i < 0 ? i + n : i);
                System.arraycopy(d, (o * n + r) * inner, out, pos, inner);
                pos += inner;
            }
        }
        return Tensor.of(os, out, x.dtype());
    }
}
