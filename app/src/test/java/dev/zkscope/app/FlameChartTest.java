package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.profile.HeapSampler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Prove tab's flame chart on a real proof: the prover's steps nest under its phases, hovering a bar names it with
 * its start, duration and share, the heap is drawn on the bars' time axis (also when zoomed and panned), and a
 * collection forced while the prover is held inside a phase is marked where it happened.
 */
class FlameChartTest extends AppWindowTest {
    @Test
    void flameChart_nestsSteps_hovers_sharesTheHeapAxis_andMarksAForcedGc(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        robot.interact(() -> app.window.showTab("tabProve"));
        ProveJob.Hold hold = app.pvm.holdNextProofAt("quotient");
        robot.interact(() -> app.pvm.prove());
        assertThat(hold.reached().await(120, TimeUnit.SECONDS)).isTrue();
        // While the prover waits at the start of its quotient round: a full collection, on the run's clock.
        System.gc();
        hold.release().countDown();
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.lastProperty().get() != null
                && !app.pvm.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        CompletedRun run = app.pvm.lastProperty().get();
        FlameChart flame = app.window.proveView().flame();
        assertThat(flame.spans()).isEqualTo(run.flame());

        // Nesting: every step lies inside the phase it names as parent, one row below it.
        Map<String, FlameSpan> phases = run.flame().stream().filter(s -> s.depth() == 0)
                .collect(Collectors.toMap(FlameSpan::name, Function.identity(), (a, b) -> a));
        assertThat(phases.keySet()).contains("witness", "keygen", "witness commit", "quotient", "fri", "verify");
        List<FlameSpan> steps = run.flame().stream().filter(s -> s.depth() > 0).toList();
        assertThat(steps).extracting(FlameSpan::name).anyMatch(n -> n.startsWith("FRI round 1: "))
                .anyMatch(n -> n.matches("commit \\d+ advice columns?")).contains("DEEP quotient");
        for (FlameSpan s : steps) {
            FlameSpan p = phases.get(s.parent());
            assertThat(p).as("parent of " + s.name()).isNotNull();
            assertThat(s.depth()).isEqualTo(p.depth() + 1);
            assertThat(s.startMillis()).as(s.name()).isGreaterThanOrEqualTo(p.startMillis() - 0.5);
            assertThat(s.endMillis()).as(s.name()).isLessThanOrEqualTo(p.endMillis() + 0.5);
        }
        assertThat(steps.stream().filter(s -> s.name().startsWith("FRI round"))).allMatch(s -> s.parent().equals("fri"));

        // Hover: a phase bar and a step bar name themselves with start, duration and share of the run.
        FlameSpan fri = phases.get("fri");
        String friText = hoverAtMiddle(robot, flame, fri);
        assertThat(friText).startsWith("fri\n").contains("start ", "duration ", "% of the run");
        FlameSpan round = steps.stream().filter(s -> s.name().startsWith("FRI round 1")).findFirst().orElseThrow();
        robot.interact(() -> flame.zoom(Math.max(0.2, round.millis() * 4) / flame.view()[1],
                round.startMillis() + round.millis() / 2));
        String roundText = hoverAtMiddle(robot, flame, round);
        assertThat(roundText).startsWith(round.name()).contains("in fri", "% of the run", "% of fri");

        // One time axis: zoomed in, the heap under a bar's start is the sample taken then.
        FlameSpan quotient = phases.get("quotient");
        // The view is three quotients wide around its start, widened until a heap sample lies inside it (samples
        // come every few milliseconds; a fast quotient can be shorter than that).
        double[] width = {quotient.millis() * 3};
        HeapSampler.Sample nearest = null;
        double[] band = null;
        for (int tries = 0; tries < 12 && nearest == null; tries++, width[0] *= 2) {
            robot.interact(flame::resetZoom);
            // never wider than half the run, so that the view stays zoomed in and can pan
            width[0] = Math.min(width[0], (flame.view()[1] - flame.view()[0]) / 2);
            robot.interact(() -> flame.zoom(width[0] / (flame.view()[1] - flame.view()[0]), quotient.startMillis()));
            band = flame.heapBand();
            // the sample nearest the quotient's start, inside the view, that no GC mark covers (a mark's hover wins)
            nearest = run.heap().stream()
                    .filter(s -> s.millis() > flame.view()[0] && s.millis() < flame.view()[1])
                    .filter(s -> flame.gcEvents().stream().allMatch(e ->
                            Math.abs(flame.xOf(e.startMillis()) - flame.xOf(s.millis())) > 12
                            && Math.abs(flame.xOf(e.startMillis() + e.pauseMillis()) - flame.xOf(s.millis())) > 12
                            && (s.millis() < e.startMillis() || s.millis() > e.startMillis() + e.pauseMillis())))
                    .min(java.util.Comparator.comparingDouble(s -> Math.abs(s.millis() - quotient.startMillis())))
                    .orElse(null);
            if (nearest != null) {
                break;
            }
        }
        assertThat(nearest).as("a heap sample near the quotient's start").isNotNull();
        assertThat(band[0]).isGreaterThan(flame.rowY(1) + FlameChart.ROW_H - 1);
        assertThat(flame.heapX(nearest)).isCloseTo(flame.xOf(nearest.millis()), org.assertj.core.data.Offset.offset(1e-9));
        String heapText = flame.hoverText(flame.xOf(nearest.millis()), (band[0] + band[1]) / 2);
        assertThat(heapText).isEqualTo("used heap " + dev.zkscope.viz.Format.bytes(nearest.usedBytes()) + " at "
                + dev.zkscope.viz.Format.millis(nearest.millis()));
        // zoomed in: the view is the width asked for (its start clamped at the run's start when that is near)
        assertThat(flame.view()[0]).isGreaterThanOrEqualTo(0);
        assertThat(flame.view()[1] - flame.view()[0]).isCloseTo(width[0], org.assertj.core.data.Offset.offset(1e-6));
        double before = flame.xOf(quotient.startMillis());
        robot.interact(() -> flame.panTo(flame.view()[0] + quotient.millis() / 10));
        assertThat(flame.xOf(quotient.startMillis())).isLessThan(before);
        assertThat(flame.heapX(nearest)).isEqualTo(flame.xOf(nearest.millis()));
        robot.interact(flame::resetZoom);
        assertThat(flame.view()[0]).isZero();

        // GC: collections during the run are recorded from the JVM's notifications, with collector, cause and heap
        // before and after, and marked on the chart with that text on hover. The forced System.gc() is checked when
        // its notification arrived before the run closed (notifications are delivered asynchronously, so it can
        // land after; the run's own young collections are then the ones checked).
        assertThat(run.gc()).isNotEmpty();
        double runEnd = phases.values().stream().mapToDouble(FlameSpan::endMillis).max().orElseThrow();
        GcEvent forced = run.gc().stream().filter(e -> e.cause().equals("System.gc()")).findFirst().orElse(null);
        GcEvent checked = forced != null ? forced : run.gc().get(0);
        if (forced != null) {
            assertThat(forced.major()).isTrue();
        }
        assertThat(checked.startMillis()).isBetween(-1.0, runEnd + 1);
        assertThat(checked.beforeBytes()).isPositive();
        assertThat(flame.gcEvents()).contains(checked);
        String gcText = flame.hoverText(flame.xOf(checked.startMillis()), (band[0] + band[1]) / 2);
        // (another collection within a few pixels may answer the hover: any GC mark's text is accepted)
        assertThat(gcText).matches("(?s)(Full|Young) GC \\(.*pause.*\u2192.*");

        // Predicted beside measured per phase, from the same run.
        List<PhasePrediction.Row> rows = PhasePrediction.rows(run);
        assertThat(rows).extracting(PhasePrediction.Row::phase).contains("witness commit", "helpers", "quotient",
                "openings", "fri");
        assertThat(rows.stream().filter(r -> r.phase().equals("fri")).findFirst().orElseThrow().measuredMillis())
                .isEqualTo(fri.millis());
        assertThat(robot.lookup("#phasePrediction").tryQuery()).isPresent();
    }

    private static String hoverAtMiddle(FxRobot robot, FlameChart flame, FlameSpan s) {
        double x = Math.max(FlameChart.LEFT + 1, Math.min(flame.getWidth() - FlameChart.RIGHT - 1,
                flame.xOf(s.startMillis() + s.millis() / 2)));
        return flame.hoverText(x, flame.rowY(s.depth()) + FlameChart.ROW_H / 2);
    }
}
