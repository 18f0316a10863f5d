package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.chart.BarChart;
import javafx.scene.control.TableView;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Runs tab on real runs: every run tagged by what made it (a proof, a sweep's point) and filtered by it; a sweep
 * that proves each point twice plotted as means with min-max bars; two selected runs compared phase by phase (table
 * and bars) and layer by layer; all of it saved.
 */
class RunsCompareTest extends AppWindowTest {
    @Test
    void runsAreTagged_filtered_repeatedSweepHasErrorBars_andTwoRunsCompare(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 1
                && !app.pvm.runningProperty().get());
        robot.interact(() -> app.window.showTab("tabRuns"));
        RunsView view = app.window.runsView();
        robot.interact(() -> view.sweep(ScaledVariants.Mode.ROWS, 2, 2));
        WaitForAsyncUtils.waitFor(240, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 5
                && !app.pvm.runningProperty().get() && app.pvm.sweepStatusProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        List<RunRecord> h = List.copyOf(app.pvm.history());
        assertThat(h).extracting(RunRecord::runKind).containsExactly(RunRecord.Kind.PROOF, RunRecord.Kind.SWEEP,
                RunRecord.Kind.SWEEP, RunRecord.Kind.SWEEP, RunRecord.Kind.SWEEP);
        int k = app.vm.analysis().ledger().logN();
        assertThat(h.subList(1, 5)).extracting(RunRecord::logN).containsExactly(k, k, k + 1, k + 1);

        // Error bars: two points, each the mean of its two runs with a bar from the faster to the slower.
        org.jfree.chart.plot.XYPlot plot = (org.jfree.chart.plot.XYPlot) view.chart().getPlot();
        YIntervalSeriesCollection time = (YIntervalSeriesCollection) plot.getDataset(0);
        assertThat(time.getItemCount(0)).isEqualTo(2);
        for (int p = 0; p < 2; p++) {
            double a = h.get(1 + 2 * p).proveMillis() / 1000;
            double b = h.get(2 + 2 * p).proveMillis() / 1000;
            assertThat(time.getXValue(0, p)).isEqualTo(p);
            assertThat(time.getYValue(0, p)).isCloseTo((a + b) / 2, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(time.getStartYValue(0, p)).isEqualTo(Math.min(a, b));
            assertThat(time.getEndYValue(0, p)).isEqualTo(Math.max(a, b));
        }
        assertThat(view.chart().getTitle().getText()).contains("2 points", "2 runs");
        assertThat(((org.jfree.chart.axis.SymbolAxis) plot.getDomainAxis()).getSymbols())
                .containsExactly(h.get(1).model() + ", 2^" + k + " rows", h.get(3).model() + ", 2^" + (k + 1) + " rows");

        // Tags and the filter.
        TableView<RunRecord> table = view.table();
        robot.interact(() -> view.filterKind(RunRecord.Kind.SWEEP));
        assertThat(table.getItems()).hasSize(4).allMatch(r -> r.runKind() == RunRecord.Kind.SWEEP);
        robot.interact(() -> view.filterKind(RunRecord.Kind.PROOF));
        assertThat(table.getItems()).extracting(RunRecord::id).containsExactly(h.get(0).id());
        robot.interact(() -> view.filterKind(null));
        assertThat(table.getItems()).hasSize(5);
        // the table's cells are made by the next layout pass: wait for it
        WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> !robot.lookup(".run-kind-sweep").queryAll().isEmpty());
        assertThat(robot.lookup(".run-kind-sweep").queryAll()).isNotEmpty();
        assertThat(robot.lookup(".run-kind-proof").queryAll()).isNotEmpty();

        // Two runs compared: the proof and the sweep's second point (twice the rows).
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            table.getSelectionModel().selectIndices(0, 3);
        });
        WaitForAsyncUtils.waitForFxEvents();
        RunRecord a = h.get(0);
        RunRecord b = h.get(3);
        assertThat(view.lowerTabs().getSelectionModel().getSelectedItem().getId()).isEqualTo("compareTab");
        @SuppressWarnings("unchecked")
        TableView<RunCompare.PhaseRow> phases = (TableView<RunCompare.PhaseRow>) robot.lookup("#comparePhases")
                .query();
        assertThat(phases.getItems()).extracting(RunCompare.PhaseRow::phase).contains("witness", "witness commit",
                "quotient", "fri", "verify", "prover (all rounds)");
        RunCompare.PhaseRow q = phases.getItems().stream().filter(r -> r.phase().equals("quotient")).findFirst()
                .orElseThrow();
        assertThat(q.aMillis()).isEqualTo(a.phaseMillis().get("quotient")).isPositive();
        assertThat(q.bMillis()).isEqualTo(b.phaseMillis().get("quotient")).isPositive();
        assertThat(phases.getColumns().get(3).getCellData(phases.getItems().indexOf(q)))
                .isEqualTo(RunCompare.signedMs(q.bMillis() - q.aMillis()));
        BarChart<?, ?> bars = (BarChart<?, ?>) robot.lookup("#compareBars").query();
        assertThat(bars.getData()).hasSize(2);
        assertThat(bars.getData().get(0).getData()).hasSize(phases.getItems().size());
        @SuppressWarnings("unchecked")
        TableView<RunCompare.LayerRow> layers = (TableView<RunCompare.LayerRow>) robot.lookup("#compareLayers")
                .query();
        assertThat(layers.getItems()).isNotEmpty();
        assertThat(layers.getItems()).extracting(RunCompare.LayerRow::layer)
                .containsAll(a.layerRows().keySet());
        int sum = layers.getItems().stream().mapToInt(r -> Math.max(0, r.aRows())).sum();
        assertThat(sum).isEqualTo(a.layerRows().values().stream().mapToInt(Integer::intValue).sum()).isPositive();
        assertThat(robot.lookup("#compareHeadline").queryLabeled().getText()).contains("run " + a.id(),
                "run " + b.id(), "2^" + a.logN(), "2^" + b.logN());

        // Saved with their kind, phases and layers.
        List<RunRecord> saved = new RunStore(app.runsFile).load().runs();
        assertThat(saved).isEqualTo(h);
        assertThat(saved.get(3).kind()).isEqualTo("sweep");
        assertThat(saved.get(3).phaseMillis()).containsKeys("quotient", "fri");
    }
}
