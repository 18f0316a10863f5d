package dev.zkscope.thirdparty;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QNode;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a third-party model's quantization error appears: calibrates it on its check input, runs float and fixed-point
 * inference, and prints per node (in order) the largest |quantized - float| of its output, the largest |float|, and
 * the growth over the worst error of its inputs, with the node's fixed-point semantics. A diagnostic tool:
 * {@code java -cp zkscope.jar:test-classes dev.zkscope.thirdparty.LayerErrors samples/thirdparty NAME [min-growth [RESOURCES|ACCURACY|S:SP]]}.
 */
public final class LayerErrors {
    private LayerErrors() {}

    /** RESOURCES, ACCURACY, or S:SP (fixed activation and parameter scales); null for the defaults. */
    private static QuantOptions options(String a) {
        if (a == null) {
            return QuantOptions.defaults();
        }
        if (a.contains(":")) {
            String[] f = a.split(":");
            return QuantOptions.fixed(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
        }
        return QuantOptions.of(dev.zkscope.quant.Target.valueOf(a));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        double minGrowth = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        ThirdPartyCheck.Model m = ThirdPartyCheck.models(dir).stream().filter(x -> x.name().equals(args[1]))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no model " + args[1]));
        Path models = dir.resolve("models");
        Graph g = new OnnxImporter().load(models.resolve(m.name() + ".onnx"), m.importOptions());
        List<Tensor> input = ThirdPartyCheck.readInput(m, models, g);
        Map<String, Tensor> fl = new FloatEvaluator(g).runAll(input);
        Calibrator.Calibration c = Calibrator.calibrate(g, List.of(input), options(args.length > 3 ? args[3] : null));
        System.out.printf("%s: s=%d sp=%d%n", m.name(), c.graph().inputScale(), c.graph().paramScale());
        c.log().forEach(l -> System.out.println("  calibration: " + l));
        Map<String, QTensor> q = new QuantizedEvaluator(c.graph(), QuantizedEvaluator.RangeMode.CLAMP).run(input)
                .values();
        Map<String, Double> errs = new java.util.HashMap<>();
        for (QNode n : c.graph().nodes()) {
            double inErr = 0;
            for (String in : n.node().inputs()) {
                inErr = Math.max(inErr, errs.getOrDefault(in, 0.0));
            }
            for (String o : n.node().outputs()) {
                QTensor qt = q.get(o);
                Tensor f = fl.get(o);
                if (qt == null || f == null) {
                    continue;
                }
                Tensor d = qt.dequantize();
                double err = 0;
                double max = 0;
                for (int i = 0; i < f.size(); i++) {
                    err = Math.max(err, Math.abs(d.get(i) - f.get(i)));
                    max = Math.max(max, Math.abs(f.get(i)));
                }
                errs.put(o, err);
                double growth = err / Math.max(inErr, Math.pow(2, -c.graph().inputScale()));
                if (growth >= minGrowth) {
                    System.out.printf(Locale.ROOT, "%-60s err %.4g (inputs %.4g, x%.1f) max|f| %.4g  %s%n",
                            n.node().name() + " " + n.node().opType(), err, inErr, growth, max, n.semantics());
                }
            }
        }
    }
}
