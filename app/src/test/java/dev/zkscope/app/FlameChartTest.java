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

        // One time axis: zoomed in, the heap under a point is the sample taken then. The point is the sample
        // farthest in time from every GC mark (a mark's hover wins over the heap's), and the view is narrowed until
        // that distance is at least 16 pixels. (A run in a busy JVM can collect every few samples: a view chosen
        // around a fixed bar could hold no sample clear of the marks.)
        robot.interact(flame::resetZoom);
        double total = flame.view()[1];
        double plotW = flame.xOf(total) - flame.xOf(0);
        HeapSampler.Sample nearest = null;
        double clear = 0;
        for (HeapSampler.Sample s : run.heap()) {
            if (s.millis() <= 0 || s.millis() >= total) {
                continue;
            }
            double gap = Double.POSITIVE_INFINITY;
            for (GcEvent e : flame.gcEvents()) {
                double end = e.startMillis() + e.pauseMillis();
                gap = Math.min(gap, s.millis() < e.startMillis() ? e.startMillis() - s.millis()
                        : s.millis() > end ? s.millis() - end : 0);
            }
            if (gap > clear) {
                clear = gap;
                nearest = s;
            }
        }
        assertThat(nearest).as("a heap sample clear of every GC mark, among " + run.heap().size() + " samples and "
                + flame.gcEvents().size() + " collections in " + total + " ms").isNotNull();
        double width = Math.max(0.1, Math.min(total / 2, clear * plotW / 16));
        double at = nearest.millis();
        robot.interact(() -> flame.zoom(width / total, at));
        double[] band = flame.heapBand();
        assertThat(flame.view()[0]).isLessThan(at);
        assertThat(flame.view()[1]).isGreaterThan(at);
        for (GcEvent e : flame.gcEvents()) {
            assertThat(Math.min(Math.abs(flame.xOf(e.startMillis()) - flame.xOf(at)),
                    Math.abs(flame.xOf(e.startMillis() + e.pauseMillis()) - flame.xOf(at)))).isGreaterThan(12);
        }
        assertThat(band[0]).isGreaterThan(flame.rowY(1) + FlameChart.ROW_H - 1);
        assertThat(flame.heapX(nearest)).isCloseTo(flame.xOf(at), org.assertj.core.data.Offset.offset(1e-9));
        String heapText = flame.hoverText(flame.xOf(at), (band[0] + band[1]) / 2);
        assertThat(heapText).isEqualTo("used heap " + dev.zkscope.viz.Format.bytes(nearest.usedBytes()) + " at "
                + dev.zkscope.viz.Format.millis(at));
        // zoomed in: the view is the width asked for (its start clamped at the run's start when that is near)
        assertThat(flame.view()[0]).isGreaterThanOrEqualTo(0);
        assertThat(flame.view()[1] - flame.view()[0]).isCloseTo(width, org.assertj.core.data.Offset.offset(1e-6));
        // panning moves the bars and the heap together (towards the run's end unless the view is there already)
        double shift = flame.view()[1] < total - 1e-6 ? width / 10 : -width / 10;
        double before = flame.xOf(at);
        robot.interact(() -> flame.panTo(flame.view()[0] + shift));
        assertThat(Math.signum(before - flame.xOf(at))).isEqualTo(Math.signum(shift));
        assertThat(flame.heapX(nearest)).isEqualTo(flame.xOf(at));
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
