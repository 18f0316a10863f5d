package dev.zkscope.compile.model;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.Tables;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.gadget.DivGadget;
import dev.zkscope.compile.gadget.DotGadget;
import dev.zkscope.compile.gadget.LinearGadget;
import dev.zkscope.compile.gadget.Limbs;
import dev.zkscope.compile.gadget.LookupGadget;
import dev.zkscope.compile.gadget.RescaleGadget;
import dev.zkscope.compile.gadget.VarDivGadget;
import dev.zkscope.quant.FixedPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The step kinds of the layer IR. Each states its integer semantics in one line; the gadgets enforce exactly that. */
public final class Steps {
    private Steps() {}

    static long val(long[][] t, Src s) {
        return s.isConstant() ? s.value() : t[s.tensor()][s.index()];
    }

    static long bnd(long[] b, Src s) {
        return s.isConstant() ? Math.abs(s.value()) : b[s.tensor()];
    }

    static long sat(long a, long b) {
        long r = a + b;
        return r < 0 || r > FixedPoint.MAX_ABS * 4 ? FixedPoint.MAX_ABS * 4 : r;
    }

    static long satMul(long a, long b) {
        if (a != 0 && b > FixedPoint.MAX_ABS * 4 / a) {
            return FixedPoint.MAX_ABS * 4;
        }
        return a * b;
    }

    /**
     * out[o] = bias[o] + sum_t x[o][t] * w[o][t] (Gemm, MatMul, Conv). Terms whose x is the constant 0 (padding) are
     * dropped. Weights are parameter elements (fixed columns, or private cells) or activations (advice).
     *
     * <p>The terms are not stored: a dot product of a 224x224 ResNet has billions of them. Each side of the products is
     * an {@link Operand} (a whole tensor, or one element reference per operand element, never per term), and
     * {@link Terms} says by index arithmetic which operand elements output o multiplies ({@link #conv}, {@link #matmul},
     * or explicit rows for small hand-built models). Every pass (evaluation, bounds, placement, counting) iterates the
     * terms on demand, so the step holds O(operands + outputs), not O(multiply-adds). A counting layout places a dot
     * product from per-output term counts ({@code DotGadget.countFixed}), computed once per step in one parallel pass.
     */
    public static final class Dot extends Step {
        final Operand x;
        final Operand w;
        final Terms terms;
        final Operand bias;

        /**
         * One side of a dot product's products: a whole tensor (element i is tensor[i]), or one {@link Src} per element
         * kept as primitive arrays (broadcast or transposed activations, constant operands, padding).
         */
        public static final class Operand {
            final int tensor;
            final int size;
            /** Per element: its tensor (-1: the constant {@link #val}), its index; null for a whole tensor. */
            final int[] tens;
            final int[] idx;
            final long[] val;

            private Operand(int tensor, int size, int[] tens, int[] idx, long[] val) {
                this.tensor = tensor;
                this.size = size;
                this.tens = tens;
                this.idx = idx;
                this.val = val;
            }

            /** Every element of tensor {@code t}, in order. */
            public static Operand tensor(int t, int size) {
                return new Operand(t, size, null, null, null);
            }

            /** The elements {@code srcs}; a run tensor[0..n) in order becomes {@link #tensor}. */
            public static Operand of(Src[] srcs) {
                boolean whole = srcs.length > 0 && !srcs[0].isConstant();
                for (int i = 0; whole && i < srcs.length; i++) {
                    whole = !srcs[i].isConstant() && srcs[i].tensor() == srcs[0].tensor() && srcs[i].index() == i;
                }
                if (whole) {
                    return tensor(srcs[0].tensor(), srcs.length);
                }
                int[] tens = new int[srcs.length];
                int[] idx = new int[srcs.length];
                long[] val = new long[srcs.length];
                for (int i = 0; i < srcs.length; i++) {
                    tens[i] = srcs[i].isConstant() ? -1 : srcs[i].tensor();
                    idx[i] = srcs[i].index();
                    val[i] = srcs[i].value();
                }
                return new Operand(-1, srcs.length, tens, idx, val);
            }

            public int size() {
                return size;
            }

            /** Sets in {@code out} the id of every tensor this operand reads (constants excluded). */
            public void readTensors(java.util.BitSet out) {
                if (tens == null) {
                    out.set(tensor);
                    return;
                }
                for (int t : tens) {
                    if (t >= 0) {
                        out.set(t);
                    }
                }
            }

            /** Whether this is a whole tensor (no constants, identity indices). */
            public boolean isTensor() {
                return tens == null;
            }

            /** Element i as a {@link Src} (made on demand). */
            public Src get(int i) {
                if (tens == null) {
                    return new Src(tensor, i);
                }
                return tens[i] < 0 ? Src.constant(val[i]) : new Src(tens[i], idx[i]);
            }

            boolean isConstant(int i) {
                return tens != null && tens[i] < 0;
            }

            boolean isZero(int i) {
                return tens != null && tens[i] < 0 && val[i] == 0;
            }

            int tensorOf(int i) {
                return tens == null ? tensor : tens[i];
            }

            int indexOf(int i) {
                return tens == null ? i : idx[i];
            }

            long value(long[][] t, int i) {
                if (tens == null) {
                    return t[tensor][i];
                }
                return tens[i] < 0 ? val[i] : t[tens[i]][idx[i]];
            }

            long bound(long[] b, int i) {
                if (tens == null) {
                    return b[tensor];
                }
                return tens[i] < 0 ? Math.abs(val[i]) : b[tens[i]];
            }

            /** Whether every element is a constant or a parameter element. */
            boolean allParams(java.util.function.IntPredicate isParam) {
                if (tens == null) {
                    return isParam.test(tensor);
                }
                for (int t : tens) {
                    if (t >= 0 && !isParam.test(t)) {
                        return false;
                    }
                }
                return true;
            }

            /** Whether any element is a constant. */
            boolean anyConstant() {
                if (tens != null) {
                    for (int t : tens) {
                        if (t < 0) {
                            return true;
                        }
                    }
                }
                return false;
            }
        }

        /**
         * Which operand elements each output multiplies, by index arithmetic: output o's terms are the pairs
         * (x[xi[k]], w[wi[k]]) for k &lt; {@link #fill}'s count, in the order the gadget places them.
         */
        public interface Terms {
            int outputs();

            /** The most terms any output has (the scratch arrays' length). */
            int maxTerms();

            /** Writes output o's operand indices into xi and wi; returns the number of terms. */
            int fill(int o, int[] xi, int[] wi);

            /** Number of terms of output o. */
            default int count(int o) {
                int[] s = new int[maxTerms()];
                return fill(o, s, s.clone());
            }

            /** The bias operand's element that output o starts from. */
            default int bias(int o) {
                return o;
            }

            /**
             * The operand indices that some term reads on the x side ({@code xSide}) or the w side, in closed form (no
             * pass over the terms), or null when only iterating the terms can tell.
             */
            default java.util.BitSet reads(boolean xSide) {
                return null;
            }

            /**
             * Per output, how many of its terms have a nonzero weight, when the w side is the whole array {@code w},
             * in closed form (less work than one pass over the terms); false when only iterating the terms can tell.
             */
            default boolean nonzeroWeights(long[] w, int[] out) {
                return false;
            }
        }

        /** Explicit rows: output o's terms are x[start[o]..start[o+1]) times w at the same positions. */
        private record Rows(int[] start, int max) implements Terms {
            @Override public int outputs() { return start.length - 1; }
            @Override public int maxTerms() { return max; }
            @Override public int count(int o) { return start[o + 1] - start[o]; }

            @Override
            public java.util.BitSet reads(boolean xSide) {
                // the rows cover the flattened operands exactly, on both sides
                java.util.BitSet b = new java.util.BitSet();
                b.set(0, start[start.length - 1]);
                return b;
            }

