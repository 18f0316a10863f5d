package dev.zkscope.compile.model;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.TraceLayout;

/** What a step sees while it is placed: the layout, the cells of every earlier tensor, and the value bounds. */
public final class Lowerer {
    final TraceLayout layout;
    final Cell[][] cells;
    final long[] bounds;
    final QModel model;
    final boolean privateParams;

    public Lowerer(TraceLayout layout, QModel model, Cell[][] cells, long[] bounds, boolean privateParams) {
        this.privateParams = privateParams;
        this.layout = layout;
        this.model = model;
        this.cells = cells;
        this.bounds = bounds;
    }

    /** The cell of an element; a constant gets a shared constant cell; a parameter gets its (fixed or private) cell. */
    Cell cell(Src s) {
        if (s.isConstant()) {
            return layout.constant(s.value());
        }
        if (model.isParam(s.tensor()) && !privateParams) {
            return layout.constant(model.param(s.tensor())[s.index()]);
        }
        Cell[] t = cells[s.tensor()];
        if (t == null && model.isParam(s.tensor())) {
            // advice parameters that no hash placed (products of two activations whose weights are fixed)
            long[] values = model.param(s.tensor());
            t = dev.zkscope.compile.gadget.InputGadget.placePrivate(layout, values.length, "weights");
            cells[s.tensor()] = t;
            final Cell[] placed = t;
            layout.filler(tr -> {
                for (int i = 0; i < values.length; i++) {
                    tr.set(placed[i], values[i]);
                }
            });
        }
        if (t == null) {
            throw new IllegalStateException("tensor " + s.tensor() + " has no cells yet");
        }
        return t[s.index()];
    }

    Cell[] cells(Src[] srcs) {
        Cell[] out = new Cell[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            out[i] = cell(srcs[i]);
        }
        return out;
    }

    long bound(Src s) {
        return s.isConstant() ? Math.abs(s.value()) : bounds[s.tensor()];
    }

    long bound(Src[] srcs) {
        long b = 0;
        for (Src s : srcs) {
            b = Math.max(b, bound(s));
        }
        return b;
    }

    /** The value of an element of a parameter tensor or a constant. */
    long paramValue(Src s) {
        return s.isConstant() ? s.value() : model.param(s.tensor())[s.index()];
    }

    boolean isParam(Src s) {
        return s.isConstant() || model.isParam(s.tensor());
    }
}
