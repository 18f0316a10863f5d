package dev.zkscope.app;

import dev.zkscope.profile.HeapSampler;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.chart.Charts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A profiler's flame chart of one proof run, as Chrome DevTools' performance panel draws one: the run's phases in the
 * top row and the steps inside each phase (column batches' commitments, FRI folding rounds...) in the rows below,
 * each bar from its start to its end; under it, on the <em>same</em> time axis, the used heap, with every garbage
 * collection marked by a line across both (orange: young, red: full) and its pause as a band. Hovering a bar, a
 * collection or the heap shows what it is; the mouse wheel zooms the time axis around the pointer, dragging pans it,
 * a double click shows the whole run again.
 */
final class FlameChart extends Pane {
    static final double LEFT = 64;
    static final double RIGHT = 12;
    static final double AXIS_H = 20;
    static final double ROW_H = 22;
    static final double MIN_HEAP_H = 90;
    private static final Color[] COLORS = {
        Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#59a14f"), Color.web("#e15759"),
        Color.web("#76b7b2"), Color.web("#edc948"), Color.web("#b07aa1"), Color.web("#9c755f"),
        Color.web("#ff9da7"), Color.web("#86bcb6")
    };

    private final Canvas canvas = new Canvas();
    private final Tooltip tip = new Tooltip();
    private List<FlameSpan> spans = List.of();
    private List<HeapSampler.Sample> heap = List.of();
    private List<GcEvent> gc = List.of();
    private double now;
    private double total = 1;
    private double viewStart;
    private double viewEnd = 1;
    private boolean zoomed;
    private double dragX = Double.NaN;
    private double dragStart;
    private final Map<String, Color> colorOf = new HashMap<>();

    FlameChart() {
        setId("flameChart");
        getChildren().add(canvas);
        // room for the axis, the phase and step rows, and a heap band below them (never over the bars)
        setMinSize(0, rowY(2) + 10 + MIN_HEAP_H + AXIS_H);
        canvas.widthProperty().bind(widthProperty());
        canvas.heightProperty().bind(heightProperty());
        canvas.widthProperty().addListener((o, a, b) -> draw());
        canvas.heightProperty().addListener((o, a, b) -> draw());
        tip.setWrapText(true);
        tip.setMaxWidth(420);
        canvas.setOnMouseMoved(e -> hover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
        canvas.setOnMouseExited(e -> tip.hide());
        canvas.setOnScroll(e -> {
            if (e.getDeltaY() != 0) {
                zoom(e.getDeltaY() > 0 ? 1 / 1.25 : 1.25, millisAt(e.getX()));
            }
        });
        canvas.setOnMousePressed(e -> {
            dragX = e.getX();
            dragStart = viewStart;
        });
        canvas.setOnMouseDragged(e -> {
            if (!Double.isNaN(dragX)) {
                double msPerPx = (viewEnd - viewStart) / plotWidth();
                panTo(dragStart - (e.getX() - dragX) * msPerPx);
            }
        });
        canvas.setOnMouseReleased(e -> dragX = Double.NaN);
        canvas.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                resetZoom();
            }
        });
        Charts.darkProperty().addListener(new javafx.beans.value.WeakChangeListener<>(redraw));
    }

    private final javafx.beans.value.ChangeListener<Boolean> redraw = (o, a, b) -> draw();

    /**
     * Shows a run: its spans (phases and their steps), heap samples and collections; {@code nowMillis} is where running
     * phases end (the run's length so far). Keeps the zoom while the same run grows, unless the whole run was shown.
     */
    void show(List<FlameSpan> spans, List<HeapSampler.Sample> heap, List<GcEvent> gc, double nowMillis) {
        this.spans = List.copyOf(spans);
        this.heap = List.copyOf(heap);
        this.gc = List.copyOf(gc);
        this.now = nowMillis;
        double end = Math.max(1, nowMillis);
        for (FlameSpan s : spans) {
            end = Math.max(end, s.running() ? Math.max(now, s.startMillis()) : s.endMillis());
        }
        for (HeapSampler.Sample s : heap) {
            end = Math.max(end, s.millis());
        }
        total = end;
        if (!zoomed) {
            viewStart = 0;
            viewEnd = total;
        }
        draw();
    }

    /** Shows nothing (no run of the open model). */
    void clear() {
        zoomed = false;
        show(List.of(), List.of(), List.of(), 0);
    }

    List<FlameSpan> spans() {
        return spans;
    }

    /** Extra hover text per bar name (a segment's layers, rows and prediction); empty when none. */
    private Map<String, String> notes = Map.of();

    void setNotes(Map<String, String> notes) {
        this.notes = Map.copyOf(notes);
    }

    /** Whether the run shown was proved in segments: then the top row holds one bar per segment. */
    boolean segmented() {
        for (FlameSpan s : spans) {
            if (s.depth() == 0 && SegmentedRun.isSegment(s.name())) {
                return true;
            }
        }
        return false;
    }

    /** The label of each row of bars, top down: "phases", "steps"; "segments", "phases", "steps" in segments. */
    List<String> rowLabels() {
        List<String> out = new ArrayList<>();
        List<String> names = segmented() ? List.of("segments", "phases", "steps") : List.of("phases", "steps");
        for (int d = 0; d < depth(); d++) {
            out.add(d < names.size() ? names.get(d) : "steps");
        }
        return out;
    }

    List<GcEvent> gcEvents() {
        return gc;
    }

    /** The time axis' visible range, milliseconds since the run started: {start, end}. */
    double[] view() {
        return new double[] {viewStart, viewEnd};
    }

    /** Zooms the time axis by {@code factor} (below 1: in) keeping {@code aroundMillis} where it is on screen. */
    void zoom(double factor, double aroundMillis) {
        double span = Math.max(0.05, Math.min(total, (viewEnd - viewStart) * factor));
        // A point on screen stays where it is; a point off screen comes to the middle.
        double f = aroundMillis < viewStart || aroundMillis > viewEnd ? 0.5
                : (aroundMillis - viewStart) / Math.max(1e-9, viewEnd - viewStart);
        double start = aroundMillis - f * span;
        viewStart = Math.max(0, Math.min(total - span, start));
        viewEnd = viewStart + span;
        zoomed = span < total;
        draw();
    }

    /** Moves the visible range to start at {@code startMillis} (kept inside the run). */
    void panTo(double startMillis) {
        double span = viewEnd - viewStart;
        viewStart = Math.max(0, Math.min(total - span, startMillis));
        viewEnd = viewStart + span;
        draw();
    }

    void resetZoom() {
        zoomed = false;
        viewStart = 0;
        viewEnd = total;
        draw();
    }

    // ------------------------------------------------------------------ geometry (one axis for bars and heap)

    private double plotWidth() {
        return Math.max(10, canvas.getWidth() - LEFT - RIGHT);
    }

    /** The x of a time on the one axis the bars, the heap and the collections share. */
    double xOf(double millis) {
        return LEFT + (millis - viewStart) / Math.max(1e-9, viewEnd - viewStart) * plotWidth();
    }

    double millisAt(double x) {
        return viewStart + (x - LEFT) / plotWidth() * (viewEnd - viewStart);
    }

    private int depth() {
        int d = 0;
        for (FlameSpan s : spans) {
            d = Math.max(d, s.depth());
        }
        return spans.isEmpty() ? 0 : d + 1;
    }

    /** The y of the top of row {@code depth} of bars. */
    double rowY(int depth) {
        return AXIS_H + 4 + depth * ROW_H;
    }

    /** The heap plot's band: {top, bottom}, below the bars. */
    double[] heapBand() {
        // below the deepest row of bars, always; a short canvas gets a shorter band, never one drawn over the bars
        double top = rowY(Math.max(1, depth())) + 10;
        double bottom = Math.max(top + 1, canvas.getHeight() - AXIS_H);
        return new double[] {top, bottom};
    }

    /** The heap curve's x for each sample, on the shared axis (for tests: the same xOf as the bars). */
    double heapX(HeapSampler.Sample s) {
        return xOf(s.millis());
    }

    // ------------------------------------------------------------------ hover

    private void hover(double x, double y, double sx, double sy) {
        String t = hoverText(x, y);
        if (t == null) {
            tip.hide();
            return;
        }
        tip.setText(t);
        if (!tip.isShowing()) {
            tip.show(canvas, sx + 14, sy + 14);
        } else {
            tip.setAnchorX(sx + 14);
            tip.setAnchorY(sy + 14);
        }
    }

    /** The tooltip's text for the point (x, y) of the chart: a bar, a collection, the heap there, or null. */
    String hoverText(double x, double y) {
        if (x < LEFT || x > LEFT + plotWidth()) {
            return null;
        }
        double[] band = heapBand();
        if (y >= rowY(0) && y < rowY(depth())) {
            int d = (int) ((y - rowY(0)) / ROW_H);
            FlameSpan best = null;
            for (FlameSpan s : spans) {
                double x0 = xOf(s.startMillis());
                double x1 = xOf(s.running() ? now : s.endMillis());
                if (s.depth() == d && x >= x0 - 1 && x <= Math.max(x0 + 2, x1) + 1) {
                    best = s;
                }
            }
            return best == null ? null : describe(best);
        }
        for (GcEvent e : gc) {
            double gx = xOf(e.startMillis());
            double gx1 = xOf(e.startMillis() + e.pauseMillis());
            if (x >= gx - 3 && x <= Math.max(gx + 3, gx1)) {
                return describe(e);
            }
        }
        if (y >= band[0] && y <= band[1] && !heap.isEmpty()) {
            double ms = millisAt(x);
            HeapSampler.Sample near = heap.get(0);
            for (HeapSampler.Sample s : heap) {
                if (Math.abs(s.millis() - ms) < Math.abs(near.millis() - ms)) {
                    near = s;
                }
            }
            return "used heap " + Format.bytes(near.usedBytes()) + " at " + Format.millis(near.millis());
        }
        return null;
    }

    /** A bar's text: name, start, duration, share of the run (and of its phase for a step). */
    String describe(FlameSpan s) {
        StringBuilder b = new StringBuilder(s.name());
        String note = notes.get(s.name());
        if (note != null && s.depth() == 0) {
            b.append("\n").append(note);
        }
        if (s.parent() != null) {
            b.append("\nin ").append(s.parent());
        }
        b.append("\nstart ").append(Format.millis(s.startMillis()));
        if (s.running()) {
            return b.append("\nrunning...").toString();
        }
        b.append("\nduration ").append(Format.millis(s.millis()));
        b.append(String.format(Locale.ROOT, "\n%.1f%% of the run (%s)", 100 * s.millis() / runMillis(),
                Format.millis(runMillis())));
        if (s.parent() != null) {
            for (FlameSpan p : spans) {
                if (p.name().equals(s.parent()) && p.depth() == s.depth() - 1
                        && p.startMillis() <= s.startMillis() + 1e-6 && p.millis() > 0) {
                    b.append(String.format(Locale.ROOT, ", %.1f%% of %s", 100 * s.millis() / p.millis(), p.name()));
                    break;
                }
            }
        }
        return b.toString();
    }

    static String describe(GcEvent e) {
        return (e.major() ? "Full GC" : "Young GC") + " (" + e.collector() + ", " + e.cause() + ")\nat "
                + Format.millis(e.startMillis()) + ", pause " + Format.millis(e.pauseMillis()) + "\nheap "
                + Format.bytes(e.beforeBytes()) + " \u2192 " + Format.bytes(e.afterBytes()) + " (freed "
                + Format.bytes(e.freedBytes()) + ")";
    }

    /** The run's length: from its first phase's start to its last phase's end (or now while running). */
    double runMillis() {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (FlameSpan s : spans) {
            if (s.depth() == 0) {
                lo = Math.min(lo, s.startMillis());
                hi = Math.max(hi, s.running() ? now : s.endMillis());
            }
        }
        return hi > 0 ? Math.max(1e-6, hi - Math.min(lo, hi)) : Math.max(1e-6, total);
    }

    // ------------------------------------------------------------------ drawing

    private static Color fx(java.awt.Color c) {
        return Color.rgb(c.getRed(), c.getGreen(), c.getBlue());
    }

    private Color colorFor(FlameSpan s) {
        if (s.depth() == 0 && SegmentedRun.isSegment(s.name())) {
            // segments: neutral bars, alternating, so that the phases under them keep their own colours
            int i = Integer.parseInt(s.name().substring("segment ".length(), s.name().indexOf('/')));
            return i % 2 == 1 ? Color.web("#bab0ac") : Color.web("#9d9590");
        }
        // a phase inside a segment is coloured as that phase is in a run of the whole circuit; steps lighter
        boolean phaseOfSegment = SegmentedRun.isSegment(s.parent());
        String key = s.depth() == 0 || phaseOfSegment ? s.name() : s.parent();
        Color base = colorOf.computeIfAbsent(key == null ? s.name() : key,
                k -> COLORS[colorOf.size() % COLORS.length]);
        int level = segmented() ? s.depth() - 1 : s.depth();
        return level <= 0 ? base : base.interpolate(Color.WHITE, Math.min(0.6, 0.3 * level));
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        Charts.Theme th = Charts.theme();
        boolean dark = th == Charts.DARK;
        Color text = fx(th.text());
        g.setFill(fx(th.background()));
        g.fillRect(0, 0, w, h);
        g.setFont(Font.font("System", 11.5));
        g.setTextBaseline(VPos.CENTER);
        if (spans.isEmpty() && heap.isEmpty()) {
            g.setFill(dark ? text : Color.gray(0.4));
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText("The flame chart of the proof (phases, their column batches and FRI rounds, the heap and "
                    + "every garbage collection on one time axis) appears here when you prove.", 12, 20);
            return;
        }
        double plotW = plotWidth();
        double right = LEFT + plotW;
        double[] band = heapBand();
        // time grid and axis labels, top and bottom
        double step = niceStep((viewEnd - viewStart) / Math.max(2, plotW / 110));
        g.setStroke(fx(th.grid()));
        g.setLineWidth(1);
        g.setTextAlign(TextAlignment.CENTER);
        for (double t = Math.ceil(viewStart / step) * step; t <= viewEnd + 1e-9; t += step) {
            double x = xOf(t);
            g.strokeLine(x, AXIS_H, x, band[1]);
            g.setFill(dark ? text : Color.gray(0.3));
            String label = timeLabel(t, step);
            g.fillText(label, x, AXIS_H / 2);
            g.fillText(label, x, band[1] + AXIS_H / 2);
        }
        g.setTextAlign(TextAlignment.RIGHT);
        g.setFill(text);
        List<String> labels = rowLabels();
        for (int d = 0; d < labels.size(); d++) {
            if (d == 0 || !labels.get(d).equals(labels.get(d - 1))) {
                g.fillText(labels.get(d), LEFT - 6, rowY(d) + ROW_H / 2);
            }
        }
        // bars, clipped to the plot
        g.save();
        g.beginPath();
        g.rect(LEFT, 0, plotW, h);
        g.clip();
        g.setTextAlign(TextAlignment.LEFT);
        for (FlameSpan s : spans) {
            double x0 = xOf(s.startMillis());
            double x1 = xOf(s.running() ? Math.max(now, s.startMillis()) : s.endMillis());
            if (x1 < LEFT || x0 > right) {
                continue;
            }
            double y = rowY(s.depth());
            double bw = Math.max(1.5, x1 - x0);
            g.setFill(colorFor(s));
            g.fillRect(x0, y + 1, bw, ROW_H - 2);
            g.setStroke(fx(th.background()));
            g.strokeRect(x0, y + 1, bw, ROW_H - 2);
            double visible0 = Math.max(x0, LEFT) + 3;
            double visible1 = Math.min(x0 + bw, right) - 3;
            if (visible1 - visible0 > 24) {
                String label = s.name() + (s.running() ? " ..." : " " + Format.millis(s.millis()));
                g.save();
                g.beginPath();
                g.rect(visible0, y, visible1 - visible0, ROW_H);
                g.clip();
                g.setFill(Color.BLACK);
                g.fillText(label, visible0, y + ROW_H / 2);
                g.restore();
            }
        }
        // heap: the used heap as an area, on its own scale, same x
        long max = 1;
        for (HeapSampler.Sample s : heap) {
            max = Math.max(max, s.usedBytes());
        }
        for (GcEvent e : gc) {
            max = Math.max(max, e.beforeBytes());
        }
        double top = band[0] + 14;
        double scale = (band[1] - top) / (max * 1.08);
        if (heap.size() > 1) {
            Color c = COLORS[0];
            g.setFill(Color.color(c.getRed(), c.getGreen(), c.getBlue(), 0.22));
            g.setStroke(c);
            g.setLineWidth(1.6);
            g.beginPath();
            g.moveTo(heapX(heap.get(0)), band[1]);
            for (HeapSampler.Sample s : heap) {
                g.lineTo(heapX(s), band[1] - s.usedBytes() * scale);
            }
            g.lineTo(heapX(heap.get(heap.size() - 1)), band[1]);
            g.closePath();
            g.fill();
            g.beginPath();
            for (int i = 0; i < heap.size(); i++) {
                HeapSampler.Sample s = heap.get(i);
                if (i == 0) {
                    g.moveTo(heapX(s), band[1] - s.usedBytes() * scale);
                } else {
                    g.lineTo(heapX(s), band[1] - s.usedBytes() * scale);
                }
            }
            g.stroke();
        }
        // collections: a line across bars and heap, the pause as a band, before -> after on the heap
        for (GcEvent e : gc) {
            double x = xOf(e.startMillis());
            if (x < LEFT - 4 || x > right + 4) {
                continue;
            }
            Color c = e.major() ? Color.web("#d62728") : Color.web("#ff7f0e");
            g.setStroke(Color.color(c.getRed(), c.getGreen(), c.getBlue(), 0.75));
            g.setLineWidth(1);
            g.setLineDashes(4, 3);
            g.strokeLine(x, AXIS_H, x, band[1]);
            g.setLineDashes();
            double pw = Math.max(3, xOf(e.startMillis() + e.pauseMillis()) - x);
            g.setFill(Color.color(c.getRed(), c.getGreen(), c.getBlue(), 0.35));
            g.fillRect(x, band[0], pw, band[1] - band[0]);
            g.setFill(c);
            g.fillPolygon(new double[] {x - 5, x + 5, x}, new double[] {band[0], band[0], band[0] + 8}, 3);
            g.fillOval(x - 2.5, band[1] - e.beforeBytes() * scale - 2.5, 5, 5);
            g.strokeLine(x, band[1] - e.beforeBytes() * scale, x, band[1] - e.afterBytes() * scale);
        }
        g.restore();
        // heap axis
        g.setStroke(fx(th.axis()));
        g.setLineWidth(1);
        g.strokeLine(LEFT, band[1], right, band[1]);
        g.strokeLine(LEFT, top, LEFT, band[1]);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setFill(dark ? text : Color.gray(0.3));
        for (int i = 0; i <= 2; i++) {
            long v = Math.round(max * 1.08 * i / 2);
            double y = band[1] - v * scale;
            g.fillText(Format.bytes(v), LEFT - 4, y);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(text);
        g.fillText("used heap" + (gc.isEmpty() ? "" : "   \u25bc GC: " + gc.size() + " collection"
                + (gc.size() == 1 ? "" : "s") + " (orange young, red full)"), LEFT + 4, band[0] + 6);
        if (zoomed) {
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(String.format(Locale.ROOT, "showing %s to %s of %s (double-click: whole run)",
                    Format.millis(viewStart), Format.millis(viewEnd), Format.millis(total)), right, band[0] + 6);
        }
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(1e-6, raw))));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    private static String timeLabel(double ms, double step) {
        if (step >= 1000) {
            return String.format(Locale.ROOT, "%.0f s", ms / 1000);
        }
        if (step >= 100) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000);
        }
        return step >= 1 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f ms", ms);
    }
}
