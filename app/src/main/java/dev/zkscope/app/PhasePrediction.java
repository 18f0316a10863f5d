package dev.zkscope.app;

import dev.zkscope.viz.Format;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;

/**
 * The cost model's predicted time per prover phase beside the measured one, for the panel next to the flame chart.
 * The model predicts five phases ({@code predict.CostModel}): "helpers" is the prover's "permutation" and "lookups"
 * together.
 */
final class PhasePrediction {
    private PhasePrediction() {
    }

    /** One phase: predicted and measured milliseconds (predicted NaN where the model gives none). */
    record Row(String phase, double predictedMillis, double measuredMillis) {
        /** Measured over predicted, or NaN. */
        double ratio() {
            return predictedMillis > 0 ? measuredMillis / predictedMillis : Double.NaN;
        }
    }

    /** The cost model's phase a prover phase is counted in, or null for phases it does not model. */
    static String modelPhase(String proverPhase) {
        switch (proverPhase) {
            case "witness commit":
            case "quotient":
            case "openings":
            case "fri":
                return proverPhase;
            case "permutation":
            case "lookups":
                return "helpers";
            default:
                return null;
        }
    }

    /** Per modelled phase of the run: prediction (if the run had one) and measurement, in proving order. */
    static List<Row> rows(CompletedRun r) {
        Map<String, Double> measured = new LinkedHashMap<>();
        for (FlameSpan s : r.flame()) {
            // a run's phases, or in segments each segment's phases (summed over the segments)
            boolean phase = s.depth() == 0 || s.depth() == 1 && SegmentedRun.isSegment(s.parent());
            String m = phase ? modelPhase(s.name()) : null;
            if (m != null && !s.running()) {
                measured.merge(m, s.millis(), Double::sum);
            }
        }
        Map<String, Double> predicted = r.forecast() == null ? Map.of() : r.forecast().phaseSeconds();
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : measured.entrySet()) {
            Double p = predicted.get(e.getKey());
            out.add(new Row(e.getKey(), p == null ? Double.NaN : p * 1000, e.getValue()));
        }
        return out;
    }

    /**
     * One segment of a run in segments: the cost model's prediction for that segment's circuit (as {@code prove
     * --max-rows} prints it) beside what proving it measured.
     */
    record SegmentRow(String segment, String span, int logN, double predictedMillis, double measuredMillis,
                      long predictedHeap, long measuredHeap) {
        double ratio() {
            return predictedMillis > 0 ? measuredMillis / predictedMillis : Double.NaN;
        }

        double heapRatio() {
            return predictedHeap > 0 ? measuredHeap / (double) predictedHeap : Double.NaN;
        }
    }

    /**
     * The segments' predictions against their measurements, as {@code prove --max-rows} sums them up: within +-30%,
     * and within the band this machine's repeats of one proof allow (the cost model's spread); null when no segment
     * was predicted.
     */
    static dev.zkscope.predict.PredictionAccuracy accuracy(CompletedRun r) {
        List<dev.zkscope.predict.PredictionError> errors = new ArrayList<>();
        double spread = Double.NaN;
        if (r != null && r.isSegmented()) {
            for (SegmentedRun.Segment s : r.segmented().segments()) {
                Forecast f = s.predicted();
                if (f != null) {
                    errors.add(new dev.zkscope.predict.PredictionError(f.proveSeconds(), s.proveMillis() / 1000,
                            f.heapAboveBaseline(), s.heapAboveBaseline()));
                    spread = f.timeSpread();
                }
            }
        }
        return errors.isEmpty() ? null : dev.zkscope.predict.PredictionAccuracy.of(errors, spread);
    }

    /** Per segment of a run in segments (empty for a run of the whole circuit). */
    static List<SegmentRow> segmentRows(CompletedRun r) {
        List<SegmentRow> out = new ArrayList<>();
        if (r == null || !r.isSegmented()) {
            return out;
        }
        for (SegmentedRun.Segment s : r.segmented().segments()) {
            Forecast f = s.predicted();
            out.add(new SegmentRow(s.name(), s.span(), s.logN(), f == null ? Double.NaN : f.proveSeconds() * 1000,
                    s.proveMillis(), f == null ? -1 : f.heapAboveBaseline(), s.heapAboveBaseline()));
        }
        return out;
    }

    /** The panel: one line per phase, and the whole prover. */
    static GridPane panel(CompletedRun r) {
        GridPane g = new GridPane();
        g.setId("phasePrediction");
        g.setHgap(10);
        g.setVgap(3);
        g.setPadding(new Insets(6, 8, 6, 8));
        String[] head = {"Phase", "Predicted", "Measured", "Ratio"};
        for (int c = 0; c < head.length; c++) {
            Label l = new Label(head[c]);
            l.getStyleClass().add("pane-title");
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            g.add(l, c, 0);
        }
        if (r == null) {
            g.add(new Label("Prove to compare the cost model's prediction with each phase."), 0, 1, 4, 1);
            return g;
        }
        List<Row> rows = rows(r);
        int i = 1;
        double pSum = 0;
        double mSum = 0;
        for (Row row : rows) {
            add(g, i++, row);
            pSum += Double.isNaN(row.predictedMillis()) ? 0 : row.predictedMillis();
            mSum += row.measuredMillis();
        }
        if (!rows.isEmpty()) {
            add(g, i++, new Row("prover (all rounds)", r.forecast() == null ? Double.NaN
                    : r.forecast().proveSeconds() * 1000, r.proveMillis()));
        }
        List<SegmentRow> segs = segmentRows(r);
        if (!segs.isEmpty()) {
            Label t = new Label("Per segment (prover rounds; heap above its baseline)");
            t.getStyleClass().add("pane-title");
            t.setPadding(new Insets(8, 0, 0, 0));
            g.add(t, 0, i++, 6, 1);
            String[] sh = {"Segment", "Predicted", "Measured", "Ratio", "Heap predicted", "Heap measured"};
            for (int c = 0; c < sh.length; c++) {
                Label l = new Label(sh[c]);
                l.getStyleClass().add("pane-title");
                l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                g.add(l, c, i);
            }
            i++;
            for (SegmentRow s : segs) {
                Label name = new Label(s.segment() + " (2^" + s.logN() + ")");
                Tooltip.install(name, new Tooltip(s.span()));
                Label ratio = ratioLabel(s.ratio());
                Label heapMeasured = new Label(Format.bytes(s.measuredHeap()) + (Double.isNaN(s.heapRatio()) ? ""
                        : String.format(Locale.ROOT, " (%.2fx)", s.heapRatio())));
                Label[] cells = {name, new Label(Double.isNaN(s.predictedMillis()) ? "-"
                        : Format.millis(s.predictedMillis())), new Label(Format.millis(s.measuredMillis())), ratio,
                        new Label(s.predictedHeap() < 0 ? "-" : Format.bytes(s.predictedHeap())), heapMeasured};
                for (Label l : cells) {
                    l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
                    l.getStyleClass().add("segment-row");
                }
                g.addRow(i++, cells);
            }
            dev.zkscope.predict.PredictionAccuracy acc = accuracy(r);
            if (acc != null) {
                Label a = new Label(acc.describe("segments").replace("prediction: ", "Prediction: "));
                a.setId("segmentAccuracy");
                a.setWrapText(true);
                a.setMaxWidth(520);
                g.add(a, 0, i++, 6, 1);
            }
        }
        Label note = new Label(r.forecast() == null || r.forecast().phaseSeconds().isEmpty()
                ? "No prediction for this run (the cost model was not ready)."
                : "Ratio = measured / predicted. Cost model " + r.forecast().origin() + "; \u201chelpers\u201d is "
                + "permutation + lookups." + (r.isSegmented() ? " In segments, each phase is summed over the "
                + "segments, each predicted from its own circuit, its time scaled by how the earlier segments of this "
                + "model ran (the first by the last run of it)." : ""));
        note.setWrapText(true);
        note.setMaxWidth(360);
        g.add(note, 0, i, 4, 1);
        Tooltip.install(g, new Tooltip("The cost model predicts each prover phase from the proof's shape (t = a*work + b "
                + "per phase, calibrated on this machine). Ratio = measured / predicted; far from 1 (\u26a0 at 2x) "
                + "says which phase it misjudges."));
        return g;
    }

    private static Label ratioLabel(double ratio) {
        Label l = new Label(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio)
                + (ratio >= 2 || ratio <= 0.5 ? " \u26a0" : ""));
        if (!Double.isNaN(ratio) && (ratio >= 2 || ratio <= 0.5)) {
            l.getStyleClass().add("warning-text");
        }
        return l;
    }

    private static void add(GridPane g, int row, Row r) {
        Label ratio = ratioLabel(r.ratio());
        Label[] cells = {new Label(r.phase()), new Label(Double.isNaN(r.predictedMillis()) ? "-"
                : Format.millis(r.predictedMillis())), new Label(Format.millis(r.measuredMillis())), ratio};
        for (Label l : cells) {
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        g.addRow(row, cells);
    }
}
