package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerRecipe;
import dev.zkscope.viz.LayerSelection;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Why this cost": the gadget recipe of the selected layer ({@link LayerRecipe}, read off the compiler's placements),
 * its rows per MAC and per element, and one output element followed through its gadgets with the witness values of
 * the input the app proves. Follows the selection like every other view.
 */
final class DrillDownView extends ScrollPane {
    private final LayerSelection selection;
    private final Label title = new Label();
    private final Label summary = new Label();
    private final VBox parts = new VBox(6);
    private final Label exampleTitle = new Label();
    private final Label example = new Label();
    private Analysis analysis;
    private Analysis witnessFor;
    private Witness witness;
    private String inputSource;
    private int focusRow = -1;

    DrillDownView(LayerSelection selection) {
        this.selection = selection;
        setId("drillDown");
        title.setId("drillTitle");
        title.getStyleClass().add("model-title");
        summary.setId("drillSummary");
        parts.setId("drillParts");
        exampleTitle.setId("drillExampleTitle");
        example.setId("drillExample");
        for (Label l : List.of(title, summary, exampleTitle, example)) {
            l.setWrapText(true);
        }
        example.setStyle("-fx-font-family: monospace;");
        VBox box = new VBox(10, title, summary, parts, exampleTitle, example);
        box.setPadding(new Insets(10));
        setContent(box);
        setFitToWidth(true);
        selection.selectedProperty().addListener((o, a, b) -> refresh());
        refresh();
    }

    /** The "Why this cost" tab holding a drill-down view. */
    static javafx.scene.control.Tab tab(DrillDownView v) {
        javafx.scene.control.Tab t = new javafx.scene.control.Tab("Why this cost", v);
        t.setId("tabDrillDown");
        return t;
    }

    /** Follows the element whose cells lie on trace row {@code row} (a clicked heatmap cell) in the worked example. */
    void showRow(int row) {
        focusRow = row;
        refresh();
    }

    void setAnalysis(Analysis a) {
        analysis = a;
        refresh();
    }

    /** Everything the panel shows about the recipe, one line per label (for tests and export). */
    String recipeText() {
        StringBuilder sb = new StringBuilder(title.getText()).append('\n').append(summary.getText());
        parts.getChildren().forEach(n -> sb.append('\n').append(((Label) n).getText()));
        return sb.toString();
    }

    String exampleText() {
        return exampleTitle.getText() + "\n" + example.getText();
    }

    private void refresh() {
        parts.getChildren().clear();
        exampleTitle.setText("");
        example.setText("");
        String layer = selection.selected();
        CompiledModel cm = analysis == null ? null : analysis.compiled();
        if (cm == null) {
            title.setText("Why each layer costs what it costs");
            summary.setText("Open and compile a model, then select a layer (in the graph, the table or the circuit "
                    + "layout) to see the gadgets it lowers to, with its numbers.");
            return;
        }
        if (layer == null || cm.ledger().layers().stream().noneMatch(l -> l.layer().equals(layer))) {
            title.setText("Why each layer costs what it costs");
            summary.setText(layer == null ? "Select a layer to see its gadget recipe."
                    : "Layer " + layer + " places no rows (wiring only: its consumers copy the cells they read).");
            return;
        }
        LayerRecipe r = LayerRecipe.of(cm, layer);
        title.setText(r.layer() + " (" + r.op() + "): " + r.rows() + " rows");
        StringBuilder s = new StringBuilder();
        s.append("MACs ").append(r.macs()).append(", output elements ").append(r.outputs())
                .append(", rows/MAC ").append(ratio(r.rowsPerMac()))
                .append(", rows/element ").append(ratio(r.rowsPerElement()))
                .append(", range checks ").append(r.rangeChecks());
        for (Map.Entry<String, Long> e : r.lookups().entrySet()) {
            s.append(", lookups into ").append(e.getKey()).append(' ').append(e.getValue());
            if (r.outputs() > 0) {
                s.append(" (").append(ratio((double) e.getValue() / r.outputs())).append(" per element)");
            }
        }
        summary.setText(s.toString());
        for (LayerRecipe.Part p : r.parts()) {
            Label l = new Label(p.gadget() + " (step " + p.step() + ", " + p.stepKind() + "): " + p.rows() + " rows = "
                    + p.formula() + "\n    " + p.meaning());
            l.setWrapText(true);
            l.getStyleClass().add("recipe-part");
            parts.getChildren().add(l);
        }
        try {
            Witness w = witness(analysis);
            LayerRecipe.Example ex = LayerRecipe.example(cm, layer, w, focusRow);
            if (ex == null) {
                exampleTitle.setText("Worked example: this layer has no dot product or lookup to follow.");
            } else {
                exampleTitle.setText("Worked example (" + inputSource + "): " + ex.title());
                example.setText(String.join("\n", ex.lines()));
            }
        } catch (RuntimeException e) {
            exampleTitle.setText("Worked example unavailable: " + e.getMessage());
        }
    }

    /** The witness of the input the app proves (the sample's input file, else the first seeded input), once per analysis. */
    private Witness witness(Analysis a) {
        if (witnessFor != a) {
            ProveJob.Input in = ProveJob.input(a.session().file(), a.session().graph());
            long[] q = Pipeline.quantizeInput(a.prepared(), List.of(in.tensor()));
            witness = a.compiled().witness(q).witness();
            inputSource = in.source();
            witnessFor = a;
        }
        return witness;
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
