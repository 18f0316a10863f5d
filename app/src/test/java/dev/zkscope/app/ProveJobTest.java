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
    void segmentedRun_drawsTheHeapOnThePhasesClock_evenWhenTheCostModelTakesTimeToLoad() throws Exception {
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(AppFixture.sample("mlp_large"), 1);
        Analysis a = new Analyzer().analyze(s, ModelSettings.defaults().withPreset("testing"));
        ProveJob job = new ProveJob(a, 1, null, p -> { }, () -> false);
        // a cost model whose first use calibrates: 400 ms before it answers (none: no predictions)
        job.inSegments(new SegmentBudget(12), () -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }, e -> { });
        CompletedRun r = job.run();
        assertThat(r.isSegmented()).isTrue();
        List<FlameSpan> bars = r.flame().stream().filter(f -> f.depth() == 0 && SegmentedRun.isSegment(f.name()))
                .toList();
        assertThat(bars).hasSizeGreaterThanOrEqualTo(2);
        assertThat(bars.get(0).startMillis()).as("the segments start after the cost model").isGreaterThan(390);
        // the heap was sampled from the run's start on the same clock: its samples reach the last segment's end (had
        // it started after the cost model, they would end about 400 ms short of it)
        assertThat(r.heap().get(0).millis()).isLessThan(200);
        assertThat(r.heap().get(r.heap().size() - 1).millis())
                .isGreaterThanOrEqualTo((long) bars.get(bars.size() - 1).endMillis() - 60);
    }

    @Test
    void run_reportsEveryPhaseInOrder_andVerifies() {
        List<PhaseTime> seen = new ArrayList<>();
        Analysis fresh = new Analyzer().analyze(mlp.session(), mlp.settings());
        CompletedRun r = new ProveJob(fresh, 1, null, seen::add, () -> false).run();
        assertThat(r.verdict().accepted()).isTrue();
        assertThat(r.phases()).extracting(PhaseTime::name).containsExactlyElementsOf(ProveJob.PHASES);
        assertThat(seen.stream().filter(PhaseTime::running).map(PhaseTime::name)).containsExactlyElementsOf(
                ProveJob.PHASES);
        assertThat(r.heap()).isNotEmpty();
        assertThat(r.keygenMillis()).isPositive();
        assertThat(r.keyReused()).isFalse();
        assertThat(r.proveMillis()).isPositive();
        assertThat(r.peakHeap()).isPositive();
        assertThat(r.proof().length).isPositive();
        assertThat(r.logN()).isEqualTo(mlp.ledger().logN());
        assertThat(r.inputSource()).isEqualTo("mlp.input.json");
        assertThat(r.output()).hasSize(10);
    }

    @Test
    void run_cancelledAfterKeygen_stopsAtTheNextPhase() throws Exception {
        // A fresh analysis: its proving key is not derived yet, so this run has a keygen phase.
        Analysis fresh = new Analyzer().analyze(mlp.session(), mlp.settings());
        AtomicBoolean cancel = new AtomicBoolean();
        List<String> started = new ArrayList<>();
        ProveJob job = new ProveJob(fresh, 1, null, p -> {
            if (p.running()) {
                started.add(p.name());
            } else if (p.name().equals("keygen")) {
                cancel.set(true);
            }
        }, cancel::get);
        assertThatThrownBy(job::run).isInstanceOf(CancellationException.class);
        assertThat(started).containsExactly("witness", "check", "keygen");
        // The key derived before the cancellation is kept: the next run reuses it and verifies.
        assertThat(fresh.prepared().hasProvingKey()).isTrue();
        CompletedRun r = new ProveJob(fresh, 2, null, p -> { }, () -> false).run();
        assertThat(r.keyReused()).isTrue();
        assertThat(r.verdict().accepted()).isTrue();
    }

    @Test
    void twoRunsOnTheSameAnalysis_deriveTheKeyOnce() throws Exception {
        Analysis a = new Analyzer().analyze(mlp.session(), mlp.settings());
        List<PhaseTime> first = new ArrayList<>();
        ProveJob job1 = new ProveJob(a, 1, null, first::add, () -> false);
        assertThat(job1.keyReused()).isFalse();
        assertThat(job1.expectedPhases()).contains("keygen");
        CompletedRun r1 = job1.run();
        assertThat(r1.keyReused()).isFalse();
        assertThat(r1.keygenMillis()).isPositive();
        assertThat(first).extracting(PhaseTime::name).contains("keygen");

        List<PhaseTime> second = new ArrayList<>();
        ProveJob job2 = new ProveJob(a, 2, null, second::add, () -> false);
        assertThat(job2.keyReused()).isTrue();
        CompletedRun r2 = job2.run();
        assertThat(r2.keyReused()).isTrue();
        assertThat(r2.keygenMillis()).isZero();
        assertThat(second).extracting(PhaseTime::name).doesNotContain("keygen");
        assertThat(r2.phases()).extracting(PhaseTime::name).containsExactlyElementsOf(job2.expectedPhases());
        assertThat(r2.vk()).isSameAs(r1.vk());
        assertThat(r2.verdict().accepted()).isTrue();
        assertThat(RunRecord.of(r2, java.time.Instant.now()).reusedKey()).isTrue();
    }

    @Test
    void aSettingsChange_getsAFreshKey_andItsProofVerifiesAgainstTheNewKey() throws Exception {
        Analysis a = new Analyzer().analyze(mlp.session(), mlp.settings());
        CompletedRun before = new ProveJob(a, 1, null, p -> { }, () -> false).run();
        for (ModelSettings changed : List.of(mlp.settings().withZeroKnowledge(false),
                mlp.settings().withPreset("standard"))) {
            Analysis b = new Analyzer().analyze(mlp.session(), changed);
            assertThat(b.prepared()).isNotSameAs(a.prepared());
            assertThat(b.prepared().settings().params()).isEqualTo(changed.proofParameters());
            ProveJob job = new ProveJob(b, 2, null, p -> { }, () -> false);
            assertThat(job.keyReused()).isFalse();
            CompletedRun after = job.run();
            assertThat(after.keyReused()).as(changed.toString()).isFalse();
            assertThat(after.phases()).extracting(PhaseTime::name).contains("keygen");
            assertThat(after.vk()).isNotSameAs(before.vk());
            assertThat(after.verdict().accepted()).isTrue();
            assertThat(dev.zkscope.api.Pipeline.verify(after.vk(), after.publicValues(), after.proof()).accepted())
                    .isTrue();
            assertThat(dev.zkscope.api.Pipeline.verify(before.vk(), after.publicValues(), after.proof()).accepted())
                    .as("the old key must not accept the new proof").isFalse();
        }
    }

    @Test
    void constructor_refusesAnAnalysisWhoseKeyWouldBeStale() {
        assertThatThrownBy(() -> new Analysis(mlp.session(), mlp.settings().withZeroKnowledge(false), mlp.quantized(),
                mlp.fidelity(), mlp.calibration(), mlp.prepared(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proof parameters");
        assertThatThrownBy(() -> new Analysis(mlp.session(), mlp.settings().withVisibility(
                dev.zkscope.compile.CompileOptions.Visibility.PRIVATE,
                dev.zkscope.compile.CompileOptions.Visibility.HASHED),
                mlp.quantized(), mlp.fidelity(), mlp.calibration(), mlp.prepared(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visibility");
    }

    @Test
    void run_hashedWeightsAndPublicInput_verifies() throws Exception {
        Analysis a = new Analyzer().analyze(mlp.session(), mlp.settings().withVisibility(
                dev.zkscope.compile.CompileOptions.Visibility.PUBLIC, dev.zkscope.compile.CompileOptions.Visibility.HASHED));
        assertThat(a.compiled()).as(String.valueOf(a.problem())).isNotNull();
        CompletedRun r = new ProveJob(a, 1, null, p -> { }, () -> false).run();
        assertThat(r.verdict().accepted()).as(r.verdict().toString()).isTrue();
        assertThat(r.publicValues().length).isGreaterThan(r.output().length);
        assertThat(a.compiled().ledger().layer(dev.zkscope.compile.ModelCompiler.HASH_WEIGHTS).rows()).isPositive();
        // the layer table shows the hash's cost as a row of its own
        assertThat(a.rows()).anyMatch(row -> row.name().equals("hash weights") && row.cost() != null
                && row.cost().rows() > 0);
    }

    @Test
    void verdicts_nameTheTypedReason() {
        CompletedRun r = new ProveJob(mlp, 1, null, p -> { }, () -> false).run();
        byte[] bad = r.proof().clone();
        bad[bad.length / 2] ^= 0x10;
        ProveViewModel.Verdict v = ProveViewModel.describe(dev.zkscope.api.Pipeline.verify(r.vk(), r.publicValues(),
                bad), "a flipped proof");
        assertThat(v.accepted()).isFalse();
        // no type name in parentheses, such as "(FriFoldMismatch)"; an acronym such as "(FRI)" is the human text's
        assertThat(v.detail()).contains("Reason:", "Verifier's detail:")
                .doesNotContainPattern("\\([A-Z][a-z]+[A-Z][A-Za-z]*\\)");
    }

    @Test
    void rejections_areSaidInHumanTerms_withoutFieldElements() {
        java.util.List<dev.zkscope.plonk.VerifyError> errors = java.util.List.of(
                new dev.zkscope.plonk.VerifyError.QuotientIdentityFails("18446744069414584320", "7"),
                new dev.zkscope.plonk.VerifyError.DeepValueMismatch(3, "18446744069414584320", "9"),
                new dev.zkscope.plonk.VerifyError.FriFoldMismatch(2, 3, "18446744069414584320", "9"),
                new dev.zkscope.plonk.VerifyError.MerkleProofInvalid("quotient",
                        dev.zkscope.merkle.MultiProof.Failure.ROOT.reason()),
                new dev.zkscope.plonk.VerifyError.PublicValuesMismatch("value 3 is 18446744069414584320"),
                new dev.zkscope.plonk.VerifyError.GrindingInvalid(16, 123456789L));
        for (dev.zkscope.plonk.VerifyError e : errors) {
            String human = ProveViewModel.inHumanTerms(e);
            assertThat(human).as(e.toString()).doesNotContain("18446744069414584320", "123456789")
                    .isNotEqualTo("the verifier could not complete its checks.");
        }
        assertThat(ProveViewModel.inHumanTerms(errors.get(3))).contains("the 'quotient' commitment");
    }
}
