package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;

/**
 * Element-wise arithmetic packed in (a, b, c) lanes, {@code width/3} lanes per row, all lanes of a row doing the same
 * operation with the same per-row constants:
 * <pre>
 *   lin_j   c - (alpha*a + beta*b + gamma) = 0      Add, Sub, scale alignment, per-channel affine (BatchNorm)
 *   mul_j   c - a*b = 0                             Mul (followed by a rescale)
 * </pre>
 * alpha, beta, gamma are fixed columns. Unused lanes of a row hold a = b = 0 and c = gamma so that the gate holds.
 */
public final class LinearGadget {
    private LinearGadget() {}

    private static void gates(TraceLayout l, boolean mul) {
        Geometry g = l.geometry();
        for (int j = 0; j < g.linearLanes(); j++) {
            Expr a = Column.advice(3 * j).cur();
            Expr b = Column.advice(3 * j + 1).cur();
            Expr c = Column.advice(3 * j + 2).cur();
            if (mul) {
                l.gate("mul" + j, () -> l.selector("mul").times(c.minus(a.times(b))));
            } else {
                l.gate("lin" + j, () -> l.selector("lin").times(c.minus(a.times(l.fixedExpr("lin_alpha")))
                        .minus(b.times(l.fixedExpr("lin_beta"))).minus(l.fixedExpr("lin_gamma"))));
            }
        }
    }

    /**
     * c_i = alpha*a_i + beta*b_i + gamma; {@code bs} may be null (unary affine map). Returns the output cells.
     */
    public static Cell[] placeLinear(TraceLayout l, Cell[] as, Cell[] bs, long alpha, long beta, long gamma) {
        if (bs == null && beta != 0) {
            throw new IllegalArgumentException("a unary affine map has beta = 0");
        }
        gates(l, false);
        return place(l, as, bs, alpha, beta, gamma, false);
    }

    /** c_i = a_i * b_i. */
    public static Cell[] placeMul(TraceLayout l, Cell[] as, Cell[] bs) {
        gates(l, true);
        return place(l, as, bs, 0, 0, 0, true);
    }

    /** One row but for the operands' copies: selector, constants, the cells of {@code count} used lanes. */
    private static void placeRow(TraceLayout l, int rr, int lanes, int count, boolean twoSided, long alpha, long beta,
                                 long gamma, boolean mul) {
        l.enable(mul ? "mul" : "lin", rr);
        if (!mul) {
            l.setFixed("lin_alpha", rr, alpha);
            l.setFixed("lin_beta", rr, beta);
            l.setFixed("lin_gamma", rr, gamma);
        }
        for (int j = 0; j < lanes; j++) {
            if (j < count) {
                l.advice(3 * j, rr);
                if (twoSided) {
                    l.advice(3 * j + 1, rr);
                }
                l.advice(3 * j + 2, rr);
            } else if (!mul && gamma != 0) {
                l.advice(3 * j + 2, rr);
            }
        }
    }

    private static Cell[] place(TraceLayout l, Cell[] as, Cell[] bs, long alpha, long beta, long gamma, boolean mul) {
        Geometry g = l.geometry();
        int lanes = g.linearLanes();
        int rowsNeeded = (as.length + lanes - 1) / lanes;
        String kind = mul ? "mul" : "lin";
        int row = l.allocRows(rowsNeeded, kind);
        Cell[] outs = new Cell[as.length];
        int full = as.length / lanes;
        int firstRow = 0;
        if (l.isCounting() && full > 1) {
            // every full row is placed alike: place the first, charge the others in bulk, copy the operands
            TraceLayout.Tally before = l.tally();
            placeRow(l, row, lanes, lanes, bs != null, alpha, beta, gamma, mul);
            l.repeatSince(before, full - 1L, row + 1, full - 1);
            for (int i = 0; i < full * lanes; i++) {
                int rr = row + i / lanes;
                int j = i % lanes;
                l.copy(as[i], new Cell(Column.advice(3 * j), rr));
                if (bs != null) {
                    l.copy(bs[i], new Cell(Column.advice(3 * j + 1), rr));
                }
                outs[i] = new Cell(Column.advice(3 * j + 2), rr);
            }
            firstRow = full;
        }
        for (int r = firstRow; r < rowsNeeded; r++) {
            final int rr = row + r;
            final int first = r * lanes;
            final int count = Math.min(lanes, as.length - first);
            placeRow(l, rr, lanes, count, bs != null, alpha, beta, gamma, mul);
            for (int j = 0; j < count; j++) {
                l.copy(as[first + j], l.advice(3 * j, rr));
                if (bs != null) {
                    l.copy(bs[first + j], l.advice(3 * j + 1, rr));
                }
                outs[first + j] = l.advice(3 * j + 2, rr);
            }
            l.filler(t -> {
                for (int j = 0; j < lanes; j++) {
                    if (j < count) {
                        long a = t.get(as[first + j]);
                        long b = bs == null ? 0 : t.get(bs[first + j]);
                        t.set(3 * j, rr, a);
                        t.set(3 * j + 1, rr, b);
                        t.set(3 * j + 2, rr, mul ? Math.multiplyExact(a, b)
                                : Math.addExact(Math.addExact(Math.multiplyExact(alpha, a), Math.multiplyExact(beta, b)), gamma));
                    } else if (!mul) {
                        t.set(3 * j + 2, rr, gamma);
                    }
                }
            });
        }
        return outs;
    }
}
