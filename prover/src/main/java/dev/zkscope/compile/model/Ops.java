package dev.zkscope.compile.model;

import dev.zkscope.compile.gadget.CompareGadget;

/**
 * Lowering of ONNX-level integer ops to steps, with the index maps (im2col windows, broadcasting, wiring) spelled out.
 * Tensors are row-major; images are NCHW with N = 1. Each method adds the steps of one node and records the node's
 * output tensor.
 */
public final class Ops {
    private Ops() {}

    private static Src[] range(int tensor, int n) {
        Src[] s = new Src[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Src(tensor, i);
        }
        return s;
    }

    private static int finish(QModel m, String node, int t) {
        m.nodeOutput(node, t);
        return t;
    }

    /** Rescales a tensor by 2^shift (no step when shift is 0). */
    public static int rescale(QModel m, String node, String op, int x, int shift) {
        if (shift == 0) {
            return x;
        }
        int n = m.size(x);
        int t = m.newTensor(n);
        return m.add(new Steps.Div(node, op, t, range(x, n), 1L << shift));
    }

    /**
     * y[n] = rescale(bias[n] + sum_k x[k] * w[n][k], shift): a Gemm with one row of A (Gemm/MatMul/Linear).
     *
     * @param w    weights as [outputs][inputs], integers at the weight scale
     * @param bias biases at the scale of the products (may be null)
     */
    public static int dense(QModel m, String node, String op, int x, long[][] w, long[] bias, int shift) {
        int k = m.size(x);
        int outs = w.length;
        long[] flat = new long[outs * k];
        for (int o = 0; o < outs; o++) {
            if (w[o].length != k) {
                throw new IllegalArgumentException(node + ": weight row " + o + " has " + w[o].length + " entries, input " + k);
            }
            System.arraycopy(w[o], 0, flat, o * k, k);
        }
        int wt = m.param(flat);
        int bt = bias == null ? -1 : m.param(bias);
        Src[][] xs = new Src[outs][k];
        Src[][] ws = new Src[outs][k];
        Src[] bs = bias == null ? null : new Src[outs];
        for (int o = 0; o < outs; o++) {
            for (int i = 0; i < k; i++) {
                xs[o][i] = new Src(x, i);
                ws[o][i] = new Src(wt, o * k + i);
            }
            if (bs != null) {
                bs[o] = new Src(bt, o);
            }
        }
        int acc = m.add(new Steps.Dot(node, op, m.newTensor(outs), xs, ws, bs));
        return finish(m, node, rescale(m, node, op, acc, shift));
    }

