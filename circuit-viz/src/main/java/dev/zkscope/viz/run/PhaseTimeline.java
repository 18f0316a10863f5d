package dev.zkscope.viz.run;

import dev.zkscope.viz.Format;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A phase timeline: one lane per phase, a bar from its start to its end on a shared time axis, labelled with its
 * duration; the running phase grows live up to {@code now}. Phase names and times come from the prover's
 * {@code PhaseListener}.
 */
public final class PhaseTimeline extends Pane {
    private static final Color[] COLORS = {
        Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#59a14f"), Color.web("#e15759"),
        Color.web("#76b7b2"), Color.web("#edc948"), Color.web("#b07aa1"), Color.web("#9c755f"),
        Color.web("#ff9da7"), Color.web("#86bcb6")
    };
    private static final double LABEL_W = 130;

    private final Canvas canvas = new Canvas();
    private List<PhaseTime> phases = List.of();
    private double now;

    public PhaseTimeline() {
        getChildren().add(canvas);
        canvas.widthProperty().bind(widthProperty());
        canvas.heightProperty().bind(heightProperty());
        canvas.widthProperty().addListener((o, a, b) -> draw());
        canvas.heightProperty().addListener((o, a, b) -> draw());
        setMinSize(0, 0);
        setId("phaseTimeline");
        dev.zkscope.viz.chart.Charts.darkProperty().addListener(new javafx.beans.value.WeakChangeListener<>(redraw));
    }

    /** Redraws in the other theme's colours (held strongly here, weakly by the global theme property). */
    private final javafx.beans.value.ChangeListener<Boolean> redraw = (o, a, b) -> draw();

    private static Color fx(java.awt.Color c) {
        return Color.rgb(c.getRed(), c.getGreen(), c.getBlue());
    }

    /** A stretch of the run between named phases: when it started, how long, and what ran then (or "untimed"). */
    public record Gap(double startMillis, double millis, String what) {}

    private Map<String, String> gapNames = Map.of();

    /**
     * What runs untimed before a phase, by the phase's name (e.g. the full collection that measures the heap baseline
     * before the prover's first round): shown on that gap's bar. Gaps before other phases are called untimed.
     */
    public void setGapNames(Map<String, String> names) {
        gapNames = Map.copyOf(names);
        draw();
    }

    /**
     * The gaps between phases of at least 1% of the run (and 2 ms): wall time no named phase covers. They are drawn
     * in a lane of their own, labelled, so the bars add up to the run.
     */
    public List<Gap> gaps() {
        List<PhaseTime> sorted = new ArrayList<>(phases);
        sorted.sort(java.util.Comparator.comparingDouble(PhaseTime::startMillis));
        double total = now;
        for (PhaseTime p : sorted) {
            total = Math.max(total, p.endMillis());
        }
        double min = Math.max(2, 0.01 * total);
        List<Gap> out = new ArrayList<>();
        double covered = sorted.isEmpty() ? 0 : sorted.get(0).startMillis();
        for (PhaseTime p : sorted) {
            if (p.startMillis() - covered >= min) {
                out.add(new Gap(covered, p.startMillis() - covered, gapNames.getOrDefault(p.name(), "untimed")));
            }
            covered = Math.max(covered, p.running() ? Math.max(now, p.startMillis()) : p.endMillis());
        }
        return out;
    }

    /** Shows these phases; {@code nowMillis} is where running phases end. */
    public void show(List<PhaseTime> list, double nowMillis) {
        this.phases = new ArrayList<>(list);
        this.now = nowMillis;
        draw();
    }

    public List<PhaseTime> phases() {
        return phases;
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        dev.zkscope.viz.chart.Charts.Theme th = dev.zkscope.viz.chart.Charts.theme();
        boolean dark = th == dev.zkscope.viz.chart.Charts.DARK;
        g.setFill(fx(th.background()));
        g.fillRect(0, 0, w, h);
        g.setFont(Font.font("System", 12));
        g.setTextBaseline(VPos.CENTER);
        if (phases.isEmpty()) {
            g.setFill(dark ? fx(th.text()) : Color.gray(0.4));
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText("Phases appear here while the proof runs.", 12, 20);
            return;
        }
        double end = now;
        for (PhaseTime p : phases) {
            end = Math.max(end, p.endMillis());
        }
        end = Math.max(end, 1);
        double axisY = h - 22;
        double plotW = Math.max(10, w - LABEL_W - 80);
        Map<String, Integer> lane = new HashMap<>();
        for (PhaseTime p : phases) {
            lane.putIfAbsent(p.name(), lane.size());
        }
        List<Gap> gaps = gaps();
        int lanes = lane.size() + (gaps.isEmpty() ? 0 : 1);
        double laneH = Math.min(26, (axisY - 8) / Math.max(1, lanes));
        for (PhaseTime p : phases) {
            int i = lane.get(p.name());
            double y = 6 + i * laneH;
            double x0 = LABEL_W + p.startMillis() / end * plotW;
            double x1 = LABEL_W + (p.running() ? now : p.endMillis()) / end * plotW;
            g.setFill(COLORS[i % COLORS.length]);
            g.fillRect(x0, y + 3, Math.max(2, x1 - x0), laneH - 6);
            g.setFill(fx(th.text()));
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(p.name(), LABEL_W - 8, y + laneH / 2);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(p.running() ? "running..." : Format.millis(p.millis()), Math.max(x1, x0 + 2) + 5,
                    y + laneH / 2);
        }
        if (!gaps.isEmpty()) {
            double y = 6 + lane.size() * laneH;
            g.setFill(fx(th.text()));
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText("between phases", LABEL_W - 8, y + laneH / 2);
            for (Gap gap : gaps) {
                double x0 = LABEL_W + gap.startMillis() / end * plotW;
                double x1 = LABEL_W + (gap.startMillis() + gap.millis()) / end * plotW;
                g.setFill(Color.gray(dark ? 0.55 : 0.7));
                g.fillRect(x0, y + 3, Math.max(2, x1 - x0), laneH - 6);
                g.setFill(fx(th.text()));
                g.setTextAlign(TextAlignment.LEFT);
                g.fillText(Format.millis(gap.millis()) + " " + gap.what(), Math.max(x1, x0 + 2) + 5, y + laneH / 2);
            }
        }
        g.setStroke(fx(th.axis()));
        g.strokeLine(LABEL_W, axisY, LABEL_W + plotW, axisY);
        g.setFill(dark ? fx(th.text()) : Color.gray(0.3));
        g.setTextAlign(TextAlignment.CENTER);
        for (int t = 0; t <= 5; t++) {
            double ms = end * t / 5;
            double x = LABEL_W + plotW * t / 5;
            g.strokeLine(x, axisY, x, axisY + 4);
            g.fillText(end >= 3000 ? String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000)
                    : String.format(java.util.Locale.ROOT, "%.0f ms", ms), x, axisY + 13);
        }
    }
}
