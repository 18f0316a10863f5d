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
            String m = s.depth() == 0 ? modelPhase(s.name()) : null;
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
        Label note = new Label(r.forecast() == null || r.forecast().phaseSeconds().isEmpty()
                ? "No prediction for this run (the cost model was not ready)."
                : "Ratio = measured / predicted. Cost model " + r.forecast().origin() + "; \u201chelpers\u201d is "
                + "permutation + lookups.");
        note.setWrapText(true);
        note.setMaxWidth(360);
        g.add(note, 0, i, 4, 1);
        Tooltip.install(g, new Tooltip("The cost model predicts each prover phase from the proof's shape (t = a*work + b "
                + "per phase, calibrated on this machine). Ratio = measured / predicted; far from 1 (\u26a0 at 2x) "
                + "says which phase it misjudges."));
        return g;
    }

    private static void add(GridPane g, int row, Row r) {
        Label ratio = new Label(Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratio())
                + (r.ratio() >= 2 || r.ratio() <= 0.5 ? " \u26a0" : ""));
        if (!Double.isNaN(r.ratio()) && (r.ratio() >= 2 || r.ratio() <= 0.5)) {
            ratio.getStyleClass().add("warning-text");
        }
        Label[] cells = {new Label(r.phase()), new Label(Double.isNaN(r.predictedMillis()) ? "-"
                : Format.millis(r.predictedMillis())), new Label(Format.millis(r.measuredMillis())), ratio};
        for (Label l : cells) {
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        g.addRow(row, cells);
    }
}
