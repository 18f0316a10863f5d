package dev.zkscope.compile;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sample models, imported and calibrated once per test JVM (default quantization, first 50 test inputs). */
public final class SampleModels {
    private SampleModels() {}

    public record Sample(String name, Graph graph, QuantizedGraph quantized, Samples.TestSet testSet) {
        public Tensor input(int i) {
            return testSet.inputs().get(i).reshape(graph.inputs().get(0).shape());
        }

        public long[] quantizedInput(int i) {
            return QTensor.quantize(input(i), quantized.inputScale()).data();
        }

        /** The evaluator's output tensor of every node, by node name. */
        Map<String, long[]> reference(int i) {
            QuantizedEvaluator.Result r = new QuantizedEvaluator(quantized).run(List.of(input(i)));
            Map<String, long[]> out = new LinkedHashMap<>();
            for (Node n : graph.nodes()) {
                var t = r.values().get(n.outputs().get(0));
                if (t != null) {
                    out.put(n.name(), t.data());
                }
            }
            return out;
        }

        public long[] quantizedOutput(int i) {
            return new QuantizedEvaluator(quantized).run(List.of(input(i))).outputs().get(0).data();
        }
    }

    private static final Map<String, dev.zkscope.compile.model.QModel> LOWERED = new HashMap<>();

    /** The sample's quantized model lowered to the layer IR (automatic inner columns), once per test JVM. */
    public static synchronized dev.zkscope.compile.model.QModel lowered(Sample s) {
        return LOWERED.computeIfAbsent(s.name(), n -> ModelCompiler.lower(s.quantized(), CompileOptions.auto()));
    }

    private static final Map<String, Sample> CACHE = new HashMap<>();

    public static synchronized Sample load(String name) throws Exception {
        Sample s = CACHE.get(name);
        if (s == null) {
            Graph g = new OnnxImporter().load(Samples.model(name));
            Samples.TestSet ts = Samples.testSet(name);
            List<List<Tensor>> calib = new ArrayList<>();
            for (Tensor t : ts.inputs().subList(0, 50)) {
                calib.add(List.of(t.reshape(g.inputs().get(0).shape())));
            }
            QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.defaults()).graph();
            s = new Sample(name, g, q, ts);
            CACHE.put(name, s);
        }
        return s;
    }

    static int argmax(long[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
