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
        if (lo < 0 || hi > s.size() || lo >= hi) {
            throw new IllegalArgumentException("outputs [" + lo + ", " + hi + ") of " + s.size());
        }
        if (s instanceof Steps.Dot d) {
            return new Steps.Dot(layer, d.op(), out, operand(d.x, read, tensor), operand(d.w, read, tensor),
                    new Window(d.terms, lo, hi), d.bias == null ? null : operand(d.bias, read, tensor));
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
}
