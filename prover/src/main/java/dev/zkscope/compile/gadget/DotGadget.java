package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Packed dot products: {@code out = bias + sum_t x_t * w_t}, {@code c = innerCols} products per row, the running sum
 * carried from row to row. Row layout: x_0..x_{c-1} in a[0..c), (advice weights: w_0..w_{c-1} in a[c..2c)), then
 * prev and out. Gates (each times its selector):
 * <pre>
 *   dot       out - prev - sum_j x_j * w_j = 0       w_j a fixed column (weights baked into the circuit)
 *   dotv      out - prev - sum_j x_j * a[c+j] = 0    weights in advice (private weights, activation x activation)
 *   dot_link  prev' - out = 0                        the next row continues the same sum
 *   dot_bias  prev - k = 0                           the first row starts from a constant bias (fixed weights)
 *   sum       out - prev - sum_j x_j = 0             weights all one (pooling, reductions)
 * </pre>
 * With fixed weights the dot gate has degree 3 (selector * x * w); so does the private form. A model's private bias
 * enters by a copy into the first prev cell. Inputs enter by copy constraints from the cells that hold them.
 */
public final class DotGadget {
    private DotGadget() {}

    private static void gates(TraceLayout l, boolean adviceWeights) {
        Geometry g = l.geometry();
        int c = g.innerCols();
        Expr prev = Column.advice(g.dotPrevCol()).cur();
        Expr out = Column.advice(g.dotOutCol()).cur();
        if (adviceWeights) {
            l.gate("dotv", () -> {
                List<Expr> terms = new ArrayList<>();
                for (int j = 0; j < c; j++) {
                    terms.add(Column.advice(j).cur().times(Column.advice(c + j).cur()));
                }
                return l.selector("dotv").times(out.minus(prev).minus(Expr.sum(terms)));
            });
        } else {
            l.gate("dot", () -> {
                List<Expr> terms = new ArrayList<>();
                for (int j = 0; j < c; j++) {
                    terms.add(Column.advice(j).cur().times(l.fixedExpr("dot_w" + j)));
                }
                return l.selector("dot").times(out.minus(prev).minus(Expr.sum(terms)));
            });
        }
        l.gate("dot_link", () -> l.selector("dot_link").times(Column.advice(g.dotPrevCol()).next().minus(out)));
        l.gate("dot_bias", () -> l.selector("dot_bias").times(prev.minus(l.fixedExpr("dot_bias_k"))));
    }

    private static void sumGates(TraceLayout l) {
        Geometry g = l.geometry();
        Expr prev = Column.advice(g.dotPrevCol()).cur();
        Expr out = Column.advice(g.dotOutCol()).cur();
        l.gate("sum", () -> {
            List<Expr> terms = new ArrayList<>();
            for (int j = 0; j < g.innerCols(); j++) {
                terms.add(Column.advice(j).cur());
            }
            return l.selector("sum").times(out.minus(prev).minus(Expr.sum(terms)));
        });
        l.gate("dot_link", () -> l.selector("dot_link").times(Column.advice(g.dotPrevCol()).next().minus(out)));
        l.gate("dot_bias", () -> l.selector("dot_bias").times(prev.minus(l.fixedExpr("dot_bias_k"))));
    }

    private static int chainRows(Geometry g, int terms) {
        return Math.max(1, (terms + g.innerCols() - 1) / g.innerCols());
    }

    /**
     * Dot products with weights known at compile time (fixed columns); returns the output cells.
     *
     * @param xs   per output, the input cells of its terms
     * @param ws   per output, the weights (same lengths as xs)
     * @param bias per output, the constant starting value
     */
    public static Cell[] placeFixed(TraceLayout l, List<Cell[]> xs, List<long[]> ws, long[] bias) {
        gates(l, false);
        return place(l, xs, ws, null, bias, null, "dot");
    }

    /** Sums of cells (all weights one): {@code out = start + sum_t x_t}. */
    public static Cell[] placeSum(TraceLayout l, List<Cell[]> xs, long[] start) {
        sumGates(l);
        return place(l, xs, null, null, start, null, "sum");
    }

    /**
     * Dot products whose weights are cells (private weights, or a product of two activations); {@code biasCells}
     * (nullable, entries nullable) start the sums, else they start from zero.
     */
    public static Cell[] placePrivate(TraceLayout l, List<Cell[]> xs, List<Cell[]> wCells, Cell[] biasCells) {
        if (!l.geometry().privateWeights()) {
            throw new IllegalStateException("dot products of two cells need a geometry with advice weight columns");
        }
        gates(l, true);
        return place(l, xs, null, wCells, null, biasCells, "dotv");
    }

    /**
     * What {@link #placeFixed} charges a counting layout, from counts instead of cells: output o has {@code kept[o]}
     * terms, {@code nonzero[o]} of them with a nonzero weight, and {@code nonzeroBias} outputs start from a nonzero
     * bias; {@code sources} are the columns of the cells the terms copy from. Same rows, advice and fixed cells, gate
     * activations, copies and copy columns as the cell-by-cell placement (CountingModeTest compares the two); the
     * claimed rows are closed afterwards ({@link TraceLayout#chargeCounted}).
     */
    public static Cell[] countFixed(TraceLayout l, int[] kept, int[] nonzero, int nonzeroBias, Set<Column> sources) {
        gates(l, false);
        long nz = 0;
        for (int v : nonzero) {
            nz += v;
        }
        return count(l, kept, nz, nonzeroBias, false, false, sources, "dot");
    }

