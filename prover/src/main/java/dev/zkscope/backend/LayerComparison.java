package dev.zkscope.backend;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.circuit.Region;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Tensor;
import dev.zkscope.profile.PhaseListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two backends' measured cost of one model, per layer, each beside its estimate: what {@code zkscope bench
 * --backend plonkish,sumcheck --per-layer} prints and the app's Blowup and Prove views show.
 *
 * <p>Plonkish, per layer: the rows its regions occupy in the circuit that was proved and the advice cells of those
 * rows that hold a non-zero value in the filled witness (measured), beside the rows and assigned advice cells of the
 * counting-mode ledger (what {@code inspect} says before any trace exists: the estimate). The Plonkish prover works
 * per column, not per layer, so its time is known for the whole proof only.
 *
 * <p>Sumcheck, per layer: the F_p2 products its sumchecks made and their wall time, as the backend reports under the
 * layer's label ({@link Backend.Run#layerMults()}, {@link Backend.Run#layerNanos()}), beside the estimate of
 * {@link Estimates#sumcheck} at the range-table width the backend picks (docs/estimates.md). The commitments,
 * openings and lookup arguments of the whole proof follow as their own rows, measured only: the estimate prices them
 * in the whole proof, whose total is compared in {@link Totals}. When the backend refuses the model, the layer it
 * names carries its reason and every other layer says which layer stopped the proof.
 *
 * @param model           the model's name
 * @param plonkishPreset  the Plonkish proof's preset
 * @param sumcheckPreset  the sumcheck proof's preset
 * @param rows            the ledger's layers in placement order, then the sumcheck backend's whole-proof parts
 * @param totals          whole-proof figures
 * @param sumcheckRefusal why the sumcheck backend did not prove the model, or null
 */
public record LayerComparison(String model, String plonkishPreset, String sumcheckPreset, List<Row> rows,
                              Totals totals, String sumcheckRefusal) {

    public LayerComparison {
        rows = List.copyOf(rows);
    }

    /**
     * One row. A figure a backend does not have for the row is null.
     *
     * @param layer            the layer (ONNX node) name, or a whole-proof part of the sumcheck proof
     * @param op               the layer's op kind ("" for a whole-proof part)
     * @param plonkishRows     rows of the proved circuit's regions of this layer
     * @param countedRows      rows of this layer in the counting-mode ledger (the estimate)
     * @param nonZeroCells     advice cells of those rows holding a non-zero value in the filled witness
     * @param assignedCells    advice cells the counting-mode ledger says the layer assigns
     * @param sumcheckProducts F_p2 products the sumcheck prover counted under this row's label
     * @param sumcheckEstimate the sumcheck estimate of those products
     * @param sumcheckNanos    sumcheck prover wall time under this row's label
     * @param sumcheckNote     why the row has no sumcheck measurement (refused, or not a sumcheck step), or null
     */
    public record Row(String layer, String op, Integer plonkishRows, Integer countedRows, Long nonZeroCells,
                      Long assignedCells, Long sumcheckProducts, Long sumcheckEstimate, Long sumcheckNanos,
                      String sumcheckNote) {
        /** (counted - measured) / measured rows, or null. */
        public Double rowsError() {
            return error(countedRows == null ? null : countedRows.longValue(),
                    plonkishRows == null ? null : plonkishRows.longValue());
        }

        /** (estimate - counted) / counted products, or null. */
        public Double productsError() {
            return error(sumcheckEstimate, sumcheckProducts);
        }

        /** Whether the row is a layer of the model (not a whole-proof part of the sumcheck proof). */
        public boolean isLayer() {
            return plonkishRows != null || countedRows != null;
        }
    }

    /**
     * Whole-proof figures.
     *
     * @param logN              the Plonkish trace height 2^logN
     * @param plonkishRows      rows of all regions of the proved circuit (gadgets and structural rows)
     * @param countedRows       gadget rows of the counting-mode ledger
     * @param plonkishSeconds   Plonkish prover wall time
     * @param plonkishProof     Plonkish proof bytes
     * @param sumcheckSeconds   sumcheck prover wall time, or null when refused
     * @param sumcheckProof     sumcheck proof bytes, or null
     * @param sumcheckProducts  products counted over the whole sumcheck proof, or null (refused, or another proof held
     *                          the counter)
     * @param sumcheckEstimate  the whole-proof sumcheck estimate
     */
    public record Totals(int logN, long plonkishRows, long countedRows, double plonkishSeconds, long plonkishProof,
                         Double sumcheckSeconds, Long sumcheckProof, Long sumcheckProducts, long sumcheckEstimate) {
        public Double productsError() {
            return error(sumcheckEstimate, sumcheckProducts);
        }
    }

    static Double error(Long estimate, Long measured) {
        if (estimate == null || measured == null || measured == 0) {
            return null;
        }
        return (estimate - measured) / (double) measured;
    }

    /**
     * Proves the model with both backends on the same input (Plonkish at the prepared model's preset, sumcheck at the
     * preset of the same name) and compares. {@code cancelled} is polled between the steps and inside the Plonkish
     * proof's phases; a cancellation throws {@link java.util.concurrent.CancellationException}.
     */
    public static LayerComparison measure(Pipeline.Prepared p, List<Tensor> input,
                                          java.util.function.BooleanSupplier cancelled) {
        return measure(p, input, cancelled, s -> { });
    }

    /** As {@link #measure(Pipeline.Prepared, List, java.util.function.BooleanSupplier)}, naming each step as it starts. */
    public static LayerComparison measure(Pipeline.Prepared p, List<Tensor> input,
                                          java.util.function.BooleanSupplier cancelled,
                                          java.util.function.Consumer<String> step) {
        step.accept("Plonkish proof");
        ProveRun plonk = Pipeline.prove(p, input, PhaseListener.NONE, null, cancelled);
        if (!plonk.verdict().accepted()) {
            throw new IllegalStateException("the Plonkish proof did not verify: " + plonk.verdict());
        }
        checkCancelled(cancelled);
        String preset = p.settings().params().name();
        Backend.Run sc = null;
        String refusal = null;
        step.accept("sumcheck proof");
        try {
            sc = Backends.byName("sumcheck", sumcheckPreset(preset)).run(p, input);
            if (!sc.accepted()) {
                throw new IllegalStateException("the sumcheck proof did not verify: " + sc.verdict());
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            refusal = e.getMessage();
        }
        checkCancelled(cancelled);
        step.accept("per-layer figures (the counting-mode ledger, the filled witness)");
        return of(p, input, plonk, sc, refusal);
    }

    private static void checkCancelled(java.util.function.BooleanSupplier cancelled) {
        if (cancelled != null && cancelled.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("backend comparison cancelled");
        }
    }

    /** The sumcheck preset named like a Plonkish one ("testing-insecure" is the testing preset). */
    static String sumcheckPreset(String plonkish) {
        return plonkish.toLowerCase(Locale.ROOT).startsWith("testing") ? "testing" : plonkish;
    }

    /**
     * The comparison of one Plonkish proof and one sumcheck run (or its refusal) of {@code p} on {@code input}. The
     * filled witness is made again from the input (the proof does not keep it) to count its non-zero cells.
     */
    public static LayerComparison of(Pipeline.Prepared p, List<Tensor> input, ProveRun plonkish, Backend.Run sumcheck,
                                     String refusal) {
        CompiledModel cm = p.compiled();
        CompiledModel counted = Pipeline.count(p.quantized(), p.settings(), PhaseListener.NONE);
        Witness w = cm.witness(Pipeline.quantizeInput(p, input), p.salts()).witness();
        Map<String, int[]> regionRows = new LinkedHashMap<>();
        Map<String, long[]> nonZero = new LinkedHashMap<>();
        long allRows = 0;
        for (Region r : cm.circuit().regions()) {
            regionRows.computeIfAbsent(r.layer(), k -> new int[1])[0] += r.rows();
            nonZero.computeIfAbsent(r.layer(), k -> new long[1])[0] += nonZeroCells(w.advice(), r.start(), r.rows());
            allRows += r.rows();
        }
        Map<String, LayerCost> ledger = new LinkedHashMap<>();
        for (LayerCost c : counted.ledger().layers()) {
            ledger.merge(c.layer(), c, (a, b) -> new LayerCost(a.layer(), a.op(), a.rows() + b.rows(),
                    a.adviceCells() + b.adviceCells(), a.fixedCells() + b.fixedCells(), a.gates(), a.lookups(),
                    a.rangeChecks() + b.rangeChecks(), a.copies() + b.copies(), a.share() + b.share()));
        }
        QModel m = cm.model();
        EstimateParams ep = EstimateParams.forCircuit(cm);
        Map<String, Long> estimate = new LinkedHashMap<>();
        Estimates.sumcheckByLayer(m, ep).forEach((layer, sc) -> estimate.merge(layer, sc.proving(), Long::sum));
        long wholeEstimate = Estimates.totals(Estimates.of(m, ep), 0, m.paramCount(), ep).gkrFieldMults();

        Map<String, Long> mults = sumcheck == null ? Map.of() : sumcheck.layerMults();
        Map<String, Long> nanos = sumcheck == null ? Map.of() : sumcheck.layerNanos();
        // the sumcheck labels are "layer (kind)" for a layer's steps, else a whole-proof part
        Map<String, Long> layerMults = new LinkedHashMap<>();
        Map<String, Long> layerNanos = new LinkedHashMap<>();
        Map<String, String> layerKind = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (String label : union(nanos.keySet(), mults.keySet())) {
            String layer = layerOf(label, ledger.keySet(), estimate.keySet());
            if (layer == null) {
                parts.add(label);
                continue;
            }
            if (mults.containsKey(label)) {
                layerMults.merge(layer, mults.get(label), Long::sum);
            }
            if (nanos.containsKey(label)) {
                layerNanos.merge(layer, nanos.get(label), Long::sum);
            }
            layerKind.putIfAbsent(layer, label.substring(layer.length() + 2, label.length() - 1));
        }
        String refusedLayer = refusal == null ? null : refusedLayer(refusal, ledger.keySet());
        boolean counting = !mults.isEmpty();

        List<Row> rows = new ArrayList<>();
        List<String> names = new ArrayList<>(ledger.keySet());
        for (String l : regionRows.keySet()) {
            if (!names.contains(l)) {
                names.add(l);
            }
        }
        for (String l : layerMults.keySet()) {
            if (!names.contains(l)) {
                names.add(l);
            }
        }
        for (String l : names) {
            LayerCost c = ledger.get(l);
            int[] rr = regionRows.get(l);
            long[] nz = nonZero.get(l);
            Long est = estimate.get(l);
            String note = null;
            Long prod = layerMults.get(l);
            Long ns = layerNanos.get(l);
            if (sumcheck == null) {
                note = l.equals(refusedLayer) ? refusal : refusedLayer != null
                        ? "not proved: the sumcheck backend refused layer " + refusedLayer : refusal;
            } else if (est == null && prod == null && ns == null) {
                note = "no sumcheck step (a structural part of the Plonkish trace)";
            } else if (prod == null && ns == null) {
                note = "no sumcheck step of its own (folded into a neighbouring step)";
            } else if (prod == null && !counting) {
                note = "products not counted (another proof held the counter)";
            }
            rows.add(new Row(l, c != null ? c.op() : layerKind.getOrDefault(l, ""), rr == null ? null : rr[0],
                    c == null ? null : c.rows(), nz == null ? null : nz[0], c == null ? null : c.adviceCells(),
                    prod, est, ns, note));
        }
        for (String part : parts) {
            rows.add(new Row(part, "", null, null, null, null, mults.get(part), null, nanos.get(part),
                    "a whole-proof part: estimated in the whole proof only"));
        }
        Long total = null;
        if (counting) {
            long t = 0;
            for (long v : mults.values()) {
                t += v;
            }
            total = t;
        }
        Totals totals = new Totals(plonkish.logN(), allRows, counted.ledger().gadgetRows(), plonkish.proveSeconds(),
                plonkish.proof().length, sumcheck == null ? null : sumcheck.proveSeconds(),
                sumcheck == null ? null : sumcheck.proofBytes(), total, wholeEstimate);
        String scPreset = sumcheck != null ? sumcheck.preset() : sumcheckPreset(p.settings().params().name());
        return new LayerComparison(p.name(), p.settings().params().name(), scPreset, rows, totals, refusal);
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The layer a sumcheck label "LAYER (KIND)" belongs to, or null for a whole-proof part. */
    static String layerOf(String label, java.util.Set<String> ledger, java.util.Set<String> estimated) {
        int cut = label.lastIndexOf(" (");
        if (cut <= 0 || !label.endsWith(")")) {
            return null;
        }
        String layer = label.substring(0, cut);
        return ledger.contains(layer) || estimated.contains(layer) ? layer : null;
    }

    /** The ledger layer a refusal names ("cannot prove layer NAME (OP)..."), or null. */
    static String refusedLayer(String refusal, java.util.Set<String> layers) {
        String best = null;
        for (String l : layers) {
            if (refusal.contains("layer " + l + " (") && (best == null || l.length() > best.length())) {
                best = l;
            }
        }
        return best;
    }

    private static long nonZeroCells(long[][] advice, int start, int rows) {
        long n = 0;
        for (long[] col : advice) {
            int end = Math.min(col.length, start + rows);
            for (int r = start; r < end; r++) {
                if (col[r] != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** As JSON: {model, presets, sumcheckRefusal, totals{...}, layers[{...}]}; absent figures are null. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("model", model);
        o.put("plonkishPreset", plonkishPreset);
        o.put("sumcheckPreset", sumcheckPreset);
        o.put("sumcheckRefusal", sumcheckRefusal);
        ObjectNode t = o.putObject("totals");
        t.put("logN", totals.logN());
        t.put("plonkishRows", totals.plonkishRows());
        t.put("countedRows", totals.countedRows());
        t.put("plonkishSeconds", totals.plonkishSeconds());
        t.put("plonkishProofBytes", totals.plonkishProof());
        t.put("sumcheckSeconds", totals.sumcheckSeconds());
        t.put("sumcheckProofBytes", totals.sumcheckProof());
        t.put("sumcheckProducts", totals.sumcheckProducts());
        t.put("sumcheckEstimate", totals.sumcheckEstimate());
        t.put("sumcheckProductsError", totals.productsError());
        var arr = o.putArray("layers");
        for (Row r : rows) {
            ObjectNode x = arr.addObject();
            x.put("layer", r.layer());
            x.put("op", r.op());
            x.put("plonkishRows", r.plonkishRows());
            x.put("countedRows", r.countedRows());
            x.put("rowsError", r.rowsError());
            x.put("nonZeroCells", r.nonZeroCells());
            x.put("assignedCells", r.assignedCells());
            x.put("sumcheckProducts", r.sumcheckProducts());
            x.put("sumcheckEstimate", r.sumcheckEstimate());
            x.put("sumcheckProductsError", r.productsError());
            x.put("sumcheckNanos", r.sumcheckNanos());
            x.put("sumcheckNote", r.sumcheckNote());
        }
        return o;
    }

    /** The side-by-side table as text, one line per row, with the whole proof last. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-28s %-14s | %9s %9s %7s %11s %11s | %11s %11s %7s %9s",
                "layer", "op", "P rows", "P est.", "err", "P cells!=0", "P assigned", "S products", "S est.", "err",
                "S ms");
        b.append("per layer: P = plonkish ").append(plonkishPreset).append(" (measured from the proved trace; est. = "
                + "counting-mode ledger), S = sumcheck ").append(sumcheckPreset).append(" (F_p2 products counted; est. = "
                + "docs/estimates.md)\n");
        b.append(head).append('\n').append(head.replaceAll("[^|]", "-")).append('\n');
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-28s %-14s | %9s %9s %7s %11s %11s | %11s %11s %7s %9s",
                    clip(r.layer(), 28), clip(r.op(), 14), num(r.plonkishRows()), num(r.countedRows()),
                    pct(r.rowsError()), num(r.nonZeroCells()), num(r.assignedCells()), num(r.sumcheckProducts()),
                    num(r.sumcheckEstimate()), pct(r.productsError()),
                    r.sumcheckNanos() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.sumcheckNanos() / 1e6)))
                    .append('\n');
            if (r.sumcheckNote() != null && r.isLayer() && r.sumcheckProducts() == null && r.sumcheckNanos() == null
                    && sumcheckRefusal != null && r.sumcheckNote().equals(sumcheckRefusal)) {
                b.append("    sumcheck: ").append(r.sumcheckNote()).append('\n');
            }
        }
        b.append(String.format(Locale.ROOT, "whole proof: plonkish 2^%d rows (%s in regions, %s counted), prove %.3f s, "
                        + "proof %.1f KiB; sumcheck %s", totals.logN(), num(totals.plonkishRows()),
                num(totals.countedRows()), totals.plonkishSeconds(), totals.plonkishProof() / 1024.0,
                totals.sumcheckSeconds() == null ? "refused: " + sumcheckRefusal
                        : String.format(Locale.ROOT, "prove %.3f s, proof %.1f KiB, products %s / estimate %s (%s)",
                        totals.sumcheckSeconds(), totals.sumcheckProof() / 1024.0, num(totals.sumcheckProducts()),
                        num(totals.sumcheckEstimate()), pct(totals.productsError()))));
        return b.append('\n').toString();
    }

    private static String clip(String s, int w) {
        return s.length() <= w ? s : s.substring(0, w - 1) + "~";
    }

    static String num(Number v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,d", v.longValue());
    }

    static String pct(Double e) {
        return e == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100 * e);
    }
}
