package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.CostLedger;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.estimate.LayerEstimate;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.quant.FidelityReport;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.quant.QuantizedGraph;
import dev.zkscope.viz.LayerRow;
import dev.zkscope.viz.LayerRows;
import dev.zkscope.viz.LookupTablesView;
import dev.zkscope.viz.trace.TraceMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the prover's pipeline computed for one open model under one set of settings: the calibrated quantization with
 * its fidelity and lookup tables, and the compiled circuit with its exact cost ledger, as the prover's
 * {@link Pipeline.Prepared}, which also keeps the proving key once a proof has derived it: proving the same analysis
 * again reuses that key. Immutable apart from that key; replaced as a whole when settings change, so a new setting
 * always means a new Prepared and a new key.
 *
 * @param session        the model it belongs to
 * @param settings       the settings it was computed with
 * @param quantized      the quantized graph, or null when the model cannot be quantized (see {@code problem})
 * @param fidelity       quantized against float on the calibration inputs, or null
 * @param calibration    where the calibration inputs came from
 * @param prepared       the model quantized and compiled for the prover (with its proving key once derived), or null
 *                       when it could not be compiled (see {@code problem})
 * @param trace          the compiled trace for the heatmap, or null
 * @param problem        null, or why the model could not be analysed further (shown to the user)
 * @param counted        the circuit counted without a trace ({@link Pipeline#count}), when the filled one did not fit
 *                       the heap: its ledger is exact, there is no trace to draw or prove; null otherwise
 */
public record Analysis(ModelSession session, ModelSettings settings, QuantizedGraph quantized,
                       FidelityReport fidelity, String calibration, Pipeline.Prepared prepared, TraceMap trace,
                       String problem, CompiledModel counted) {
    /** An analysis without a counted-only circuit. */
    public Analysis(ModelSession session, ModelSettings settings, QuantizedGraph quantized, FidelityReport fidelity,
                    String calibration, Pipeline.Prepared prepared, TraceMap trace, String problem) {
        this(session, settings, quantized, fidelity, calibration, prepared, trace, problem, null);
    }

    public Analysis {
        // The prepared model (and the proving key it keeps) must be the one these settings make: never a stale key.
        if (prepared != null && !prepared.settings().params().equals(settings.proofParameters())) {
            throw new IllegalArgumentException("the prepared model's proof parameters (" + prepared.settings().params()
                    + ") are not the settings' (" + settings.proofParameters() + ")");
        }
        if (prepared != null && (prepared.settings().compile().input() != settings.input()
                || prepared.settings().compile().weights() != settings.weights())) {
            throw new IllegalArgumentException("the prepared model's visibility (input "
                    + prepared.settings().compile().input() + ", weights " + prepared.settings().compile().weights()
                    + ") is not the settings' (input " + settings.input() + ", weights " + settings.weights() + ")");
        }
    }

    /**
     * The conjectured and provable security of this circuit's proofs under the settings' preset, or null when it is
     * not compiled (or the preset cannot prove it).
     */
    public SecurityAnalysis security() {
        if (compiled() == null) {
            return null;
        }
        try {
            return SecurityAnalysis.of(compiled().circuit(), settings.proofParameters());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The figures of this circuit under another preset (re-sized to that preset's reserved rows, as a recompile
     * would), or null when it is not compiled or that preset cannot prove it.
     */
    public SecurityAnalysis securityUnder(ProofParameters p) {
        if (compiled() == null) {
            return null;
        }
        ProofParameters q = p.withZeroKnowledge(settings.zeroKnowledge());
        if (q.equals(settings.proofParameters())) {
            return security();
        }
        CostLedger l = compiled().ledger();
        try {
            return SecurityAnalysis.ofResized(compiled().circuit(), Math.max(l.gadgetRows(), l.tableRows() + 1), q);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The compiled circuit, or null when it could not be compiled (see {@code problem}). */
    public CompiledModel compiled() {
        return prepared == null ? null : prepared.compiled();
    }

    public List<LookupTablesView.Entry> lookupTables() {
        if (quantized == null) {
            return List.of();
        }
        return quantized.nodes().stream().filter(n -> n.table() != null)
                .map(n -> new LookupTablesView.Entry(n.name(), n.table())).toList();
    }

    /**
     * The circuit the ledger views read: the compiled one, else the one counted without a trace (when the trace does
     * not fit the heap), else null.
     */
    public CompiledModel ledgerModel() {
        return compiled() != null ? compiled() : counted;
    }

    /** The other arithmetizations' per-layer estimates, or null when neither compiled nor counted. */
    public List<LayerEstimate> estimates() {
        CompiledModel m = ledgerModel();
        return m == null ? null : m.estimates(EstimateParams.forCircuit(m));
    }

    /** Whole-model totals of the estimates, or null when neither compiled nor counted. */
    public Estimates.Totals estimateTotals() {
        CompiledModel m = ledgerModel();
        return m == null ? null : m.estimateTotals(EstimateParams.forCircuit(m));
    }

    /** The ledger (of the compiled circuit, or of the counted one), or null when neither. */
    public CostLedger ledger() {
        CompiledModel m = ledgerModel();
        return m == null ? null : m.ledger();
    }

    /** The layer table's rows with the ledger's costs. */
    public List<LayerRow> rows() {
        CostLedger l = ledger();
        if (l == null) {
            return session.rows();
        }
        Map<String, Long> charged = tableRowsByLayer(l);
        Map<String, LayerRow.Cost> costs = new HashMap<>();
        Map<String, dev.zkscope.compile.LayerInfo> infos = new HashMap<>();
        if (ledgerModel() != null) {
            for (dev.zkscope.compile.LayerInfo i : ledgerModel().layers()) {
                infos.put(i.layer(), i);
            }
        }
        for (LayerCost c : l.layers()) {
            dev.zkscope.compile.LayerInfo i = infos.get(c.layer());
            costs.put(c.layer(), new LayerRow.Cost(c.rows(), c.adviceCells(), c.lookups(), c.rangeChecks(),
                    c.copies(), c.share(), charged.getOrDefault(c.layer(), 0L), i == null ? 0 : i.work().macs(),
                    i == null ? 0 : i.outputs()));
        }
        List<LayerRow> rows = new java.util.ArrayList<>(LayerRows.withCosts(session.rows(), costs));
        // Hashed visibility: the Poseidon2 rows are layers of the ledger with no graph node; shown after the nodes.
        for (LayerCost c : l.layers()) {
            if (c.op().equals("Poseidon2")) {
                rows.add(new LayerRow(rows.size() + 1, c.layer(), c.op(), "", "", 0, 0, null, costs.get(c.layer())));
            }
        }
        return rows;
    }

    /**
     * The ledger's table rows charged to layers: each table's rows split among the layers that look into it, in
     * proportion to their lookups (largest remainders get the leftover rows, so every table's rows are charged
     * exactly). A table nobody looks into is charged to no layer.
     */
    static Map<String, Long> tableRowsByLayer(CostLedger l) {
        Map<String, Long> out = new HashMap<>();
        for (dev.zkscope.compile.TableInfo t : l.tables()) {
            java.util.List<LayerCost> users = l.layers().stream()
                    .filter(c -> c.lookups().getOrDefault(t.name(), 0L) > 0).toList();
            long total = users.stream().mapToLong(c -> c.lookups().get(t.name())).sum();
            if (total == 0) {
                continue;
            }
            long given = 0;
            double[] rest = new double[users.size()];
            for (int i = 0; i < users.size(); i++) {
                double exact = (double) t.size() * users.get(i).lookups().get(t.name()) / total;
                long floor = (long) Math.floor(exact);
                rest[i] = exact - floor;
                out.merge(users.get(i).layer(), floor, Long::sum);
                given += floor;
            }
            Integer[] order = new Integer[users.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(rest[b], rest[a]));
            for (int k = 0; given < t.size(); k++, given++) {
                out.merge(users.get(order[k % order.length]).layer(), 1L, Long::sum);
            }
        }
        return out;
    }

    /** Each ledger layer's share of gadget rows, by layer name. */
    public Map<String, Double> shares() {
        CostLedger l = ledger();
        if (l == null) {
            return Map.of();
        }
        Map<String, Double> out = new HashMap<>();
        for (LayerCost c : l.layers()) {
            out.put(c.layer(), c.share());
        }
        return out;
    }
}
