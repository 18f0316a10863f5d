package dev.zkscope.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.LayerRow;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exported report of the open model: layers with their graph figures and ledger costs, lookup tables,
 * quantization, the other arithmetizations' totals and the proof runs; as JSON, CSV or a self-contained HTML page
 * (charts embedded as PNG). Pure functions of immutable results, so they run on any thread.
 */
final class Report {
    private Report() {}

    static String json(Analysis a, List<CompletedRun> runs) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("model", a.session().file().toString());
        ObjectNode s = root.putObject("settings");
        ModelSettings st = a.settings();
        s.put("batch", st.batch());
        s.put("target", st.target().name().toLowerCase(Locale.ROOT));
        s.put("input_scale", a.quantized() == null ? null : a.quantized().inputScale());
        s.put("param_scale", a.quantized() == null ? null : a.quantized().paramScale());
        s.put("inner_cols", st.innerCols());
        s.put("preset", st.preset());
        if (a.security() != null) {
            root.set("security", dev.zkscope.security.SecurityJson.of(a.security()));
        }
        s.put("zero_knowledge", st.zeroKnowledge());
        s.put("input", st.input().name().toLowerCase(Locale.ROOT));
        s.put("weights", st.weights().name().toLowerCase(Locale.ROOT));
        if (a.fidelity() != null) {
            ObjectNode f = root.putObject("fidelity");
            f.put("inputs", a.fidelity().inputs());
            f.put("max_abs_error", a.fidelity().maxAbsError());
            f.put("mean_abs_error", a.fidelity().meanAbsError());
            if (a.fidelity().argmaxApplies()) {
                f.put("argmax_agreement", a.fidelity().argmaxAgreement()); // meaningless for one output value
            }
            f.put("calibration", a.calibration());
            f.put("calibration_synthetic", a.calibration().startsWith("SYNTHETIC"));
        }
        ArrayNode layers = root.putArray("layers");
        for (LayerRow r : a.rows()) {
            ObjectNode l = layers.addObject();
            l.put("name", r.name());
            l.put("op", r.op());
            l.put("input_shapes", r.inputShapes());
            l.put("output_shape", r.outputShape());
            l.put("params", r.params());
            l.put("macs", r.macs());
            if (r.isUnsupported()) {
                l.put("unsupported", r.unsupported());
            }
            if (r.cost() != null) {
                l.put("rows", r.cost().rows());
                l.put("advice_cells", r.cost().adviceCells());
                ObjectNode lk = l.putObject("lookups");
                r.cost().lookups().forEach(lk::put);
                l.put("range_checks", r.cost().rangeChecks());
                l.put("copies", r.cost().copies());
                l.put("share", r.cost().share());
            }
        }
        if (a.compiled() != null) {
            // The same schema as 'zkscope inspect --json': trace, per-layer ledger and estimates, tables, totals.
            root.set("circuit", dev.zkscope.compile.LedgerJson.of(a.compiled()));
        }
        ArrayNode rs = root.putArray("runs");
        for (CompletedRun r : runs) {
            ObjectNode o = rs.addObject();
            o.put("id", r.id());
            o.put("model", r.model());
            o.put("preset", r.settings().preset());
            o.put("zero_knowledge", r.settings().zeroKnowledge());
            o.put("log_n", r.logN());
            o.put("keygen_ms", r.keygenMillis());
            o.put("key_reused", r.keyReused());
            o.put("prove_ms", r.proveMillis());
            o.put("verify_ms", r.verifyMillis());
            o.put("peak_heap_bytes", r.peakHeap());
            o.put("baseline_heap_bytes", r.baselineHeap());
            o.put("heap_above_baseline_bytes", r.heapAboveBaseline());
            o.put("proof_bytes", r.proof().length);
            o.put("preset_conjectured_bits", r.securityBits());
            o.put("verified", r.verdict().accepted());
            if (r.forecast() != null) {
                o.put("predicted_prove_s", r.forecast().proveSeconds());
                double[] band = r.forecast().timeBand();
                if (band != null) {
                    // the times this machine's repeats of one proof allow (CostModel.timeBand)
                    o.putArray("predicted_prove_s_band").add(band[0]).add(band[1]);
                }
                o.put("predicted_peak_heap_bytes", r.forecast().peakHeapBytes());
                // As the CLI's report: the errors are on what the cost model predicts (the heap above the baseline).
                o.put("predicted_heap_above_baseline_bytes", r.forecast().heapAboveBaseline());
                dev.zkscope.predict.PredictionError e = r.predictionError();
                o.put("prediction_error_time", e.timeError());
                o.put("prediction_error_heap_above_baseline", e.heapError());
                if (e.warning() != null) {
                    o.put("prediction_warning", e.warning());
                }
            }
            ObjectNode ph = o.putObject("phases_ms");
            r.phases().forEach(p -> ph.put(p.name(), p.millis()));
        }
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The layer table as CSV (graph figures and ledger costs), then the compiler's own ledger CSV. */
    static String csv(Analysis a) {
        StringBuilder sb = new StringBuilder("name,op,input_shapes,output_shape,params,macs,rows,advice_cells,lookups,"
                + "range_checks,copies,share,unsupported\n");
        for (LayerRow r : a.rows()) {
            sb.append(q(r.name())).append(',').append(q(r.op())).append(',').append(q(r.inputShapes())).append(',')
                    .append(q(r.outputShape())).append(',').append(r.params()).append(',').append(r.macs());
            if (r.cost() != null) {
                sb.append(',').append(r.cost().rows()).append(',').append(r.cost().adviceCells()).append(',')
                        .append(q(Format.perKey(r.cost().lookups()))).append(',').append(r.cost().rangeChecks())
                        .append(',').append(r.cost().copies()).append(',')
                        .append(String.format(Locale.ROOT, "%.6f", r.cost().share()));
            } else {
                sb.append(",,,,,,");
            }
            sb.append(',').append(r.isUnsupported() ? q(r.unsupported()) : "").append('\n');
        }
        if (a.ledger() != null) {
            sb.append('\n').append(a.ledger().toCsv());
        }
        return sb.toString();
    }

