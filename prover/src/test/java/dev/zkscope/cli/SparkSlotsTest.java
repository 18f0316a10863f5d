package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.Segmenter;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code prove --spark local[N]} runs N segments at once in one JVM only when the cost model's heap for the plan's
 * largest segment fits N times in 3/4 of the free heap; otherwise it runs on {@code local[K]} with the K that fit (at
 * least one), keeps a {@code local[N,F]} master's retries, and says why.
 */
class SparkSlotsTest {
    static Segmenter.Measured measured;
    static SegmentPlan plan;
    static CostModel cost;
    static long per;

    @BeforeAll
    static void plan() throws Exception {
        measured = dev.zkscope.testing.MeasuredSample.of("residual", ProofParameters.testing());
        plan = Segmenter.planWithCuts(measured, new int[] {2, 4, 6}, 13);
        assertThat(plan.count()).isEqualTo(4);
        cost = CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS);
        int largest = plan.segments().stream().mapToInt(SegmentPlan.Segment::estimatedLogN).max().orElseThrow();
        per = Segmenter.predictedHeap(measured, cost, largest);
        assertThat(per).isPositive();
        // a taller segment of the same columns is predicted to need more heap
        assertThat(Segmenter.predictedHeap(measured, cost, largest + 2)).isGreaterThan(per);
    }

    static String fit(String master, long free, StringWriter out) {
        return SegmentedProve.fitSlots(master, plan, measured, cost, free, new PrintWriter(out, true));
    }

    @Test
    void localSlots_parsesEveryEmbeddedMaster() {
        assertThat(SegmentedProve.localSlots("local")).isEqualTo(1);
        assertThat(SegmentedProve.localSlots("local[3]")).isEqualTo(3);
        assertThat(SegmentedProve.localSlots("local[2,4]")).isEqualTo(2);
        assertThat(SegmentedProve.localSlots("local[*]")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(SegmentedProve.localSlots("spark://10.0.0.5:7077")).isZero();
        assertThat(SegmentedProve.localSlots(null)).isZero();
    }

    @Test
    void roomForAll_keepsTheMaster() {
        StringWriter out = new StringWriter();
        // 3/4 of the free heap holds exactly 4 segments: local[4] runs 4 at once
        assertThat(fit("local[4]", per * 4 * 4 / 3 + 4, out)).isEqualTo("local[4]");
        assertThat(out.toString()).contains("4 segment(s) at once in this JVM");
        // more slots than segments: the master is kept, at most 4 run at once anyway
        assertThat(fit("local[8]", per * 4 * 4 / 3 + 4, new StringWriter())).isEqualTo("local[8]");
    }

    @Test
    void roomForFewer_runsOnFewerSlots_andSaysWhy() {
        StringWriter out = new StringWriter();
        // room for two and a half: two at once
        assertThat(fit("local[4]", per * 5 / 2 * 4 / 3, out)).isEqualTo("local[2]");
        assertThat(out.toString()).contains("proving 2 segment(s) at once, not 4, on local[2]", "-Xmx", "--max-rows");
        // a master with retries keeps them
        assertThat(fit("local[3,4]", per * 2 * 4 / 3 + 4, new StringWriter())).isEqualTo("local[2,4]");
        // room for less than one: one at a time (the prover's own preflight judges that one)
        assertThat(fit("local[2]", per / 2, new StringWriter())).isEqualTo("local[1]");
    }
}
