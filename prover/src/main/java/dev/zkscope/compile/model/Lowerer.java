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
        return s.isConstant() ? layout.constant(s.value()) : cell(s.tensor(), s.index());
    }

    /** The cell of element i of {@code srcs} (as {@link #cell(Src)}). */
    Cell cell(Srcs srcs, int i) {
        return srcs.isConstant(i) ? layout.constant(srcs.constant(i)) : cell(srcs.tensor(i), srcs.index(i));
    }

    /** The cell of element {@code index} of tensor {@code tensor}. */
    private Cell cell(int tensor, int index) {
        if (model.isParam(tensor) && !privateParams) {
            return layout.constant(model.param(tensor)[index]);
        }
        Cell[] t = cells[tensor];
        if (t == null && model.isParam(tensor)) {
            // advice parameters that no hash placed (products of two activations whose weights are fixed)
            long[] values = model.param(tensor);
            t = dev.zkscope.compile.gadget.InputGadget.placePrivate(layout, values.length, "weights");
            cells[tensor] = t;
            final Cell[] placed = t;
            layout.filler(tr -> {
                for (int i = 0; i < values.length; i++) {
                    tr.set(placed[i], values[i]);
                }
            });
        }
        if (t == null) {
            throw new IllegalStateException("tensor " + tensor + " has no cells yet");
        }
        return t[index];
    }

    Cell[] cells(Src[] srcs) {
        Cell[] out = new Cell[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            out[i] = cell(srcs[i]);
        }
        return out;
    }

    /** The cells of every element of {@code srcs}, in order (a whole activation tensor is one array copy). */
    Cell[] cells(Srcs srcs) {
        int n = srcs.size();
        if (srcs.isRange() && !model.isParam(srcs.tensor(0))) {
            Cell[] t = cells[srcs.tensor(0)];
            if (t != null && n <= t.length) {
                return java.util.Arrays.copyOf(t, n);
            }
        }
        Cell[] out = new Cell[n];
        for (int i = 0; i < n; i++) {
            out[i] = cell(srcs, i);
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

    long bound(Srcs srcs) {
        return srcs.maxBound(bounds);
    }

    /** The value of an element of a parameter tensor or a constant. */
    long paramValue(Src s) {
        return s.isConstant() ? s.value() : model.param(s.tensor())[s.index()];
    }

    boolean isParam(Src s) {
        return s.isConstant() || model.isParam(s.tensor());
    }
}
