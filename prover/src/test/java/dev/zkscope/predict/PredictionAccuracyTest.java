package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting a run's predictions against +-30% and against the machine's repeat band. */
class PredictionAccuracyTest {
    private static CostModel model(double spread) {
        double[] slope = {2e-9, 3e-9, 1e-9, 4e-9, 5e-8};
        CostModel m = new CostModel(slope, new double[slope.length], 0.5, 0, "test");
        return Double.isNaN(spread) ? m : m.withTimeSpread(spread);
    }

    private static PredictionError err(double predicted, double measured, long heapPredicted, long heapMeasured) {
        return new PredictionError(predicted, measured, heapPredicted, heapMeasured);
    }

    @Test
    void countsEachProofAgainstThirtyPercent_andAgainstTheBand() {
        // spread 0.21 (this VM's calibration): band x0.657 .. x1.522
        List<PredictionError> errors = List.of(
                err(10, 12.9, 100, 100),  // +29%: within both
                err(10, 13.1, 100, 131),  // +31%: outside +-30%, within the band; heap +31%: outside
                err(10, 7.1, 100, 69),    // -29%: within both; heap -31%: outside
                err(10, 6.5, 100, 100),   // -35%: outside both (below x0.657)
                err(10, 15.3, 100, 100)); // +53%: outside both (above x1.522)
        PredictionAccuracy a = PredictionAccuracy.of(errors, model(0.21));
        assertThat(a.proofs()).isEqualTo(5);
        assertThat(a.timeWithin()).isEqualTo(2);
        assertThat(a.heapWithin()).isEqualTo(3);
        assertThat(a.timeWithinBand()).isEqualTo(3);
        assertThat(a.bandFactors()).containsExactly(new double[] {Math.exp(-0.42), Math.exp(0.42)}, within(1e-12));
        assertThat(a.describe("segment(s)")).isEqualTo("prediction: time within +-30% on 2 of 5 segment(s), within "
                + "x0.66-x1.52 (how this machine repeats one proof, `zkscope calibrate`) on 3; heap above baseline "
                + "within +-30% on 3");
    }

    @Test
    void withoutAKnownSpread_onlyTheTargetIsCounted_andNothingPredictedSaysNothing() {
        PredictionAccuracy a = PredictionAccuracy.of(List.of(err(10, 11, 100, 90)), model(Double.NaN));
        assertThat(a.bandFactors()).isNull();
        assertThat(a.timeWithinBand()).isZero();
        assertThat(a.describe("segment(s)")).isEqualTo("prediction: time within +-30% on 1 of 1 segment(s); heap "
                + "above baseline within +-30% on 1");
        assertThat(PredictionAccuracy.of(List.of(err(10, 11, 100, 90)), null).bandFactors()).isNull();
        assertThat(PredictionAccuracy.of(List.of(), model(0.2)).describe("segment(s)")).isNull();
    }
}
