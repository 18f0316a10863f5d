package dev.zkscope.sumcheck;

import dev.zkscope.compile.SampleModels;
import dev.zkscope.security.SecurityAnalysis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SumcheckSecurityTest {
    @Test
    void figuresFollowTheColumnTestAndListEveryTerm() throws Exception {
        Plan plan = Plan.of(SampleModels.lowered(SampleModels.load("mlp")));
        SumcheckSecurity std = SumcheckSecurity.of(plan, PcsParams.standard());
        SumcheckSecurity prov = SumcheckSecurity.of(plan, PcsParams.provable());
        // the column test dominates: conjectured 46 x 2 + 8 = 100, provable 46 x 0.415 + 8 = 27.1
        assertThat(std.conjecturedBits()).isBetween(99.9, 100.0);
        assertThat(std.provableBits()).isBetween(27.0, 27.2);
        assertThat(std.provable().weakest().name()).isEqualTo("column test");
        assertThat(prov.provableBits()).isGreaterThan(99.9);
        for (SecurityAnalysis.Regime r : new SecurityAnalysis.Regime[] {std.conjectured(), std.provable()}) {
            assertThat(r.terms()).extracting(SecurityAnalysis.Term::name).containsExactly("sumchecks", "LogUp-GKR",
                    "random evaluations", "commitment combinations", "hash", "column test");
            for (SecurityAnalysis.Term t : r.terms()) {
                if (!t.name().equals("column test")) {
                    assertThat(t.bits()).as(t.name()).isGreaterThan(100);
                }
            }
        }
        // the figure is never stronger than its weakest term
        assertThat(std.provableBits()).isLessThanOrEqualTo(std.provable().weakest().bits());
        assertThat(std.zeroKnowledge()).isFalse();
        assertThat(std.summary()).contains("NOT zero-knowledge");
        assertThat(std.describe()).contains("LogUp-GKR").contains("column test");
    }
}
