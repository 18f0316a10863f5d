package dev.zkscope.segment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The run's correction is the geometric mean of measured / predicted over the segments recorded, 1 before any. */
class RunCorrectionTest {
    @Test
    void startsAtOne_thenTheGeometricMeanOfTheRatios() {
        RunCorrection c = new RunCorrection();
        assertThat(c.factor()).isEqualTo(1.0);
        assertThat(c.segments()).isZero();
        c.add(10, 5);                                   // ran at half the predicted time
        assertThat(c.factor()).isCloseTo(0.5, within(1e-12));
        c.add(4, 8);                                    // then at twice: the geometric mean is 1
        assertThat(c.factor()).isCloseTo(1.0, within(1e-12));
        c.add(1, 8);                                    // (0.5 * 2 * 8)^(1/3) = 2
        assertThat(c.factor()).isCloseTo(2.0, within(1e-12));
        assertThat(c.segments()).isEqualTo(3);
    }

    @Test
    void aPriorPredictsTheFirstSegment_thenOnlyThisRunCounts() {
        RunCorrection c = new RunCorrection(0.6);
        assertThat(c.factor()).isEqualTo(0.6);
        c.add(10, 8);
        assertThat(c.factor()).isCloseTo(0.8, within(1e-12));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunCorrection(0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunCorrection(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ignoresWhatIsNotATime() {
        RunCorrection c = new RunCorrection();
        c.add(0, 3);
        c.add(-1, 3);
        c.add(2, 0);
        c.add(Double.NaN, 1);
        c.add(1, Double.POSITIVE_INFINITY);
        assertThat(c.segments()).isZero();
        assertThat(c.factor()).isEqualTo(1.0);
        c.add(2, 3);
        assertThat(c.factor()).isCloseTo(1.5, within(1e-12));
    }
}
