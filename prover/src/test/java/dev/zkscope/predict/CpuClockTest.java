package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.profile.PhaseListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CpuClock: per-phase process CPU, forwarding, reset (no timing bounds asserted). */
class CpuClockTest {
    @Test
    void measuresEachPhase_forwardsEveryCall_andResets() {
        List<String> seen = new ArrayList<>();
        PhaseListener spy = new PhaseListener() {
            @Override public void phaseStarted(String phase) {
                seen.add("start " + phase);
            }

            @Override public void phaseFinished(String phase, long nanos) {
                seen.add("end " + phase);
            }
        };
        CpuClock c = new CpuClock(spy);
        c.phaseStarted("work");
        long x = 0;
        for (int i = 0; i < 50_000_000; i++) {
            x += (long) i * i ^ (x >>> 3);
        }
        c.phaseFinished("work", 1, 0);
        assertThat(x).isNotZero();
        assertThat(seen).containsExactly("start work", "end work");
        if (CpuClock.supported()) {
            assertThat(c.cpuNanos()).containsOnlyKeys("work");
            assertThat(c.cpuNanos().get("work")).isPositive();
            assertThat(c.gcMillisByPhase().get("work")).isNotNegative();
        }
        c.phaseFinished("never started", 1);
        assertThat(c.cpuNanos()).doesNotContainKey("never started");
        c.reset();
        assertThat(c.cpuNanos()).isEmpty();
    }
}
