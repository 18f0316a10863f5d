package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.viz.graph.GraphLayout;
import org.junit.jupiter.api.Test;

class AnalyzerTest {
    @Test
    void analyze_sigmoidTanhModel_hasFunctionTables() throws Exception {
        long t0 = System.nanoTime();
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(AppFixture.sample("mlp_sigmoid_tanh"), 1);
        Analysis a = new Analyzer().analyze(s, ModelSettings.defaults());
        assertThat(a.problem()).isNull();
        assertThat(a.lookupTables()).extracting(e -> e.table().name()).contains("sigmoid", "tanh");
        assertThat(a.calibration()).contains("testset");
        assertThat(a.fidelity().argmaxAgreement()).isGreaterThan(0.5);
        System.out.println("analysis took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
}
