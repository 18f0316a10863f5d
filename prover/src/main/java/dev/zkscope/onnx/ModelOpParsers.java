package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import dev.zkscope.ir.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Parsers of the ops real exports use beyond the CNN and transformer sets: ConvTranspose, Einsum, Resize and
 * Upsample, ArgMax and ArgMin, LogSoftmax, InstanceNormalization and GroupNormalization, Range. A variant without a
 * fixed-point form imports as an {@link Op.Unsupported} node whose reason says what to change.
 */
final class ModelOpParsers {
    private ModelOpParsers() {}

    static void register(OpRegistry r) {
        r.add("ConvTranspose", ModelOpParsers::convTranspose);
        r.add("Einsum", c -> {
            String eq = c.stringAttr("equation", "");
            java.util.List<int[]> shapes = new java.util.ArrayList<>();
            for (int i = 0; i < c.keptInputs().length; i++) {
                shapes.add(c.shape(i));
            }
            try {
                Op.Einsum op = new Op.Einsum(eq);
                op.plan(shapes);
                return op;
            } catch (IllegalArgumentException e) {
                return c.unsupported(e.getMessage() + "; rewrite it as MatMul, Transpose and ReduceSum before export");
            }
        });
        r.add("Resize", ModelOpParsers::resize);
        r.add("Upsample", ModelOpParsers::resize);
        r.add("ArgMax", c -> arg(c, true));
        r.add("ArgMin", c -> arg(c, false));
        r.add("LogSoftmax", c -> {
            int rank = c.rank(0);
            if (c.opset() < 13) {
                return new Op.LogSoftmax(Shapes.axis(c.intAttr("axis", 1), Math.max(rank, 1)), true);
            }
            return new Op.LogSoftmax(Shapes.axis(c.intAttr("axis", -1), Math.max(rank, 1)), false);
        });
        r.add("InstanceNormalization", c -> new Op.GroupNorm(c.shape(0)[1], c.floatAttr("epsilon", 1e-5), false,
                true));
        r.add("GroupNormalization", c -> {
            long g = c.intAttr("num_groups", 0);
            if (g < 1 || g > c.shape(0)[1]) {
                throw new IllegalArgumentException("GroupNormalization num_groups " + g + " for " + c.shape(0)[1]
                        + " channels");
            }
            int channels = c.shape(0)[1];
            boolean perGroup = c.shape(1).length == 1 && c.shape(1)[0] == g && g != channels;
            return new Op.GroupNorm((int) g, c.floatAttr("epsilon", 1e-5), perGroup, false);
        });
        r.add("Mod", c -> new Op.Mod(c.intAttr("fmod", 0) != 0));
        r.add("Range", c -> {
            double start = OpRegistry.scalar(c.requireConstant(0, "Range start"), "Range start");
            double limit = OpRegistry.scalar(c.requireConstant(1, "Range limit"), "Range limit");
            double delta = OpRegistry.scalar(c.requireConstant(2, "Range delta"), "Range delta");
            if (delta == 0) {
                throw new IllegalArgumentException("Range delta is 0");
            }
            double n = Math.max(0, Math.ceil((limit - start) / delta));
            if (n > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException("Range of " + (long) n + " elements exceeds the limit of 2^28");
            }
            return new Op.Range((int) n);
        });
    }

    private static Op arg(NodeContext c, boolean max) {
        int rank = c.rank(0);
        return new Op.ArgExtreme(max, Shapes.axis(c.intAttr("axis", 0), Math.max(rank, 1)),
                c.intAttr("keepdims", 1) != 0, c.intAttr("select_last_index", 0) != 0);
    }

