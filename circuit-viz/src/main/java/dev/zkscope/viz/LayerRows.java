package dev.zkscope.viz;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the layer table's rows from the prover's graph and, when there is one, its cost ledger. */
public final class LayerRows {
    private LayerRows() {}

    public static List<LayerRow> fromGraph(Graph graph) {
        List<LayerRow> rows = new ArrayList<>();
        int i = 1;
        for (Node n : graph.nodes()) {
            String why = n.op() instanceof Op.Unsupported ? ((Op.Unsupported) n.op()).reason() : null;
            rows.add(new LayerRow(i++, n.name(), n.opType(), Format.shapes(n.inputShapes()),
                    Format.shapes(n.outputShapes()), n.params(), n.macs(), why, null));
        }
        return rows;
    }

    /** The rows with their ledger cost attached, by layer name; layers the ledger does not name keep no cost. */
    public static List<LayerRow> withCosts(List<LayerRow> rows, Map<String, LayerRow.Cost> costs) {
        List<LayerRow> out = new ArrayList<>();
        for (LayerRow r : rows) {
            out.add(costs.containsKey(r.name()) ? r.withCost(costs.get(r.name())) : r);
        }
        return out;
    }
}
