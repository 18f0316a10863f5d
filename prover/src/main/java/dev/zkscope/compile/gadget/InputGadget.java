package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.TraceLayout;

/**
 * Cells that the prover fills from outside (a private input tensor, private weights): {@code width} values per row,
 * no gate. Their values are set by the caller of {@link TraceLayout#fill}; public values live in the instance column
 * instead ({@link TraceLayout#instance()}).
 */
public final class InputGadget {
    private InputGadget() {}

    public static Cell[] placePrivate(TraceLayout l, int count, String gadget) {
        int w = l.width();
        int rows = (count + w - 1) / w;
        int row = l.allocRows(rows, gadget);
        Cell[] out = new Cell[count];
        for (int i = 0; i < count; i++) {
            out[i] = l.advice(i % w, row + i / w);
        }
        return out;
    }

    public static Cell[] placePublic(TraceLayout l, int count) {
        Cell[] out = new Cell[count];
        for (int i = 0; i < count; i++) {
            out[i] = l.instance();
        }
        return out;
    }
}
