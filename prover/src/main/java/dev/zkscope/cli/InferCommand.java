package dev.zkscope.cli;

import dev.zkscope.ir.InputFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkscope infer MODEL --input INPUT.json}: runs the model in float or in fixed point. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run an ONNX model on an EZKL-format input file, in float or (--quantized) fixed point.")
public final class InferCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "INPUT.json",
            description = "inputs in EZKL's format: {\"input_data\": [[row-major floats of input 0], ...]}")
    Path input;

    @Option(names = "--quantized", description = "run fixed-point inference (scales by calibration unless fixed)")
    boolean quantized;

    @Option(names = "--json", description = "print {\"outputs\": [{\"name\", \"shape\", \"data\"}...]}")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Graph g = model.load();
        g.requireSupported("inference");
        List<Tensor> inputs = InputFiles.readInput(input, g);
        List<Tensor> outputs;
        QuantizedGraph q = null;
        InputFiles.Samples samples = null;
        Calibrator.Calibration cal = null;
        if (quantized) {
            samples = model.calibrationSamples(g);
            List<List<Tensor>> calib = new ArrayList<>(samples.inputs());
            cal = Calibrator.calibrate(g, calib, model.quantOptions(), ModelOptions.progress(spec.commandLine().getErr()));
            q = cal.graph();
            outputs = new QuantizedEvaluator(q).run(inputs).dequantizedOutputs();
        } else {
            outputs = new FloatEvaluator(g).run(inputs);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper m = new ObjectMapper();
        if (json) {
            ObjectNode root = m.createObjectNode();
            ArrayNode outs = root.putArray("outputs");
            for (int i = 0; i < outputs.size(); i++) {
                ObjectNode o = outs.addObject();
                o.put("name", g.outputs().get(i).name());
                o.set("shape", InspectCommand.shapeJson(m, outputs.get(i).shape()));
                ArrayNode d = o.putArray("data");
                for (double v : outputs.get(i).data()) {
                    d.add(v);
                }
            }
            if (q != null) {
                root.put("input_scale", q.inputScale());
                root.put("param_scale", q.paramScale());
                root.put("output_scale", q.outputScale());
                root.put("calibration_source", samples.source());
                root.put("calibration_synthetic", samples.synthetic());
                ObjectNode f = root.putObject("fidelity");
                f.put("max_abs_error", cal.fidelity().maxAbsError());
                f.put("mean_abs_error", cal.fidelity().meanAbsError());
                if (cal.fidelity().argmaxApplies()) {
                    f.put("argmax_agreement", cal.fidelity().argmaxAgreement());
                }
            }
            out.println(m.writeValueAsString(root));
        } else {
            if (q != null) {
                out.printf("fixed point: input scale 2^%d, parameter scale 2^%d, output scale 2^%d%n", q.inputScale(),
                        q.paramScale(), q.outputScale());
                out.println("calibrated on " + samples.describe() + ": " + cal.fidelity());
            }
            for (int i = 0; i < outputs.size(); i++) {
                Tensor t = outputs.get(i);
                out.printf("%s %s argmax %d%n", g.outputs().get(i).name(), Tensor.shapeString(t.shape()), argmax(t));
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < t.size(); k++) {
                    b.append(k == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.6g", t.get(k)));
                }
                out.println(b);
            }
        }
        out.flush();
        return Main.OK;
    }

    private static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i) > t.get(best)) {
                best = i;
            }
        }
        return best;
    }
}
