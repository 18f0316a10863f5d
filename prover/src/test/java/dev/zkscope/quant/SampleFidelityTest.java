package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * At default settings (target resources, scales by calibration on the first 50 test inputs), fixed-point argmax
 * agrees with float on at least 99% of each sample's 200 test inputs, and every input stays inside the calibrated
 * table ranges (STRICT evaluation succeeds).
 */
class SampleFidelityTest {
    @TestFactory
    Stream<DynamicTest> sample_quantizedArgmaxAgreesWithFloat() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Graph g = new OnnxImporter().load(Samples.model(name));
            Samples.TestSet ts = Samples.testSet(name);
            List<List<Tensor>> all = new ArrayList<>();
            for (Tensor t : ts.inputs()) {
                all.add(List.of(t.reshape(g.inputs().get(0).shape())));
            }
            Calibrator.Calibration c = Calibrator.calibrate(g, all.subList(0, 50), QuantOptions.defaults());
            FidelityReport r = FidelityReport.measure(g, c.graph(), all);
            System.out.println("fidelity " + name + " (" + c.graph().tables().size() + " tables): " + r);
            assertThat(r.argmaxAgreement()).isGreaterThanOrEqualTo(0.99);
            QuantizedEvaluator strict = new QuantizedEvaluator(c.graph());
            for (List<Tensor> in : all) {
                strict.run(in);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> sample_accuracyTargetIsAtLeastAsPrecise() throws Exception {
        return Stream.of("mlp_sigmoid_tanh", "attention").map(name -> DynamicTest.dynamicTest(name, () -> {
            Graph g = new OnnxImporter().load(Samples.model(name));
            Samples.TestSet ts = Samples.testSet(name);
            List<List<Tensor>> all = new ArrayList<>();
            for (Tensor t : ts.inputs().subList(0, 40)) {
                all.add(List.of(t.reshape(g.inputs().get(0).shape())));
            }
            Calibrator.Calibration res = Calibrator.calibrate(g, all, QuantOptions.of(Target.RESOURCES));
            Calibrator.Calibration acc = Calibrator.calibrate(g, all, QuantOptions.of(Target.ACCURACY));
            System.out.println("targets " + name + ": resources " + res.fidelity() + " / accuracy " + acc.fidelity());
            assertThat(acc.graph().inputScale()).isGreaterThan(res.graph().inputScale());
            assertThat(acc.fidelity().maxAbsError()).isLessThan(res.fidelity().maxAbsError());
        }));
    }
}
