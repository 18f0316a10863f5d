package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QNode;
import dev.zkscope.quant.QuantizedGraph;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.security.SecurityJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkscope inspect MODEL}: the per-layer table (shapes, parameters, MACs, quantization) and unsupported nodes. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Per-layer table of an ONNX model: op, shapes, parameters, MACs, fixed-point quantization.")
public final class InspectCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--no-circuit", description = "skip compiling the circuit (no ledger, no estimates)")
    boolean noCircuit;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard",
            description = "proof parameters whose blinding rows the layout reserves and whose conjectured and provable "
                    + "security is shown for the circuit (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--weights-visibility", paramLabel = "V", defaultValue = "fixed",
            description = "fixed or hashed: the ledger then shows the Poseidon2 rows as the layer 'hash weights' "
                    + "(default: ${DEFAULT-VALUE})")
    String weightsVisibility;

    @Option(names = "--input-visibility", paramLabel = "V", defaultValue = "private",
            description = "private, public or hashed (default: ${DEFAULT-VALUE})")
    String inputVisibility;

    @Option(names = "--output-visibility", paramLabel = "V", defaultValue = "public",
            description = "public or hashed (default: ${DEFAULT-VALUE})")
    String outputVisibility;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The tallest trace inspect counts: beyond one proof's limit, so that the ledger shows what segmenting must split. */
    static final int MAX_COUNTED_LOG_N = 30;

    @Override
    public Integer call() throws Exception {
        dev.zkscope.compile.CompileOptions options = dev.zkscope.compile.CompileOptions.defaults()
                .withWeights(ProveCommand.visibility("--weights-visibility", weightsVisibility, "fixed", "hashed"))
                .withInput(ProveCommand.visibility("--input-visibility", inputVisibility, "private", "public", "hashed"))
                .withOutput(ProveCommand.visibility("--output-visibility", outputVisibility, "public", "hashed"));
        Graph g = model.load();
        QuantizedGraph q = null;
        Calibrator.Calibration cal = null;
        String quantNote;
        InputFiles.Samples samples = null;
        if (!g.unsupported().isEmpty()) {
            quantNote = "not quantized: the model has unsupported nodes";
        } else {
            samples = model.calibrationSamples(g);
            dev.zkscope.predict.HeapPreflight.require("calibrating on " + samples.inputs().size() + " inputs",
                    dev.zkscope.predict.HeapPreflight.calibrationBytes(g, samples.inputs().size()));
            if (!noCircuit) {
                dev.zkscope.predict.HeapPreflight.require("quantizing " + g.name() + " and counting its circuit",
                        dev.zkscope.predict.HeapPreflight.countBytes(g));
            }
            try {
                cal = Calibrator.calibrate(g, samples.inputs(), model.quantOptions(),
                        ModelOptions.progress(spec.commandLine().getErr()));
                // from here on only the quantized weights are read: the float ones (8 bytes per parameter) go
                cal = new Calibrator.Calibration(cal.graph().withoutFloatWeights(), cal.fidelity(), cal.log());
                q = cal.graph();
                g = q.graph();
                quantNote = "calibrated on " + samples.describe() + ": " + cal.fidelity();
            } catch (UnsupportedModelException e) {
                quantNote = "not quantized: " + e.getMessage();
            }
        }
        dev.zkscope.compile.CompiledModel compiled = null;
        String circuitNote = null;
        dev.zkscope.plonk.ProofParameters params = ProveCommand.preset(preset);
        if (q != null && !noCircuit) {
            try {
                // counting mode: the exact ledger without a trace, fixed values or copies (memory grows with the
                // model, not the circuit); the trace may be taller than one proof takes (then segmenting is the way)
                compiled = dev.zkscope.compile.ModelCompiler.count(q, options.withReservedRows(params.reservedRows())
                        .withMinLogNAtLeast(params.minLogN()).withMaxLogN(MAX_COUNTED_LOG_N));
            } catch (dev.zkscope.compile.CompileException e) {
                circuitNote = "not compiled: " + e.getMessage();
            }
        }
        SecurityAnalysis security = null;
        String securityNote = null;
        if (compiled != null) {
            try {
                security = SecurityAnalysis.of(params,
                        dev.zkscope.plonk.CircuitFigures.of(compiled.constraintSystem(), params));
            } catch (IllegalArgumentException e) {
                securityNote = "preset " + params.name() + " cannot prove this circuit: " + e.getMessage();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = withCircuit(toJson(g, q, cal, samples, quantNote), compiled, circuitNote);
            if (security != null) {
                root.set("security", SecurityJson.of(security));
            } else if (securityNote != null) {
                root.put("security_note", securityNote);
            }
            if (compiled != null) {
                Fit fit = fit(compiled, params);
                ObjectNode m = root.putObject("memory");
                m.put("predicted_heap_bytes", fit.heapBytes());
                m.put("max_heap_bytes", dev.zkscope.predict.HeapPreflight.maxHeap());
                m.put("fits", fit.verdict());
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            out.printf("file %s%n", model.model);
            printTable(out, g, q, quantNote);
            if (compiled != null) {
                CircuitReport.print(out, compiled, "reserved rows for preset " + params.name());
                Fit fit = fit(compiled, params);
                out.printf("memory: proving needs about %s of heap (trace, witness, key and the prover's extended "
                                + "columns); this JVM's maximum heap is %s: %s%n",
                        dev.zkscope.predict.HeapPreflight.bytes(fit.heapBytes()),
                        dev.zkscope.predict.HeapPreflight.bytes(dev.zkscope.predict.HeapPreflight.maxHeap()),
                        fit.verdict().equals("yes") ? "fits" : fit.verdict());
                out.println();
                if (security != null) {
                    SecurityJson.print(out, security);
                } else {
                    out.println("security: " + securityNote);
                }
            } else if (circuitNote != null) {
                out.println();
                out.println("circuit: " + circuitNote);
            }
        }
        out.flush();
        return Main.OK;
    }

    /** Predicted heap of proving a counted circuit, and whether it fits ("yes") or what limits it. */
    record Fit(long heapBytes, String verdict) {
    }

    static Fit fit(dev.zkscope.compile.CompiledModel counted, dev.zkscope.plonk.ProofParameters params) {
        dev.zkscope.compile.CostLedger l = counted.ledger();
        long heap = dev.zkscope.predict.HeapPreflight.witnessBytes(l);
        int limit = dev.zkscope.compile.CompileOptions.defaults().maxLogN();
        if (l.logN() > limit) {
            return new Fit(heap, "no: 2^" + l.logN() + " rows is more than one proof's 2^" + limit
                    + "; segment it (--max-rows)");
        }
        try {
            heap += dev.zkscope.predict.HeapPreflight.proveBytes(counted.constraintSystem(), params,
                    dev.zkscope.predict.CostModel.cached());
        } catch (IllegalArgumentException e) {
            return new Fit(heap, "no: preset " + params.name() + " cannot prove it: " + e.getMessage());
        }
        return new Fit(heap, ZooCommand.fits(heap));
    }

    static String shapes(List<int[]> s) {
        List<String> parts = new ArrayList<>();
        for (int[] x : s) {
            parts.add(Tensor.shapeString(x));
        }
        return String.join(" ", parts);
    }

    static String quantSummary(QNode n) {
        if (n == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder("out 2^" + n.outScale());
        if (n.shift() > 0) {
            b.append(", rescale ").append(n.shift());
        }
        if (n.table() != null) {
            b.append(", table ").append(n.table().name()).append(" [").append(n.table().lo()).append(", ")
                    .append(n.table().hi()).append("] (").append(n.table().size()).append(")");
        }
        return b.toString();
    }

    private static void printTable(PrintWriter out, Graph g, QuantizedGraph q, String quantNote) {
        out.printf("model %s  opset %d  inputs %s  outputs %s%n", g.name(), g.opset(), values(g.inputs()), values(g.outputs()));
        String fmt = "%-3s %-28s %-20s %-24s %-16s %10s %12s  %s%n";
        out.printf(fmt, "#", "node", "op", "inputs", "output", "params", "MACs", "quantization");
        int i = 0;
        long tableEntries = 0;
        for (Node n : g.nodes()) {
            QNode qn = q == null ? null : q.node(n.name());
            if (qn != null && qn.table() != null) {
                tableEntries += qn.table().size();
            }
            out.printf(fmt, i++, clip(n.name(), 28), clip(n.opType(), 20), clip(shapes(n.inputShapes()), 24),
                    clip(shapes(n.outputShapes()), 16), n.params(), n.macs(), quantSummary(qn));
        }
        out.printf("total: %d nodes, %d parameters, %d MACs%s%n", g.nodes().size(), g.totalParams(), g.totalMacs(),
                q == null ? "" : ", " + q.tables().size() + " lookup tables with " + tableEntries + " entries");
        out.println("quantization: " + (q == null ? "" : "input scale 2^" + q.inputScale() + ", parameter scale 2^"
                + q.paramScale() + ", target " + q.target().name().toLowerCase(java.util.Locale.ROOT) + "; ") + quantNote);
        List<Node> bad = g.unsupported();
        if (bad.isEmpty()) {
            out.println("unsupported nodes: none");
        } else {
            out.println("unsupported nodes: " + bad.size());
            for (Node n : bad) {
                Op.Unsupported u = (Op.Unsupported) n.op();
                out.printf("  %s  op %s%s  opset %d  (%s)%n", n.name(), u.opType(),
                        u.domain().isEmpty() ? "" : " domain " + u.domain(), u.opset(), u.reason());
            }
        }
    }

    private static String values(List<Graph.Value> vs) {
        List<String> s = new ArrayList<>();
        for (Graph.Value v : vs) {
            s.add(v.name() + Tensor.shapeString(v.shape()));
        }
        return String.join(", ", s);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    private static ObjectNode toJson(Graph g, QuantizedGraph q, Calibrator.Calibration cal, InputFiles.Samples samples,
                                     String quantNote) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("model", g.name());
        root.put("opset", g.opset());
        root.set("inputs", valuesJson(m, g.inputs()));
        root.set("outputs", valuesJson(m, g.outputs()));
        ArrayNode nodes = root.putArray("nodes");
        long tableEntries = 0;
        for (Node n : g.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("op", n.opType());
            o.put("kind", n.op().kind());
            ArrayNode ins = o.putArray("inputs");
            for (int i = 0; i < n.inputs().size(); i++) {
                ObjectNode in = ins.addObject();
                in.put("name", n.inputs().get(i));
                in.set("shape", shapeJson(m, n.inputShapes().get(i)));
                in.put("constant", g.isWeight(n.inputs().get(i)));
            }
            ArrayNode outs = o.putArray("outputs");
            for (int i = 0; i < n.outputs().size(); i++) {
                ObjectNode on = outs.addObject();
                on.put("name", n.outputs().get(i));
                on.set("shape", shapeJson(m, n.outputShapes().get(i)));
            }
            o.put("params", n.params());
            o.put("macs", n.macs());
            QNode qn = q == null ? null : q.node(n.name());
            if (qn != null) {
                ObjectNode qo = o.putObject("quantization");
                ArrayNode sc = qo.putArray("input_scales");
                qn.inputScales().forEach(sc::add);
                qo.put("output_scale", qn.outScale());
                qo.put("rescale_shift", qn.shift());
                qo.put("semantics", qn.semantics());
                if (qn.table() != null) {
                    ObjectNode t = qo.putObject("table");
                    t.put("function", qn.table().name());
                    t.put("lo", qn.table().lo());
                    t.put("hi", qn.table().hi());
                    t.put("size", qn.table().size());
                    t.put("input_scale", qn.table().inScale());
                    t.put("output_scale", qn.table().outScale());
                    tableEntries += qn.table().size();
                }
            }
        }
        ObjectNode totals = root.putObject("totals");
        totals.put("nodes", g.nodes().size());
        totals.put("params", g.totalParams());
        totals.put("macs", g.totalMacs());
        totals.put("tables", q == null ? 0 : q.tables().size());
        totals.put("table_entries", tableEntries);
        ArrayNode un = root.putArray("unsupported");
        for (Node n : g.unsupported()) {
            Op.Unsupported u = (Op.Unsupported) n.op();
            ObjectNode o = un.addObject();
            o.put("name", n.name());
            o.put("op_type", u.opType());
            o.put("domain", u.domain());
            o.put("opset", u.opset());
            o.put("reason", u.reason());
        }
        ObjectNode qz = root.putObject("quantization");
        qz.put("note", quantNote);
        if (q != null) {
            qz.put("input_scale", q.inputScale());
            qz.put("param_scale", q.paramScale());
            qz.put("target", q.target().name().toLowerCase(java.util.Locale.ROOT));
            qz.put("calibration_source", samples.source());
            qz.put("calibration_inputs", samples.inputs().size());
            qz.put("calibration_synthetic", samples.synthetic());
            ObjectNode f = qz.putObject("fidelity");
            f.put("measured_on_synthetic_inputs", samples.synthetic());
            f.put("argmax_applies", cal.fidelity().argmaxApplies());
            if (cal.fidelity().argmaxApplies()) {
                f.put("argmax_agreement", cal.fidelity().argmaxAgreement());
            }
            f.put("max_abs_error", cal.fidelity().maxAbsError());
            f.put("mean_abs_error", cal.fidelity().meanAbsError());
        }
        return root;
    }

    private static ObjectNode withCircuit(ObjectNode root, dev.zkscope.compile.CompiledModel cm, String note) {
        if (cm != null) {
            root.set("circuit", dev.zkscope.compile.LedgerJson.of(cm));
        } else if (note != null) {
            root.put("circuit_note", note);
        }
        return root;
    }

    static ArrayNode valuesJson(ObjectMapper m, List<Graph.Value> vs) {
        ArrayNode a = m.createArrayNode();
        for (Graph.Value v : vs) {
            ObjectNode o = a.addObject();
            o.put("name", v.name());
            o.set("shape", shapeJson(m, v.shape()));
        }
        return a;
    }

    static ArrayNode shapeJson(ObjectMapper m, int[] s) {
        ArrayNode a = m.createArrayNode();
        if (s != null) {
            for (int d : s) {
                a.add(d);
            }
        }
        return a;
    }
}
