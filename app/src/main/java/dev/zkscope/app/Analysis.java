package dev.zkscope.app;

import dev.zkscope.quant.FidelityReport;
import dev.zkscope.quant.QuantizedGraph;
import dev.zkscope.viz.LookupTablesView;
import java.util.List;

/**
 * What the prover's pipeline computed for one open model under one set of settings: the calibrated quantization with
 * its fidelity and lookup tables. Immutable; replaced as a whole when settings change.
 *
 * @param session        the model it belongs to
 * @param settings       the settings it was computed with
 * @param quantized      the quantized graph, or null when the model cannot be quantized (see {@code problem})
 * @param fidelity       quantized against float on the calibration inputs, or null
 * @param calibration    where the calibration inputs came from
 * @param problem        null, or why the model could not be analysed (shown to the user)
 */
public record Analysis(ModelSession session, ModelSettings settings, QuantizedGraph quantized,
                       FidelityReport fidelity, String calibration, String problem) {

    public List<LookupTablesView.Entry> lookupTables() {
        if (quantized == null) {
            return List.of();
        }
        return quantized.nodes().stream().filter(n -> n.table() != null)
                .map(n -> new LookupTablesView.Entry(n.name(), n.table())).toList();
    }
}
