package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.CostLedger;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.TableInfo;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.estimate.LayerEstimate;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The circuit part of {@code inspect}: the exact per-layer ledger of the Plonkish circuit that {@code prove} proves,
 * beside the estimates of the same layers under other arithmetizations (R1CS, EZKL-style halo2, sumcheck/GKR).
 */
final class CircuitReport {
    private CircuitReport() {}

    static void print(PrintWriter out, CompiledModel cm, String proofNote) {
        CostLedger l = cm.ledger();
        EstimateParams ep = EstimateParams.defaults();
        Map<String, LayerEstimate> est = estimates(cm, ep);
        out.printf(Locale.ROOT, "%ncircuit (Plonkish with lookups, as proved): trace 2^%d = %,d rows (%,d gadget rows, "
                        + "%,d table rows), %d advice and %d fixed columns; %s%n", l.logN(), l.n(), l.gadgetRows(),
                l.tableRows(), cm.circuit().numAdvice(), cm.circuit().numFixed(), proofNote);
        String fmt = "%-28s %-12s %7s %6s %9s %8s %8s %7s %7s | %10s %9s %12s%n";
        out.printf(fmt, "layer", "op", "rows", "share", "advice", "lookups", "range", "copies", "gates",
                "R1CS", "EZKL rows", "GKR mults");
        for (LayerCost c : l.layers()) {
            LayerEstimate e = est.get(c.layer());
            out.printf(Locale.ROOT, fmt, clip(c.layer(), 28), clip(c.op(), 12), String.format("%,d", c.rows()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * c.share()), String.format("%,d", c.adviceCells()),
                    String.format("%,d", c.lookupCount()), String.format("%,d", c.rangeChecks()),
                    String.format("%,d", c.copies()), String.format("%,d", c.gateCount()),
                    e == null ? "-" : String.format("%,d", e.r1csConstraints()),
                    e == null ? "-" : String.format("%,d", e.ezklRows()),
                    e == null ? "-" : String.format("%,d", e.gkrFieldMults()));
        }
        Estimates.Totals t = totals(cm, ep);
        out.printf(Locale.ROOT, "total: %,d advice cells, %,d lookups, %,d range checks, %,d copies%n",
                l.totalAdviceCells(), l.totalLookups(), l.totalRangeChecks(), l.totalCopies());
        out.printf(Locale.ROOT, "other arithmetizations (estimates): R1CS %,d constraints; EZKL-style halo2 %,d rows "
                        + "(2^%d, %d inner cols, %d legs of 2^%d); sumcheck/GKR %,d field mults, %,d committed elements%n",
                t.r1csConstraints(), t.ezklRows(), t.ezklLogRows(), ep.ezklInnerCols(), ep.ezklDecompLegs(),
                ep.ezklDecompBaseBits(), t.gkrFieldMults(), t.gkrCommitted());
        if (!l.tables().isEmpty()) {
            out.println("lookup tables:");
            for (TableInfo ti : l.tables()) {
                String what = ti.function().equals(ti.name()) ? ti.name() : ti.name() + " (" + ti.function() + ")";
                out.printf(Locale.ROOT, "  %-28s input [%d, %d], %,d rows%n", what, ti.inputMin(), ti.inputMax(),
                        ti.size());
            }
        }
        l.heightNote().ifPresent(n -> out.println("note: " + n));
    }

    static ObjectNode json(CompiledModel cm) {
        ObjectMapper m = new ObjectMapper();
        CostLedger l = cm.ledger();
        EstimateParams ep = EstimateParams.defaults();
        Map<String, LayerEstimate> est = estimates(cm, ep);
        ObjectNode c = m.createObjectNode();
        c.put("k", l.logN());
        c.put("rows", l.n());
        c.put("gadget_rows", l.gadgetRows());
        c.put("table_rows", l.tableRows());
        c.put("k_without_tables", l.logNWithoutTables());
        c.put("tables_set_height", l.tablesSetHeight());
        l.heightNote().ifPresent(n -> c.put("height_note", n));
        c.put("advice_columns", cm.circuit().numAdvice());
        c.put("fixed_columns", cm.circuit().numFixed());
        ArrayNode layers = c.putArray("layers");
        for (LayerCost lc : l.layers()) {
            ObjectNode o = layers.addObject();
            o.put("layer", lc.layer());
            o.put("op", lc.op());
            o.put("rows", lc.rows());
            o.put("share", lc.share());
            o.put("advice_cells", lc.adviceCells());
            o.put("fixed_cells", lc.fixedCells());
            ObjectNode gates = o.putObject("gates");
            lc.gates().forEach(gates::put);
            ObjectNode lookups = o.putObject("lookups");
            lc.lookups().forEach(lookups::put);
            o.put("range_checks", lc.rangeChecks());
            o.put("copies", lc.copies());
            LayerEstimate e = est.get(lc.layer());
            if (e != null) {
                ObjectNode eo = o.putObject("estimates");
                eo.put("r1cs_constraints", e.r1csConstraints());
                eo.put("ezkl_rows", e.ezklRows());
                eo.put("ezkl_lookups", e.ezklLookups());
                eo.put("gkr_field_mults", e.gkrFieldMults());
                eo.put("gkr_committed", e.gkrCommitted());
            }
        }
        ArrayNode tables = c.putArray("tables");
        for (TableInfo ti : l.tables()) {
            ObjectNode o = tables.addObject();
            o.put("name", ti.name());
            o.put("function", ti.function());
            o.put("input_min", ti.inputMin());
            o.put("input_max", ti.inputMax());
            o.put("size", ti.size());
        }
        Estimates.Totals t = totals(cm, ep);
        ObjectNode tot = c.putObject("estimate_totals");
        tot.put("r1cs_constraints", t.r1csConstraints());
        tot.put("ezkl_rows", t.ezklRows());
        tot.put("ezkl_log_rows", t.ezklLogRows());
        tot.put("ezkl_lookups", t.ezklLookups());
        tot.put("gkr_field_mults", t.gkrFieldMults());
        tot.put("gkr_committed", t.gkrCommitted());
        return c;
    }

    private static Map<String, LayerEstimate> estimates(CompiledModel cm, EstimateParams ep) {
        Map<String, LayerEstimate> out = new HashMap<>();
        for (LayerEstimate e : Estimates.of(cm.layers(), ep)) {
            out.put(e.layer(), e);
        }
        return out;
    }

    private static Estimates.Totals totals(CompiledModel cm, EstimateParams ep) {
        long largest = 0;
        for (TableInfo ti : cm.ledger().tables()) {
            largest = Math.max(largest, ti.size());
        }
        // Weights are fixed (baked into the circuit) by default, so no parameter count enters the GKR commitment.
        return Estimates.totals(Estimates.of(cm.layers(), ep), largest, 0, ep);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
