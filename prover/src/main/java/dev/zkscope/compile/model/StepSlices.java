package dev.zkscope.compile.model;

import dev.zkscope.compile.CompileException;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A step restricted to a range of its output elements, for splitting one layer of the layer IR along its output
 * rows (segmented proving, {@code segment.LayerSplit}): output {@code o} of the restricted step is output
 * {@code lo + o} of the original, computed from the same input elements with the same integer semantics and the same
 * gadgets. Reads are rewritten by a caller-given map (a new tensor numbering, and the shift of tensors that are
 * themselves restricted). Every step kind is covered; a dot product keeps its operands whole and indexes its terms
 * with an offset ({@link Window}), so no term is materialised.
 */
public final class StepSlices {
    private StepSlices() {}

    /**
     * Step {@code s} restricted to its outputs [lo, hi), writing tensor {@code out}, its reads rewritten by
     * {@code read} (a constant is never passed to it) and a whole-tensor operand of a dot product by {@code tensor}
     * (which must refuse a tensor that cannot be read whole, with a {@link CompileException}).
     */
    public static Step restrict(Step s, int lo, int hi, String layer, int out, UnaryOperator<Src> read,
                                java.util.function.IntUnaryOperator tensor) {
        return restrict(s, lo, hi, layer, out, read, (java.util.function.IntFunction<Taken>) t ->
                new Taken(tensor.applyAsInt(t), 0, -1));
    }

    /**
     * A tensor as a restricted step reads it: its id in the new numbering and the range [offset, offset + size) of the
     * original's elements it holds (size -1: all of them, offset 0). A part of a split layer that takes only the slice
     * of its input that its outputs read (a depthwise convolution's channels, an element-wise op's range) reads it so.
     */
    public record Taken(int tensor, int offset, int size) {}

    /**
     * As {@link #restrict(Step, int, int, String, int, UnaryOperator, java.util.function.IntUnaryOperator)}, with a
     * dot product's whole-tensor operand given as a {@link Taken} slice: its terms' indices are shifted by the slice's
     * offset, and a term outside the slice is a {@link CompileException} (the slice was chosen too small).
     */
    public static Step restrict(Step s, int lo, int hi, String layer, int out, UnaryOperator<Src> read,
                                java.util.function.IntFunction<Taken> tensor) {
        if (lo < 0 || hi > s.size() || lo >= hi) {
            throw new IllegalArgumentException("outputs [" + lo + ", " + hi + ") of " + s.size());
        }
        if (s instanceof Steps.Dot d) {
            Taken tx = d.x.isTensor() ? tensor.apply(d.x.tensor) : null;
            Taken tw = d.w.isTensor() ? tensor.apply(d.w.tensor) : null;
            int xOff = tx == null ? 0 : tx.offset();
            int wOff = tw == null ? 0 : tw.offset();
            int xSize = tx == null || tx.size() < 0 ? d.x.size : tx.size();
            int wSize = tw == null || tw.size() < 0 ? d.w.size : tw.size();
            Steps.Dot.Terms terms = new Window(d.terms, lo, hi);
            if (xOff != 0 || wOff != 0 || xSize != d.x.size || wSize != d.w.size) {
                terms = new Shift(terms, xOff, xSize, wOff, wSize, s.layer());
            }
            Steps.Dot.Operand bias = null;
            if (d.bias != null) {
                if (d.bias.isTensor()) {
                    Taken tb = tensor.apply(d.bias.tensor);
                    if (tb.offset() != 0 || (tb.size() >= 0 && tb.size() != d.bias.size)) {
                        throw new CompileException("layer " + s.layer() + " (" + s.op() + ") cannot be split so: "
                                + "its bias is read from a slice of a tensor");
                    }
                    bias = Steps.Dot.Operand.tensor(tb.tensor(), d.bias.size);
                } else {
                    bias = operand(d.bias, read, null);
                }
            }
            return new Steps.Dot(layer, d.op(), out,
                    tx != null ? Steps.Dot.Operand.tensor(tx.tensor(), xSize) : operand(d.x, read, null),
                    tw != null ? Steps.Dot.Operand.tensor(tw.tensor(), wSize) : operand(d.w, read, null),
                    terms, bias);
        }
        if (s instanceof Steps.Div d) {
            return new Steps.Div(layer, d.op(), out, d.xs.slice(lo, hi, read), d.d);
        }
        if (s instanceof Steps.Linear l) {
            return new Steps.Linear(layer, l.op(), out, l.as.slice(lo, hi, read),
                    l.bs == null ? null : l.bs.slice(lo, hi, read), l.alpha.slice(lo, hi),
                    l.beta.slice(lo, hi), l.gamma.slice(lo, hi));
        }
        if (s instanceof Steps.Mul m) {
            return new Steps.Mul(layer, m.op(), out, m.as.slice(lo, hi, read), m.bs.slice(lo, hi, read));
        }
        if (s instanceof Steps.Compare c) {
            return new Steps.Compare(layer, c.op(), out, c.as.slice(lo, hi, read), c.bs.slice(lo, hi, read), c.kind);
        }
        if (s instanceof Steps.MaxReduce m) {
            return new Steps.MaxReduce(layer, m.op(), out, m.windows.slice(lo, hi, read));
        }
        if (s instanceof Steps.Sum m) {
            return new Steps.Sum(layer, m.op(), out, m.windows.slice(lo, hi, read));
        }
        if (s instanceof Steps.Lookup l) {
            return new Steps.Lookup(layer, l.op(), out, l.xs.slice(lo, hi, read), l.table, l.ofWeights);
        }
        if (s instanceof Steps.Wire w) {
            return new Steps.Wire(layer, w.op(), out, w.srcs.slice(lo, hi, read));
        }
        if (s instanceof Steps.VarDiv v) {
            return new Steps.VarDiv(layer, v.op(), out, v.nums.slice(lo, hi, read), v.dens.slice(lo, hi, read));
        }
        throw new CompileException("layer " + s.layer() + " (" + s.op() + ") cannot be split along its outputs: its "
                + "step kind " + s.getClass().getSimpleName() + " has no restriction");
    }

