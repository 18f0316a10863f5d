package dev.zkscope.app;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * Why the open model cannot be quantized, compiled or proved, in the window and not only in the status bar: the
 * reason, the offending layer (with a button that selects it in the graph, the table and the properties) and the fix.
 */
final class ProblemBanner extends HBox {
    private final Label text = new Label();
    private final Button show = new Button("Show layer");
    private String layer;

    ProblemBanner(Consumer<String> reveal) {
        super(10);
        setId("problemBanner");
        getStyleClass().add("problem-banner");
        setStyle("-fx-background-color: #fdecea; -fx-border-color: #d93025; -fx-border-width: 0 0 0 4;");
        setPadding(new Insets(6, 10, 6, 10));
        setAlignment(Pos.CENTER_LEFT);
        text.setWrapText(true);
        text.setId("problemText");
        text.setStyle("-fx-text-fill: #5f1010;");
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        show.setId("problemShowLayer");
        show.setMinWidth(USE_PREF_SIZE);
        show.setOnAction(e -> {
            if (layer != null) {
                reveal.accept(layer);
            }
        });
        getChildren().addAll(text, show);
        set(null, null);
    }

    /** Shows the problem of this analysis (null: hides the banner). */
    void set(Graph g, String problem) {
        boolean on = g != null && problem != null;
        setVisible(on);
        setManaged(on);
        if (!on) {
            layer = null;
            return;
        }
        Node n = offendingLayer(g, problem);
        layer = n == null ? null : n.name();
        show.setVisible(n != null);
        text.setText(problem + (n == null ? "" : "\nLayer: " + n.opType() + " '" + n.name() + "'") + "\nFix: "
                + fix(g, problem, n));
    }

    String text() {
        return text.getText();
    }

    String layer() {
        return layer;
    }

    /** The layer a problem is about: the first unsupported node, else the node the message names (longest name). */
    static Node offendingLayer(Graph g, String problem) {
        if (!g.unsupported().isEmpty()) {
            return g.unsupported().get(0);
        }
        List<Node> named = g.nodes().stream().filter(n -> problem.contains("'" + n.name() + "'")
                || problem.contains(n.name() + " ")).sorted(Comparator.comparingInt((Node n) -> -n.name().length()))
                .toList();
        return named.isEmpty() ? null : named.get(0);
    }

    /** What to do about it, in words a model's author can act on. */
    static String fix(Graph g, String problem, Node n) {
        String opset17 = g.opset() < 17 ? " The model is opset " + g.opset() + ": exporting with opset 17 "
                + "(torch.onnx.export(..., opset_version=17)) keeps LayerNorm one LayerNormalization op." : "";
        if (n != null && n.op() instanceof Op.Unsupported) {
            Op.Unsupported u = (Op.Unsupported) n.op();
            return "zkscope has no support for the op " + u.opType() + (u.domain().isEmpty() ? "" : " (domain "
                    + u.domain() + ")") + " (" + u.reason() + "). Replace it in the model or export the model "
                    + "without it; README's op table lists the supported ops." + opset17;
        }
        if (problem.contains("division by a run-time value")) {
            return "this is a LayerNorm written out as ReduceMean/Sub/Pow/Sqrt/Div, as PyTorch exports it below "
                    + "opset 17." + (opset17.isEmpty() ? "" : opset17);
        }
        return "try other settings in the Settings tab (input and parameter scales, calibration target), or "
                + "another calibration set in the Inputs tab." + opset17;
    }
}