    /**
     * 2-D convolution of x [C, H, W] with w [M, C/group, kh, kw], explicit pads, strides, dilations; output [M, OH, OW],
     * rescaled by 2^shift. Padding reads the constant 0 and drops out of the dot product.
     */
    public static int conv2d(QModel m, String node, int x, int c, int h, int wd, long[] w, int outC, int kh, int kw,
                             long[] bias, int[] strides, int[] padsBegin, int[] padsEnd, int[] dil, int group, int shift,
                             int[] outShape) {
        int oh = (h + padsBegin[0] + padsEnd[0] - dil[0] * (kh - 1) - 1) / strides[0] + 1;
        int ow = (wd + padsBegin[1] + padsEnd[1] - dil[1] * (kw - 1) - 1) / strides[1] + 1;
        outShape[0] = outC;
        outShape[1] = oh;
        outShape[2] = ow;
        int cpg = c / group;
        int mpg = outC / group;
        int wt = m.param(w);
        int bt = bias == null ? -1 : m.param(bias);
        int n = outC * oh * ow;
        int terms = cpg * kh * kw;
        Src[][] xs = new Src[n][terms];
        Src[][] ws = new Src[n][terms];
        Src[] bs = bias == null ? null : new Src[n];
        for (int mo = 0; mo < outC; mo++) {
            int g = mo / mpg;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (mo * oh + i) * ow + j;
                    int t = 0;
                    for (int ci = 0; ci < cpg; ci++) {
                        int cin = g * cpg + ci;
                        for (int a = 0; a < kh; a++) {
                            for (int b = 0; b < kw; b++) {
                                int y = i * strides[0] - padsBegin[0] + a * dil[0];
                                int z = j * strides[1] - padsBegin[1] + b * dil[1];
                                boolean inside = y >= 0 && y < h && z >= 0 && z < wd;
                                xs[o][t] = inside ? new Src(x, (cin * h + y) * wd + z) : Src.constant(0);
                                ws[o][t] = new Src(wt, ((mo * cpg + ci) * kh + a) * kw + b);
                                t++;
                            }
                        }
                    }
                    if (bs != null) {
                        bs[o] = new Src(bt, mo);
                    }
                }
            }
        }
        int acc = m.add(new Steps.Dot(node, "Conv", m.newTensor(n), xs, ws, bs));
        return finish(m, node, rescale(m, node, "Conv", acc, shift));
    }

    /** max(x, 0). */
    public static int relu(QModel m, String node, int x) {
        return clampBelow(m, node, "Relu", x, 0);
    }

    /** max(x, lo). */
    public static int clampBelow(QModel m, String node, String op, int x, long lo) {
        int n = m.size(x);
        Src[] k = new Src[n];
        java.util.Arrays.fill(k, Src.constant(lo));
        return finish(m, node, m.add(new Steps.Compare(node, op, m.newTensor(n), range(x, n), k, CompareGadget.Kind.MAX)));
    }

    /** min(max(x, lo), hi). */
    public static int clip(QModel m, String node, int x, long lo, long hi) {
        int n = m.size(x);
        int a = clampBelow(m, node, "Clip", x, lo);
        Src[] k = new Src[n];
        java.util.Arrays.fill(k, Src.constant(hi));
        return finish(m, node, m.add(new Steps.Compare(node, "Clip", m.newTensor(n), range(a, n), k, CompareGadget.Kind.MIN)));
    }

    /** Pooling windows over x [C, H, W]; a window element outside the image is null (skipped). */
    static Src[][] windows(int x, int c, int h, int w, int kh, int kw, int[] strides, int[] padsBegin, int[] padsEnd,
                           int[] outShape, boolean keepPadAsZero) {
        int oh = (h + padsBegin[0] + padsEnd[0] - kh) / strides[0] + 1;
        int ow = (w + padsBegin[1] + padsEnd[1] - kw) / strides[1] + 1;
        outShape[0] = c;
        outShape[1] = oh;
        outShape[2] = ow;
        Src[][] out = new Src[c * oh * ow][];
        for (int ci = 0; ci < c; ci++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    java.util.List<Src> win = new java.util.ArrayList<>();
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            int y = i * strides[0] - padsBegin[0] + a;
                            int z = j * strides[1] - padsBegin[1] + b;
                            if (y >= 0 && y < h && z >= 0 && z < w) {
                                win.add(new Src(x, (ci * h + y) * w + z));
                            } else if (keepPadAsZero) {
                                win.add(Src.constant(0));
                            }
                        }
                    }
                    out[(ci * oh + i) * ow + j] = win.toArray(new Src[0]);
                }
            }
        }
        return out;
    }

    /** MaxPool over x [C, H, W] (padding never wins). */
    public static int maxPool2d(QModel m, String node, int x, int c, int h, int w, int kh, int kw, int[] strides,
                                int[] padsBegin, int[] padsEnd, int[] outShape) {
        Src[][] win = windows(x, c, h, w, kh, kw, strides, padsBegin, padsEnd, outShape, false);
        return finish(m, node, m.add(new Steps.MaxReduce(node, "MaxPool", m.newTensor(win.length), win)));
    }

    /**
     * AveragePool over x [C, H, W]: a window sum, then division by the window size (kh*kw when padding counts, else
     * the number of elements inside), rounding half up.
     */
    public static int avgPool2d(QModel m, String node, int x, int c, int h, int w, int kh, int kw, int[] strides,
                                int[] padsBegin, int[] padsEnd, boolean countIncludePad, int[] outShape) {
        Src[][] win = windows(x, c, h, w, kh, kw, strides, padsBegin, padsEnd, outShape, false);
        int sum = m.add(new Steps.Sum(node, "AveragePool", m.newTensor(win.length), win));
        // group outputs by divisor: one Div step per distinct divisor keeps each a constant division
        long[] div = new long[win.length];
        boolean uniform = true;
        for (int o = 0; o < win.length; o++) {
            div[o] = countIncludePad ? (long) kh * kw : win[o].length;
            uniform &= div[o] == div[0];
        }
        if (!uniform) {
            throw new IllegalArgumentException(node + ": AveragePool with count_include_pad=0 and partial windows is not supported");
        }
        return finish(m, node, m.add(new Steps.Div(node, "AveragePool", m.newTensor(win.length), range(sum, win.length), div[0])));
    }

    /** Element-wise alpha*a + beta*b + gamma with b broadcast by the index map {@code bIndex} (null: same index). */
    public static int linear(QModel m, String node, String op, int a, int b, int[] bIndex, long alpha, long beta, long gamma) {
        int n = m.size(a);
        Src[] as = range(a, n);
        Src[] bs = new Src[n];
        long[] al = new long[n];
        long[] be = new long[n];
        long[] ga = new long[n];
        for (int i = 0; i < n; i++) {
            bs[i] = new Src(b, bIndex == null ? i : bIndex[i]);
            al[i] = alpha;
            be[i] = beta;
            ga[i] = gamma;
        }
        return finish(m, node, m.add(new Steps.Linear(node, op, m.newTensor(n), as, bs, al, be, ga)));
    }

    /** Per-channel affine map rescale(x * mul[c] + add[c], shift) on x [C, H*W] (BatchNorm in inference mode). */
    public static int channelAffine(QModel m, String node, int x, int channels, long[] mul, long[] add, int shift) {
        int n = m.size(x);
        int per = n / channels;
        long[] al = new long[n];
        long[] ga = new long[n];
        for (int i = 0; i < n; i++) {
            al[i] = mul[i / per];
            ga[i] = add[i / per];
        }
        int t = m.add(new Steps.Linear(node, "BatchNormalization", m.newTensor(n), range(x, n), null, al, new long[n], ga));
        return finish(m, node, rescale(m, node, "BatchNormalization", t, shift));
    }

    /** A unary nonlinearity by table. */
    public static int lookup(QModel m, String node, String op, int x, TableSpec table) {
        int n = m.size(x);
        return finish(m, node, m.add(new Steps.Lookup(node, op, m.newTensor(n), range(x, n), table)));
    }

    /** Pure wiring: y[i] = x[index[i]] (index -1 reads the constant 0). */
    public static int wire(QModel m, String node, String op, int x, int[] index) {
        Src[] s = new Src[index.length];
        for (int i = 0; i < index.length; i++) {
            s[i] = index[i] < 0 ? Src.constant(0) : new Src(x, index[i]);
        }
        return finish(m, node, m.add(new Steps.Wire(node, op, m.newTensor(s.length), s)));
    }
}
