package dev.zkscope.segment;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each segment's prediction is made from that segment's own compiled circuit (its rows, columns and constraints), not
 * from the budget, the whole model or a neighbour: the time and heap predicted for segment i equal the cost model's
 * prediction for the shape of segment i's circuit (its time times the run's correction from the segments before it,
 * {@link RunCorrection}, or for the first one the factor the last such run ended with, {@link RunFactors}), and
 * segments of different shapes get different predictions.
 */
class SegmentPredictionTest {
    @TempDir
    Path tmp;

    @Test
    void everySegmentIsPredictedFromItsOwnCircuit() throws Exception {
        Path model = Path.of("../samples/residual.onnx");
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> inputs = InputFiles.calibrationSamples(g, model, null).inputs();
        SegmentSetup setup = SegmentSetup.of("residual", g, inputs.subList(0, 8),
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        Segmenter.Measured measured = Segmenter.measure(setup.model(), setup.settings().compile(),
                setup.settings().params(), PhaseListener.NONE);
        SegmentPlan plan = Segmenter.planWithCuts(measured, new int[] {3, 6}, 13);
        CostModel cost = CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS);
        SegmentedProof.Request request = new SegmentedProof.Request(setup.model(), plan, setup.context(),
                setup.quantizeInput(inputs.get(0)), null, null, tmp, false);
        String key = RunFactors.key(SegmentedProof.fingerprint(request), cost);
        // as if an earlier run of this model under this calibration had ended at half the predicted time
        RunFactors.record(key, 0.5);
        double prior = RunFactors.factor(key);
        assertThat(prior).isEqualTo(0.5);
        SegmentedProof.Result r = SegmentedProof.run(request, PhaseListener.NONE, cost, null,
                SegmentedProof.Progress.NONE);
        assertThat(r.parts()).hasSize(3);
        ProofParameters params = setup.context().params();
        java.util.Set<Long> heaps = new java.util.HashSet<>();
        // The run's correction: the first segment at the model's time, each later one at the model's time times the
        // geometric mean of measured / uncorrected predicted over the segments before it.
        double logSum = 0;
        int before = 0;
        double factor = prior;
        for (SegmentProver.Proved p : r.parts()) {
            ProofShape shape = ProofShape.of(Segmenter.compile(setup.model(), setup.model().bounds(), plan, p.index(),
                    setup.context().base()).circuit(), params);
            assertThat(shape.logN()).isEqualTo(p.logN());
            CostModel.Prediction want = cost.predict(shape);
            CostModel.Prediction got = p.measure().prediction();
            factor = before == 0 ? prior : Math.exp(logSum / before);
            assertThat(p.measure().runFactor()).as("segment %d factor", p.index())
                    .isCloseTo(factor, org.assertj.core.data.Percentage.withPercentage(1e-9));
            if (before > 0) {
                assertThat(factor).as("measured differs from predicted").isNotEqualTo(1.0);
            }
            assertThat(got.proveSeconds()).as("segment %d time", p.index())
                    .isCloseTo(want.proveSeconds() * factor, org.assertj.core.data.Percentage.withPercentage(1e-9));
            assertThat(p.measure().uncorrectedPredictedSeconds())
                    .isCloseTo(want.proveSeconds(), org.assertj.core.data.Percentage.withPercentage(1e-9));
            logSum += Math.log(p.measure().proveNanos() / 1e9 / want.proveSeconds());
            before++;
            assertThat(got.heapBytesAboveBaseline()).as("segment %d heap", p.index())
                    .isEqualTo(want.heapBytesAboveBaseline());
            assertThat(got.phaseSeconds().keySet()).isEqualTo(want.phaseSeconds().keySet());
            for (String phase : want.phaseSeconds().keySet()) {
                assertThat(got.phaseSeconds().get(phase)).as("segment %d %s", p.index(), phase).isCloseTo(
                        want.phaseSeconds().get(phase) * factor, org.assertj.core.data.Percentage.withPercentage(1e-9));
            }
            heaps.add(got.heapBytesAboveBaseline());
        }
        // The factor the run ended with is kept for the next run of this model, settings and plan.
        assertThat(RunFactors.factor(key)).isCloseTo(Math.exp(logSum / before),
                org.assertj.core.data.Percentage.withPercentage(1e-9));
        // The segments differ in shape (columns, constraints), and so do their predictions.
        assertThat(heaps).hasSizeGreaterThan(1);
    }
}