    private static String q(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String h(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A self-contained HTML page: summary, charts (PNG data URIs), layer table, runs. */
    static String html(Analysis a, List<CompletedRun> runs, Map<String, byte[]> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>zkscope report: ")
                .append(h(a.session().displayName())).append("</title><style>body{font-family:sans-serif;margin:24px;"
                + "color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}td:nth-child(-n+3),th{text-align:left}img{max-width:100%;border:1px solid #ddd;"
                + "margin:8px 0}</style></head><body>");
        sb.append("<h1>zkscope report: ").append(h(a.session().displayName())).append("</h1>");
        ModelSettings st = a.settings();
        sb.append("<p>").append(a.session().graph().nodes().size()).append(" layers, ")
                .append(Format.count(a.session().graph().totalParams())).append(" parameters, ")
                .append(Format.count(a.session().graph().totalMacs())).append(" MACs. Preset ").append(h(st.preset()))
                .append(" (").append(a.security() == null ? "not compiled" : h(a.security().summary()))
                .append("), zero knowledge ")
                .append(st.zeroKnowledge() ? "on" : "off").append(".");
        if (a.quantized() != null) {
            sb.append(" Quantized at input scale 2^").append(a.quantized().inputScale()).append(", parameter scale 2^")
                    .append(a.quantized().paramScale()).append('.');
        }
        if (a.ledger() != null) {
            sb.append(" Trace 2^").append(a.ledger().logN()).append(" rows, ")
                    .append(Format.count(a.ledger().gadgetRows())).append(" used by gadgets.");
        }
        sb.append("</p>");
        for (Map.Entry<String, byte[]> c : charts.entrySet()) {
            sb.append("<h2>").append(h(c.getKey())).append("</h2><img alt=\"").append(h(c.getKey()))
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(c.getValue()))
                    .append("\">");
        }
        sb.append("<h2>Layers</h2><table><tr><th>#</th><th>op</th><th>name</th><th>output</th><th>params</th>"
                + "<th>MACs</th><th>rows</th><th>advice cells</th><th>lookups</th><th>range checks</th><th>copies</th>"
                + "<th>share</th></tr>");
        for (LayerRow r : a.rows()) {
            sb.append("<tr><td>").append(r.index()).append("</td><td>").append(h(r.op())).append("</td><td>")
                    .append(h(r.name())).append("</td><td>").append(h(r.outputShape())).append("</td><td>")
                    .append(Format.count(r.params())).append("</td><td>").append(Format.count(r.macs())).append("</td>");
            if (r.cost() != null) {
                sb.append("<td>").append(Format.count(r.cost().rows())).append("</td><td>")
                        .append(Format.count(r.cost().adviceCells())).append("</td><td>")
                        .append(h(Format.perKey(r.cost().lookups()))).append("</td><td>")
                        .append(Format.count(r.cost().rangeChecks())).append("</td><td>")
                        .append(Format.count(r.cost().copies())).append("</td><td>")
                        .append(Format.percent(r.cost().share())).append("</td>");
            } else {
                sb.append("<td colspan=\"6\"></td>");
            }
            sb.append("</tr>");
        }
        sb.append("</table>");
        if (!runs.isEmpty()) {
            sb.append("<h2>Proof runs</h2><table><tr><th>#</th><th>model</th><th>preset</th><th>rows</th>"
                    + "<th>keygen</th><th>prove</th><th>verify</th><th>peak heap</th><th>proof</th><th>verdict</th></tr>");
            for (CompletedRun r : runs) {
                sb.append("<tr><td>").append(r.id()).append("</td><td>").append(h(r.model())).append("</td><td>")
                        .append(h(r.settings().preset())).append("</td><td>2^").append(r.logN()).append("</td><td>")
                        .append(r.keyReused() ? "reused" : Format.millis(r.keygenMillis())).append("</td><td>")
                        .append(Format.millis(r.proveMillis())).append("</td><td>")
                        .append(Format.millis(r.verifyMillis())).append("</td><td>")
                        .append(Format.bytes(r.peakHeap())).append("</td><td>").append(Format.bytes(r.proof().length))
                        .append("</td><td>").append(r.verdict().accepted() ? "accepted" : "rejected")
                        .append("</td></tr>");
            }
            sb.append("</table>");
        }
        sb.append("<p><small>Generated by zkscope. Every figure comes from the prover's importer, compiler, cost "
                + "ledger and profiler; arithmetization comparisons other than Plonkish are the compiler's documented "
                + "estimates.</small></p></body></html>");
        return sb.toString();
    }
}
