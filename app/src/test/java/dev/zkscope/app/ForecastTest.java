package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The forecast's band of times, as the cost model's machine spread allows (no JavaFX). */
class ForecastTest {
    @Test
    void band_isTwoSpreadsEitherWay_keptAtTheBaseline_andAbsentWhenUnknown() {
        Forecast f = new Forecast(20, 3_000, "test", 1_000, java.util.Map.of("quotient", 8.0), 0.21);
        double k = Math.exp(2 * 0.21);
        assertThat(f.timeBand()).containsExactly(new double[] {20 / k, 20 * k}, within(1e-9));
        assertThat(f.bandText()).isEqualTo(" (13.1 s - 30.4 s as this machine repeats a proof)");
        Forecast at = f.atBaseline(500);
        assertThat(at.peakHeapBytes()).isEqualTo(1_500);
        assertThat(at.timeSpread()).isEqualTo(0.21);
        Forecast unknown = new Forecast(20, 3_000, "test", 1_000);
        assertThat(unknown.timeSpread()).isNaN();
        assertThat(unknown.timeBand()).isNull();
        assertThat(unknown.bandText()).isEmpty();
    }
}
