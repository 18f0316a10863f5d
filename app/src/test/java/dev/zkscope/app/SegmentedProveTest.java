package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.viz.run.PhaseTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Proving in segments from the app: the Settings tab's "Max rows per segment" makes Prove cut cnn_bn_pool into two
 * segments of at most 2^11 rows (as {@code prove --max-rows 2^11}); the flame chart draws a bar per segment with that
 * segment's phases nested under it, on the heap's time axis; the prediction panel has a row per segment; the bundle
 * verifies and a flipped byte is rejected; a Cancel inside the second segment brings the previous run back whole.
 */
class SegmentedProveTest extends AppWindowTest {
    @Override
    protected AppFixture fixture(Stage stage) {
        return new AppFixture(stage);
    }

    @SuppressWarnings("unchecked")
    /** Proves once (the session's first run) and returns the run, segmented. */
    private CompletedRun proveTheFirstRun(FxRobot robot) throws Exception {
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 1
                && !app.pvm.runningProperty().get() && app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        CompletedRun r = app.pvm.runs().get(0);
        assertThat(r.isSegmented()).isTrue();
        return r;
    }

    private void chooseMaxRows(FxRobot robot, SegmentBudget b) {
        ComboBox<SegmentBudget> box = robot.lookup("#maxRowsBox").queryAs(ComboBox.class);
        robot.interact(() -> box.setValue(b));
    }

