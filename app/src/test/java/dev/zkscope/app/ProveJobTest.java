package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.viz.graph.GraphLayout;
import dev.zkscope.viz.run.PhaseTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proof run without JavaFX: phases in order, measured figures, the verdict, cancellation. */
class ProveJobTest {
    static Analysis mlp;

    @BeforeAll
    static void compile() throws Exception {
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(AppFixture.sample("mlp"), 1);
        mlp = new Analyzer().analyze(s, ModelSettings.defaults().withPreset("testing"));
    }

    @Test
    void run_reportsEveryPhaseInOrder_andVerifies() {
        List<PhaseTime> seen = new ArrayList<>();
        ProveRun r = new ProveJob(mlp, 1, null, seen::add, () -> false).run();
        assertThat(r.verdict().accepted()).isTrue();
        assertThat(r.phases()).extracting(PhaseTime::name).containsExactlyElementsOf(ProveJob.PHASES);
        assertThat(seen.stream().filter(PhaseTime::running).map(PhaseTime::name)).containsExactlyElementsOf(
                ProveJob.PHASES);
        assertThat(r.proveMillis()).isPositive();
        assertThat(r.peakHeap()).isPositive();
        assertThat(r.proof().length).isPositive();
        assertThat(r.logN()).isEqualTo(mlp.ledger().logN());
        assertThat(r.inputSource()).isEqualTo("mlp.input.json");
        assertThat(r.output()).hasSize(10);
    }

    @Test
    void run_cancelledAfterKeygen_stopsAtTheNextPhase() {
        AtomicBoolean cancel = new AtomicBoolean();
        List<String> started = new ArrayList<>();
        ProveJob job = new ProveJob(mlp, 1, null, p -> {
            if (p.running()) {
                started.add(p.name());
            } else if (p.name().equals("keygen")) {
                cancel.set(true);
            }
        }, cancel::get);
        assertThatThrownBy(job::run).isInstanceOf(CancellationException.class);
        assertThat(started).containsExactly("keygen");
    }

    @Test
    void run_privateWeightsAndPublicInput_verifies() throws Exception {
        Analysis a = new Analyzer().analyze(mlp.session(), mlp.settings().withVisibility(
                dev.zkscope.compile.CompileOptions.Visibility.PUBLIC, dev.zkscope.compile.CompileOptions.Visibility.PRIVATE));
        assertThat(a.compiled()).as(String.valueOf(a.problem())).isNotNull();
        ProveRun r = new ProveJob(a, 1, null, p -> { }, () -> false).run();
        assertThat(r.verdict().accepted()).as(r.verdict().toString()).isTrue();
        assertThat(r.publicValues().length).isGreaterThan(r.output().length);
    }

    @Test
    void verdicts_nameTheTypedReason() {
        ProveRun r = new ProveJob(mlp, 1, null, p -> { }, () -> false).run();
        byte[] bad = r.proof().clone();
        bad[bad.length / 2] ^= 0x10;
        ProveViewModel.Verdict v = ProveViewModel.describe(dev.zkscope.plonk.ProofSystem.verify(r.vk(),
                dev.zkscope.compile.ModelWitness.instanceOf(r.publicValues()), bad), "a flipped proof");
        assertThat(v.accepted()).isFalse();
        assertThat(v.detail()).contains("Reason:");
    }
}
