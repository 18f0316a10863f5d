package dev.zkscope.app;

import dev.zkscope.onnx.ImportOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Lists a model's symbolic input dimensions with editable values, prefilled (see {@link SymbolicDims}), as ONNX
 * Runtime's and Netron's users set them: the chosen values are the importer's {@code --dim NAME=VALUE}.
 */
final class DimensionsDialog {
    private DimensionsDialog() {}

    /** The form: one row per dimension; {@link #values} reads it back (null while a value is not a valid size). */
    static final class Form extends VBox {
        private final Map<String, TextField> fields = new LinkedHashMap<>();
        private final Label error = new Label();

        Form(String model, List<SymbolicDims.Dim> dims) {
            super(8);
            Label intro = new Label(model + " has inputs with symbolic dimensions. zkscope proves static shapes: give "
                    + "each one a value (as --dim NAME=VALUE on the command line).");
            intro.setWrapText(true);
            intro.setMaxWidth(520);
            GridPane g = new GridPane();
            g.setHgap(10);
            g.setVgap(6);
            g.addRow(0, bold("Dimension"), bold("Where"), bold("Value"), bold("Proposed"));
            int r = 1;
            for (SymbolicDims.Dim d : dims) {
                TextField f = new TextField(String.valueOf(d.value()));
                f.setId("dim-" + d.name());
                f.setPrefColumnCount(7);
                f.textProperty().addListener((o, a, b) -> values());
                fields.put(d.name(), f);
                g.addRow(r++, new Label(d.name()), new Label(d.where()), f, new Label(d.source()));
            }
            error.getStyleClass().add("error-text");
            error.setId("dimError");
            getChildren().addAll(intro, g, error);
        }

        private static Label bold(String s) {
            Label l = new Label(s);
            l.setStyle("-fx-font-weight: bold;");
            return l;
        }

        TextField field(String name) {
            return fields.get(name);
        }

        /** The values entered, or null (with the reason shown) while one is not a whole number in [1, 2^28]. */
        Map<String, Integer> values() {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Map.Entry<String, TextField> e : fields.entrySet()) {
                String t = e.getValue().getText().strip().replace(",", "");
                int v;
                try {
                    v = Integer.parseInt(t);
                } catch (NumberFormatException ex) {
                    v = 0;
                }
                if (v < 1 || v > ImportOptions.MAX_DIM) {
                    error.setText("'" + e.getKey() + "' must be a whole number from 1 to 268,435,456 (2^28); got '"
                            + e.getValue().getText() + "'.");
                    return null;
                }
                out.put(e.getKey(), v);
            }
            error.setText("");
            return out;
        }
    }

    /** Shows the dialog; the values chosen, or empty when the user cancels. */
    static Optional<Map<String, Integer>> ask(Window owner, String model, List<SymbolicDims.Dim> dims) {
        Dialog<Map<String, Integer>> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle("Input dimensions of " + model);
        Form form = new Form(model, dims);
        d.getDialogPane().setContent(form);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        d.getDialogPane().lookupButton(ButtonType.OK).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            if (form.values() == null) {
                e.consume();
            }
        });
        d.setResultConverter(b -> b == ButtonType.OK ? form.values() : null);
        return d.showAndWait();
    }
}