    @Test
    void maxRowsPerSegment_provesInSegments_drawsSegmentLanes_andCancelKeepsThePreviousRun(FxRobot robot)
            throws Exception {
        ProveJob.forgetWarmUps();
        app.openCompiledForTesting(robot, "cnn_bn_pool");
        chooseMaxRows(robot, new SegmentBudget(11));
        assertThat(app.pvm.segmentBudgetProperty().get()).isEqualTo(new SegmentBudget(11));
        assertThat(app.settings.get(ProvingSettings.MAX_ROWS_KEY, "")).as("persisted").isEqualTo("2^11");
        robot.interact(() -> app.window.showTab("tabProve"));
        assertThat(robot.lookup("#provePlan").queryAs(Label.class).getText()).contains("segments of at most 2^11");

        CompletedRun r = proveTheFirstRun(robot);
        int n = r.segmented().segments().size();
        assertThat(n).isGreaterThanOrEqualTo(2);
        assertThat(app.pvm.verdictProperty().get().accepted()).isTrue();
        assertThat(r.segmented().segments()).allMatch(s -> s.logN() <= 11 && s.proveMillis() > 0);
        assertThat(r.segmented().budgetChoice()).as("a budget the user chose").isNull();

        // Flame chart: one bar per segment in the top row, each segment's phases in the row below, inside its bar.
        FlameChart flame = app.window.proveView().flame();
        assertThat(flame.segmented()).isTrue();
        assertThat(flame.rowLabels()).startsWith("segments", "phases");
        List<FlameSpan> bars = flame.spans().stream().filter(s -> s.depth() == 0
                && SegmentedRun.isSegment(s.name())).toList();
        assertThat(bars).extracting(FlameSpan::name).containsExactly(
                java.util.stream.IntStream.range(0, n).mapToObj(i -> SegmentedRun.name(i, n)).toArray(String[]::new));
        for (FlameSpan bar : bars) {
            List<FlameSpan> phases = flame.spans().stream().filter(s -> bar.name().equals(s.parent())).toList();
            assertThat(phases).extracting(FlameSpan::name).contains("compile", "keygen", "witness", "quotient", "fri");
            assertThat(phases).allMatch(p -> p.depth() == 1 && p.startMillis() >= bar.startMillis() - 1e-6
                    && p.endMillis() <= bar.endMillis() + 1e-6);
            // steps (column batches, FRI rounds) nest one row further down, under their phase
            assertThat(flame.spans()).anyMatch(s -> s.depth() == 2 && s.parent().equals("fri")
                    && s.startMillis() >= bar.startMillis() && s.endMillis() <= bar.endMillis() + 1e-6);
            assertThat(flame.describe(bar)).contains("layers", "rows", "prover");
        }
        // The session's first segmented run of the model proves its smallest segment once before the run (the JIT's
        // warm-up, as prove --max-rows does): one bar on the top row, before the first segment's.
        List<FlameSpan> warm = flame.spans().stream().filter(s -> s.name().equals(ProveJob.WARM_UP)).toList();
        assertThat(warm).hasSize(1);
        assertThat(warm.get(0).depth()).isZero();
        assertThat(warm.get(0).endMillis()).isLessThanOrEqualTo(bars.get(0).startMillis() + 1e-6);
        // The links' first pass (every segment's link columns committed, then the challenge) is a bar of its own on
        // the top row, after the warm-up and before the first segment.
        List<FlameSpan> links = flame.spans().stream().filter(s -> s.name().equals(ProveJob.LINK_COMMIT)).toList();
        assertThat(links).hasSize(1);
        assertThat(links.get(0).depth()).isZero();
        assertThat(links.get(0).startMillis()).isGreaterThanOrEqualTo(warm.get(0).endMillis() - 1e-6);
        assertThat(links.get(0).endMillis()).isLessThanOrEqualTo(bars.get(0).startMillis() + 1e-6);
        // The segments follow one another on the axis the heap shares.
        assertThat(bars.get(1).startMillis()).isGreaterThanOrEqualTo(bars.get(0).endMillis() - 1e-6);
        assertThat(r.heap()).isNotEmpty();
        assertThat(r.heap().get(r.heap().size() - 1).millis()).isGreaterThan((long) bars.get(0).endMillis());
        double x = flame.xOf(bars.get(1).startMillis());
        assertThat(flame.millisAt(x)).isCloseTo(bars.get(1).startMillis(), org.assertj.core.api.Assertions.within(1e-6));

        // Predicted vs measured per segment, as the CLI prints it.
        List<PhasePrediction.SegmentRow> rows = PhasePrediction.segmentRows(r);
        assertThat(rows).hasSize(n);
        for (int i = 0; i < n; i++) {
            SegmentedRun.Segment s = r.segmented().segments().get(i);
            assertThat(rows.get(i).predictedMillis()).isPositive();
            assertThat(rows.get(i).measuredMillis()).isEqualTo(s.proveMillis());
            assertThat(rows.get(i).measuredHeap()).isEqualTo(s.heapAboveBaseline());
        }
        assertThat(robot.lookup("#phasePrediction .label").queryAllAs(Label.class)).extracting(Label::getText)
                .contains("segment 1/" + n + " (2^" + r.segmented().segments().get(0).logN() + ")", "Heap predicted");
        // The summary under the table counts the same rows against +-30% and against the machine's band.
        dev.zkscope.predict.PredictionAccuracy acc = PhasePrediction.accuracy(r);
        assertThat(acc.proofs()).isEqualTo(n);
        long within = rows.stream().filter(row -> Math.abs(row.ratio() - 1) <= 0.30).count();
        assertThat(acc.timeWithin()).isEqualTo((int) within);
        assertThat(robot.lookup("#segmentAccuracy").queryAs(Label.class).getText())
                .startsWith("Prediction: time within +-30% on " + within + " of " + n + " segments");
        // The whole run's prediction is the segments' sum, and the card shows that figure.
        double sum = rows.stream().mapToDouble(PhasePrediction.SegmentRow::predictedMillis).sum();
        assertThat(r.forecast().proveSeconds() * 1000).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(app.window.proveView().segmentLines()).hasSize(n).allMatch(l -> l.contains("prover"));

        // The bundle verifies as a whole; one flipped byte is rejected with the segment or part named.
        robot.interact(() -> app.pvm.verify());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        assertThat(app.pvm.verdictProperty().get().accepted()).isTrue();
        robot.interact(() -> app.pvm.tamperFlipByte(r.proof().length - 100));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        assertThat(app.pvm.verdictProperty().get().accepted()).isFalse();
        assertThat(app.pvm.verdictProperty().get().detail()).contains("segment " + n);
        robot.interact(() -> app.pvm.tamperOutput());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        assertThat(app.pvm.verdictProperty().get().accepted()).isFalse();

        // Cancel inside the last segment (held at its quotient): the previous run comes back whole.
        ProveJob.Hold[] hold = new ProveJob.Hold[1];
        robot.interact(() -> {
            hold[0] = app.pvm.holdNextProofAt("quotient", n);
            app.pvm.prove();
        });
        assertThat(hold[0].reached().await(300, TimeUnit.SECONDS)).as("the last segment's quotient").isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.segments()).hasSize(n);
        assertThat(app.pvm.segments().get(0).state()).isEqualTo(ProveViewModel.SegmentProgress.State.DONE);
        assertThat(app.pvm.segments().get(n - 1).state()).isEqualTo(ProveViewModel.SegmentProgress.State.PROVING);
        assertThat(app.pvm.phaseProperty().get()).startsWith("Segment " + n + "/" + n).endsWith("quotient...");
        assertThat(app.pvm.phases()).as("warmed once per model and session")
                .noneMatch(ph -> ph.name().equals(ProveJob.WARM_UP));
        assertThat(ProveView.live(app.pvm.phases(), app.pvm.elapsedProperty().get()))
                .anyMatch(s -> s.name().equals("quotient") && s.depth() == 1
                        && s.parent().equals(SegmentedRun.name(n - 1, n)));
        robot.interact(app.pvm::cancel);
        hold[0].release().countDown();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.pvm.lastProperty().get()).isSameAs(r);
        assertThat(app.pvm.runs()).hasSize(1);
        assertThat(app.pvm.phases()).noneMatch(PhaseTime::running);
        assertThat(app.pvm.segments()).hasSize(n)
                .allMatch(s -> s.state() == ProveViewModel.SegmentProgress.State.DONE);
        assertThat(app.pvm.phaseProperty().get()).contains("Cancelled", "run " + r.id());
        assertThat(flame.spans()).isEqualTo(r.flame());
        assertThat(app.window.proveView().segmentLines()).hasSize(n).allMatch(l -> l.contains("prover"));
    }

    @Test
    void autoMaxRows_provesAtTheBudgetTheCostModelPricesFastest_andSaysWhatItWeighed(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "cnn_bn_pool");
        chooseMaxRows(robot, SegmentBudget.AUTO);
        robot.interact(() -> app.window.showTab("tabProve"));
        CompletedRun r = proveTheFirstRun(robot);
        assertThat(app.pvm.verdictProperty().get().accepted()).isTrue();
        String weighed = r.segmented().budgetChoice();
        int k = r.segmented().plan().logBudget();
        assertThat(weighed).as("the budgets weighed").isNotNull().contains("2^" + k + ": ")
                .containsOnlyOnce("(chosen)");
        java.util.regex.Matcher chosen = java.util.regex.Pattern.compile("2\\^(\\d+): [0-9.]+ s in (\\d+) segments? "
                + "\\(chosen\\)").matcher(weighed);
        assertThat(chosen.find()).as(weighed).isTrue();
        assertThat(Integer.parseInt(chosen.group(1))).isEqualTo(k);
        assertThat(Integer.parseInt(chosen.group(2))).isEqualTo(r.segmented().segments().size());
        assertThat(app.pvm.phaseProperty().get()).contains("max rows auto", weighed);
        chooseMaxRows(robot, SegmentBudget.OFF);
    }

    @Test
    void maxRowsSetting_readsBackFromThePreferences_andOffProvesTheWholeCircuit(FxRobot robot) {
        SettingsStore store = SettingsStore.inMemory();
        store.put(ProvingSettings.MAX_ROWS_KEY, "2^14");
        assertThat(new ProvingSettings(store).maxRowsProperty().get()).isEqualTo(new SegmentBudget(14));
        store.put(ProvingSettings.MAX_ROWS_KEY, "bogus");
        assertThat(new ProvingSettings(store).maxRowsProperty().get()).isEqualTo(SegmentBudget.OFF);
        assertThat(SegmentBudget.parse("auto").auto()).isTrue();
        assertThat(SegmentBudget.parse("2^3")).as("below the smallest budget").isEqualTo(SegmentBudget.OFF);
        assertThat(app.pvm.segmentBudgetProperty().get()).as("a fresh store: off").isEqualTo(SegmentBudget.OFF);
        chooseMaxRows(robot, SegmentBudget.AUTO);
        assertThat(app.settings.get(ProvingSettings.MAX_ROWS_KEY, "")).isEqualTo("auto");
        assertThat(app.pvm.segmentBudgetProperty().get()).isEqualTo(SegmentBudget.AUTO);
    }
}
