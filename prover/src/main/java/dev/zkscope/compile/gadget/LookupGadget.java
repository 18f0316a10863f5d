package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.Tables;
import dev.zkscope.compile.WitnessException;

/**
 * Unary nonlinearities (Sigmoid, Tanh, Exp, Erf/Gelu, Sqrt, Reciprocal, Log, ...) by lookup: each input x sits next
 * to its output y in a function lane (a[2l], a[2l+1]), and (tag, x, y) must be a row of the shared tagged table,
 * which holds (tag, x, f(x)) for x over the table's calibrated range. {@code fnLanes} elements per row. An input
 * outside the table's range at proving time is a {@link WitnessException} naming the layer and the value.
 */
public final class LookupGadget {
    private LookupGadget() {}

    /** y_i = table(x_i); returns the output cells. */
    public static Cell[] place(TraceLayout l, Cell[] xs, Tables.FunctionTable table) {
        Geometry g = l.geometry();
        int lanes = g.fnLanes();
        int rowsNeeded = (xs.length + lanes - 1) / lanes;
        int row = l.allocRows(rowsNeeded, "lookup:" + table.name());
        String layer = l.currentLayer();
        Cell[] outs = new Cell[xs.length];
        int full = xs.length / lanes;
        int first = 0;
        if (l.isCounting() && full > 1) {
            // every full row is placed alike: place the first, charge the others in bulk, copy the inputs
            TraceLayout.Tally before = l.tally();
            for (int lane = 0; lane < lanes; lane++) {
                l.advice(2 * lane, row);
                l.advice(2 * lane + 1, row);
                l.functionLookup(lane, row, table);
            }
            l.repeatSince(before, full - 1L, row + 1, full - 1);
            for (int i = 0; i < full * lanes; i++) {
                int rr = row + i / lanes;
                int lane = i % lanes;
                l.copy(xs[i], new Cell(Column.advice(2 * lane), rr));
                outs[i] = new Cell(Column.advice(2 * lane + 1), rr);
            }
            first = full * lanes;
        }
        for (int i = first; i < xs.length; i++) {
            final int rr = row + i / lanes;
            final int lane = i % lanes;
            final Cell src = xs[i];
            l.copy(src, l.advice(2 * lane, rr));
            outs[i] = l.advice(2 * lane + 1, rr);
            l.functionLookup(lane, rr, table);
            l.filler(t -> {
                long x = t.get(src);
                if (x < table.lo() || x > table.hi()) {
                    throw new WitnessException(layer, x, "input " + x + " is outside the range [" + table.lo() + ", "
                            + table.hi() + "] of table " + table.name());
                }
                t.set(2 * lane, rr, x);
                t.set(2 * lane + 1, rr, table.apply(x));
            });
        }
        return outs;
    }
}
