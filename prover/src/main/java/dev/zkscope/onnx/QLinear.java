package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pre-quantized (QDQ and QOperator) ops rewritten into the float ops they stand for (see {@link Expansions}):
 * DequantizeLinear is (x - zp)·s; QuantizeLinear is clip(round(x / s) + zp) to the zero point's integer type, so the
 * integer grid of the pre-quantized model is kept exactly (Round is half to even, as ONNX); MatMulInteger and
 * ConvInteger subtract the zero points and multiply; QLinearMatMul and QLinearConv dequantize, run the float op and
 * quantize. Scales and zero points must be constants (scalars, or per-axis vectors); the integer weights fold into
 * float weights at import. zkscope then quantizes the result with its own calibrated fixed-point scales.
 */
final class QLinear {
    private QLinear() {}

    /** The integer range of ONNX element type t (the zero point's type; uint8 when there is none). */
    private static long[] range(int t) {
        switch (t) {
            case 2: return new long[] {0, 255};
            case 3: return new long[] {-128, 127};
            case 4: return new long[] {0, 65535};
            case 5: return new long[] {-32768, 32767};
            case 6: return new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            default: return null;
        }
    }

    static Op quantizeLinear(Expansions.Rewrite w) throws ModelLoadException {
        int rank = w.shape(w.in(0)).length;
        int axis = (int) w.ctx.intAttr("axis", 1);
        int type = w.has(2) ? w.e.elemType(w.in(2)) : (int) w.ctx.intAttr("output_dtype", 2);
        if (type == 0) {
            type = 2;
        }
        if (range(type) == null) {
            return w.refuse("QuantizeLinear to ONNX element type " + type + " (only 8-, 16- and 32-bit integers)");
        }
        String y = quantize(w, w.in(0), w.has(1) ? w.in(1) : null, w.has(2) ? w.in(2) : null, axis, rank, type,
                w.out(0));
        return y == null ? w.refuse("QuantizeLinear with a scale or zero point computed at run time; export them as "
                + "constants") : null;
    }

    static Op dequantizeLinear(Expansions.Rewrite w) throws ModelLoadException {
        int rank = w.shape(w.in(0)).length;
        int axis = (int) w.ctx.intAttr("axis", 1);
        if (w.ctx.hasAttr("block_size") && w.ctx.intAttr("block_size", 0) != 0) {
            return w.refuse("DequantizeLinear with blocked scales (block_size); export per-tensor or per-axis scales");
        }
        String y = dequantize(w, w.in(0), w.in(1), w.has(2) ? w.in(2) : null, axis, rank, w.out(0));
        return y == null ? w.refuse("DequantizeLinear with a scale or zero point computed at run time; export them "
                + "as constants") : null;
    }

    /** MatMulInteger (A, B, a_zp, b_zp) or ConvInteger (x, w, x_zp, w_zp): zero points subtracted, then the op. */
    static Op matMulInteger(Expansions.Rewrite w, boolean conv) throws ModelLoadException {
        int ra = w.shape(w.in(0)).length;
        int rb = w.shape(w.in(1)).length;
        // a_zp per row of A (the second-to-last axis) or scalar; b_zp per column of B (last axis) or per output
        // channel of the conv weights (axis 0).
        String a = centred(w, w.in(0), w.has(2) ? w.in(2) : null, conv ? 1 : ra - 2, ra);
        String b = centred(w, w.in(1), w.has(3) ? w.in(3) : null, conv ? 0 : rb - 1, rb);
        if (a == null || b == null) {
            return w.refuse(w.p.getOpType() + " with a zero point computed at run time; export it as a constant");
        }
        if (conv) {
            w.op("Conv", w.out(0), List.of(a, b), w.p.getAttributeList().toArray(new Onnx.AttributeProto[0]));
        } else {
            w.op("MatMul", w.out(0), List.of(a, b));
        }
        return null;
    }

