package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * LSTM and GRU unrolled over the static sequence length into MatMul, Split, Sigmoid, Tanh, Mul and Add nodes (see
 * {@link Expansions}). Weights (W, R, B, P) must be constants; sequence_lens, when given, must be constant and equal to
 * the sequence length for every batch entry. Only the default activations are accepted (others are refused by name).
 */
final class Recurrent {
    private Recurrent() {}

    /** What varies between LSTM and GRU. */
    private record Cell(String op, int gates, String[] defaults) {}

    private static final Cell LSTM = new Cell("LSTM", 4, new String[] {"Sigmoid", "Tanh", "Tanh"});
    private static final Cell GRU = new Cell("GRU", 3, new String[] {"Sigmoid", "Tanh"});

    static Op lstm(Expansions.Rewrite w) throws ModelLoadException {
        return unroll(w, LSTM);
    }

    static Op gru(Expansions.Rewrite w) throws ModelLoadException {
        return unroll(w, GRU);
    }

    private static Op unroll(Expansions.Rewrite w, Cell cell) throws ModelLoadException {
        boolean lstm = cell == LSTM;
        String dirAttr = w.ctx.stringAttr("direction", "forward");
        int dirs;
        switch (dirAttr) {
            case "forward": case "reverse": dirs = 1; break;
            case "bidirectional": dirs = 2; break;
            default: throw new IllegalArgumentException(cell.op + " direction '" + dirAttr + "'");
        }
        int layout = (int) w.ctx.intAttr("layout", 0);
        int hidden = (int) w.ctx.intAttr("hidden_size", -1);
        int[] xs = w.shape(w.in(0));
        if (xs.length != 3) {
            throw new IllegalArgumentException(cell.op + " X must be 3-D, got " + Tensor.shapeString(xs));
        }
        int seq = layout == 0 ? xs[0] : xs[1];
        int batch = layout == 0 ? xs[1] : xs[0];
        int inSize = xs[2];
        Tensor wt = w.e.constant(w.in(1));
        Tensor rt = w.e.constant(w.in(2));
        Tensor bt = w.has(3) ? w.e.constant(w.in(3)) : null;
        if (wt == null || rt == null || (w.has(3) && bt == null)) {
            return w.refuse(cell.op + " with weights computed at run time: the unrolled cell needs W, R and B as "
                    + "constants (initializers)");
        }
        if (hidden < 1) {
            hidden = rt.dim(2);
        }
        int g = cell.gates;
        if (wt.rank() != 3 || wt.dim(0) != dirs || wt.dim(1) != g * hidden || wt.dim(2) != inSize
                || rt.rank() != 3 || rt.dim(0) != dirs || rt.dim(1) != g * hidden || rt.dim(2) != hidden) {
            throw new IllegalArgumentException(cell.op + " W " + Tensor.shapeString(wt.shape()) + " / R "
                    + Tensor.shapeString(rt.shape()) + " do not match " + dirs + " direction(s), hidden size " + hidden
                    + " and input size " + inSize);
        }
        if (bt != null && (bt.size() != dirs * 2 * g * hidden)) {
            throw new IllegalArgumentException(cell.op + " B has " + bt.size() + " elements, expected "
                    + dirs * 2 * g * hidden);
        }
        String[] acts = activations(w);
        if (acts != null) {
            for (int i = 0; i < acts.length; i++) {
                if (!acts[i].equals(cell.defaults[i % cell.defaults.length])) {
                    return w.refuse(cell.op + " with activation " + acts[i] + ": only the default activations ("
                            + String.join(", ", cell.defaults) + ") are unrolled");
                }
            }
        }
        if (lstm && w.ctx.intAttr("input_forget", 0) != 0) {
            return w.refuse("LSTM with input_forget = 1 is not unrolled; export the cell without coupled gates");
        }
        if (w.has(4)) {
            Tensor sl = w.e.constant(w.in(4));
            if (sl == null) {
                return w.refuse(cell.op + " with sequence_lens computed at run time: unrolling needs every sequence "
                        + "to have the static length " + seq);
            }
            for (int i = 0; i < sl.size(); i++) {
                if ((long) sl.get(i) != seq) {
                    return w.refuse(cell.op + " with sequence_lens " + (long) sl.get(i) + " shorter than the sequence "
                            + "length " + seq + ": export with padded sequences of the full length");
                }
            }
        }
        boolean clip = w.ctx.hasAttr("clip");
        double clipV = w.ctx.floatAttr("clip", 0);
        Tensor pt = lstm && w.has(7) ? w.e.constant(w.in(7)) : null;
        if (lstm && w.has(7) && pt == null) {
            return w.refuse("LSTM with peephole weights computed at run time; export them as constants");
        }
        boolean linearBeforeReset = !lstm && w.ctx.intAttr("linear_before_reset", 0) != 0;
        String x = w.in(0);
        if (layout != 0) {
            x = w.transpose(x, null, 1, 0, 2);
        }
        // [seq * batch, input]
        String x2 = w.reshape(x, null, seq * batch, inSize);
        List<String> yDirs = new ArrayList<>();
        List<String> hLast = new ArrayList<>();
        List<String> cLast = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            boolean reverse = dirAttr.equals("reverse") || d == 1;
            double[] wb = new double[g * hidden];
            double[] rb = new double[g * hidden];
            if (bt != null) {
                for (int i = 0; i < g * hidden; i++) {
                    wb[i] = bt.get(d * 2 * g * hidden + i);
                    rb[i] = bt.get(d * 2 * g * hidden + g * hidden + i);
                }
            }
            // input projection of every step at once: [seq * batch, g * hidden] (+ Wb, and Rb for gates that add it)
            // LSTM: every gate takes Wb + Rb. GRU: z and r take Wb + Rb; h takes Wb, and Rb too unless
            // linear_before_reset puts it inside r·(H·Rh + Rbh).
            double[] bias = new double[g * hidden];
            for (int i = 0; i < g * hidden; i++) {
                bias[i] = wb[i] + (lstm || i < 2 * hidden || !linearBeforeReset ? rb[i] : 0);
            }
            String xw = w.op("MatMul", List.of(x2, w.constant("W_T", transposed(wt, d, g * hidden, inSize))));
            xw = w.op("Add", List.of(xw, w.constant("bias", Tensor.of(new int[] {g * hidden}, bias))));
            String h = initial(w, 5, d, batch, hidden);
            String c = lstm ? initial(w, 6, d, batch, hidden) : null;
            String[] ys = new String[seq];
            for (int step = 0; step < seq; step++) {
                int t = reverse ? seq - 1 - step : step;
                String xt = w.slice(xw, 0, t * batch, (t + 1) * batch);
                if (lstm) {
                    String gates = w.op("Add", List.of(xt, w.op("MatMul", List.of(h,
                            w.constant("R_T", transposed(rt, d, g * hidden, hidden))))));
                    List<String> iofc = w.split(gates, 1, new int[] {hidden, hidden, hidden, hidden});
                    String gi = iofc.get(0);
                    String go = iofc.get(1);
                    String gf = iofc.get(2);
                    String gc = iofc.get(3);
                    if (pt != null) {
                        gi = w.op("Add", List.of(gi, w.op("Mul", List.of(c, peep(w, pt, d, 0, hidden)))));
                        gf = w.op("Add", List.of(gf, w.op("Mul", List.of(c, peep(w, pt, d, 2, hidden)))));
                    }
                    String i = w.op("Sigmoid", List.of(clip(w, gi, clip, clipV)));
                    String f = w.op("Sigmoid", List.of(clip(w, gf, clip, clipV)));
                    String cc = w.op("Tanh", List.of(clip(w, gc, clip, clipV)));
                    c = w.op("Add", List.of(w.op("Mul", List.of(f, c)), w.op("Mul", List.of(i, cc))));
                    if (pt != null) {
                        go = w.op("Add", List.of(go, w.op("Mul", List.of(c, peep(w, pt, d, 1, hidden)))));
                    }
                    String o = w.op("Sigmoid", List.of(clip(w, go, clip, clipV)));
                    h = w.op("Mul", List.of(o, w.op("Tanh", List.of(c))));
                } else {
                    List<String> xzrh = w.split(xt, 1, new int[] {hidden, hidden, hidden});
                    Tensor rT = transposed(rt, d, g * hidden, hidden);
                    String hzr = w.op("MatMul", List.of(h, w.constant("R_zr_T", columns(rT, 0, 2 * hidden))));
                    List<String> hz = w.split(hzr, 1, new int[] {hidden, hidden});
                    String z = w.op("Sigmoid", List.of(clip(w, w.op("Add", List.of(xzrh.get(0), hz.get(0))), clip,
                            clipV)));
                    String r = w.op("Sigmoid", List.of(clip(w, w.op("Add", List.of(xzrh.get(1), hz.get(1))), clip,
                            clipV)));
                    String rh = w.constant("R_h_T", columns(rT, 2 * hidden, 3 * hidden));
                    String hh;
                    if (linearBeforeReset) {
                        double[] rbh = new double[hidden];
                        System.arraycopy(rb, 2 * hidden, rbh, 0, hidden);
                        String lin = w.op("Add", List.of(w.op("MatMul", List.of(h, rh)),
                                w.constant("R_bh", Tensor.of(new int[] {hidden}, rbh))));
                        hh = w.op("Add", List.of(xzrh.get(2), w.op("Mul", List.of(r, lin))));
                    } else {
                        hh = w.op("Add", List.of(xzrh.get(2), w.op("MatMul", List.of(w.op("Mul", List.of(r, h)), rh))));
                    }
                    String cand = w.op("Tanh", List.of(clip(w, hh, clip, clipV)));
                    // H = cand + z · (H_prev - cand)
                    h = w.op("Add", List.of(cand, w.op("Mul", List.of(z, w.op("Sub", List.of(h, cand))))));
                }
                ys[t] = h;
            }
            if (w.wants(0)) {
                List<String> steps = new ArrayList<>();
                for (int t = 0; t < seq; t++) {
                    steps.add(w.reshape(ys[t], null, 1, 1, batch, hidden));
                }
                yDirs.add(w.concat(steps, 0, null));
            }
            hLast.add(w.reshape(h, null, 1, batch, hidden));
            if (lstm) {
                cLast.add(w.reshape(c, null, 1, batch, hidden));
            }
        }
        if (w.wants(0)) {
            if (layout == 0) {
                w.concat(yDirs, 1, w.out(0));
            } else {
                // [seq, dirs, batch, hidden] -> [batch, seq, dirs, hidden]
                w.transpose(w.concat(yDirs, 1, null), w.out(0), 2, 0, 1, 3);
            }
        }
        for (int k = 1; k <= (lstm ? 2 : 1); k++) {
            if (!w.wants(k)) {
                continue;
            }
            List<String> parts = k == 1 ? hLast : cLast;
            if (layout == 0) {
                w.concat(parts, 0, w.out(k));
            } else {
                w.transpose(w.concat(parts, 0, null), w.out(k), 1, 0, 2);
            }
        }
        return null;
    }

    private static String[] activations(Expansions.Rewrite w) {
        for (dev.zkscope.onnx.proto.Onnx.AttributeProto a : w.p.getAttributeList()) {
            if (a.getName().equals("activations")) {
                String[] s = new String[a.getStringsCount()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = a.getStrings(i).toStringUtf8();
                }
                return s;
            }
        }
        return null;
    }

    /** Initial state input {@code i} (initial_h or initial_c) of direction d as [batch, hidden], or zeros. */
    private static String initial(Expansions.Rewrite w, int i, int d, int batch, int hidden)
            throws ModelLoadException {
        if (!w.has(i)) {
            return w.constant("zeros", Tensor.zeros(new int[] {batch, hidden}));
        }
        int layout = (int) w.ctx.intAttr("layout", 0);
        String s = w.in(i);
        String one = layout == 0 ? w.slice(s, 0, d, d + 1) : w.slice(s, 1, d, d + 1);
        return w.reshape(one, null, batch, hidden);
    }

    /** W[d] (rows x cols) transposed to cols x rows. */
    private static Tensor transposed(Tensor t, int d, int rows, int cols) {
        double[] out = new double[rows * cols];
        int base = d * rows * cols;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = t.get(base + r * cols + c);
            }
        }
        return Tensor.of(new int[] {cols, rows}, out);
    }

    /** Columns [from, to) of a 2-D tensor. */
    private static Tensor columns(Tensor t, int from, int to) {
        int rows = t.dim(0);
        int cols = t.dim(1);
        double[] out = new double[rows * (to - from)];
        for (int r = 0; r < rows; r++) {
            for (int c = from; c < to; c++) {
                out[r * (to - from) + c - from] = t.get(r * cols + c);
            }
        }
        return Tensor.of(new int[] {rows, to - from}, out);
    }

    /** Peephole vector k (0 input, 1 output, 2 forget) of direction d. */
    private static String peep(Expansions.Rewrite w, Tensor p, int d, int k, int hidden) {
        double[] v = new double[hidden];
        for (int i = 0; i < hidden; i++) {
            v[i] = p.get(d * 3 * hidden + k * hidden + i);
        }
        return w.constant("P", Tensor.of(new int[] {hidden}, v));
    }

    private static String clip(Expansions.Rewrite w, String x, boolean clip, double v) throws ModelLoadException {
        if (!clip) {
            return x;
        }
        return w.op("Clip", List.of(x, w.scalar("clip_lo", -v), w.scalar("clip_hi", v)));
    }
}