    private static Op convTranspose(NodeContext c) {
        int[] x = c.shape(0);
        int[] w = c.shape(1);
        if (x.length != w.length || x.length < 3) {
            throw new IllegalArgumentException("ConvTranspose input " + Arrays.toString(x) + " and weight "
                    + Arrays.toString(w) + " ranks do not match a convolution");
        }
        int sp = x.length - 2;
        if (sp > 2) {
            return c.unsupported(sp + "-D ConvTranspose (1-D and 2-D are supported); split it into 2-D ones");
        }
        int[] kernel = c.intsAttr("kernel_shape");
        if (kernel == null) {
            kernel = Arrays.copyOfRange(w, 2, w.length);
        }
        if (kernel.length != sp) {
            throw new IllegalArgumentException("kernel_shape has " + kernel.length + " values, expected " + sp);
        }
        int[] strides = NnParsers.orDefault(c.intsAttr("strides"), sp, 1, "strides");
        int[] dil = NnParsers.orDefault(c.intsAttr("dilations"), sp, 1, "dilations");
        int[] outPad = NnParsers.orDefault(c.intsAttr("output_padding"), sp, 0, "output_padding");
        for (int i = 0; i < sp; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dil[i] < 1 || outPad[i] < 0) {
                throw new IllegalArgumentException("kernel, strides and dilations must be positive, output_padding "
                        + "non-negative");
            }
        }
        int[] begin = new int[sp];
        int[] end = new int[sp];
        String autoPad = c.stringAttr("auto_pad", "NOTSET");
        int[] outputShape = c.intsAttr("output_shape");
        if (outputShape != null) {
            if (outputShape.length == sp + 2) {
                outputShape = Arrays.copyOfRange(outputShape, 2, sp + 2);
            }
            if (outputShape.length != sp) {
                throw new IllegalArgumentException("output_shape has " + outputShape.length + " values, expected "
                        + sp);
            }
        } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
            outputShape = new int[sp];
            for (int i = 0; i < sp; i++) {
                outputShape[i] = x[2 + i] * strides[i];
            }
        }
        if (outputShape != null) {
            for (int i = 0; i < sp; i++) {
                long total = (long) strides[i] * (x[2 + i] - 1) + outPad[i] + (long) (kernel[i] - 1) * dil[i] + 1
                        - outputShape[i];
                if (total < 0) {
                    return c.unsupported("ConvTranspose output_shape larger than the full output (negative pads); "
                            + "re-export with output_padding instead");
                }
                int small = (int) (total / 2);
                int large = (int) (total - small);
                begin[i] = autoPad.equals("SAME_UPPER") ? small : large;
                end[i] = autoPad.equals("SAME_UPPER") ? large : small;
            }
        } else if (autoPad.equals("NOTSET")) {
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
        } else if (!autoPad.equals("VALID")) {
            throw new IllegalArgumentException("unknown auto_pad '" + autoPad + "'");
        }
        return new Op.ConvTranspose(kernel, strides, begin, end, dil, outPad, (int) c.intAttr("group", 1));
    }

    private static Op resize(NodeContext c) {
        boolean upsample = c.opType().equals("Upsample");
        int[] x = c.shape(0);
        int rank = x.length;
        String mode = c.stringAttr("mode", "nearest").toLowerCase(Locale.ROOT);
        boolean linear;
        if (mode.equals("nearest")) {
            linear = false;
        } else if (mode.equals("linear") || mode.equals("bilinear")) {
            linear = true;
        } else {
            return c.unsupported("mode '" + mode + "' (nearest and linear are supported); re-export with mode "
                    + "'nearest' or 'linear'");
        }
        if (c.intAttr("antialias", 0) != 0) {
            return c.unsupported("antialias=1; re-export without antialiasing");
        }
        if (c.hasAttr("axes")) {
            return c.unsupported("the axes attribute; re-export with scales or sizes for every axis");
        }
        String policy = c.stringAttr("keep_aspect_ratio_policy", "stretch");
        if (!policy.equals("stretch")) {
            return c.unsupported("keep_aspect_ratio_policy '" + policy + "'; re-export with explicit sizes");
        }
        boolean old = upsample || c.opset() < 11;
        Op.ResizeCoord coord = Op.ResizeCoord.ASYMMETRIC;
        Op.ResizeNearest nearest = Op.ResizeNearest.SIMPLE;
        if (!old) {
            String ct = c.stringAttr("coordinate_transformation_mode", "half_pixel");
            switch (ct) {
                case "half_pixel": coord = Op.ResizeCoord.HALF_PIXEL; break;
                case "pytorch_half_pixel": coord = Op.ResizeCoord.PYTORCH_HALF_PIXEL; break;
                case "align_corners": coord = Op.ResizeCoord.ALIGN_CORNERS; break;
                case "asymmetric": coord = Op.ResizeCoord.ASYMMETRIC; break;
                case "tf_half_pixel_for_nearest": coord = Op.ResizeCoord.TF_HALF_PIXEL_FOR_NEAREST; break;
                default:
                    return c.unsupported("coordinate_transformation_mode '" + ct + "'; re-export with half_pixel, "
                            + "pytorch_half_pixel, align_corners or asymmetric");
            }
            String nm = c.stringAttr("nearest_mode", "round_prefer_floor");
            switch (nm) {
                case "round_prefer_floor": nearest = Op.ResizeNearest.ROUND_PREFER_FLOOR; break;
                case "round_prefer_ceil": nearest = Op.ResizeNearest.ROUND_PREFER_CEIL; break;
                case "floor": nearest = Op.ResizeNearest.FLOOR; break;
                case "ceil": nearest = Op.ResizeNearest.CEIL; break;
                default: throw new IllegalArgumentException("unknown nearest_mode '" + nm + "'");
            }
        }
        double[] scales = null;
        int[] out = null;
        if (upsample && c.opset() < 9) {
            double[] s = c.floatsAttr("scales");
            if (s == null) {
                throw new IllegalArgumentException("Upsample needs the scales attribute");
            }
            scales = s;
        } else {
            int scalesAt = upsample || c.opset() < 11 ? 1 : 2;
            int sizesAt = 3;
            Tensor st = c.has(scalesAt) ? c.requireConstant(scalesAt, "Resize scales") : null;
            Tensor sz = !upsample && c.opset() >= 11 && c.has(sizesAt) ? c.requireConstant(sizesAt, "Resize sizes")
                    : null;
            if (st != null && st.size() > 0) {
                scales = st.data().clone();
            } else if (sz != null && sz.size() > 0) {
                out = sz.toInts();
            } else {
                throw new IllegalArgumentException("Resize needs scales or sizes");
            }
        }
        if (scales != null) {
            if (scales.length != rank) {
                throw new IllegalArgumentException("Resize has " + scales.length + " scales for rank " + rank);
            }
            out = new int[rank];
            for (int i = 0; i < rank; i++) {
                // ONNX Runtime computes in float: floor(in · scale)
                float sc = (float) scales[i];
                if (!(sc > 0)) {
                    throw new IllegalArgumentException("Resize scales must be positive");
                }
                out[i] = (int) Math.floor(x[i] * sc);
                scales[i] = sc;
            }
        } else {
            if (out.length != rank) {
                throw new IllegalArgumentException("Resize has " + out.length + " sizes for rank " + rank);
            }
            scales = new double[rank];
            for (int i = 0; i < rank; i++) {
                if (out[i] < 1) {
                    throw new IllegalArgumentException("Resize sizes must be positive");
                }
                scales[i] = (float) out[i] / (float) x[i];
            }
        }
        c.keep(0);
        return new Op.Resize(linear, out, scales, coord, nearest);
    }

    /**
     * What to do about an op of the default domain that has no parser: advice naming the change that makes the model
     * load, for the ops real exports use that zkscope still refuses; null for others.
     */
    static String advice(String opType) {
        switch (opType) {
            case "DynamicQuantizeLinear":
                return "DynamicQuantizeLinear chooses its scale at run time, which a fixed circuit cannot: give it the "
                        + "float model from before onnxruntime.quantization.quantize_dynamic (zkscope's calibration "
                        + "chooses the fixed-point scales)";
            case "Loop":
            case "Scan":
                return "loops are not supported: re-export with the loop unrolled (trace with the inputs you prove)";
            case "RNN":
                return "the plain RNN cell is not unrolled (LSTM and GRU are): export it unrolled over a fixed sequence "
                        + "length (a loop over nn.RNNCell steps exports as MatMul, Add and Tanh)";
            default:
                return null;
        }
    }
}
