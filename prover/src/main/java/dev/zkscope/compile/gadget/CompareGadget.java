package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.Trace;

/**
 * Comparisons on range-checked differences: ReLU, Clip, Max/Min, MaxPool, ReduceMax. One slot compares u with
 * V = v + k (v an advice cell, k a fixed constant of the row; for a comparison with a constant, v is forced to zero)
 * and sets b = [u &gt;= V]. With D = u - V the circuit enforces
 * <pre>
 *   cmp_bool   b*(b - 1) = 0
 *   cmp_diff   (2b - 1)*D + b - 1 = R             R = D when b = 1, -D - 1 when b = 0; both &gt;= 0
 *   cmp_vzero  v = 0                             (comparison with a constant)
 *   max        y - u + (1 - b)*D = 0             y = u if u &gt;= V else V
 *   min        y - u + b*D = 0                   y = V if u &gt;= V else u
 * </pre>
 * R is the slot's half of the range limbs, so |D| must fit its width: the caller gives a bound on |u - V|. Since the
 * decomposition is nonnegative and far below p, b cannot claim the wrong sign. A row holds up to two slots (limb
 * half s, operands u, v, b, y at operandCol + 4s); all slots of a row share the selectors and k, and an unused slot
 * holds the honest comparison of zero cells.
 */
public final class CompareGadget {
    private CompareGadget() {}

    /** Whether y is the larger or the smaller of u and V. */
    public enum Kind { MAX, MIN }

    private static void gates(TraceLayout l, int slot) {
        Geometry g = l.geometry();
        int o = g.operandCol() + 4 * slot;
        Expr u = Column.advice(o).cur();
        Expr v = Column.advice(o + 1).cur();
        Expr b = Column.advice(o + 2).cur();
        Expr y = Column.advice(o + 3).cur();
        // d = u - v - k, built inside each gate's expression: the layout records which shared fixed lanes a gate reads
        // while the gate is built (TraceLayout.gate).
        java.util.function.Supplier<Expr> d = () -> u.minus(v).minus(l.fixedExpr("cmp_k"));
        l.gate("cmp_bool" + slot, () -> l.selector("cmp").times(b.times(b).minus(b)));
        l.gate("cmp_diff" + slot, () -> l.selector("cmp").times(b.times(2).minus(Expr.constant(1)).times(d.get())
                .plus(b).minus(Expr.constant(1)).minus(Limbs.recompose(g, slot, 0))));
        l.gate("cmp_vzero" + slot, () -> l.selector("cmp_const").times(v));
        l.gate("max" + slot, () -> l.selector("max").times(y.minus(u).plus(Expr.constant(1).minus(b).times(d.get()))));
        l.gate("min" + slot, () -> l.selector("min").times(y.minus(u).plus(b.times(d.get()))));
    }

    /**
     * Places comparisons of one kind, against cells or against one constant, packed two per row where the width
     * allows. Call {@link #add} for each, in order; an output may feed a later comparison of the same packer.
     */
    public static final class Packer {
        private final TraceLayout l;
        private final Kind kind;
        private final boolean constant;
        private final long k;
        private final int bits;
        private final int slots;
        private final String layer;
        private int row = -1;
        private int used;

        /**
         * @param constant   compare against the constant k (else against cells, k = 0)
         * @param maxAbsDiff a bound on |u - V| over all comparisons of this packer
         */
        public Packer(TraceLayout l, Kind kind, boolean constant, long k, long maxAbsDiff) {
            this.l = l;
            this.kind = kind;
            this.constant = constant;
            this.k = constant ? k : 0;
            this.bits = Limbs.bitsFor(maxAbsDiff);
            this.slots = l.geometry().compareSlots();
            this.layer = l.currentLayer();
            for (int s = 0; s < slots; s++) {
                gates(l, s);
            }
        }

        private String name() {
            return kind == Kind.MAX ? "max" : "min";
        }

