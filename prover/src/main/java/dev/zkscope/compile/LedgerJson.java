package dev.zkscope.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.estimate.LayerEstimate;
import java.util.HashMap;
import java.util.Map;

/**
 * The compiled circuit as JSON, one schema for {@code zkscope inspect --json} and the app's exported report: the trace
 * shape, the exact per-layer ledger beside the other arithmetizations' estimates of the same layer, the lookup
 * tables, the estimate totals, and the note when the tables set the trace height.
 */
public final class LedgerJson {
    private LedgerJson() {}

    public static ObjectNode of(CompiledModel cm) {
        CostLedger l = cm.ledger();
        EstimateParams ep = EstimateParams.forCircuit(cm);
        Map<String, LayerEstimate> est = new HashMap<>();
        for (LayerEstimate e : cm.estimates(ep)) {
            est.put(e.layer(), e);
        }
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("k", l.logN());
        c.put("rows", l.n());
        c.put("gadget_rows", l.gadgetRows());
        c.put("table_rows", l.tableRows());
        c.put("reserved_rows", l.reservedRows());
        c.put("k_without_tables", l.logNWithoutTables());
        c.put("tables_set_height", l.tablesSetHeight());
        l.heightNote().ifPresent(n -> c.put("height_note", n));
        l.paddingNote().ifPresent(n -> c.put("padding_note", n));
        c.put("advice_columns", l.numAdvice());
        c.put("fixed_columns", l.numFixed());
        c.put("instance_columns", l.numInstance());
        c.put("max_gate_degree", l.maxGateDegree());
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
        Estimates.Totals t = cm.estimateTotals(ep);
        ObjectNode tot = c.putObject("estimate_totals");
        tot.put("r1cs_constraints", t.r1csConstraints());
        tot.put("ezkl_rows", t.ezklRows());
        tot.put("ezkl_log_rows", t.ezklLogRows());
        tot.put("ezkl_lookups", t.ezklLookups());
        tot.put("gkr_field_mults", t.gkrFieldMults());
        tot.put("gkr_committed", t.gkrCommitted());
        return c;
    }
}
