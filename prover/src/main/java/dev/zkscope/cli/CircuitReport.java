package dev.zkscope.cli;

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
        EstimateParams ep = EstimateParams.forCircuit(cm);
        Map<String, LayerEstimate> est = new HashMap<>();
        for (LayerEstimate e : cm.estimates(ep)) {
            est.put(e.layer(), e);
        }
        out.printf(Locale.ROOT, "%ncircuit (Plonkish with lookups, as proved): trace 2^%d = %,d rows (%,d gadget rows, "
                        + "%,d table rows), %d advice and %d fixed columns; %s%n", l.logN(), l.n(), l.gadgetRows(),
                l.tableRows(), l.numAdvice(), l.numFixed(), proofNote);
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
        Estimates.Totals t = cm.estimateTotals(ep);
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
        l.paddingNote().ifPresent(n -> out.println("note: " + n));
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
