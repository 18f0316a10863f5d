package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.quant.FixedPoint;

/**
 * Division of a cell by a positive cell, rounding half up as {@link FixedPoint#divRound}: Softmax's normalisation.
 * With h = floor(d/2) the circuit enforces, over two rows,
 * <pre>
 *   vdiv      x + h - y*d - R_lo = 0          R_lo = r, the remainder (row 1, low limbs)
 *   vdiv_y    y + k_off - R_hi = 0            y bounded (row 1, high limbs)
 *   vdiv_lt   d - 1 - R_lo - R_lo' = 0        d - 1 - r &gt;= 0 (row 2, low limbs), hence 0 &lt;= r &lt; d and d &gt;= 1
 *   vdiv_h    h - R_hi' = 0                   h &gt;= 0 and bounded (row 2, high limbs)
 *   vdiv_p    p*(p - 1) = 0                   p on row 2
 *   vdiv_half d - 2h - p = 0                  so h = floor(d/2)
 * </pre>
 * Row 1 operands: x, d, y, h; row 2 operand: p.
 */
public final class VarDivGadget {
    private VarDivGadget() {}

    private static void gates(TraceLayout l) {
        Geometry g = l.geometry();
        int o = g.operandCol();
        Expr x = Column.advice(o).cur();
        Expr d = Column.advice(o + 1).cur();
        Expr y = Column.advice(o + 2).cur();
        Expr h = Column.advice(o + 3).cur();
        Expr p = Column.advice(o).next();
        Expr q = l.selector("vdiv");
        l.gate("vdiv", () -> q.times(x.plus(h).minus(y.times(d)).minus(Limbs.recompose(g, 0, 0))));
        l.gate("vdiv_y", () -> q.times(y.plus(l.fixedExpr("vdiv_off")).minus(Limbs.recompose(g, 1, 0))));
        l.gate("vdiv_lt", () -> q.times(d.minus(Expr.constant(1)).minus(Limbs.recompose(g, 0, 0)).minus(Limbs.recompose(g, 0, 1))));
        l.gate("vdiv_h", () -> q.times(h.minus(Limbs.recompose(g, 1, 1))));
        l.gate("vdiv_p", () -> q.times(p.times(p).minus(p)));
        l.gate("vdiv_half", () -> q.times(d.minus(h.times(2)).minus(p)));
    }

    /** One element's two rows from {@code rr}, but for the operands' copies. */
    private static void placeRows(TraceLayout l, int rr, long off, int rBits, int yBits, int hBits) {
        int o = l.geometry().operandCol();
        l.enable("vdiv", rr);
        l.setFixed("vdiv_off", rr, off);
        l.advice(o, rr);
        l.advice(o + 1, rr);
        l.advice(o + 2, rr);
        l.advice(o + 3, rr);
        l.advice(o, rr + 1);
        Limbs.place(l, 0, rr, rBits);
        Limbs.place(l, 1, rr, yBits);
        Limbs.place(l, 0, rr + 1, rBits);
        Limbs.place(l, 1, rr + 1, hBits);
    }

    /** y_i = divRound(x_i, d_i); {@code maxAbsOut} bounds |y|, {@code maxDen} bounds d. */
    public static Cell[] place(TraceLayout l, Cell[] xs, Cell[] ds, long maxAbsOut, long maxDen) {
        gates(l);
        Geometry g = l.geometry();
        int o = g.operandCol();
        int rBits = Limbs.bitsFor(Math.max(0, maxDen - 1));
        int hBits = Limbs.bitsFor(maxDen / 2);
        int yBits = Limbs.bitsFor(maxAbsOut) + 1;
        long off = 1L << (yBits - 1);
        int row = l.allocRows(2 * xs.length, "vdiv");
        String layer = l.currentLayer();
        Cell[] outs = new Cell[xs.length];
        if (l.isCounting() && xs.length > 1) {
            // every element's two rows are placed alike: place the first, charge the others in bulk, copy operands
            TraceLayout.Tally before = l.tally();
            placeRows(l, row, off, rBits, yBits, hBits);
            l.repeatSince(before, xs.length - 1L, row + 2, 2 * (xs.length - 1));
            Column x = Column.advice(o);
            Column d = Column.advice(o + 1);
            Column y = Column.advice(o + 2);
            for (int i = 0; i < xs.length; i++) {
                int rr = row + 2 * i;
                l.copy(xs[i], new Cell(x, rr));
                l.copy(ds[i], new Cell(d, rr));
                outs[i] = new Cell(y, rr);
            }
            return outs;
        }
        for (int i = 0; i < xs.length; i++) {
            final int rr = row + 2 * i;
            final Cell xc = xs[i];
            final Cell dc = ds[i];
            placeRows(l, rr, off, rBits, yBits, hBits);
            l.copy(xc, l.advice(o, rr));
            l.copy(dc, l.advice(o + 1, rr));
            outs[i] = l.advice(o + 2, rr);
            l.filler(t -> {
                long x = t.get(xc);
                long d = t.get(dc);
                if (d < 1) {
                    throw new WitnessException(layer, d, "divisor " + d + " is not positive");
                }
                long y = FixedPoint.divRound(x, d);
                long r = FixedPoint.divRoundRemainder(x, d);
                t.set(o, rr, x);
                t.set(o + 1, rr, d);
                t.set(o + 2, rr, y);
                t.set(o + 3, rr, d / 2);
                t.set(o, rr + 1, d % 2);
                Limbs.fill(t, g, 0, rr, r, rBits, layer, "remainder");
                Limbs.fill(t, g, 1, rr, y + off, yBits, layer, "quotient " + y + " offset by 2^" + (yBits - 1) + ":");
                Limbs.fill(t, g, 0, rr + 1, d - 1 - r, rBits, layer, "divisor-1-remainder");
                Limbs.fill(t, g, 1, rr + 1, d / 2, hBits, layer, "half divisor");
            });
        }
        return outs;
    }
}