            @Override
            public int fill(int o, int[] xi, int[] wi) {
                int n = start[o + 1] - start[o];
                for (int k = 0; k < n; k++) {
                    xi[k] = start[o] + k;
                    wi[k] = start[o] + k;
                }
                return n;
            }
        }

        /**
         * A (grouped) convolution's terms over {@code batch} NCHW images of {@code channels} channels into
         * {@code outChannels}: output ((b*M + oc)*OH + oy)*OW + ox reads, in the order (input channel, kernel row,
         * kernel column), the input elements its window covers inside the image (padding reads nothing) times the
         * weights [M, C/group, kh, kw] at the same kernel positions; its bias is bias[oc]. The same taps as
         * {@link dev.zkscope.ir.Window#convTaps}, computed per output instead of stored.
         */
        public record ConvTerms(dev.zkscope.ir.Window g, int batch, int channels, int outChannels, int group)
                implements Terms {
            @Override public int outputs() { return batch * outChannels * g.outPositions(); }
            @Override public int maxTerms() { return channels / group * g.kh() * g.kw(); }

            private int span(int o, boolean rowsNotCols) {
                int pos = o % g.outPositions();
                int n = 0;
                if (rowsNotCols) {
                    int oy = pos / g.ow();
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = oy * g.sh() - g.ph() + ky * g.dh();
                        n += iy >= 0 && iy < g.h() ? 1 : 0;
                    }
                } else {
                    int ox = pos % g.ow();
                    for (int kx = 0; kx < g.kw(); kx++) {
                        int ix = ox * g.sw() - g.pw() + kx * g.dw();
                        n += ix >= 0 && ix < g.w() ? 1 : 0;
                    }
                }
                return n;
            }

            @Override
            public int count(int o) {
                return channels / group * span(o, true) * span(o, false);
            }

            @Override
            public int bias(int o) {
                return (o / g.outPositions()) % outChannels;
            }

            /**
             * Along rows (rowsNotCols) or columns, the window positions o * s - p + t * d that fall inside the image:
             * by input index (inputs, whether some output's window covers it) or by kernel tap (whether the tap falls
             * inside the image for some output).
             */
            private boolean[] inside(boolean rowsNotCols, boolean inputs) {
                int in = rowsNotCols ? g.h() : g.w();
                int outs = rowsNotCols ? g.oh() : g.ow();
                int k = rowsNotCols ? g.kh() : g.kw();
                int s = rowsNotCols ? g.sh() : g.sw();
                int p = rowsNotCols ? g.ph() : g.pw();
                int d = rowsNotCols ? g.dh() : g.dw();
                boolean[] mark = new boolean[inputs ? in : k];
                for (int o = 0; o < outs; o++) {
                    for (int t = 0; t < k; t++) {
                        int i = o * s - p + t * d;
                        if (i >= 0 && i < in) {
                            mark[inputs ? i : t] = true;
                        }
                    }
                }
                return mark;
            }

            /**
             * Input element (b, c, iy, ix) is read when some output's window covers row iy and column ix (the two are
             * independent: output (oy, ox) covers (iy, ix) when oy covers iy and ox covers ix); every channel is read,
             * each group having at least one output channel. Weight (oc, ic, ky, kx) is read when kernel row ky and
             * column kx fall inside the image for some output row and column.
             */
            @Override
            public java.util.BitSet reads(boolean xSide) {
                java.util.BitSet b = new java.util.BitSet();
                if (outputs() == 0) {
                    return b;
                }
                boolean[] rows = inside(true, xSide);
                boolean[] cols = inside(false, xSide);
                int planes = xSide ? batch * channels : outChannels * (channels / group);
                int rl = rows.length;
                int cl = cols.length;
                for (int pl = 0; pl < planes; pl++) {
                    for (int r = 0; r < rl; r++) {
                        if (!rows[r]) {
                            continue;
                        }
                        int base = (pl * rl + r) * cl;
                        for (int c = 0; c < cl; c++) {
                            if (cols[c]) {
                                b.set(base + c);
                            }
                        }
                    }
                }
                return b;
            }

