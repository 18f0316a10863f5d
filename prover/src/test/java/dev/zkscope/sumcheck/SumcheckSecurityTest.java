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
        // provable: the column test dominates, 112 x 0.395 + 14 = 58.3 at rate at most 9/32 (format v5: 106 columns at
        // rate 1/4, 58.0), at least the Plonkish standard preset's 57.7; conjectured: 112 x 1.83 + 14 = 219 for the
        // column test, so the algebraic terms and the hash decide it
        assertThat(std.provableBits()).isBetween(58.0, 58.5);
        assertThat(std.conjecturedBits()).isBetween(100.0, 128.0);
        assertThat(std.conjectured().weakest().name()).isNotEqualTo("column test");
        assertThat(std.provable().weakest().name()).isEqualTo("column test");
        assertThat(prov.provableBits()).isGreaterThan(99.9);
        for (SecurityAnalysis.Regime r : new SecurityAnalysis.Regime[] {std.conjectured(), std.provable()}) {
            assertThat(r.terms()).extracting(SecurityAnalysis.Term::name).containsExactly("sumchecks", "LogUp",
                    "random evaluations", "commitment combinations", "hash", "column test");
            for (SecurityAnalysis.Term t : r.terms()) {
                if (!t.name().equals("column test") && !t.name().equals("hash")) {
                    assertThat(t.bits()).as(t.name()).isGreaterThan(100);
                }
            }
        }
        // the figure is never stronger than its weakest term
        assertThat(std.provableBits()).isLessThanOrEqualTo(std.provable().weakest().bits() + 1e-9);
        assertThat(std.zeroKnowledge()).isTrue();
        assertThat(std.summary()).contains("zero-knowledge").doesNotContain("NOT");
        assertThat(std.describe()).contains("LogUp").contains("column test");
        SumcheckSecurity off = SumcheckSecurity.of(plan, PcsParams.standard().withZeroKnowledge(false));
        assertThat(off.zeroKnowledge()).isFalse();
        assertThat(off.summary()).contains("NOT zero-knowledge");
    }
}