    private static Src map(Src s, UnaryOperator<Src> read) {
        return s == null || s.isConstant() ? s : read.apply(s);
    }

    private static Steps.Dot.Operand operand(Steps.Dot.Operand o, UnaryOperator<Src> read,
                                             java.util.function.IntUnaryOperator tensor) {
        if (o.isTensor()) {
            return Steps.Dot.Operand.tensor(tensor.applyAsInt(o.tensor), o.size);
        }
        Src[] s = new Src[o.size];
        for (int i = 0; i < s.length; i++) {
            s[i] = map(o.get(i), read);
        }
        return Steps.Dot.Operand.of(s);
    }

    /** The terms of outputs [lo, hi) of a dot product, renumbered from 0. */
    public record Window(Steps.Dot.Terms inner, int lo, int hi) implements Steps.Dot.Terms {
        @Override public int outputs() { return hi - lo; }
        @Override public int maxTerms() { return inner.maxTerms(); }
        @Override public int fill(int o, int[] xi, int[] wi) { return inner.fill(lo + o, xi, wi); }
        @Override public int count(int o) { return inner.count(lo + o); }
        @Override public int bias(int o) { return inner.bias(lo + o); }
    }

    /**
     * The range [first, last + 1) of tensor {@code t}'s elements that outputs [lo, hi) of step {@code s} read, or null
     * when they read none of it: what a part of a split layer must take of {@code t}.
     */
    public static int[] readRange(Step s, int lo, int hi, int t) {
        int[] r = {Integer.MAX_VALUE, Integer.MIN_VALUE};
        if (s instanceof Steps.Dot d) {
            Steps.Dot.Terms w = new Window(d.terms, lo, hi);
            int[] xi = new int[Math.max(1, w.maxTerms())];
            int[] wi = new int[xi.length];
            for (int o = 0; o < hi - lo; o++) {
                int n = w.fill(o, xi, wi);
                for (int k = 0; k < n; k++) {
                    note(d.x, xi[k], t, r);
                    note(d.w, wi[k], t, r);
                }
                if (d.bias != null) {
                    note(d.bias, w.bias(o), t, r);
                }
            }
        } else {
            restrict(s, lo, hi, s.layer(), s.out(), src -> {
                if (src.tensor() == t) {
                    r[0] = Math.min(r[0], src.index());
                    r[1] = Math.max(r[1], src.index());
                }
                return src;
            }, (java.util.function.IntUnaryOperator) x -> x);
        }
        return r[0] > r[1] ? null : new int[] {r[0], r[1] + 1};
    }

    private static void note(Steps.Dot.Operand o, int i, int t, int[] r) {
        if (o.tensorOf(i) == t && !o.isConstant(i)) {
            int idx = o.indexOf(i);
            r[0] = Math.min(r[0], idx);
            r[1] = Math.max(r[1], idx);
        }
    }

    /** Terms whose whole-tensor operands hold only a slice [off, off + size) of the original tensors. */
    record Shift(Steps.Dot.Terms inner, int xOff, int xSize, int wOff, int wSize, String layer)
            implements Steps.Dot.Terms {
        @Override public int outputs() { return inner.outputs(); }
        @Override public int maxTerms() { return inner.maxTerms(); }
        @Override public int count(int o) { return inner.count(o); }
        @Override public int bias(int o) { return inner.bias(o); }

        @Override
        public int fill(int o, int[] xi, int[] wi) {
            int n = inner.fill(o, xi, wi);
            for (int k = 0; k < n; k++) {
                xi[k] -= xOff;
                wi[k] -= wOff;
                if (xi[k] < 0 || xi[k] >= xSize || wi[k] < 0 || wi[k] >= wSize) {
                    throw new CompileException("layer " + layer + ": output " + o + " of a part reads an element "
                            + "outside the slice of its operand the part takes");
                }
            }
            return n;
        }
    }
}
