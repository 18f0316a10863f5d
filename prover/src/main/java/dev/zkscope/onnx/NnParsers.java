package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import java.util.Arrays;

/** Parsers of the convolution, pooling and normalisation family. */
final class NnParsers {
    private NnParsers() {}

    static void register(OpRegistry r) {
        r.add("Conv", NnParsers::conv);
        r.add("MaxPool", c -> pool(c, Op.PoolKind.MAX));
        r.add("AveragePool", c -> pool(c, Op.PoolKind.AVERAGE));
        r.add("GlobalAveragePool", c -> global(c, Op.ReduceKind.MEAN));
        r.add("GlobalMaxPool", c -> global(c, Op.ReduceKind.MAX));
        // BatchNormalization: opset < 9 had spatial/is_test attributes; training-mode outputs (running stats) dropped.
        r.add("BatchNormalization", c -> {
            if (c.opset() < 9 && c.intAttr("spatial", 1) == 0) {
                return c.unsupported("spatial=0 (per-activation statistics, opset < 9)");
            }
            if (c.intAttr("training_mode", 0) != 0) {
                return c.unsupported("training_mode=1");
            }
            c.keep(0, 1, 2, 3, 4);
            return new Op.BatchNorm(c.floatAttr("epsilon", 1e-5));
        });
        r.add("LayerNormalization", c -> {
            // Mean and InvStdDev outputs are training artefacts; they are dropped (a consumer would be dangling).
            return new Op.LayerNorm(Shapes.axis(c.intAttr("axis", -1), c.rank(0)), c.floatAttr("epsilon", 1e-5));
        });
    }

    /** Resolved window geometry: kernel, strides, pads (begin, end), dilations. */
    private record Window(int[] kernel, int[] strides, int[] begin, int[] end, int[] dilations) {}

    private static Window window(NodeContext c, int[] kernel, int[] inSpatial) {
        int sp = kernel.length;
        int[] strides = orDefault(c.intsAttr("strides"), sp, 1, "strides");
        int[] dil = orDefault(c.intsAttr("dilations"), sp, 1, "dilations");
        int[] begin = new int[sp];
        int[] end = new int[sp];
        String autoPad = c.stringAttr("auto_pad", "NOTSET");
        for (int i = 0; i < sp; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dil[i] < 1) {
                throw new IllegalArgumentException("kernel, strides and dilations must be positive");
            }
        }
        switch (autoPad) {
            case "NOTSET": {
                int[] pads = c.intsAttr("pads");
                if (pads != null) {
                    if (pads.length != 2 * sp) {
                        throw new IllegalArgumentException("pads has " + pads.length + " values, expected " + 2 * sp);
                    }
                    for (int i = 0; i < sp; i++) {
                        begin[i] = pads[i];
                        end[i] = pads[sp + i];
                        if (begin[i] < 0 || end[i] < 0) {
                            throw new IllegalArgumentException("negative pads");
                        }
                    }
                }
                break;
            }
            case "VALID":
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (int i = 0; i < sp; i++) {
                    long out = (inSpatial[i] + strides[i] - 1L) / strides[i];
                    long total = Math.max(0, (out - 1) * strides[i] + (long) (kernel[i] - 1) * dil[i] + 1 - inSpatial[i]);
                    int small = (int) (total / 2);
                    int large = (int) (total - small);
                    begin[i] = autoPad.equals("SAME_UPPER") ? small : large;
                    end[i] = autoPad.equals("SAME_UPPER") ? large : small;
                }
                break;
            default:
                throw new IllegalArgumentException("unknown auto_pad '" + autoPad + "'");
        }
        return new Window(kernel, strides, begin, end, dil);
    }

    /** The attribute's values, or {@code n} copies of {@code def} when it is absent; refused when it has not n. */
    static int[] orDefault(int[] v, int n, int def, String what) {
        if (v == null) {
            int[] d = new int[n];
            Arrays.fill(d, def);
            return d;
        }
        if (v.length != n) {
            throw new IllegalArgumentException(what + " has " + v.length + " values, expected " + n);
        }
        return v;
    }

    private static Op conv(NodeContext c) {
        int[] x = c.shape(0);
        int[] w = c.shape(1);
        if (x.length != w.length || x.length < 3) {
            throw new IllegalArgumentException("Conv input " + Arrays.toString(x) + " and weight " + Arrays.toString(w)
                    + " ranks do not match a convolution");
        }
        int sp = x.length - 2;
        if (sp > 2) {
            return c.unsupported(sp + "-D convolution (1-D and 2-D are supported)");
        }
        int[] kernel = c.intsAttr("kernel_shape");
        if (kernel == null) {
            kernel = Arrays.copyOfRange(w, 2, w.length);
        }
        if (kernel.length != sp) {
            throw new IllegalArgumentException("kernel_shape has " + kernel.length + " values, expected " + sp);
        }
        Window win = window(c, kernel, Arrays.copyOfRange(x, 2, x.length));
        return new Op.Conv(win.kernel(), win.strides(), win.begin(), win.end(), win.dilations(),
                (int) c.intAttr("group", 1));
    }

    private static Op pool(NodeContext c, Op.PoolKind kind) {
        int[] x = c.shape(0);
        int sp = x.length - 2;
        if (sp < 1) {
            throw new IllegalArgumentException("pooling needs an input of rank >= 3, got " + Arrays.toString(x));
        }
        if (sp > 2) {
            return c.unsupported(sp + "-D pooling (1-D and 2-D are supported)");
        }
        // MaxPool's Indices output is dropped; a consumer of it is reported as a dangling input.
        int[] kernel = c.intsAttr("kernel_shape");
        if (kernel == null || kernel.length != sp) {
            throw new IllegalArgumentException("kernel_shape must have " + sp + " values");
        }
        Window win = window(c, kernel, Arrays.copyOfRange(x, 2, x.length));
        if (c.hasAttr("storage_order") && c.intAttr("storage_order", 0) != 0) {
            return c.unsupported("storage_order=1");
        }
        return new Op.Pool(kind, win.kernel(), win.strides(), win.begin(), win.end(), win.dilations(),
                c.intAttr("ceil_mode", 0) != 0, c.intAttr("count_include_pad", 0) != 0);
    }

    private static Op global(NodeContext c, Op.ReduceKind kind) {
        int rank = c.rank(0);
        if (rank < 3) {
            throw new IllegalArgumentException("global pooling needs an input of rank >= 3");
        }
        int[] axes = new int[rank - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return new Op.Reduce(kind, axes, true);
    }
}