            /**
             * Output (b, oc, oy, ox) has a nonzero weight at the taps (ky, kx) inside the image, once per input channel
             * whose weight there is nonzero: the sum over those taps of nz[oc][ky][kx], the nonzero count over the
             * channels, so kh x kw additions per output instead of one per term.
             */
            @Override
            public boolean nonzeroWeights(long[] w, int[] out) {
                int kh = g.kh();
                int kw = g.kw();
                int cg = channels / group;
                int taps = kh * kw;
                int[] nz = new int[outChannels * taps];
                for (int oc = 0; oc < outChannels; oc++) {
                    for (int ic = 0; ic < cg; ic++) {
                        int base = (oc * cg + ic) * taps;
                        for (int t = 0; t < taps; t++) {
                            nz[oc * taps + t] += w[base + t] != 0 ? 1 : 0;
                        }
                    }
                }
                int positions = g.outPositions();
                int n = outputs();
                blocks(n, (long) n * taps, (from, to) -> {
                    for (int o = from; o < to; o++) {
                        int pos = o % positions;
                        int oc = (o / positions) % outChannels;
                        int oy = pos / g.ow();
                        int ox = pos % g.ow();
                        int sum = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * g.sh() - g.ph() + ky * g.dh();
                            if (iy < 0 || iy >= g.h()) {
                                continue;
                            }
                            int row = oc * taps + ky * kw;
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * g.sw() - g.pw() + kx * g.dw();
                                if (ix >= 0 && ix < g.w()) {
                                    sum += nz[row + kx];
                                }
                            }
                        }
                        out[o] = sum;
                    }
                });
                return true;
            }

            @Override
            public int fill(int o, int[] xi, int[] wi) {
                int positions = g.outPositions();
                int pos = o % positions;
                int rest = o / positions;
                int oc = rest % outChannels;
                int b = rest / outChannels;
                int oy = pos / g.ow();
                int ox = pos % g.ow();
                int cg = channels / group;
                int grp = oc / (outChannels / group);
                int h = g.h();
                int w = g.w();
                int kh = g.kh();
                int kw = g.kw();
                int n = 0;
                for (int ic = 0; ic < cg; ic++) {
                    int xc = grp * cg + ic;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * g.sh() - g.ph() + ky * g.dh();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int xRow = ((b * channels + xc) * h + iy) * w;
                        int wRow = ((oc * cg + ic) * kh + ky) * kw;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * g.sw() - g.pw() + kx * g.dw();
                            if (ix >= 0 && ix < w) {
                                xi[n] = xRow + ix;
                                wi[n] = wRow + kx;
                                n++;
                            }
                        }
                    }
                }
                return n;
            }
        }

        /**
         * A batched matrix product's terms: output (p, i, j) = sum_t A[ai[p]][i][t] * B[bi[p]][t][j] over row-major
         * [rows x k] and [k x cols] matrices (ai, bi: the batch broadcast of each operand); with {@code swap} the x side
         * is B (the parameter operand goes on the weight side). Bias: {@code biasIndex[o]}, or o when null.
         */
        public record MatMulTerms(int batches, int rows, int k, int cols, int[] ai, int[] bi, boolean swap,
                                  int[] biasIndex) implements Terms {
            @Override public int outputs() { return batches * rows * cols; }
            @Override public int maxTerms() { return k; }
            @Override public int count(int o) { return k; }
            @Override public int bias(int o) { return biasIndex == null ? o : biasIndex[o]; }

            /** Every element of each matrix a batch reads (when there are terms and outputs at all). */
            @Override
            public java.util.BitSet reads(boolean xSide) {
                boolean aSide = xSide != swap;
                java.util.BitSet b = new java.util.BitSet();
                if (k == 0 || rows == 0 || cols == 0) {
                    return b;
                }
                int span = aSide ? rows * k : k * cols;
                for (int p = 0; p < batches; p++) {
                    int m = aSide ? ai[p] : bi[p];
                    b.set(m * span, (m + 1) * span);
                }
                return b;
            }

            /**
             * Output (p, i, j) multiplies column j of B[bi[p]] (row i of A[ai[p]] when the weights are A): its nonzero
             * weights are that column's (row's) nonzero count, computed once per matrix.
             */
            @Override
            public boolean nonzeroWeights(long[] w, int[] out) {
                boolean aSide = swap;
                int mats = 0;
                for (int p = 0; p < batches; p++) {
                    mats = Math.max(mats, 1 + (aSide ? ai[p] : bi[p]));
                }
                int lines = aSide ? rows : cols;
                int[] nz = new int[mats * lines];
                for (int m = 0; m < mats; m++) {
                    for (int i = 0; i < lines; i++) {
                        int c = 0;
                        for (int t = 0; t < k; t++) {
                            c += w[aSide ? (m * rows + i) * k + t : (m * k + t) * cols + i] != 0 ? 1 : 0;
                        }
                        nz[m * lines + i] = c;
                    }
                }
                for (int o = 0; o < out.length; o++) {
                    int j = o % cols;
                    int i = (o / cols) % rows;
                    int p = o / (cols * rows);
                    out[o] = aSide ? nz[ai[p] * lines + i] : nz[bi[p] * lines + j];
                }
                return true;
            }

            @Override
            public int fill(int o, int[] xi, int[] wi) {
                int j = o % cols;
                int i = (o / cols) % rows;
                int p = o / (cols * rows);
                int a0 = ai[p] * rows * k + i * k;
                int b0 = bi[p] * k * cols + j;
                int[] as = swap ? wi : xi;
                int[] bs = swap ? xi : wi;
                for (int t = 0; t < k; t++) {
                    as[t] = a0 + t;
                    bs[t] = b0 + t * cols;
                }
                return k;
            }
        }

        /** A dot product whose terms the index arithmetic {@code terms} describes; {@code bias} may be null. */
        public Dot(String layer, String op, int out, Operand x, Operand w, Terms terms, Operand bias) {
            super(layer, op, out);
            this.x = x;
            this.w = w;
            this.terms = terms;
            this.bias = bias;
        }

        /** Explicit terms x[o][k] * w[o][k] (small, hand-built models and tests); bias may be null. */
        public Dot(String layer, String op, int out, Src[][] xs, Src[][] ws, Src[] bias) {
            this(layer, op, out, Operand.of(flatten(xs)), Operand.of(flatten(ws)), rows(xs, ws),
                    bias == null ? null : Operand.of(bias));
        }

        private static Src[] flatten(Src[][] rows) {
            int n = 0;
            for (Src[] r : rows) {
                n = Math.addExact(n, r.length);
            }
            Src[] out = new Src[n];
            int at = 0;
            for (Src[] r : rows) {
                System.arraycopy(r, 0, out, at, r.length);
                at += r.length;
            }
            return out;
        }

        private static Rows rows(Src[][] xs, Src[][] ws) {
            int[] start = new int[xs.length + 1];
            int max = 0;
            for (int o = 0; o < xs.length; o++) {
                if (ws[o].length != xs[o].length) {
                    throw new IllegalArgumentException("output " + o + " has " + xs[o].length + " inputs but "
                            + ws[o].length + " weights");
                }
                start[o + 1] = start[o] + xs[o].length;
                max = Math.max(max, xs[o].length);
            }
            return new Rows(start, max);
        }

        /** A convolution (see {@link ConvTerms}) of the input elements {@code x} by the weight tensor {@code w}. */
        public static Dot conv(String layer, String op, int out, Operand x, int weights, int weightCount, int biasTensor,
                               int biasCount, ConvTerms terms) {
            return new Dot(layer, op, out, x, Operand.tensor(weights, weightCount), terms,
                    biasTensor < 0 ? null : Operand.tensor(biasTensor, biasCount));
        }

        /** The operands and the index arithmetic (for other backends). */
        public Operand xOperand() { return x; }
        public Operand wOperand() { return w; }
        public Operand biasOperand() { return bias; }
        public Terms termIndex() { return terms; }

        /**
         * The terms x[o][k] * w[o][k] and the biases (null without bias), materialised: one {@link Src} per
         * multiply-add, for other backends on models small enough to hold them.
         */
        public Src[][] xs() { return materialise(true); }
        public Src[][] ws() { return materialise(false); }

        public Src[] biases() {
            if (bias == null) {
                return null;
            }
            Src[] b = new Src[size()];
            for (int o = 0; o < b.length; o++) {
                b[o] = bias.get(terms.bias(o));
            }
            return b;
        }

        private Src[][] materialise(boolean xSide) {
            int n = size();
            Src[][] out = new Src[n][];
            int[] xi = new int[terms.maxTerms()];
            int[] wi = new int[terms.maxTerms()];
            for (int o = 0; o < n; o++) {
                int k = terms.fill(o, xi, wi);
                out[o] = new Src[k];
                for (int t = 0; t < k; t++) {
                    out[o][t] = xSide ? x.get(xi[t]) : w.get(wi[t]);
                }
            }
            return out;
        }

        @Override public int size() { return terms.outputs(); }

        /** Terms per output that the dot gadget multiplies (padding, the constant 0, dropped): K of each output. */
        public int[] terms() {
            int n = size();
            int[] k = new int[n];
            if (!x.anyConstant()) {
                for (int o = 0; o < n; o++) {
                    k[o] = terms.count(o);
                }
                return k;
            }
            int[] xi = new int[terms.maxTerms()];
            int[] wi = new int[terms.maxTerms()];
            for (int o = 0; o < n; o++) {
                int c = terms.fill(o, xi, wi);
                for (int t = 0; t < c; t++) {
                    if (!x.isZero(xi[t])) {
                        k[o]++;
                    }
                }
            }
            return k;
        }

        /** Whether the outputs start from a bias. */
        public boolean hasBias() {
            return bias != null;
        }

        /** Runs {@code body(from, to)} over [0, n) in blocks, in parallel when the work is large. */
        private static void blocks(int n, long work, java.util.function.BiConsumer<Integer, Integer> body) {
            int parts = work < (1L << 22) ? 1 : Math.min(n, 4 * Runtime.getRuntime().availableProcessors());
            if (parts <= 1) {
                body.accept(0, n);
                return;
            }
            java.util.stream.IntStream.range(0, parts).parallel()
                    .forEach(p -> body.accept((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
        }

        private long workEstimate() {
            return (long) size() * Math.max(1, terms.maxTerms());
        }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[size()];
            blocks(y.length, workEstimate(), (from, to) -> {
                int[] xi = new int[terms.maxTerms()];
                int[] wi = new int[terms.maxTerms()];
                for (int o = from; o < to; o++) {
                    long acc = bias == null ? 0 : bias.value(t, terms.bias(o));
                    int n = terms.fill(o, xi, wi);
                    for (int k = 0; k < n; k++) {
                        acc = Math.addExact(acc, Math.multiplyExact(x.value(t, xi[k]), w.value(t, wi[k])));
                    }
                    y[o] = acc;
                }
            });
            return y;
        }

        @Override
        public long bound(long[] b) {
            int n = size();
            long[] max = new long[1];
            boolean uniform = x.isTensor() && w.isTensor();
            blocks(n, uniform ? n : workEstimate(), (from, to) -> {
                int[] xi = uniform ? null : new int[terms.maxTerms()];
                int[] wi = uniform ? null : new int[terms.maxTerms()];
                long m = 0;
                for (int o = from; o < to; o++) {
                    long acc = bias == null ? 0 : bias.bound(b, terms.bias(o));
                    if (uniform) {
                        // every term has the same bound: K additions of it, saturating as the loop below would
                        int k = terms.count(o);
                        long p = satMul(b[x.tensor], b[w.tensor]);
                        if (k > 0) {
                            long cap = FixedPoint.MAX_ABS * 4;
                            acc = p == 0 ? sat(acc, 0) : (k > cap / p ? cap : sat(acc, k * p));
                        }
                    } else {
                        int c = terms.fill(o, xi, wi);
                        for (int k = 0; k < c; k++) {
                            acc = sat(acc, satMul(x.bound(b, xi[k]), w.bound(b, wi[k])));
                        }
                    }
                    m = Math.max(m, acc);
                }
                synchronized (max) {
                    max[0] = Math.max(max[0], m);
                }
            });
            return max[0];
        }

        private boolean fixedWeights(Lowerer lw) {
            if (lw.privateParams) {
                return false;
            }
            return w.allParams(lw.model::isParam) && (bias == null || bias.allParams(lw.model::isParam));
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            boolean fixed = fixedWeights(lw);
            if (lw.layout.isCounting()) {
                return lowerCounted(lw, fixed);
            }
            int n = size();
            List<Cell[]> xc = new ArrayList<>(n);
            List<long[]> wv = new ArrayList<>(n);
            List<Cell[]> wc = new ArrayList<>(n);
            int[] xi = new int[terms.maxTerms()];
            int[] wi = new int[terms.maxTerms()];
            for (int o = 0; o < n; o++) {
                int c = terms.fill(o, xi, wi);
                int kept = 0;
                for (int k = 0; k < c; k++) {
                    if (!x.isZero(xi[k])) {
                        kept++;
                    }
                }
                Cell[] xr = new Cell[kept];
                long[] wr = new long[fixed ? kept : 0];
                Cell[] wcr = new Cell[fixed ? 0 : kept];
                int at = 0;
                for (int k = 0; k < c; k++) {
                    if (x.isZero(xi[k])) {
                        continue;
                    }
                    xr[at] = lw.cell(x.get(xi[k]));
                    if (fixed) {
                        wr[at] = lw.paramValue(w.get(wi[k]));
                    } else {
                        wcr[at] = lw.cell(w.get(wi[k]));
                    }
                    at++;
                }
                xc.add(xr);
                wv.add(wr);
                wc.add(wcr);
            }
            if (fixed) {
                long[] bv = new long[n];
                for (int o = 0; o < n; o++) {
                    bv[o] = bias == null ? 0 : lw.paramValue(bias.get(terms.bias(o)));
                }
                return DotGadget.placeFixed(lw.layout, xc, wv, bv);
            }
            Cell[] bc = null;
            if (bias != null) {
                bc = new Cell[n];
                for (int o = 0; o < n; o++) {
                    bc[o] = lw.cell(bias.get(terms.bias(o)));
                }
            }
            return DotGadget.placePrivate(lw.layout, xc, wc, bc);
        }

        /**
         * What {@link #lower} in a filled layout reads of the terms, which does not depend on the inner columns: per
         * output the kept terms and the nonzero fixed weights among them, the constant cells the terms ask for (in the
         * order they are first asked for) and the other cells they read (for the columns in copies).
         */
        record Counted(boolean privateParams, int[] kept, int[] nonzero, long[] constants,
                               Map<Integer, java.util.BitSet> cells) {
        }

        private volatile Counted counted;
        /** The model {@link #counted} was computed for (steps are shared by {@link QModel#withParam} copies). */
        private volatile QModel countedModel;

        private Counted counted(Lowerer lw, boolean fixed) {
            Counted c = counted;
            if (c != null && c.privateParams == lw.privateParams && countedModel == lw.model) {
                return c;
            }
            c = countedClosedForm(lw.model, lw.privateParams, fixed);
            if (c == null) {
                c = countedByTerms(lw.model, lw.privateParams, fixed);
            }
            counted = c;
            countedModel = lw.model;
            return c;
        }

        /**
         * Whether no element of {@code op} that a term reads asks for a constant cell: constants only where
         * {@code zerosSkipped} (x's zero constants, whose terms are dropped), no parameter placed as a constant.
         */
        private static boolean asksNoConstants(Operand op, QModel model, boolean priv, boolean zerosSkipped) {
            if (op.tens == null) {
                return priv || !model.isParam(op.tensor);
            }
            for (int i = 0; i < op.size; i++) {
                int t = op.tens[i];
                if (t < 0 ? !(zerosSkipped && op.val[i] == 0) : !priv && model.isParam(t)) {
                    return false;
                }
            }
            return true;
        }

        /** Sets in {@code refs} the tensor element of every operand index in {@code read} (x's zero constants skipped). */
        private static void mark(Operand op, java.util.BitSet read, Map<Integer, java.util.BitSet> refs) {
            if (op.tens == null) {
                if (!read.isEmpty()) {
                    refs.computeIfAbsent(op.tensor, k -> new java.util.BitSet()).or(read);
                }
                return;
            }
            int lastT = -1;
            java.util.BitSet bits = null;
            for (int i = read.nextSetBit(0); i >= 0; i = read.nextSetBit(i + 1)) {
                int t = op.tens[i];
                if (t < 0) {
                    continue;
                }
                if (t != lastT) {
                    lastT = t;
                    bits = refs.computeIfAbsent(t, k -> new java.util.BitSet());
                }
                bits.set(op.idx[i]);
            }
        }

        /**
         * The rows this dot product's gadget claims at {@code innerCols} products per row (a chain of
         * max(1, ceil(kept / innerCols)) rows per output), when a counting placement of {@code m} has already computed
         * its kept terms; -1 otherwise. The inner-column search bounds a candidate's height from below with it.
         */
        public long countedRows(QModel m, int innerCols) {
            Counted c = counted;
            if (c == null || countedModel != m) {
                return -1;
            }
            long rows = 0;
            for (int k : c.kept()) {
                rows += Math.max(1, (k + innerCols - 1) / innerCols);
            }
            return rows;
        }

        /**
         * {@link Counted} without marking per term, when the terms say in closed form which operand elements they read
         * and no term asks for a constant cell (whose first-request order only the terms can give): the cells read are
         * the closed-form operand indices mapped through the operands, the kept counts {@link Terms#count} (or one pass
         * over the terms when x has zero constants), the nonzero weights {@link Terms#nonzeroWeights}. Null when it
         * does not apply; {@link #countedByTerms} then gives the same record term by term (DotCountingTest compares).
         */
        Counted countedClosedForm(QModel model, boolean priv, boolean fixed) {
            if (!asksNoConstants(x, model, priv, true)) {
                return null;
            }
            boolean xZeros = x.anyConstant();
            // with cell weights, the w elements read depend on which x are zero: only without x constants
            if (!fixed && (xZeros || !asksNoConstants(w, model, priv, false))) {
                return null;
            }
            java.util.BitSet xr = terms.reads(true);
            java.util.BitSet wr = fixed ? null : terms.reads(false);
            if (xr == null || (!fixed && wr == null)) {
                return null;
            }
            int n = size();
            int[] kept = new int[n];
            int[] nonzero = fixed ? new int[n] : null;
            long[] wData = fixed && w.isTensor() ? model.param(w.tensor) : null;
            boolean keptDone = false;
            boolean nzDone = !fixed;
            if (!xZeros) {
                blocks(n, n, (from, to) -> {
                    for (int o = from; o < to; o++) {
                        kept[o] = terms.count(o);
                    }
                });
                keptDone = true;
                nzDone = nzDone || (wData != null && terms.nonzeroWeights(wData, nonzero));
            }
            if (!keptDone || !nzDone) {
                boolean countKept = !keptDone;
                blocks(n, workEstimate(), (from, to) -> {
                    int[] xi = new int[terms.maxTerms()];
                    int[] wi = new int[terms.maxTerms()];
                    for (int o = from; o < to; o++) {
                        int cnt = terms.fill(o, xi, wi);
                        int k = 0;
                        int nz = 0;
                        for (int t = 0; t < cnt; t++) {
                            if (x.isZero(xi[t])) {
                                continue;
                            }
                            k++;
                            if (fixed) {
                                long v = wData != null ? wData[wi[t]] : paramValue(w, wi[t], model);
                                nz += v != 0 ? 1 : 0;
                            }
                        }
                        if (countKept) {
                            kept[o] = k;
                        }
                        if (fixed) {
                            nonzero[o] = nz;
                        }
                    }
                });
            }
            Map<Integer, java.util.BitSet> refs = new java.util.HashMap<>();
            mark(x, xr, refs);
            if (!fixed) {
                mark(w, wr, refs);
            }
            java.util.LinkedHashSet<Long> consts = new java.util.LinkedHashSet<>();
            if (!fixed && bias != null) {
                Sink bs = new Sink(bias, model, priv, consts, refs);
                for (int o = 0; o < n; o++) {
                    bs.add(terms.bias(o));
                }
            }
            long[] cv = new long[consts.size()];
            int i = 0;
            for (long v : consts) {
                cv[i++] = v;
            }
            return new Counted(priv, kept, nonzero, cv, refs);
        }

        /** {@link Counted} by one parallel pass over every term, marking each cell read. */
        Counted countedByTerms(QModel model, boolean priv, boolean fixed) {
            Counted c;
            int n = size();
            int[] kept = new int[n];
            int[] nonzero = fixed ? new int[n] : null;
            int parts = workEstimate() < (1L << 22) ? 1 : Math.min(n, 4 * Runtime.getRuntime().availableProcessors());
            @SuppressWarnings("unchecked")
            java.util.LinkedHashSet<Long>[] consts = new java.util.LinkedHashSet[parts];
            @SuppressWarnings("unchecked")
            Map<Integer, java.util.BitSet>[] refs = new Map[parts];
            java.util.stream.IntStream range = java.util.stream.IntStream.range(0, parts);
            (parts > 1 ? range.parallel() : range).forEach(p -> {
                int from = (int) ((long) n * p / parts);
                int to = (int) ((long) n * (p + 1) / parts);
                java.util.LinkedHashSet<Long> cs = new java.util.LinkedHashSet<>();
                Map<Integer, java.util.BitSet> rs = new java.util.HashMap<>();
                Sink xs = new Sink(x, model, priv, cs, rs);
                Sink ws = fixed ? null : new Sink(w, model, priv, cs, rs);
                int[] xi = new int[terms.maxTerms()];
                int[] wi = new int[terms.maxTerms()];
                long[] wData = fixed && w.isTensor() ? model.param(w.tensor) : null;
                for (int o = from; o < to; o++) {
                    int cnt = terms.fill(o, xi, wi);
                    int k = 0;
                    int nz = 0;
                    for (int t = 0; t < cnt; t++) {
                        if (x.isZero(xi[t])) {
                            continue;
                        }
                        k++;
                        xs.add(xi[t]);
                        if (fixed) {
                            long v = wData != null ? wData[wi[t]] : paramValue(w, wi[t], model);
                            nz += v != 0 ? 1 : 0;
                        } else {
                            ws.add(wi[t]);
                        }
                    }
                    kept[o] = k;
                    if (fixed) {
                        nonzero[o] = nz;
                    }
                }
                consts[p] = cs;
                refs[p] = rs;
            });
            java.util.LinkedHashSet<Long> allConsts = new java.util.LinkedHashSet<>();
            Map<Integer, java.util.BitSet> allRefs = new java.util.HashMap<>();
            for (int p = 0; p < parts; p++) {
                allConsts.addAll(consts[p]);
                refs[p].forEach((t, bits) -> allRefs.merge(t, bits, (a, b) -> {
                    a.or(b);
                    return a;
                }));
            }
            if (!fixed && bias != null) {
                Sink bs = new Sink(bias, model, priv, allConsts, allRefs);
                for (int o = 0; o < n; o++) {
                    bs.add(terms.bias(o));
                }
            }
            long[] cv = new long[allConsts.size()];
            int i = 0;
            for (long v : allConsts) {
                cv[i++] = v;
            }
            c = new Counted(priv, kept, nonzero, cv, allRefs);
            return c;
        }

        private static long paramValue(Operand op, int i, QModel model) {
            return op.isConstant(i) ? op.val[i] : model.param(op.tensorOf(i))[op.indexOf(i)];
        }

        /**
         * What {@link Lowerer#cell} gives elements of one operand (a shared constant, or a tensor's cell), for many
         * elements: the tensor lookups are made once per tensor, not once per
         * multiply-add (this runs for every term of the model).
         */
        private static final class Sink {
            final Operand op;
            final QModel model;
            final boolean priv;
            final java.util.Set<Long> consts;
            final Map<Integer, java.util.BitSet> refs;
            int lastTensor = -1;
            long[] lastConst;
            java.util.BitSet lastBits;

            Sink(Operand op, QModel model, boolean priv, java.util.Set<Long> consts, Map<Integer, java.util.BitSet> refs) {
                this.op = op;
                this.model = model;
                this.priv = priv;
                this.consts = consts;
                this.refs = refs;
            }

            void add(int i) {
                if (op.isConstant(i)) {
                    consts.add(op.val[i]);
                    return;
                }
                int t = op.tensorOf(i);
                if (t != lastTensor) {
                    lastTensor = t;
                    boolean asConst = model.isParam(t) && !priv;
                    lastConst = asConst ? model.param(t) : null;
                    lastBits = asConst ? null : refs.computeIfAbsent(t, k -> new java.util.BitSet());
                }
                if (lastBits != null) {
                    lastBits.set(op.indexOf(i));
                } else {
                    consts.add(lastConst[op.indexOf(i)]);
                }
            }
        }

        /**
         * Counting placement: the same charges as {@link #lower} in a filled layout, from per-output counts. The
         * constant cells the terms read are asked for in the order the filled placement asks; the columns of every
         * cell the terms (and, with cell weights, the biases) read join the copy columns.
         */
        private Cell[] lowerCounted(Lowerer lw, boolean fixed) {
            Counted c = counted(lw, fixed);
            java.util.Set<dev.zkscope.circuit.Column> sources = new java.util.HashSet<>();
            for (long v : c.constants) {
                sources.add(lw.layout.constant(v).column());
            }
            c.cells.forEach((t, bits) -> {
                for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                    sources.add(lw.cell(new Src(t, i)).column());
                }
            });
            int n = size();
            if (fixed) {
                int nonzeroBias = 0;
                if (bias != null) {
                    for (int o = 0; o < n; o++) {
                        nonzeroBias += lw.paramValue(bias.get(terms.bias(o))) != 0 ? 1 : 0;
                    }
                }
                return DotGadget.countFixed(lw.layout, c.kept, c.nonzero, nonzeroBias, sources);
            }
            return DotGadget.countPrivate(lw.layout, c.kept, bias != null, sources);
        }

        private volatile Work work;
        private volatile QModel workModel;

        @Override
        public Work work(QModel m, long[] bounds) {
            Work cached = work;
            if (cached != null && workModel == m) {
                return cached;
            }
            int n = size();
            long macs = 0;
            long var = 0;
            if (!x.anyConstant() && w.isTensor()) {
                for (int o = 0; o < n; o++) {
                    macs += terms.count(o);
                }
                var = m.isParam(w.tensor) ? 0 : macs;
            } else {
                int[] xi = new int[terms.maxTerms()];
                int[] wi = new int[terms.maxTerms()];
                for (int o = 0; o < n; o++) {
                    int c = terms.fill(o, xi, wi);
                    for (int k = 0; k < c; k++) {
                        if (x.isConstant(xi[k])) {
                            continue;
                        }
                        macs++;
                        if (!w.isConstant(wi[k]) && !m.isParam(w.tensorOf(wi[k]))) {
                            var++;
                        }
                    }
                }
            }
            Work r = new Work(macs, var, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n);
            if (var == 0 && macs > 0) {
                // output channels: a convolution's out channels, a product with a parameter matrix its columns, else
                // (one weight row per output) every output
                long ch = terms instanceof ConvTerms ct ? ct.outChannels()
                        : terms instanceof MatMulTerms mt ? mt.cols() : n;
                java.util.BitSet read = new java.util.BitSet();
                x.readTensors(read);
                long inputs = 0;
                for (int t = read.nextSetBit(0); t >= 0; t = read.nextSetBit(t + 1)) {
                    inputs += m.size(t);
                }
                r = r.withDot(Math.min(ch, n), terms.maxTerms(), inputs);
            }
            work = r;
            workModel = m;
            return r;
        }
    }

    /** out[i] = divRound(x[i], d), {@link FixedPoint#divRound}: rescaling (d = 2^k), means, average pooling. */
    public static final class Div extends Step {
        final Srcs xs;
        final long d;

        /** The dividends (for other backends; made on demand). */
        public Src[] inputs() { return xs.toArray(); }

        /** The dividends in primitive form. */
        public Srcs inputSrcs() { return xs; }

        public Div(String layer, String op, int out, Src[] xs, long d) {
            this(layer, op, out, Srcs.of(xs), d);
        }

        public Div(String layer, String op, int out, Srcs xs, long d) {
            super(layer, op, out);
            this.xs = xs;
            this.d = d;
        }

        /** The constant divisor (2^k for a rescale). */
        public long divisor() {
            return d;
        }

        @Override public int size() { return xs.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[xs.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = FixedPoint.divRound(xs.value(t, i), d);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return xs.maxBound(b) / d + 1;
        }

        @Override
        public int rangeBits(long[] b) {
            return Math.max(Limbs.bitsFor(d - 1), Limbs.bitsFor(bound(b)) + 1);
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long yMax = bound(lw.bounds);
            if (Long.bitCount(d) == 1 && RescaleGadget.fits(lw.layout.geometry(), Long.numberOfTrailingZeros(d), yMax)) {
                return RescaleGadget.place(lw.layout, lw.cells(xs), Long.numberOfTrailingZeros(d), yMax);
            }
            return DivGadget.place(lw.layout, lw.cells(xs), d, yMax, Long.bitCount(d) == 1 ? "rescale" : "div");
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, xs.size(), Limbs.bitsFor(d - 1) + Limbs.bitsFor(bound(b)) + 1, 0, 0, 0, 0,
                    0, xs.size());
        }
    }

    /** out[i] = alpha[i]*a[i] + beta[i]*b[i] + gamma[i] (Add, Sub, scale alignment, BatchNorm's affine map). */
    public static final class Linear extends Step {
        final Srcs as;
        final Srcs bs;
        final Coefs alpha;
        final Coefs beta;
        final Coefs gamma;

        /** The two sides (bs null when absent) and the coefficients (for other backends; made on demand). */
        public Src[] lefts() { return as.toArray(); }
        public Src[] rights() { return bs == null ? null : bs.toArray(); }
        public long[] alphas() { return alpha.toArray(); }
        public long[] betas() { return beta.toArray(); }
        public long[] gammas() { return gamma.toArray(); }

        public Linear(String layer, String op, int out, Src[] as, Src[] bs, long[] alpha, long[] beta, long[] gamma) {
            this(layer, op, out, Srcs.of(as), bs == null ? null : Srcs.of(bs), Coefs.of(alpha), Coefs.of(beta),
                    Coefs.of(gamma));
        }

        public Linear(String layer, String op, int out, Srcs as, Srcs bs, Coefs alpha, Coefs beta, Coefs gamma) {
            super(layer, op, out);
            int n = as.size();
            if ((bs != null && bs.size() != n) || alpha.size() != n || beta.size() != n || gamma.size() != n) {
                throw new IllegalArgumentException("linear step of " + layer + ": operands and coefficients differ in "
                        + "length");
            }
            this.as = as;
            this.bs = bs;
            this.alpha = alpha;
            this.beta = beta;
            this.gamma = gamma;
        }

        @Override public int size() { return as.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.size()];
            for (int i = 0; i < y.length; i++) {
                long v = Math.multiplyExact(alpha.get(i), as.value(t, i)) + gamma.get(i);
                if (bs != null) {
                    v = Math.addExact(v, Math.multiplyExact(beta.get(i), bs.value(t, i)));
                }
                y[i] = v;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            int n = as.size();
            for (int i = 0; i < n; i++) {
                long v = sat(satMul(Math.abs(alpha.get(i)), as.bound(b, i)), Math.abs(gamma.get(i)));
                if (bs != null) {
                    v = sat(v, satMul(Math.abs(beta.get(i)), bs.bound(b, i)));
                }
                m = Math.max(m, v);
            }
            return m;
        }

        /** The coefficients of element i: (alpha, beta or 0 without a second side, gamma). */
        private record Key(long alpha, long beta, long gamma) {
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            int n = as.size();
            Cell[] out = new Cell[n];
            if (n == 0) {
                return out;
            }
            // rows pack elements that share (alpha, beta, gamma), groups in order of first appearance
            Map<Key, int[]> groups = new LinkedHashMap<>();
            if (alpha.isUniform() && beta.isUniform() && gamma.isUniform()) {
                int[] all = new int[n];
                for (int i = 0; i < n; i++) {
                    all[i] = i;
                }
                groups.put(new Key(alpha.get(0), bs == null ? 0L : beta.get(0), gamma.get(0)), all);
            } else {
                Map<Key, Integer> slot = new LinkedHashMap<>();
                int[] groupOf = new int[n];
                int[] sizes = new int[16];
                for (int i = 0; i < n; i++) {
                    Key k = new Key(alpha.get(i), bs == null ? 0L : beta.get(i), gamma.get(i));
                    Integer s = slot.get(k);
                    if (s == null) {
                        s = slot.size();
                        slot.put(k, s);
                        if (s == sizes.length) {
                            sizes = java.util.Arrays.copyOf(sizes, 2 * s);
                        }
                    }
                    groupOf[i] = s;
                    sizes[s]++;
                }
                int[][] members = new int[slot.size()][];
                for (int s = 0; s < members.length; s++) {
                    members[s] = new int[sizes[s]];
                }
                int[] fill = new int[members.length];
                for (int i = 0; i < n; i++) {
                    members[groupOf[i]][fill[groupOf[i]]++] = i;
                }
                for (Map.Entry<Key, Integer> e : slot.entrySet()) {
                    groups.put(e.getKey(), members[e.getValue()]);
                }
            }
            for (Map.Entry<Key, int[]> e : groups.entrySet()) {
                int[] idx = e.getValue();
                Cell[] a = new Cell[idx.length];
                Cell[] b = bs == null ? null : new Cell[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    a[j] = lw.cell(as, idx[j]);
                    if (b != null) {
                        b[j] = lw.cell(bs, idx[j]);
                    }
                }
                Key k = e.getKey();
                Cell[] y = LinearGadget.placeLinear(lw.layout, a, b, k.alpha(), k.beta(), k.gamma());
                for (int j = 0; j < idx.length; j++) {
                    out[idx[j]] = y[j];
                }
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, as.size(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, as.size());
        }
    }

    /** out[i] = a[i] * b[i] (element-wise Mul, before its rescale). */
    public static final class Mul extends Step {
        final Srcs as;
        final Srcs bs;

        /** The two factors of each product (for other backends; made on demand). */
        public Src[] lefts() { return as.toArray(); }
        public Src[] rights() { return bs.toArray(); }

        public Mul(String layer, String op, int out, Src[] as, Src[] bs) {
            this(layer, op, out, Srcs.of(as), Srcs.of(bs));
        }

        public Mul(String layer, String op, int out, Srcs as, Srcs bs) {
            super(layer, op, out);
            if (as.size() != bs.size()) {
                throw new IllegalArgumentException("product step of " + layer + ": factors differ in length");
            }
            this.as = as;
            this.bs = bs;
        }

        @Override public int size() { return as.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.multiplyExact(as.value(t, i), bs.value(t, i));
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            long m = 0;
            int n = as.size();
            for (int i = 0; i < n; i++) {
                m = Math.max(m, satMul(as.bound(b, i), bs.bound(b, i)));
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return LinearGadget.placeMul(lw.layout, lw.cells(as), lw.cells(bs));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, as.size(), 0, as.size(), 0, 0, 0, 0, 0, 0, 0, 0, 0, as.size());
        }
    }

    /** out[i] = max or min(a[i], b[i]); b may be a constant (ReLU: max(x, 0); Clip: two of these). */
    public static final class Compare extends Step {
        final Srcs as;
        final Srcs bs;
        final CompareGadget.Kind kind;

        /** The compared pairs and the kind (for other backends; made on demand). */
        public Src[] left() { return as.toArray(); }
        public Src[] right() { return bs.toArray(); }
        public boolean isMax() { return kind == CompareGadget.Kind.MAX; }

        /** Whether this is max(x, 0) on every pair: a ReLU (the sumcheck backend's plan and its estimate ask). */
        public boolean isRelu() {
            if (!isMax()) {
                return false;
            }
            for (Src r : right()) {
                if (!r.isConstant() || r.value() != 0) {
                    return false;
                }
            }
            return true;
        }

        public Compare(String layer, String op, int out, Src[] as, Src[] bs, CompareGadget.Kind kind) {
            this(layer, op, out, Srcs.of(as), Srcs.of(bs), kind);
        }

        public Compare(String layer, String op, int out, Srcs as, Srcs bs, CompareGadget.Kind kind) {
            super(layer, op, out);
            if (as.size() != bs.size()) {
                throw new IllegalArgumentException("comparison step of " + layer + ": sides differ in length");
            }
            this.as = as;
            this.bs = bs;
            this.kind = kind;
        }

        @Override public int size() { return as.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[as.size()];
            for (int i = 0; i < y.length; i++) {
                long a = as.value(t, i);
                long b = bs.value(t, i);
                y[i] = kind == CompareGadget.Kind.MAX ? Math.max(a, b) : Math.min(a, b);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return Math.max(as.maxBound(b), bs.maxBound(b));
        }

        private long diffBound(long[] b) {
            long m = 0;
            int n = as.size();
            for (int i = 0; i < n; i++) {
                m = Math.max(m, sat(as.bound(b, i), bs.bound(b, i)));
            }
            return m;
        }

        @Override
        public int rangeBits(long[] b) {
            return Limbs.bitsFor(diffBound(b));
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long db = diffBound(lw.bounds);
            int n = as.size();
            Cell[] out = new Cell[n];
            Map<Long, CompareGadget.Packer> constPackers = new LinkedHashMap<>();
            CompareGadget.Packer cells = null;
            for (int i = 0; i < n; i++) {
                Cell a = lw.cell(as, i);
                if (bs.isConstant(i)) {
                    long k = bs.constant(i);
                    out[i] = constPackers.computeIfAbsent(k, kk -> new CompareGadget.Packer(lw.layout, kind, true, kk, db))
                            .add(a, null);
                } else {
                    if (cells == null) {
                        cells = new CompareGadget.Packer(lw.layout, kind, false, 0, db);
                    }
                    out[i] = cells.add(a, lw.cell(bs, i));
                }
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, as.size(), rangeBits(b), 0, 0, 0, 0, 0, 0, 0, as.size());
        }
    }

    /** out[o] = max over the window x[o][*] (MaxPool, ReduceMax, Softmax's max), a chain of pairwise maxima. */
    public static final class MaxReduce extends Step {
        final SrcWindows windows;

        /** The elements each output is the maximum of (for other backends; made on demand). */
        public Src[][] windows() { return windows.toArray(); }

        /** The windows in primitive form. */
        public SrcWindows windowSrcs() { return windows; }

        public MaxReduce(String layer, String op, int out, Src[][] windows) {
            this(layer, op, out, SrcWindows.of(windows));
        }

        public MaxReduce(String layer, String op, int out, SrcWindows windows) {
            super(layer, op, out);
            for (int o = 0; o < windows.size(); o++) {
                if (windows.count(o) == 0) {
                    throw new IllegalArgumentException("maximum step of " + layer + ": window " + o + " is empty");
                }
            }
            this.windows = windows;
        }

        @Override public int size() { return windows.size(); }

        @Override
        public long[] eval(long[][] t) {
            Srcs x = windows.elements();
            long[] y = new long[windows.size()];
            for (int o = 0; o < y.length; o++) {
                int from = windows.start(o);
                int to = from + windows.count(o);
                long m = x.value(t, from);
                for (int k = from + 1; k < to; k++) {
                    m = Math.max(m, x.value(t, k));
                }
                y[o] = m;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return windows.elements().maxBound(b);
        }

        @Override
        public int rangeBits(long[] b) {
            return Limbs.bitsFor(sat(bound(b), bound(b)));
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            long db = sat(bound(lw.bounds), bound(lw.bounds));
            Srcs x = windows.elements();
            Cell[] out = new Cell[windows.size()];
            CompareGadget.Packer p = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MAX, false, 0, db);
            for (int o = 0; o < out.length; o++) {
                int from = windows.start(o);
                int to = from + windows.count(o);
                Cell m = lw.cell(x, from);
                for (int k = from + 1; k < to; k++) {
                    m = p.add(m, lw.cell(x, k));
                }
                out[o] = m;
            }
            return out;
        }

        @Override
        public Work work(QModel m, long[] b) {
            long c = windows.elements().size() - (long) windows.size();
            return new Work(0, 0, 0, 0, c, rangeBits(b), 0, 0, 0, 0, 0, 0, 0, windows.size());
        }
    }

    /** out[o] = sum over the window x[o][*] (ReduceSum; with a {@link Div} after it, means and average pooling). */
    public static final class Sum extends Step {
        final SrcWindows windows;

        /** The summed elements of each output (for other backends; made on demand). */
        public Src[][] windows() { return windows.toArray(); }

        /** The windows in primitive form. */
        public SrcWindows windowSrcs() { return windows; }

        public Sum(String layer, String op, int out, Src[][] windows) {
            this(layer, op, out, SrcWindows.of(windows));
        }

        public Sum(String layer, String op, int out, SrcWindows windows) {
            super(layer, op, out);
            this.windows = windows;
        }

        @Override public int size() { return windows.size(); }

        @Override
        public long[] eval(long[][] t) {
            Srcs x = windows.elements();
            long[] y = new long[windows.size()];
            for (int o = 0; o < y.length; o++) {
                int from = windows.start(o);
                int to = from + windows.count(o);
                long s = 0;
                for (int k = from; k < to; k++) {
                    s = Math.addExact(s, x.value(t, k));
                }
                y[o] = s;
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            Srcs x = windows.elements();
            long m = 0;
            for (int o = 0; o < windows.size(); o++) {
                int from = windows.start(o);
                int to = from + windows.count(o);
                long s = 0;
                for (int k = from; k < to; k++) {
                    s = sat(s, x.bound(b, k));
                }
                m = Math.max(m, s);
            }
            return m;
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            Srcs x = windows.elements();
            List<Cell[]> xs = new ArrayList<>(windows.size());
            for (int o = 0; o < windows.size(); o++) {
                int from = windows.start(o);
                int to = from + windows.count(o);
                int kept = 0;
                for (int k = from; k < to; k++) {
                    kept += x.isConstant(k) && x.constant(k) == 0 ? 0 : 1;
                }
                Cell[] c = new Cell[kept];
                int at = 0;
                for (int k = from; k < to; k++) {
                    if (x.isConstant(k) && x.constant(k) == 0) {
                        continue;
                    }
                    c[at++] = lw.cell(x, k);
                }
                xs.add(c);
            }
            return DotGadget.placeSum(lw.layout, xs, new long[windows.size()]);
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, windows.elements().size(), 0, windows.size());
        }
    }

    /** out[i] = f(x[i]) by table lookup over the table's calibrated input range. */
    public static final class Lookup extends Step {
        final Srcs xs;
        final TableSpec table;
        final boolean ofWeights;

        /** The looked-up inputs and the table (for other backends; inputs made on demand). */
        public Src[] inputs() { return xs.toArray(); }
        public TableSpec table() { return table; }

        /** The looked-up inputs in primitive form. */
        public Srcs inputSrcs() { return xs; }

        public Lookup(String layer, String op, int out, Src[] xs, TableSpec table) {
            this(layer, op, out, xs, table, false);
        }

        /**
         * With {@code ofWeights} the table holds model weights (Gather from an embedding at run-time indices): its
         * whole range is stored (membership itself bounds the key, see {@code QuantizedLowering}'s Gather), and it
         * is refused when weights are not fixed in the key.
         */
        public Lookup(String layer, String op, int out, Src[] xs, TableSpec table, boolean ofWeights) {
            this(layer, op, out, Srcs.of(xs), table, ofWeights);
        }

        public Lookup(String layer, String op, int out, Srcs xs, TableSpec table, boolean ofWeights) {
            super(layer, op, out);
            this.xs = xs;
            this.table = table;
            this.ofWeights = ofWeights;
        }

        @Override public int size() { return xs.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[xs.size()];
            for (int i = 0; i < y.length; i++) {
                long x = xs.value(t, i);
                if (x < table.lo() || x > table.hi()) {
                    throw new WitnessException(layer, x, "input " + x + " is outside the calibrated range ["
                            + table.lo() + ", " + table.hi() + "] of table " + table.name());
                }
                y[i] = table.f().applyAsLong(x);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return ofWeights ? weightsMaxAbs() : table.maxAbs();
        }

        /** max |f| of a table of weights (not shared between steps, see {@link TableSpec#maxAbs}), scanned once. */
        private volatile long weightsMax = -1;

        private long weightsMaxAbs() {
            long m = weightsMax;
            if (m < 0) {
                // an embedding table is tens of millions of entries; bounds are asked for by every pass over the model
                weightsMax = m = table.scanMaxAbs();
            }
            return m;
        }

        /**
         * The part of the table's range that must be stored: f is constant on [lo, a] and on [b, hi] (a saturating
         * function such as exp of very negative inputs, erf, sigmoid or tanh at the calibrated scales).
         */
        long[] core() {
            if (ofWeights) {
                return new long[]{table.lo(), table.hi()};
            }
            return table.saturationCore();
        }

        /**
         * y = f(x) for x in the calibrated [lo, hi]. When f saturates, only its core [a, b] is stored and x is first
         * clamped to it by two comparisons, y = T(min(max(x, a), b)), which is the same function on [lo, hi]; this is
         * done when the table rows saved exceed the rows the comparisons add. An input outside [lo, hi] is still a
         * witness error, as in the quantized evaluator.
         */
        @Override
        public Cell[] lower(Lowerer lw) {
            if (ofWeights && lw.privateParams) {
                throw new dev.zkscope.compile.CompileException("node " + layer + " looks up its weights by a run-time "
                        + "index: that table is fixed in the verifying key, so its weights cannot be private or hashed; "
                        + "compile with fixed weights");
            }
            long[] core = core();
            long saved = (core[0] - table.lo()) + (table.hi() - core[1]);
            Cell[] in = lw.cells(xs);
            long lo = table.lo();
            long hi = table.hi();
            if (saved > 2L * xs.size() + 16) {
                lw.layout.filler(t -> {
                    for (Cell c : in) {
                        long x = t.get(c);
                        if (x < lo || x > hi) {
                            throw new WitnessException(layer, x, "input " + x + " is outside the calibrated range ["
                                    + lo + ", " + hi + "] of table " + table.name());
                        }
                    }
                });
                long xb = lw.bound(xs);
                CompareGadget.Packer up = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MAX, true, core[0],
                        sat(xb, Math.abs(core[0])));
                Cell[] clamped = new Cell[in.length];
                for (int i = 0; i < in.length; i++) {
                    clamped[i] = up.add(in[i], null);
                }
                CompareGadget.Packer down = new CompareGadget.Packer(lw.layout, CompareGadget.Kind.MIN, true, core[1],
                        sat(Math.max(xb, Math.abs(core[0])), Math.abs(core[1])));
                for (int i = 0; i < in.length; i++) {
                    clamped[i] = down.add(clamped[i], null);
                }
                Tables.FunctionTable t = lw.layout.tables().function(table.name(), table.function(), table.f(), core[0], core[1]);
                return LookupGadget.place(lw.layout, clamped, t);
            }
            Tables.FunctionTable t = lw.layout.tables().function(table.name(), table.function(), table.f(), lo, hi);
            return LookupGadget.place(lw.layout, in, t);
        }

        @Override
        public int rangeBits(long[] b) {
            long[] core = core();
            long xb = xs.maxBound(b);
            return Limbs.bitsFor(sat(Math.max(xb, Math.abs(core[0])), Math.max(Math.abs(core[0]), Math.abs(core[1]))));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, xs.size(), table.hi() - table.lo() + 1, 0, 0, xs.size());
        }
    }

    /** out[i] = src[i] (Reshape, Flatten, Transpose, Concat, Slice, Pad, Squeeze): no rows, no gates. */
    public static final class Wire extends Step {
        final Srcs srcs;

        /** Where each output element is read from (for other backends; made on demand). */
        public Src[] sources() { return srcs.toArray(); }

        /** The sources in primitive form. */
        public Srcs sourceSrcs() { return srcs; }

        public Wire(String layer, String op, int out, Src[] srcs) {
            this(layer, op, out, Srcs.of(srcs));
        }

        public Wire(String layer, String op, int out, Srcs srcs) {
            super(layer, op, out);
            this.srcs = srcs;
        }

        @Override public int size() { return srcs.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[srcs.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = srcs.value(t, i);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return srcs.maxBound(b);
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return lw.cells(srcs);
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, srcs.size(), srcs.size());
        }
    }

    /** out[i] = divRound(num[i], den[i]) with den[i] &gt;= 1 (Softmax's normalisation). */
    public static final class VarDiv extends Step {
        final Srcs nums;
        final Srcs dens;

        /** Numerators and denominators (for other backends; made on demand). */
        public Src[] nums() { return nums.toArray(); }
        public Src[] dens() { return dens.toArray(); }

        public VarDiv(String layer, String op, int out, Src[] nums, Src[] dens) {
            this(layer, op, out, Srcs.of(nums), Srcs.of(dens));
        }

        public VarDiv(String layer, String op, int out, Srcs nums, Srcs dens) {
            super(layer, op, out);
            if (nums.size() != dens.size()) {
                throw new IllegalArgumentException("division step of " + layer + ": numerators and denominators "
                        + "differ in length");
            }
            this.nums = nums;
            this.dens = dens;
        }

        @Override public int size() { return nums.size(); }

        @Override
        public long[] eval(long[][] t) {
            long[] y = new long[nums.size()];
            for (int i = 0; i < y.length; i++) {
                long d = dens.value(t, i);
                if (d < 1) {
                    throw new WitnessException(layer, d, "divisor " + d + " is not positive");
                }
                y[i] = FixedPoint.divRound(nums.value(t, i), d);
            }
            return y;
        }

        @Override
        public long bound(long[] b) {
            return nums.maxBound(b) + 1;
        }

        private long denBound(long[] b) {
            return dens.maxBound(b);
        }

        @Override
        public int rangeBits(long[] b) {
            long den = denBound(b);
            return Math.max(Math.max(Limbs.bitsFor(Math.max(0, den - 1)), Limbs.bitsFor(den / 2)),
                    Limbs.bitsFor(bound(b)) + 1);
        }

        @Override
        public Cell[] lower(Lowerer lw) {
            return VarDivGadget.place(lw.layout, lw.cells(nums), lw.cells(dens), bound(lw.bounds), denBound(lw.bounds));
        }

        @Override
        public Work work(QModel m, long[] b) {
            return new Work(0, nums.size(), 0, 0, 0, 0, 0, rangeBits(b), nums.size(), 0, 0, 0, 0, nums.size());
        }
    }
}
