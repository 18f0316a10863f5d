package dev.zkscope.compile;

import dev.zkscope.circuit.Column;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why one layer costs what it costs: its gadget recipe, read off the placements the compiler made for this layer's
 * steps ({@link TraceLayout#placements()}), with this layer's numbers substituted from the step data and the ledger.
 * A pure function of the compiled model; {@link #example} adds one output element's witness cells.
 *
 * @param layer   the ONNX node
 * @param op      its op kind
 * @param rows    its rows in the ledger
 * @param macs    multiply-accumulate terms (0 when it has no dot products)
 * @param outputs output elements
 * @param parts   one entry per (step, gadget), in placement order; their rows sum to {@code rows}
 * @param lookups lookups by table (ledger)
 * @param rangeChecks range checks (ledger)
 */
public record LayerRecipe(String layer, String op, int rows, long macs, long outputs, List<Part> parts,
                          Map<String, Long> lookups, long rangeChecks) {
    public LayerRecipe {
        parts = List.copyOf(parts);
        lookups = Map.copyOf(lookups);
    }

    /**
     * One gadget of one step.
     *
     * @param step      index of the step in the layer IR
     * @param stepKind  the step kind (Dot, Div, Compare, Lookup, ...)
     * @param gadget    the gadget name as placed (dot, rescale, max, lookup:exp, ...)
     * @param rows      rows it occupies (measured from the placements)
     * @param predicted rows by the formula, or -1 when the rows are packed with neighbours and have no closed form
     * @param formula   the formula with this layer's numbers substituted
     * @param meaning   what the gadget proves, in words
     */
    public record Part(int step, String stepKind, String gadget, int rows, long predicted, String formula,
                       String meaning) {
    }

    /** Trace rows per multiply-accumulate (NaN when the layer has none). */
    public double rowsPerMac() {
        return macs == 0 ? Double.NaN : (double) rows / macs;
    }

    /** Trace rows per output element (NaN when it has none). */
    public double rowsPerElement() {
        return outputs == 0 ? Double.NaN : (double) rows / outputs;
    }

    /** The recipe of {@code layer} in {@code cm}. */
    public static LayerRecipe of(CompiledModel cm, String layer) {
        LayerCost cost = null;
        for (LayerCost l : cm.ledger().layers()) {
            if (l.layer().equals(layer)) {
                cost = l;
            }
        }
        if (cost == null) {
            throw new IllegalArgumentException("no layer " + layer + " in the ledger");
        }
        LayerInfo info = null;
        for (LayerInfo l : cm.layers()) {
            if (l.layer().equals(layer)) {
                info = l;
            }
        }
        Geometry g = cm.layout().geometry();
        List<Step> steps = cm.model().steps();
        long[] bounds = cm.model().bounds();
        Map<String, Part> merged = new LinkedHashMap<>();
        for (TraceLayout.Placement p : cm.layout().placements()) {
            if (!p.layer().equals(layer)) {
                continue;
            }
            String key = p.step() + "/" + p.gadget();
            Part prev = merged.get(key);
            int rows = (prev == null ? 0 : prev.rows()) + p.rows();
            Step s = p.step() < 0 ? null : steps.get(p.step());
            merged.put(key, describe(g, bounds, s, p.step(), p.gadget(), rows));
        }
        long macs = info == null ? 0 : info.work().macs();
        long outputs = info == null ? 0 : info.outputs();
        return new LayerRecipe(layer, cost.op(), cost.rows(), macs, outputs, new ArrayList<>(merged.values()),
                cost.lookups(), cost.rangeChecks());
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    private static Part describe(Geometry g, long[] bounds, Step s, int index, String gadget, int rows) {
        String kind = s == null ? "structure" : s.getClass().getSimpleName();
        int c = g.innerCols();
        if (s instanceof Steps.Dot d && gadget.startsWith("dot")) {
            int[] k = d.terms();
            long predicted = 0;
            int kmin = Integer.MAX_VALUE;
            int kmax = 0;
            for (int t : k) {
                predicted += Math.max(1, ceil(t, c));
                kmin = Math.min(kmin, t);
                kmax = Math.max(kmax, t);
            }
            String ks = kmin == kmax ? "K = " + kmax : "K = " + kmin + ".." + kmax;
            String formula = kmin == kmax
                    ? "outputs × ⌈K/c⌉ = " + k.length + " × ⌈" + kmax + "/" + c + "⌉ = " + predicted
                    : "Σ_outputs ⌈K_o/c⌉ over " + k.length + " outputs (" + ks + ", c = " + c + ") = " + predicted;
            String meaning = "dot product: each output is a chain of rows; a row multiplies c = " + c + " inputs by "
                    + (gadget.equals("dotv") ? "weights in advice columns" : "weights baked into fixed columns")
                    + " and adds them to the previous partial sum (gate out = prev + Σ x_j·w_j, dot_link carries out "
                    + "to the next row's prev" + (d.hasBias() ? ", the chain starts from the bias" : "") + "); " + ks
                    + " terms per output";
            return new Part(index, kind, gadget, rows, predicted, formula, meaning);
        }
        if (s instanceof Steps.Dot d && gadget.equals("sum")) {
            long predicted = 0;
            for (int t : d.terms()) {
                predicted += Math.max(1, ceil(t, c));
            }
            return new Part(index, kind, gadget, rows, predicted, "Σ ⌈terms/c⌉ (c = " + c + ") = " + predicted,
                    "sum: a dot-product chain with all weights one");
        }
        if (s instanceof Steps.Div d && (gadget.equals("rescale") || gadget.equals("div"))) {
            long dv = d.divisor();
            boolean pow2 = Long.bitCount(dv) == 1;
            int kBits = Long.numberOfTrailingZeros(dv);
            long yMax = s.bound(bounds);
            boolean packed = pow2 && dev.zkscope.compile.gadget.RescaleGadget.fits(g, kBits, yMax);
            String what = pow2 ? "rescale by 2^" + kBits + " (back to the layer's scale 2^k): y = round(x / 2^" + kBits
                    + "); x + 2^" + (kBits - 1) + " = y·2^" + kBits + " + r" : "division by the constant " + dv
                    + ": y = round(x / " + dv + "); x + " + dv / 2 + " = y·" + dv + " + r";
            String checks = "; r and y + 2^(B-1) are decomposed into limbs that the range tables check, so the "
                    + "remainder lies in [0, " + dv + ") and y (" + (dev.zkscope.compile.gadget.Limbs.bitsFor(yMax) + 1) + " bits) cannot wrap around the field";
            if (packed) {
                int slots = g.rescaleSlots();
                long predicted = ceil(s.size(), slots);
                return new Part(index, kind, gadget, rows, predicted,
                        "⌈elements/slots⌉ = ⌈" + s.size() + "/" + slots + "⌉ = " + predicted,
                        what + checks + "; remainder and quotient share one limb half, " + slots + " elements per row");
            }
            int per = pow2 ? 1 : 2;
            long predicted = (long) s.size() * per;
            return new Part(index, kind, gadget, rows, predicted,
                    "elements × " + per + " = " + s.size() + " × " + per + " = " + predicted,
                    what + checks + (pow2 ? "; one row per element (r in the low limb half, y in the high half)"
                            : "; a second row per element checks d - 1 - r >= 0"));
        }
        if (gadget.startsWith("lookup:")) {
            String table = gadget.substring("lookup:".length());
            int lanes = g.fnLanes();
            long predicted = s == null ? -1 : ceil(s.size(), lanes);
            return new Part(index, kind, gadget, rows, predicted,
                    "⌈elements/lanes⌉ = ⌈" + (s == null ? "?" : s.size()) + "/" + lanes + "⌉ = " + predicted,
                    "table lookup: each element's (x, y) pair must be a row of table " + table + " (LogUp argument); "
                            + "one lookup per element, " + lanes + " lanes per row");
        }
        if (gadget.equals("max") || gadget.equals("min")) {
            int slots = g.compareSlots();
            String why = s instanceof Steps.Lookup
                    ? "clamps the input to the table's stored core before the lookup (a saturating function is "
                    + "constant outside it)"
                    : s instanceof Steps.MaxReduce ? "a running " + gadget + " over each window (pooling, reductions)"
                    : "element-wise " + gadget + " (ReLU is max(x, 0))";
            return new Part(index, kind, gadget, rows, -1,
                    rows + " rows of " + slots + " comparison slot(s) each",
                    gadget + " by comparison, " + why + ": the sign of D = u - v - k is a bit b (gate b(b-1) = 0), "
                            + "and R = (2b-1)·D + b - 1 >= 0 is decomposed into limbs (limb decomposition), each "
                            + "looked up in a range table");
        }
        if (gadget.equals("sum")) {
            return new Part(index, kind, gadget, rows, -1, rows + " rows of dot-product chains with c = " + c,
                    "sum: dot-product chains with all weights one (⌈terms/c⌉ rows per output)");
        }
        if (gadget.equals("lin") || gadget.equals("mul")) {
            int lanes = g.linearLanes();
            return new Part(index, kind, gadget, rows, -1, (s == null ? "?" : s.size()) + " elements in lanes of "
                            + lanes + " per row (rows group elements with the same coefficients) = " + rows + " rows",
                    gadget.equals("mul") ? "element-wise product c = a·b" : "linear lanes c = α·a + β·b + γ");
        }
        if (gadget.equals("vdiv")) {
            return new Part(index, kind, gadget, rows, 2L * (s == null ? 0 : s.size()),
                    "2 × elements = 2 × " + (s == null ? "?" : s.size()) + " = " + (2L * (s == null ? 0 : s.size())),
                    "division by a cell (Softmax's normalisation): quotient, remainder and remainder < divisor checked");
        }
        if (gadget.equals("constant")) {
            return new Part(index, kind, gadget, rows, -1, rows + " row(s) of shared constants",
                    "constant cells (one per column, gate a - k), placed when this layer first used a new constant");
        }
        return new Part(index, kind, gadget, rows, -1, rows + " rows", gadget + " rows");
    }

    // ------------------------------------------------------------------ worked example

    /**
     * One output element followed through the layer's gadgets, with the values the witness generator wrote.
     *
     * @param title  what is followed
     * @param lines  one line per witness cell or check, values substituted
     * @param values the raw numbers in order (for tests)
     */
    public record Example(String title, List<String> lines, List<Long> values) {
    }

    /**
     * Output element 0 of the layer's first dot product (its partial sums row by row, the fixed weights and inputs of
     * the first row) and of the rescale that follows (x, the quotient y, the remainder r), or the first lookup's (x, y)
     * pair, read from {@code witness} at the cells the gadgets placed. Null when the layer has neither.
     */
    public static Example example(CompiledModel cm, String layer, dev.zkscope.circuit.Witness witness) {
        return example(cm, layer, witness, -1);
    }

    private static boolean contains(TraceLayout.Placement p, int row) {
        return p != null && row >= p.start() && row < p.start() + p.rows();
    }

    /**
     * As {@link #example(CompiledModel, String, dev.zkscope.circuit.Witness)}, following the element whose cells lie
     * on trace row {@code atRow} (a clicked heatmap cell) when that row is one of the layer's dot, rescale, comparison
     * or lookup rows; element 0 otherwise.
     */
    public static Example example(CompiledModel cm, String layer, dev.zkscope.circuit.Witness witness, int atRow) {
        Geometry g = cm.layout().geometry();
        List<Step> steps = cm.model().steps();
        var circuit = cm.circuit();
        List<String> lines = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        TraceLayout.Placement dot = null;
        TraceLayout.Placement rescale = null;
        TraceLayout.Placement lookup = null;
        TraceLayout.Placement compare = null;
        for (TraceLayout.Placement p : cm.layout().placements()) {
            if (!p.layer().equals(layer) || p.step() < 0) {
                continue;
            }
            Step s = steps.get(p.step());
            if (dot == null && s instanceof Steps.Dot && p.gadget().startsWith("dot")) {
                dot = p;
            } else if (dot != null && rescale == null && s instanceof Steps.Div && (p.gadget().equals("rescale") || p.gadget().equals("div"))
                    && p.step() > dot.step()) {
                rescale = p;
            } else if ((lookup == null || contains(p, atRow)) && p.gadget().startsWith("lookup:")) {
                lookup = p;
            } else if ((compare == null || contains(p, atRow)) && (p.gadget().equals("max") || p.gadget().equals("min"))) {
                compare = p;
            }
        }
        boolean atCompare = contains(compare, atRow);
        if (dot != null) {
            Steps.Dot d = (Steps.Dot) steps.get(dot.step());
            int c = g.innerCols();
            int[] ks = d.terms();
            int el = 0;
            boolean packed = rescale != null && rescale.rows() < ks.length;
            int slots = packed ? g.rescaleSlots() : 1;
            if (contains(dot, atRow)) {
                int at = dot.start();
                while (el < ks.length - 1 && at + Math.max(1, (ks[el] + c - 1) / c) <= atRow) {
                    at += Math.max(1, (ks[el] + c - 1) / c);
                    el++;
                }
            } else if (contains(rescale, atRow)) {
                el = Math.min(ks.length - 1, (atRow - rescale.start()) * slots);
            }
            int chain = dot.start();
            for (int i = 0; i < el; i++) {
                chain += Math.max(1, (ks[i] + c - 1) / c);
            }
            int k = ks[el];
            int m = Math.max(1, (k + c - 1) / c);
            lines.add("dot product, output " + el + ": K = " + k + " terms in " + m + " row(s) of c = " + c);
            for (int r = 0; r < m; r++) {
                int row = chain + r;
                long prev = get(witness, circuit, Column.advice(g.dotPrevCol()), row);
                long out = get(witness, circuit, Column.advice(g.dotOutCol()), row);
                StringBuilder terms = new StringBuilder();
                int shown = 0;
                for (int j = 0; j < c && r * c + j < k; j++) {
                    if (r == 0 && shown < 4) {
                        long x = get(witness, circuit, Column.advice(j), row);
                        int fi = cm.layout().fixedIndexOf("dot_w" + j);
                        if (fi >= 0 && dot.gadget().equals("dot")) {
                            long w = Goldilocks.toSigned(circuit.fixed()[fi][row]);
                            terms.append(terms.length() == 0 ? "" : " + ").append(x).append("·").append(w);
                            shown++;
                        }
                    }
                }
                String t = terms.length() == 0 ? "" : "   (terms " + terms + (k > shown ? " + ..." : "") + ")";
                lines.add("  row " + row + ": prev = " + prev + (r == 0 ? (d.hasBias() ? " (the bias)" : " (0)") : "")
                        + ", out = prev + Σ x_j·w_j = " + out + t);
                values.add(prev);
                values.add(out);
            }
            if (rescale != null) {
                Steps.Div div = (Steps.Div) steps.get(rescale.step());
                int kb = Long.numberOfTrailingZeros(div.divisor());
                int row = rescale.start() + el / slots;
                int xCol = g.operandCol() + 2 * (el % slots);
                long x = get(witness, circuit, Column.advice(xCol), row);
                long y = get(witness, circuit, Column.advice(xCol + 1), row);
                long dv = div.divisor();
                long r = x + dv / 2 - y * dv;
                lines.add("rescale by 2^" + kb + ", row " + row + ": x = " + x + " (copied from the dot output), y = " + y
                        + ", remainder r = x + " + dv / 2 + " - y·" + dv + " = " + r + " in [0, " + dv
                        + ") (range-checked by limbs)");
                values.add(x);
                values.add(y);
                values.add(r);
            }
            return new Example("layer " + layer + ": output element " + el + " through its gadgets", lines, values);
        }
        if (compare != null && (lookup == null || atCompare)) {
            int row = atCompare ? atRow : compare.start();
            int o = g.operandCol();
            long u = get(witness, circuit, Column.advice(o), row);
            long v = get(witness, circuit, Column.advice(o + 1), row);
            long b = get(witness, circuit, Column.advice(o + 2), row);
            long y = get(witness, circuit, Column.advice(o + 3), row);
            int ki = cm.layout().fixedIndexOf("cmp_k");
            long k = ki < 0 ? 0 : Goldilocks.toSigned(circuit.fixed()[ki][row]);
            long d = u - v - k;
            long big = (2 * b - 1) * d + b - 1;
            String gname = compare.gadget();
            lines.add(gname + " comparison, row " + row + ", slot 0: u = " + u + ", v = " + v + (k == 0 ? "" : ", k = " + k)
                    + ", D = u - v - k = " + d);
            lines.add("  sign bit b = " + b + " (b(b-1) = 0), R = (2b-1)·D + b - 1 = " + big
                    + " >= 0, decomposed into limbs:");
            StringBuilder limbs = new StringBuilder();
            long recomposed = 0;
            int shift = 0;
            for (int i = 0; i < g.halfLimbs(); i++) {
                long limb = get(witness, circuit, Column.advice(i), row);
                limbs.append(i == 0 ? "" : ", ").append(limb);
                recomposed += limb << shift;
                shift += g.limbBits();
            }
            lines.add("  limbs (" + g.limbBits() + " bits each, each looked up in a range table): " + limbs
                    + "  -> Σ limb_i·2^(" + g.limbBits() + "i) = " + recomposed);
            lines.add("  y = " + gname + "(u, v + k) = " + y);
            values.add(u);
            values.add(v + k);
            values.add(b);
            values.add(big);
            values.add(recomposed);
            values.add(y);
            return new Example("layer " + layer + ": the comparison in row " + row + ", slot 0", lines, values);
        }
        if (lookup != null) {
            int row = contains(lookup, atRow) ? atRow : lookup.start();
            long x = get(witness, circuit, Column.advice(0), row);
            long y = get(witness, circuit, Column.advice(1), row);
            String table = lookup.gadget().substring("lookup:".length());
            lines.add("lookup in table " + table + ", row " + row + ", lane 0: x = " + x + ", y = " + table + "(x) = " + y
                    + ": the pair (x, y) is a row of the table");
            values.add(x);
            values.add(y);
            return new Example("layer " + layer + ": the lookup in row " + row + ", lane 0", lines, values);
        }
        return null;
    }

    private static long get(dev.zkscope.circuit.Witness w, dev.zkscope.circuit.Circuit c, Column col, int row) {
        return Goldilocks.toSigned(w.value(c, col, row));
    }
}
