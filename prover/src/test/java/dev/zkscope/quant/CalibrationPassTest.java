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
 * Calibration measures each scale candidate with one parallel pass and does not re-measure the chosen one with its
 * final (widened) ranges: checks on every sample that the reported fidelity is exactly what a separate measurement with
 * the final ranges gives (nothing clamped), and that the lean evaluation that calibration uses
 * ({@link QuantizedEvaluator#runOutputs}) gives the outputs and observed ranges of the full one.
 */
class CalibrationPassTest {
    @TestFactory
    Stream<DynamicTest> calibration_reportEqualsRemeasureWithFinalRanges() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Graph g = new OnnxImporter().load(Samples.model(name));
            Samples.TestSet ts = Samples.testSet(name);
            List<List<Tensor>> calib = new ArrayList<>();
            for (Tensor t : ts.inputs().subList(0, 12)) {
                calib.add(List.of(t.reshape(g.inputs().get(0).shape())));
            }
            Calibrator.Calibration c = Calibrator.calibrate(g, calib, QuantOptions.defaults());
            FidelityReport again = FidelityReport.measure(g, c.graph(), calib);
            assertThat(again.clampedLookups()).isZero();
            assertThat(c.fidelity().maxAbsError()).isEqualTo(again.maxAbsError());
            assertThat(c.fidelity().meanAbsError()).isCloseTo(again.meanAbsError(),
                    org.assertj.core.data.Offset.offset(1e-12));
            assertThat(c.fidelity().argmaxAgreement()).isEqualTo(again.argmaxAgreement());
            assertThat(c.fidelity().inputs()).isEqualTo(calib.size());

            QuantizedEvaluator ev = new QuantizedEvaluator(c.graph(), QuantizedEvaluator.RangeMode.RECORD);
            for (List<Tensor> in : calib) {
                QuantizedEvaluator.Result full = ev.run(in);
                QuantizedEvaluator.Result lean = ev.runOutputs(in);
                assertThat(lean.outputs()).hasSameSizeAs(full.outputs());
                for (int i = 0; i < full.outputs().size(); i++) {
                    assertThat(lean.outputs().get(i).data()).isEqualTo(full.outputs().get(i).data());
                }
                assertThat(lean.observedRanges().keySet()).isEqualTo(full.observedRanges().keySet());
                full.observedRanges().forEach((k, v) -> assertThat(lean.observedRanges().get(k)).isEqualTo(v));
                assertThat(lean.values().size()).isLessThanOrEqualTo(full.values().size());
            }
        }));
    }
}