    /** What {@link #placePrivate} charges a counting layout (see {@link #countFixed}); {@code biasCells}: every output has one. */
    public static Cell[] countPrivate(TraceLayout l, int[] kept, boolean biasCells, Set<Column> sources) {
        if (!l.geometry().privateWeights()) {
            throw new IllegalStateException("dot products of two cells need a geometry with advice weight columns");
        }
        gates(l, true);
        return count(l, kept, 0, 0, true, biasCells, sources, "dotv");
    }

    private static Cell[] count(TraceLayout l, int[] kept, long nonzeroW, int nonzeroBias, boolean adviceWeights,
                                boolean biasCells, Set<Column> sources, String kind) {
        Geometry g = l.geometry();
        int c = g.innerCols();
        int n = kept.length;
        int total = 0;
        long terms = 0;
        int maxK = 0;
        for (int k : kept) {
            total += chainRows(g, k);
            terms += k;
            maxK = Math.max(maxK, k);
        }
        int row = l.allocRows(total, kind);
        Cell[] outs = new Cell[n];
        Column outCol = Column.advice(g.dotOutCol());
        for (int o = 0; o < n; o++) {
            row += chainRows(g, kept[o]);
            outs[o] = new Cell(outCol, row - 1);
        }
        long copies = terms * (adviceWeights ? 2 : 1) + (biasCells ? n : 0);
        long advice = 2L * total + terms * (adviceWeights ? 2 : 1);
        long fixed = 2L * total - n + nonzeroW + (biasCells ? 0 : n + nonzeroBias);
        Map<String, Long> gateCounts = new LinkedHashMap<>();
        gateCounts.put(kind, (long) total);
        gateCounts.put("dot_link", (long) total - n);
        gateCounts.put("dot_bias", biasCells ? 0L : n);
        Set<Column> cols = new HashSet<>();
        if (terms > 0) {
            cols.addAll(sources);
            for (int j = 0; j < Math.min(c, maxK); j++) {
                cols.add(Column.advice(j));
                if (adviceWeights) {
                    cols.add(Column.advice(c + j));
                }
            }
        }
        if (biasCells && n > 0) {
            cols.addAll(sources);
            cols.add(Column.advice(g.dotPrevCol()));
        }
        l.chargeCounted(advice, fixed, gateCounts, copies, cols);
        return outs;
    }

    private static Cell[] place(TraceLayout l, List<Cell[]> xs, List<long[]> ws, List<Cell[]> wCells, long[] bias,
                                Cell[] biasCells, String kind) {
        Geometry g = l.geometry();
        int c = g.innerCols();
        int prevCol = g.dotPrevCol();
        int outCol = g.dotOutCol();
        Cell[] outs = new Cell[xs.size()];
        int total = 0;
        for (Cell[] x : xs) {
            total += chainRows(g, x.length);
        }
        int row = l.allocRows(total, kind);
        for (int o = 0; o < xs.size(); o++) {
            final Cell[] x = xs.get(o);
            final long[] w = ws == null ? null : ws.get(o);
            final Cell[] wc = wCells == null ? null : wCells.get(o);
            final int m = chainRows(g, x.length);
            final int start = row;
            final Cell biasCell = biasCells == null ? null : biasCells[o];
            final long biasValue = bias == null || bias.length == 0 ? 0 : bias[o];
            for (int r = 0; r < m; r++) {
                int rr = start + r;
                l.enable(kind, rr);
                if (r + 1 < m) {
                    l.enable("dot_link", rr);
                }
                l.advice(prevCol, rr);
                l.advice(outCol, rr);
                for (int j = 0; j < c; j++) {
                    int t = r * c + j;
                    if (t >= x.length) {
                        break;
                    }
                    l.copy(x[t], l.advice(j, rr));
                    if (w != null) {
                        l.setFixed("dot_w" + j, rr, w[t]);
                    }
                    if (wc != null) {
                        l.copy(wc[t], l.advice(c + j, rr));
                    }
                }
            }
            if (biasCell != null) {
                l.copy(biasCell, new Cell(Column.advice(prevCol), start));
            } else {
                l.enable("dot_bias", start);
                l.setFixed("dot_bias_k", start, biasValue);
            }
            outs[o] = new Cell(Column.advice(outCol), start + m - 1);
            l.filler(t -> {
                long acc = biasCell != null ? t.get(biasCell) : biasValue;
                for (int r = 0; r < m; r++) {
                    int rr = start + r;
                    t.set(prevCol, rr, acc);
                    for (int j = 0; j < c; j++) {
                        int k = r * c + j;
                        if (k >= x.length) {
                            break;
                        }
                        long xv = t.get(x[k]);
                        t.set(j, rr, xv);
                        long wv;
                        if (w != null) {
                            wv = w[k];
                        } else if (wc != null) {
                            wv = t.get(wc[k]);
                            t.set(c + j, rr, wv);
                        } else {
                            wv = 1;
                        }
                        acc = Math.addExact(acc, Math.multiplyExact(xv, wv));
                    }
                    t.set(outCol, rr, acc);
                }
            });
            row += m;
        }
        return outs;
    }
}
