package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.zkscope.viz.Format;
import dev.zkscope.viz.LookupTablesView;
import dev.zkscope.viz.run.PhaseTime;
import java.util.concurrent.TimeUnit;
import javafx.collections.ListChangeListener;
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
 * One truth per run: every view shows the open model's current run or nothing (never a previous run during a proof,
 * never a cancelled proof's leftovers, never another model's results), and each figure shown twice is the same figure.
 */
@ExtendWith(ApplicationExtension.class)
class OneTruthTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    private CompletedRun proveAndWait(FxRobot robot, int runs) throws Exception {
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == runs
                && !app.pvm.runningProperty().get() && app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        return app.pvm.runs().get(runs - 1);
    }

    /**
     * Proves, holds the prover at the start of its quotient phase (so that a fast proof cannot finish first), and
     * cancels from the FX thread while that phase runs, as a click would; then lets the prover go on to see the cancel.
     */
    private void proveAndCancelMidRun(FxRobot robot) throws Exception {
        ProveJob.Hold[] hold = new ProveJob.Hold[1];
        robot.interact(() -> {
            hold[0] = app.pvm.holdNextProofAt("quotient");
            app.pvm.prove();
        });
        assertThat(hold[0].reached().await(60, TimeUnit.SECONDS)).as("the prover reached its quotient phase").isTrue();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.pvm.phases().stream().anyMatch(PhaseTime::running));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(app.pvm::cancel);
        hold[0].release().countDown();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String verdictDetail(FxRobot robot) {
        return robot.lookup("#verdictDetail").queryAs(Label.class).getText();
    }

    @Test
    void aNewProof_hidesThePreviousRun_andCancelBringsItBackWhole(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabProve"));
        CompletedRun first = proveAndWait(robot, 1);
        assertThat(app.window.proveView().figures().getChildren()).isNotEmpty();

        boolean[] cardsDuringRun = {false};
        String[] verdictDuringRun = {null};
        ListChangeListener<PhaseTime> watch = c -> {
            if (app.pvm.runningProperty().get() && verdictDuringRun[0] == null) {
                cardsDuringRun[0] = !app.window.proveView().figures().getChildren().isEmpty();
                verdictDuringRun[0] = verdictDetail(robot);
            }
        };
        robot.interact(() -> app.pvm.phases().addListener(watch));
        proveAndCancelMidRun(robot);
        robot.interact(() -> app.pvm.phases().removeListener(watch));
        assertThat(cardsDuringRun[0]).as("the previous run's cards during the new proof").isFalse();
        assertThat(verdictDuringRun[0]).doesNotContain("Verifying").contains("Proving");

        // Cancelled: the previous run is shown again, whole, and nothing of the cancelled proof stays.
        assertThat(app.pvm.lastProperty().get()).isSameAs(first);
        assertThat(app.pvm.phases()).noneMatch(PhaseTime::running).hasSize(first.phases().size());
        assertThat(app.window.proveView().timeline().phases()).noneMatch(PhaseTime::running);
        assertThat(app.window.proveView().heap().size()).isEqualTo(first.heap().size());
        assertThat(app.pvm.phaseProperty().get()).contains("Cancelled", "run " + first.id());
        assertThat(robot.lookup("#verdict").queryAs(Label.class).getText()).contains("Accepted");
        assertThat(verdictDetail(robot)).doesNotContain("Verifying");
        assertThat(app.window.proveView().figureTexts()).contains(Format.millis(first.proveMillis()));
        // The exported heap chart is the run on screen, never the cancelled proof's live chart.
        var exported = (org.jfree.chart.plot.XYPlot) app.window.charts().get("Heap while proving").getPlot();
        assertThat(exported.getDataset().getItemCount(0)).isEqualTo(first.heap().size());
    }

    @Test
    void cancelWithNoEarlierRun_leavesNoRunningPhase_noHeap_andNoVerifying(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp_sigmoid_tanh");
        robot.interact(() -> app.window.showTab("tabProve"));
        proveAndCancelMidRun(robot);
        assertThat(app.pvm.lastProperty().get()).isNull();
        assertThat(app.pvm.phases()).isEmpty();
        assertThat(app.window.proveView().timeline().phases()).noneMatch(PhaseTime::running);
        assertThat(app.window.proveView().heap().size()).isZero();
        assertThat(verdictDetail(robot)).isEqualTo("Prove first, then verify or tamper.");
        assertThat(app.window.charts()).doesNotContainKey("Heap while proving");
    }

    @Test
    void openingAnotherModel_clearsTheRun_theHeatmapStatus_andTheSweepChart(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabRuns"));
        robot.interact(() -> app.pvm.sweep(2));
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 2
                && !app.pvm.runningProperty().get() && app.pvm.sweepStatusProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.runsView().chart()).isNotNull();
        robot.interact(() -> app.window.showTab("tabCircuit"));
        var heatmap = app.window.heatmap();
        robot.moveTo(heatmap).moveBy(-40, 0);
        WaitForAsyncUtils.waitForFxEvents();
        String hovered = heatmap.status().getText();
        assertThat(hovered).contains("row");

        app.openCompiledForTesting(robot, "cnn_bn_pool");
        assertThat(app.pvm.lastProperty().get()).isNull();
        assertThat(app.pvm.verdictProperty().get()).isNull();
        assertThat(app.pvm.sweepRuns()).isEmpty();
        assertThat(app.window.proveView().figures().getChildren()).isEmpty();
        assertThat(app.window.proveView().heap().size()).isZero();
        assertThat(heatmap.status().getText()).isNotEqualTo(hovered).doesNotContain("layer /");
        assertThat(app.window.runsView().chart()).as("no run of cnn_bn_pool yet").isNull();
        assertThat(app.pvm.history()).as("the runs stay in the table").hasSize(2);
    }

    @Test
    void figuresShownTwice_areOneFigure(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.pvm.forecastProperty().get() != null);
        robot.interact(() -> app.window.showTab("tabProve"));
        CompletedRun r = proveAndWait(robot, 1);
        assertThat(r.forecast()).isNotNull();
        String predicted = Format.millis(r.forecast().proveSeconds() * 1000);
        // Predicted time: the card, the plan line and the Runs table say the same.
        assertThat(app.window.proveView().figureTexts()).anyMatch(t -> t.startsWith("predicted " + predicted));
        assertThat(robot.lookup("#provePlan").queryAs(Label.class).getText()).contains("prover " + predicted);
        var table = app.window.runsView().table();
        var predictedCol = table.getColumns().stream()
                .filter(c -> "Predicted".equals(((Label) c.getGraphic()).getText())).findFirst().orElseThrow();
        assertThat(predictedCol.getCellData(0)).isEqualTo(predicted);
        // Predicted heap: one figure (above the baseline) on the plan line and the card.
        String heap = Format.bytes(r.forecast().heapAboveBaseline());
        assertThat(robot.lookup("#provePlan").queryAs(Label.class).getText()).contains("heap " + heap + " above");
        assertThat(app.window.proveView().figureTexts()).anyMatch(t -> t.contains("predicted " + heap + " above"));
        // The heap chart's peak line is the Peak heap card's figure.
        assertThat(app.window.proveView().heap().markedPeakMiB()).isCloseTo(r.peakHeap() / (double) (1 << 20),
                within(1e-9));
        assertThat(app.window.proveView().figureTexts()).contains(Format.bytes(r.peakHeap()));
        // The exported report states the same heap figures, and the error on what the cost model predicts.
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Report.json(app.vm.analysis(),
                app.pvm.runsSnapshot()));
        var run = json.findValue("runs").get(0);
        assertThat(run.path("heap_above_baseline_bytes").asLong()).isEqualTo(r.heapAboveBaseline());
        assertThat(run.path("predicted_heap_above_baseline_bytes").asLong()).isEqualTo(r.forecast().heapAboveBaseline());
        assertThat(run.path("prediction_error_heap_above_baseline").asDouble())
                .isCloseTo(r.predictionError().heapError(), within(1e-9));
        // Every stretch of the run is on the timeline: phases and labelled gaps cover it.
        var tl = app.window.proveView().timeline();
        double covered = tl.phases().stream().mapToDouble(p -> Math.max(0, p.millis())).sum()
                + tl.gaps().stream().mapToDouble(g -> g.millis()).sum();
        double end = tl.phases().stream().mapToDouble(PhaseTime::endMillis).max().orElseThrow();
        double start = tl.phases().stream().mapToDouble(PhaseTime::startMillis).min().orElseThrow();
        assertThat(covered).isGreaterThan(0.97 * (end - start));
        assertThat(tl.gaps()).allMatch(g -> !g.what().isBlank());
    }

    @Test
    void lookupTablePanes_giveOneRowCountPerTable(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp_sigmoid_tanh");
        LookupTablesView v = app.window.lookupTables();
        assertThat(v.list().getItems()).isNotEmpty();
        for (LookupTablesView.Entry e : v.list().getItems()) {
            var inCircuit = v.inCircuit(e);
            assertThat(inCircuit).as(e.table().name()).isNotNull();
            var rowsCol = v.list().getColumns().stream()
                    .filter(c -> "Rows in circuit".equals(((Label) c.getGraphic()).getText())).findFirst()
                    .orElseThrow();
            String shown = (String) rowsCol.getCellObservableValue(e).getValue();
            assertThat(shown).startsWith(Format.count(inCircuit.size()));
            var row = v.circuitTables().getItems().stream().filter(c -> c.info().name().equals(inCircuit.name()))
                    .findFirst().orElseThrow();
            assertThat(row.info().size()).isEqualTo(inCircuit.size());
        }
    }

    @Test
    void aProofHeldMidRun_showsThatPhaseRunning_andNoResults_untilReleased(FxRobot robot) throws Exception {
        // The screenshot driver's "proving" picture is taken in this state (never a finished proof).
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabProve"));
        ProveJob.Hold[] hold = new ProveJob.Hold[1];
        robot.interact(() -> {
            hold[0] = app.pvm.holdNextProofAt("quotient");
            app.pvm.prove();
        });
        assertThat(hold[0].reached().await(120, TimeUnit.SECONDS)).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.runningProperty().get()).isTrue();
        assertThat(app.pvm.phases()).anyMatch(p -> p.name().equals("quotient") && p.running());
        assertThat(app.pvm.phaseProperty().get()).isEqualTo("Phase: quotient...");
        assertThat(app.window.proveView().figures().getChildren()).isEmpty();
        hold[0].release().countDown();
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null
                && !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.lastProperty().get().verdict().accepted()).isTrue();
    }
}
