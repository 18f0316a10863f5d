package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Prove, verify, tamper and cancel through the real window. Uses the prover's fast, insecure test preset (set through
 * the view-model, never offered in the UI) so that the suite stays quick.
 */
@ExtendWith(ApplicationExtension.class)
class ProveFlowTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    private void openCompiled(FxRobot robot, String sample) throws Exception {
        app.openCompiledForTesting(robot, sample);
        robot.interact(() -> app.window.showTab("tabProve"));
    }

    /** Proves the open model and waits until the runs table holds {@code runs} runs and nothing runs. */
    private void proveUntilRuns(FxRobot robot, int runs) throws Exception {
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == runs
                && !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String verdict(FxRobot robot) {
        return robot.lookup("#verdict").queryAs(Label.class).getText();
    }

    @Test
    void prove_showsProgressThenVerified_thenTamperIsRejected(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp");
        AtomicBoolean sawProgress = new AtomicBoolean();
        app.pvm.progressProperty().addListener((o, a, b) -> {
            if (b.doubleValue() > 0 && b.doubleValue() < 1) {
                sawProgress.set(true);
            }
        });
        robot.clickOn("#proveButton");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null
                && app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(sawProgress).isTrue();
        assertThat(app.pvm.phases()).extracting(p -> p.name()).contains("keygen", "witness", "quotient", "fri",
                "verify");
        assertThat(verdict(robot)).contains("Accepted");
        assertThat(app.pvm.runs()).hasSize(1);
        assertThat(app.window.showTab("tabRuns")).isTrue();
        robot.interact(() -> app.window.showTab("tabProve"));

        robot.clickOn("#flipButton");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(verdict(robot)).contains("Rejected");
        assertThat(robot.lookup("#verdictDetail").queryAs(Label.class).getText()).contains("flipped", "Reason:", "changed",
                "Verifier's detail:");

        robot.clickOn("#changeOutputButton");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(verdict(robot)).contains("Rejected");
        assertThat(robot.lookup("#verdictDetail").queryAs(Label.class).getText()).contains("changed claim: class");

        robot.clickOn("#verifyButton");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(verdict(robot)).contains("Accepted");
    }

    @Test
    void sweep_provesGrowingTraceHeights_andPlotsThem(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp");
        int base = app.vm.analysis().ledger().logN();
        robot.interact(() -> app.window.showTab("tabRuns"));
        robot.interact(() -> app.pvm.sweep(2));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 2
                && !app.pvm.runningProperty().get() && app.pvm.sweepStatusProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.runs()).extracting(CompletedRun::logN).containsExactly(base, base + 1);
        assertThat(app.pvm.runs()).allMatch(r -> r.verdict().accepted());
        assertThat(app.window.runsView().table().getItems()).hasSize(2);
    }

    @Test
    void widthSweep_provesSyntheticVariants_andPlotsThemWithPrediction(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabRuns"));
        robot.interact(() -> app.pvm.sweep(ScaledVariants.Mode.WIDTH, 2));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 2
                && !app.pvm.runningProperty().get() && app.pvm.sweepStatusProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.runs()).allMatch(r -> r.verdict().accepted());
        assertThat(app.pvm.runs().get(0).model()).startsWith("synthetic MLP").contains("width x1");
        assertThat(app.pvm.runs().get(1).model()).contains("width x2");
        assertThat(app.pvm.runs()).allMatch(r -> r.forecast() != null);
        org.jfree.chart.plot.XYPlot plot = (org.jfree.chart.plot.XYPlot) app.window.runsView().chart().getPlot();
        assertThat(plot.getDataset(0).getItemCount(0)).isEqualTo(2);
        assertThat(plot.getDataset(1).getItemCount(0)).isEqualTo(2);
        robot.interact(() -> robot.lookup("#sweepMode").queryComboBox().getSelectionModel()
                .select(ScaledVariants.Mode.DEPTH));
        assertThat(robot.lookup("#sweepWhat").queryAs(Label.class).getText()).contains("Synthetic variants",
                "not its weights");

        // The runs are saved; a cancelled proof afterwards loses none of them.
        assertThat(app.window.runsView().table().getItems()).hasSize(2);
        assertThat(new RunStore(app.runsFile).load().runs()).extracting(RunRecord::model)
                .containsExactly(app.pvm.runs().get(0).model(), app.pvm.runs().get(1).model());
        robot.interact(() -> {
            app.pvm.prove();
            app.pvm.cancel();
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.history()).hasSize(2);
        assertThat(new RunStore(app.runsFile).load().runs()).hasSize(2);
    }

    /**
     * Cancels a three-step sweep on the FX thread at the moment its first run is added (the runs list's listener runs
     * before the sweep starts its next step), so exactly one run exists, deterministically: no sleep, no race.
     */
    @Test
    void cancelDuringSweep_stopsIt_andKeepsEarlierRuns(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabRuns"));
        javafx.collections.ListChangeListener<CompletedRun> cancelAfterFirst = c -> {
            if (app.pvm.runs().size() == 1) {
                app.pvm.cancel();
            }
        };
        robot.interact(() -> {
            app.pvm.runs().addListener(cancelAfterFirst);
            app.window.runsView().sweep(ScaledVariants.Mode.DEPTH, 3);
        });
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 1
                && !app.pvm.runningProperty().get() && app.pvm.sweepStatusProperty().get().isEmpty());
        robot.interact(() -> app.pvm.runs().removeListener(cancelAfterFirst));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.runningProperty().get()).isFalse();
        assertThat(app.pvm.runs()).hasSize(1);
        assertThat(app.pvm.history()).hasSize(1);
        assertThat(app.pvm.runs().get(0).model()).contains("depth 1");
        assertThat(new RunStore(app.runsFile).load().runs()).hasSize(1);
    }

    @Test
    void cancel_stopsTheProof_andKeepsModelAndRuns(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp_sigmoid_tanh");
        ModelSession before = app.vm.session();
        robot.interact(() -> {
            app.pvm.prove();
            app.pvm.cancel();
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.phaseProperty().get()).contains("Cancelled");
        assertThat(app.pvm.runs()).isEmpty();
        assertThat(app.pvm.lastProperty().get()).isNull();
        assertThat(app.vm.session()).isSameAs(before);
        assertThat(robot.lookup("#proveButton").queryButton().isDisabled()).isFalse();
    }

    @Test
    void proveTwice_reusesTheKey_andASettingsChangeDerivesAFreshOne(FxRobot robot) throws Exception {
        openCompiled(robot, "mlp");
        Analysis first = app.vm.analysis();
        proveUntilRuns(robot, 1);
        CompletedRun r1 = app.pvm.runs().get(0);
        assertThat(r1.keyReused()).isFalse();
        assertThat(app.pvm.phases()).extracting(p -> p.name()).contains("keygen");
        assertThat(app.pvm.phaseProperty().get()).contains("derived and is kept");

        proveUntilRuns(robot, 2);
        CompletedRun r2 = app.pvm.runs().get(1);
        assertThat(app.vm.analysis()).isSameAs(first);
        assertThat(r2.keyReused()).isTrue();
        assertThat(r2.vk()).isSameAs(r1.vk());
        assertThat(r2.verdict().accepted()).isTrue();
        assertThat(app.pvm.phases()).extracting(p -> p.name()).doesNotContain("keygen").contains("fri", "verify");
        assertThat(app.pvm.progressProperty().get()).isEqualTo(1.0);
        assertThat(app.pvm.phaseProperty().get()).contains("proving key was reused");
        assertThat(robot.lookup(".figure").queryAllAs(Label.class)).extracting(Label::getText).contains("reused");
        assertThat(new RunStore(app.runsFile).load().runs()).extracting(RunRecord::reusedKey)
                .containsExactly(false, true);

        // Zero knowledge off: a new analysis with a new Prepared, so a new key, and its proof verifies against it.
        robot.interact(() -> app.vm.applySettings(app.vm.settings().withZeroKnowledge(false)));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != first
                && app.vm.analysis().compiled() != null && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.analysis().prepared().hasProvingKey()).isFalse();
        proveUntilRuns(robot, 3);
        CompletedRun r3 = app.pvm.runs().get(2);
        assertThat(r3.keyReused()).isFalse();
        assertThat(r3.settings().zeroKnowledge()).isFalse();
        assertThat(r3.vk()).isNotSameAs(r1.vk());
        assertThat(app.pvm.phases()).extracting(p -> p.name()).contains("keygen");
        assertThat(verdict(robot)).contains("Accepted");
        robot.clickOn("#verifyButton");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(verdict(robot)).contains("Accepted");
        assertThat(dev.zkscope.api.Pipeline.verify(r1.vk(), r3.publicValues(), r3.proof()).accepted()).isFalse();

        // Back to zero knowledge on: the analysis made for those settings comes back, with the key derived for it.
        Analysis noZk = app.vm.analysis();
        robot.interact(() -> app.vm.applySettings(app.vm.settings().withZeroKnowledge(true)));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != noZk
                && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.analysis()).isSameAs(first);
        proveUntilRuns(robot, 4);
        CompletedRun r4 = app.pvm.runs().get(3);
        assertThat(r4.keyReused()).isTrue();
        assertThat(r4.vk()).isSameAs(r1.vk());
        assertThat(r4.verdict().accepted()).isTrue();
    }
}
