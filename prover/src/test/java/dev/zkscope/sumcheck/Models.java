package dev.zkscope.sumcheck;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Graph;
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
import java.util.List;
import java.util.Map;

/** Sample models for the sumcheck backend's tests: calibrated on 50 test inputs, lowered to the layer IR. */
final class Models {
    private Models() {}

    record Sample(String name, Graph graph, QuantizedGraph quantized, QModel model, Samples.TestSet testSet) {
        Tensor input(int i) {
            return testSet.inputs().get(i).reshape(graph.inputs().get(0).shape());
        }

        long[] quantizedInput(int i) {
            return QTensor.quantize(input(i), quantized.inputScale()).data();
        }

        long[] evaluatorOutput(int i) {
            return new QuantizedEvaluator(quantized).run(List.of(input(i))).outputs().get(0).data();
        }
    }

    private static final Map<String, Sample> CACHE = new HashMap<>();

    static synchronized Sample load(String name) throws Exception {
        Sample s = CACHE.get(name);
        if (s == null) {
            Graph g = new OnnxImporter().load(Samples.model(name));
            Samples.TestSet ts = Samples.testSet(name);
            List<List<Tensor>> calib = new ArrayList<>();
            for (Tensor t : ts.inputs().subList(0, 50)) {
                calib.add(List.of(t.reshape(g.inputs().get(0).shape())));
            }
            QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.defaults()).graph();
            s = new Sample(name, g, q, ModelCompiler.lower(q, CompileOptions.auto()), ts);
            CACHE.put(name, s);
        }
        return s;
    }
}
