package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.quant.FixedPoint;

import java.util.ArrayList;
import java.util.List;

/**
 * Rescaling by 2^k ({@link FixedPoint#rescale}) packed two per row. With y = rescale(x, k), r its remainder and
 * off = 2^(B-1) the quotient's offset, the single number
 * <pre>
 *   Z = x + 2^(k-1) + off*2^k = (y + off)*2^k + r,     0 &lt;= r &lt; 2^k,  0 &lt;= y + off &lt; 2^B
 * </pre>
 * is decomposed into one half of the range limbs: its low k bits (r) in the first limbs, its B high bits (y + off) in
 * the next, each limb looked up at its own width. Per-row fixed coefficients c_i (the limb's weight in Z) and e_i
 * (its weight in y + off, zero for remainder limbs) make the gates
 * <pre>
 *   rs_x   x + K - sum_i c_i * L_i = 0        K = 2^(k-1) + off*2^k
 *   rs_y   y + off - sum_i e_i * L_i = 0
 * </pre>
 * of degree 3 with the selector. Slot s uses limb half s and operands x, y at operandCol + 2s; both slots of a row
 * share k and B, hence the coefficients; an unused slot holds the honest rescale of 0. Rescales whose k + B does not fit
 * one half use {@link DivGadget}.
 */
public final class RescaleGadget {
    private RescaleGadget() {}