    /** QLinearMatMul (a, a_s, a_zp, b, b_s, b_zp, y_s, y_zp) or QLinearConv (the same, then the int32 bias). */
    static Op qLinear(Expansions.Rewrite w, boolean conv) throws ModelLoadException {
        int type = w.has(7) ? w.e.elemType(w.in(7)) : 2;
        if (range(type == 0 ? 2 : type) == null) {
            return w.refuse(w.p.getOpType() + " with output type " + type + " (only 8-, 16- and 32-bit integers)");
        }
        for (int i = 1; i < 8; i++) {
            if (i != 3 && w.has(i) && w.e.constant(w.in(i)) == null) {
                return w.refuse(w.p.getOpType() + " with a scale or zero point ('" + w.in(i) + "') computed at run "
                        + "time; export it as a constant");
            }
        }
        int ra = w.shape(w.in(0)).length;
        int rb = w.shape(w.in(3)).length;
        String a = dequantize(w, w.in(0), w.in(1), w.has(2) ? w.in(2) : null, conv ? 1 : ra - 2, ra, null);
        String b = dequantize(w, w.in(3), w.in(4), w.has(5) ? w.in(5) : null, conv ? 0 : rb - 1, rb, null);
        List<String> ins = new ArrayList<>(List.of(a, b));
        if (conv && w.has(8)) {
            Tensor bias = w.e.constant(w.in(8));
            if (bias == null) {
                return w.refuse("QLinearConv with a bias computed at run time; export it as a constant");
            }
            Tensor xs = w.e.constant(w.in(1));
            Tensor ws = w.e.constant(w.in(4));
            double[] d = new double[bias.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = bias.get(i) * xs.get(0) * ws.get(ws.size() == 1 ? 0 : i);
            }
            ins.add(w.constant("bias", Tensor.of(bias.shape(), d)));
        }
        String f = conv ? w.op("Conv", ins, w.p.getAttributeList().toArray(new Onnx.AttributeProto[0]))
                : w.op("MatMul", ins);
        quantize(w, f, w.in(6), w.has(7) ? w.in(7) : null, 1, w.shape(f).length, type == 0 ? 2 : type, w.out(0));
        return null;
    }

    /** clip(round(x / s) + zp) into out; null when s or zp is not a constant. */
    private static String quantize(Expansions.Rewrite w, String x, String s, String zp, int axis, int rank, int type,
                                   String out) throws ModelLoadException {
        String sb = s == null ? w.scalar("scale", 1) : perAxis(w, s, axis, rank);
        String zb = zp == null ? null : perAxis(w, zp, axis, rank);
        if (sb == null || (zp != null && zb == null)) {
            return null;
        }
        String q = w.op("Round", List.of(w.op("Div", List.of(x, sb))));
        if (zb != null && !allZero(w.e.constant(zb))) {
            q = w.op("Add", List.of(q, zb));
        }
        long[] r = range(type);
        return w.op("Clip", out, List.of(q, w.scalar("qmin", r[0]), w.scalar("qmax", r[1])));
    }

    /** (x - zp)·s into out (a fresh name when null); null when s or zp is not a constant. */
    private static String dequantize(Expansions.Rewrite w, String x, String s, String zp, int axis, int rank,
                                     String out) throws ModelLoadException {
        String sb = perAxis(w, s, axis, rank);
        String c = centred(w, x, zp, axis, rank);
        if (sb == null || c == null) {
            return null;
        }
        return w.op("Mul", out, List.of(c, sb));
    }

    /** x - zp as floats (x cast when it is a constant of an integer type); null when zp is not a constant. */
    private static String centred(Expansions.Rewrite w, String x, String zp, int axis, int rank)
            throws ModelLoadException {
        String zb = zp == null ? null : perAxis(w, zp, axis, rank);
        if (zp != null && zb == null) {
            return null;
        }
        Tensor xc = w.e.constant(x);
        String xf = xc != null && xc.isInteger() ? w.op("Cast", List.of(x), Expansions.attr("to", 1L)) : x;
        if (zb == null) {
            return xf;
        }
        return allZero(w.e.constant(zb)) ? xf : w.op("Sub", List.of(xf, zb));
    }

    /** A constant scale or zero point as floats shaped to broadcast along {@code axis} of a rank-{@code rank} tensor. */
    private static String perAxis(Expansions.Rewrite w, String name, int axis, int rank) {
        Tensor t = w.e.constant(name);
        if (t == null) {
            return null;
        }
        double[] d = t.data().clone();
        if (t.size() == 1) {
            return w.constant("q", Tensor.of(new int[0], d));
        }
        if (t.rank() != 1) {
            throw new IllegalArgumentException("scale/zero point '" + name + "' must be a scalar or 1-D, got "
                    + Tensor.shapeString(t.shape()));
        }
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("quantization axis " + axis + " out of range for rank " + rank);
        }
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[ax] = t.size();
        return w.constant("q", Tensor.of(s, d));
    }

    private static boolean allZero(Tensor t) {
        if (t == null) {
            return false;
        }
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
