package dev.zkscope.profile;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeapSamplerTest {
    @Test
    void sampler_recordsSeriesAndPeak() throws Exception {
        HeapSampler s = new HeapSampler(5).start();
        List<long[]> hold = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hold.add(new long[1 << 20]);
            Thread.sleep(10);
        }
        long peak = s.stop();
        assertThat(hold).hasSize(8);
        assertThat(peak).isGreaterThan(8L << 20);
        assertThat(s.samples()).hasSizeGreaterThan(2);
        assertThat(s.samples()).allMatch(x -> x.usedBytes() > 0 && x.usedBytes() <= peak);
    }

    @Test
    void timed_reportsPhaseToListener() {
        List<String> events = new ArrayList<>();
        PhaseListener l = new PhaseListener() {
            public void phaseStarted(String phase) { events.add("start " + phase); }
            public void phaseFinished(String phase, long nanos) { events.add("end " + phase + (nanos >= 0 ? "" : "?")); }
        };
        assertThat(l.timed("quotient", () -> 42)).isEqualTo(42);
        assertThat(events).containsExactly("start quotient", "end quotient");
    }
}