    /** Limb widths for k remainder bits then yBits quotient bits, or null when they take more than one half. */
    static int[] widths(Geometry g, int k, int yBits) {
        List<Integer> w = new ArrayList<>();
        for (int left = k; left > 0; left -= g.limbBits()) {
            w.add(Math.min(left, g.limbBits()));
        }
        for (int left = yBits; left > 0; left -= g.limbBits()) {
            w.add(Math.min(left, g.limbBits()));
        }
        if (w.size() > g.halfLimbs()) {
            return null;
        }
        return w.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether a rescale by 2^k with |y| &lt;= maxAbsOut fits the packed form. */
    public static boolean fits(Geometry g, int k, long maxAbsOut) {
        return k >= 1 && widths(g, k, Limbs.bitsFor(maxAbsOut) + 1) != null;
    }

    private static void gates(TraceLayout l, int slot) {
        Geometry g = l.geometry();
        int h = g.halfLimbs();
        Expr x = Column.advice(g.operandCol() + 2 * slot).cur();
        Expr y = Column.advice(g.operandCol() + 2 * slot + 1).cur();
        l.gate("rs_x" + slot, () -> {
            List<Expr> t = new ArrayList<>();
            for (int i = 0; i < h; i++) {
                t.add(l.fixedExpr("rs_c" + i).times(Column.advice(slot * h + i).cur()));
            }
            return l.selector("rescale").times(x.plus(l.fixedExpr("rs_k")).minus(Expr.sum(t)));
        });
        l.gate("rs_y" + slot, () -> {
            List<Expr> t = new ArrayList<>();
            for (int i = 0; i < h; i++) {
                t.add(l.fixedExpr("rs_e" + i).times(Column.advice(slot * h + i).cur()));
            }
            return l.selector("rescale").times(y.plus(l.fixedExpr("rs_off")).minus(Expr.sum(t)));
        });
    }

    /** One row but for the inputs' copies: selector, coefficients, every slot's x, y and limbs with their lookups. */
    private static void placeRow(TraceLayout l, int rr, int slots, int[] widths, long bigK, long off, long[] c, long[] e,
                                 TraceLayout.FixedRef kCol, TraceLayout.FixedRef offCol, TraceLayout.FixedRef[] cCols,
                                 TraceLayout.FixedRef[] eCols) {
        Geometry g = l.geometry();
        l.enable("rescale", rr);
        l.setFixed(kCol, rr, bigK);
        l.setFixed(offCol, rr, off);
        for (int i = 0; i < g.halfLimbs(); i++) {
            l.setFixed(cCols[i], rr, c[i]);
            l.setFixed(eCols[i], rr, e[i]);
        }
        for (int s = 0; s < slots; s++) {
            int xCol = g.operandCol() + 2 * s;
            l.advice(xCol, rr);
            l.advice(xCol + 1, rr);
            for (int i = 0; i < widths.length; i++) {
                l.advice(s * g.halfLimbs() + i, rr);
                l.rangeLookup(s * g.halfLimbs() + i, rr, widths[i]);
            }
            l.countRangeCheck();
        }
    }

    /** y_i = rescale(x_i, k); {@code maxAbsOut} bounds |y|; requires {@link #fits}. Returns the output cells. */
    public static Cell[] place(TraceLayout l, Cell[] xs, int k, long maxAbsOut) {
        Geometry g = l.geometry();
        int yBits = Limbs.bitsFor(maxAbsOut) + 1;
        int[] widths = widths(g, k, yBits);
        if (k < 1 || widths == null) {
            throw new IllegalArgumentException("rescale by 2^" + k + " with " + yBits + "-bit quotient does not fit one limb half");
        }
        int slots = g.rescaleSlots();
        for (int s = 0; s < slots; s++) {
            gates(l, s);
        }
        long off = 1L << (yBits - 1);
        long bigK = (1L << (k - 1)) + (off << k);
        int rLimbs = (k + g.limbBits() - 1) / g.limbBits();
        long[] c = new long[g.halfLimbs()];
        long[] e = new long[g.halfLimbs()];
        int pos = 0;
        for (int i = 0; i < widths.length; i++) {
            c[i] = 1L << pos;
            e[i] = i < rLimbs ? 0 : 1L << (pos - k);
            pos += widths[i];
        }
        int rows = (xs.length + slots - 1) / slots;
        int row = l.allocRows(rows, "rescale");
        String layer = l.currentLayer();
        Cell[] out = new Cell[xs.length];
        // the fixed columns by index, looked up once rather than by name on every row
        TraceLayout.FixedRef kCol = l.fixedRef("rs_k");
        TraceLayout.FixedRef offCol = l.fixedRef("rs_off");
        TraceLayout.FixedRef[] cCols = new TraceLayout.FixedRef[g.halfLimbs()];
        TraceLayout.FixedRef[] eCols = new TraceLayout.FixedRef[g.halfLimbs()];
        for (int i = 0; i < g.halfLimbs(); i++) {
            cCols[i] = l.fixedRef("rs_c" + i);
            eCols[i] = l.fixedRef("rs_e" + i);
        }
        if (l.isCounting() && rows > 1) {
            // every row is placed alike (an unused slot too): place the first, charge the others in bulk, copy inputs
            TraceLayout.Tally before = l.tally();
            placeRow(l, row, slots, widths, bigK, off, c, e, kCol, offCol, cCols, eCols);
            l.repeatSince(before, rows - 1L, row + 1, rows - 1);
            for (int idx = 0; idx < xs.length; idx++) {
                int rr = row + idx / slots;
                int xCol = g.operandCol() + 2 * (idx % slots);
                l.copy(xs[idx], new Cell(Column.advice(xCol), rr));
                out[idx] = new Cell(Column.advice(xCol + 1), rr);
            }
            return out;
        }
        for (int r = 0; r < rows; r++) {
            int rr = row + r;
            placeRow(l, rr, slots, widths, bigK, off, c, e, kCol, offCol, cCols, eCols);
            for (int s = 0; s < slots; s++) {
                int idx = r * slots + s;
                final Cell src = idx < xs.length ? xs[idx] : null;
                final int xCol = g.operandCol() + 2 * s;
                final int slot = s;
                if (src != null) {
                    l.copy(src, l.advice(xCol, rr));
                    out[idx] = l.advice(xCol + 1, rr);
                }
                l.filler(t -> {
                    long x = src == null ? 0 : t.get(src);
                    long y = FixedPoint.rescale(x, k);
                    t.set(xCol, rr, x);
                    t.set(xCol + 1, rr, y);
                    long z = y + off;
                    if (z < 0 || z >= (1L << yBits)) {
                        throw new dev.zkscope.compile.WitnessException(layer, y, "quotient " + y + " is outside the "
                                + "range-checked [-2^" + (yBits - 1) + ", 2^" + (yBits - 1) + ")");
                    }
                    long full = (z << k) + FixedPoint.divRoundRemainder(x, 1L << k);
                    for (int i = 0; i < widths.length; i++) {
                        t.set(slot * g.halfLimbs() + i, rr, full & ((1L << widths[i]) - 1));
                        full >>>= widths[i];
                    }
                });
            }
        }
        return out;
    }
}