        /** y = max/min(u, v) (v null: against the constant). Returns y's cell. */
        public Cell add(Cell u, Cell v) {
            if ((v == null) != constant) {
                throw new IllegalArgumentException("packer compares against " + (constant ? "a constant" : "cells"));
            }
            if (row < 0 || used == slots) {
                newRow();
            }
            int slot = used++;
            Geometry g = l.geometry();
            int o = g.operandCol() + 4 * slot;
            final int rr = row;
            if (l.isCounting()) {
                // newRow assigned the slot's cells (or charged them in bulk): these copies only join them
                l.copy(u, new Cell(Column.advice(o), rr));
                if (v != null) {
                    l.copy(v, new Cell(Column.advice(o + 1), rr));
                }
                return new Cell(Column.advice(o + 3), rr);
            }
            l.copy(u, l.advice(o, rr));
            if (v != null) {
                l.copy(v, l.advice(o + 1, rr));
            }
            // the dummy filled at row creation is replaced by this comparison (same cells, same filler order)
            final Cell uc = u;
            final Cell vc = v;
            l.filler(t -> fill(t, g, rr, slot, uc, vc, k, kind, bits, layer));
            return new Cell(Column.advice(o + 3), rr);
        }

        private void newRow() {
            row = l.allocRows(1, name());
            used = 0;
            if (l.isCounting()) {
                // every row of a packer is placed alike: the first cell by cell, the others charged as it was
                if (rowCharge != null) {
                    l.repeat(rowCharge, 1, row, 1);
                    return;
                }
                TraceLayout.Tally before = l.tally();
                placeRow();
                rowCharge = l.since(before);
                return;
            }
            placeRow();
        }

        /** Counting mode: what the packer's first row charged, which every later row charges alike. */
        private TraceLayout.Tally rowCharge;

        private void placeRow() {
            Geometry g = l.geometry();
            l.enable("cmp", row);
            l.enable(name(), row);
            if (constant) {
                l.enable("cmp_const", row);
                l.setFixed("cmp_k", row, k);
            }
            final int rr = row;
            for (int s = 0; s < slots; s++) {
                int o = g.operandCol() + 4 * s;
                l.advice(o, rr);
                l.advice(o + 1, rr);
                l.advice(o + 2, rr);
                l.advice(o + 3, rr);
                Limbs.place(l, s, rr, bits);
                final int slot = s;
                // every slot starts as the honest comparison of zeros; a real comparison's filler overwrites it
                l.filler(t -> fill(t, g, rr, slot, null, null, k, kind, bits, layer));
            }
        }
    }

    /** y = max/min(u, v) for cells u and v; {@code maxAbsDiff} bounds |u - v|. Returns y's cell. */
    public static Cell place(TraceLayout l, Cell u, Cell v, Kind kind, long maxAbsDiff) {
        return new Packer(l, kind, false, 0, maxAbsDiff).add(u, v);
    }

    /** y = max/min(u, k) for a cell u and a constant k; {@code maxAbsDiff} bounds |u - k|. */
    public static Cell placeConst(TraceLayout l, Cell u, long k, Kind kind, long maxAbsDiff) {
        return new Packer(l, kind, true, k, maxAbsDiff).add(u, null);
    }

    private static void fill(Trace t, Geometry g, int rr, int slot, Cell uCell, Cell vCell, long k, Kind kind, int bits,
                             String layer) {
        int o = g.operandCol() + 4 * slot;
        long u = uCell == null ? 0 : t.get(uCell);
        long v = vCell == null ? 0 : t.get(vCell);
        long bigV = v + k;
        long d = u - bigV;
        long b = d >= 0 ? 1 : 0;
        long y = kind == Kind.MAX ? Math.max(u, bigV) : Math.min(u, bigV);
        t.set(o, rr, u);
        t.set(o + 1, rr, v);
        t.set(o + 2, rr, b);
        t.set(o + 3, rr, y);
        Limbs.fill(t, g, slot, rr, b == 1 ? d : -d - 1, bits, layer, "comparison difference");
    }
}
