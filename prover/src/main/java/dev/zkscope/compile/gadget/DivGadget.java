package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.quant.FixedPoint;

/**
 * Division by a positive constant d rounding half up, exactly {@link FixedPoint#divRound}: rescaling after products
 * (d = 2^k), average pooling and means. The circuit enforces
 * <pre>
 *   x + floor(d/2) = y*d + r,   0 &lt;= r &lt; d,   -2^(B-1) &lt;= y &lt; 2^(B-1)
 * </pre>
 * r is decomposed in the low half of the range columns, y + 2^(B-1) in the high half (without the bound on y a
 * prover could pick any r and solve for y in the field). When d is not a power of two, r &lt; 2^bits(d-1) is not
 * enough, and a second row decomposes d - 1 - r in its low half. Row layout: limbs, then x, y at the operand columns.
 * Gates:
 * <pre>
 *   div     x + k_half - y*k_d - R_lo = 0
 *   div_y   y + k_off - R_hi = 0
 *   div_hi  k_d - 1 - R_lo - R_lo' = 0     (only for d not a power of two; R_lo' on the next row)
 * </pre>
 */
public final class DivGadget {
    private DivGadget() {}

    private static void gates(TraceLayout l) {
        Geometry g = l.geometry();
        Expr x = Column.advice(g.operandCol()).cur();
        Expr y = Column.advice(g.operandCol() + 1).cur();
        l.gate("div", () -> l.selector("div").times(x.plus(l.fixedExpr("div_half")).minus(y.times(l.fixedExpr("div_d")))
                .minus(Limbs.recompose(g, 0, 0))));
        l.gate("div_y", () -> l.selector("div").times(y.plus(l.fixedExpr("div_off")).minus(Limbs.recompose(g, 1, 0))));
        l.gate("div_hi", () -> l.selector("div_hi").times(l.fixedExpr("div_d").minus(Expr.constant(1))
                .minus(Limbs.recompose(g, 0, 0)).minus(Limbs.recompose(g, 0, 1))));
    }

    /** One element's rows from {@code rr}, but for the input's copy: selectors, constants, x and y, the limbs. */
    private static void placeRows(TraceLayout l, int rr, long d, long off, int rBits, int yBits, boolean pow2) {
        Geometry g = l.geometry();
        l.enable("div", rr);
        l.setFixed("div_half", rr, d / 2);
        l.setFixed("div_d", rr, d);
        l.setFixed("div_off", rr, off);
        l.advice(g.operandCol(), rr);
        l.advice(g.operandCol() + 1, rr);
        Limbs.place(l, 0, rr, rBits);
        Limbs.place(l, 1, rr, yBits);
        if (!pow2) {
            l.enable("div_hi", rr);
            Limbs.place(l, 0, rr + 1, rBits);
        }
    }

    /**
     * Places y_i = divRound(x_i, d) for each input cell; returns the output cells.
     *
     * @param maxAbsOut a bound on |y| (from the model's value bounds); sets the width of y's range check
     */
    public static Cell[] place(TraceLayout l, Cell[] xs, long d, long maxAbsOut, String gadget) {
        if (d <= 0) {
            throw new IllegalArgumentException("divisor must be positive, got " + d);
        }
        gates(l);
        Geometry g = l.geometry();
        boolean pow2 = Long.bitCount(d) == 1;
        int rBits = Limbs.bitsFor(d - 1);
        int yBits = Limbs.bitsFor(maxAbsOut) + 1;
        long off = 1L << (yBits - 1);
        int per = pow2 ? 1 : 2;
        int row = l.allocRows(xs.length * per, gadget);
        String layer = l.currentLayer();
        int xCol = g.operandCol();
        int yCol = g.operandCol() + 1;
        Cell[] outs = new Cell[xs.length];
        if (l.isCounting() && xs.length > 1) {
            // every element's rows are placed alike: place the first, charge the others in bulk, copy each input
            TraceLayout.Tally before = l.tally();
            placeRows(l, row, d, off, rBits, yBits, pow2);
            l.repeatSince(before, xs.length - 1L, row + per, (xs.length - 1) * per);
            Column x = Column.advice(xCol);
            Column y = Column.advice(yCol);
            for (int i = 0; i < xs.length; i++) {
                int rr = row + i * per;
                l.copy(xs[i], new Cell(x, rr));
                outs[i] = new Cell(y, rr);
            }
            return outs;
        }
        for (int i = 0; i < xs.length; i++) {
            final int rr = row + i * per;
            final Cell src = xs[i];
            placeRows(l, rr, d, off, rBits, yBits, pow2);
            l.copy(src, l.advice(xCol, rr));
            outs[i] = l.advice(yCol, rr);
            l.filler(t -> {
                long x = t.get(src);
                long y = FixedPoint.divRound(x, d);
                long r = FixedPoint.divRoundRemainder(x, d);
                t.set(xCol, rr, x);
                t.set(yCol, rr, y);
                Limbs.fill(t, g, 0, rr, r, rBits, layer, "remainder");
                Limbs.fill(t, g, 1, rr, y + off, yBits, layer, "quotient " + y + " offset by 2^" + (yBits - 1) + ":");
                if (!pow2) {
                    Limbs.fill(t, g, 0, rr + 1, d - 1 - r, rBits, layer, "d-1-remainder");
                }
            });
        }
        return outs;
    }
}
