package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.Layout;
import dev.zkscope.compile.Trace;

/**
 * Comparisons on range-checked differences: ReLU, Clip, Max/Min, MaxPool, ReduceMax. One row compares u with
 * V = v + k (v an advice cell, k a fixed constant; for a comparison with a constant v is forced to zero), and sets
 * b = [u &gt;= V]. With D = u - V the circuit enforces
 * <pre>
 *   cmp_bool   b*(b - 1) = 0
 *   cmp_diff   (2b - 1)*D + b - 1 = R_lo         R_lo = D when b = 1, -D - 1 when b = 0; both &gt;= 0
 *   cmp_vzero  v = 0                             (comparison with a constant)
 *   max        y - u + (1 - b)*D = 0             y = u if u &gt;= V else V
 *   min        y - u + b*D = 0                   y = V if u &gt;= V else u
 * </pre>
 * R_lo is the low-half limb decomposition, so |D| must fit its width: the caller gives a bound on |u - V|. Since the
 * decomposition is nonnegative and far below p, b cannot claim the wrong sign. Row layout: limbs, then u, v, b, y.
 */
public final class CompareGadget {
    private CompareGadget() {}

    /** Whether y is the larger or the smaller of u and V. */
    public enum Kind { MAX, MIN }

    private static void gates(Layout l) {
        Geometry g = l.geometry();
        int o = g.operandCol();
        Expr u = Column.advice(o).cur();
        Expr v = Column.advice(o + 1).cur();
        Expr b = Column.advice(o + 2).cur();
        Expr y = Column.advice(o + 3).cur();
        Expr d = u.minus(v).minus(l.fixedExpr("cmp_k"));
        l.gate("cmp_bool", () -> l.selector("cmp").times(b.times(b).minus(b)));
        l.gate("cmp_diff", () -> l.selector("cmp").times(b.times(2).minus(Expr.constant(1)).times(d).plus(b)
                .minus(Expr.constant(1)).minus(Limbs.recompose(g, 0, 0))));
        l.gate("cmp_vzero", () -> l.selector("cmp_const").times(v));
        l.gate("max", () -> l.selector("max").times(y.minus(u).plus(Expr.constant(1).minus(b).times(d))));
        l.gate("min", () -> l.selector("min").times(y.minus(u).plus(b.times(d))));
    }

    /** y = max/min(u, v) for cells u and v; {@code maxAbsDiff} bounds |u - v|. Returns y's cell. */
    public static Cell place(Layout l, Cell u, Cell v, Kind kind, long maxAbsDiff) {
        return place(l, u, v, 0, kind, maxAbsDiff);
    }

    /** y = max/min(u, k) for a cell u and a constant k; {@code maxAbsDiff} bounds |u - k|. */
    public static Cell placeConst(Layout l, Cell u, long k, Kind kind, long maxAbsDiff) {
        return place(l, u, null, k, kind, maxAbsDiff);
    }

    private static Cell place(Layout l, Cell u, Cell v, long k, Kind kind, long maxAbsDiff) {
        gates(l);
        Geometry g = l.geometry();
        int o = g.operandCol();
        int bits = Limbs.bitsFor(maxAbsDiff);
        String name = kind == Kind.MAX ? "max" : "min";
        int rr = l.allocRows(1, name);
        String layer = l.currentLayer();
        l.enable("cmp", rr);
        l.enable(name, rr);
        l.copy(u, l.advice(o, rr));
        if (v != null) {
            l.copy(v, l.advice(o + 1, rr));
        } else {
            l.enable("cmp_const", rr);
            l.setFixed("cmp_k", rr, k);
        }
        l.advice(o + 2, rr);
        Cell y = l.advice(o + 3, rr);
        Limbs.place(l, 0, rr, bits);
        l.filler(t -> fill(t, g, rr, u, v, k, kind, bits, layer));
        return y;
    }

    private static void fill(Trace t, Geometry g, int rr, Cell uCell, Cell vCell, long k, Kind kind, int bits, String layer) {
        int o = g.operandCol();
        long u = t.get(uCell);
        long v = vCell == null ? 0 : t.get(vCell);
        long bigV = v + k;
        long d = u - bigV;
        long b = d >= 0 ? 1 : 0;
        long y = kind == Kind.MAX ? Math.max(u, bigV) : Math.min(u, bigV);
        t.set(o, rr, u);
        t.set(o + 1, rr, v);
        t.set(o + 2, rr, b);
        t.set(o + 3, rr, y);
        Limbs.fill(t, g, 0, rr, b == 1 ? d : -d - 1, bits, layer, "comparison difference");
    }
}
