package dev.zkscope.app;

import dev.zkscope.ir.Tensor;
import java.io.File;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * The Inputs tab: which input Prove proves (a test input of the model, or an EZKL JSON / .npy file), which set the
 * model is calibrated on (its test set, a file or directory, or synthetic inputs, flagged as such), the input as an
 * image when its shape is one, and its float and quantized outputs side by side with their error.
 */
public final class InputsView extends ScrollPane {
    private final InputsViewModel model;
    private final ListView<InputsViewModel.TestInput> list = new ListView<>();
    private final Label testSetNote = new Label();
    private final Label proved = new Label();
    private final ImageView image = new ImageView();
    private final Label imageNote = new Label();
    private final GridPane outputs = new GridPane();
    private final Label summary = new Label();
    private final Label calibratedOn = new Label();
    private final Label fidelity = new Label();
    private final Label message = new Label();
    private final ToggleGroup calibration = new ToggleGroup();
    private boolean updating;

    public InputsView(InputsViewModel model) {
        this.model = model;
        setId("inputsView");
        list.setId("testInputs");
        list.setItems(model.testInputs());
        list.setPrefHeight(180);
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && !updating) {
                model.chooseTestInput(b);
            }
        });
        testSetNote.setId("testSetNote");
        testSetNote.textProperty().bind(model.testSetNoteProperty());
        testSetNote.setWrapText(true);
        Button file = new Button("Input file (EZKL JSON, .npy or an image)...");
        file.setId("inputFileButton");
        file.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Input to prove");
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("EZKL input JSON, NumPy array or image",
                    "*.json", "*.npy", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif"),
                    new FileChooser.ExtensionFilter("All files", "*.*"));
            File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) {
                model.chooseInputFile(f.toPath());
            }
        });
        proved.setId("provedInput");
        proved.setStyle("-fx-font-weight: bold;");
        proved.setWrapText(true);
        message.setId("inputsMessage");
        message.getStyleClass().add("warning-text");
        message.setWrapText(true);
        message.textProperty().bind(model.messageProperty());
        image.setId("inputImage");
        image.setSmooth(false);
        imageNote.setId("inputImageNote");
        outputs.setId("outputs");
        outputs.setHgap(16);
        outputs.setVgap(2);
        summary.setId("outputSummary");
        summary.setWrapText(true);

        RadioButton own = new RadioButton("The model's own test set (or input file)");
        own.setId("calibrationModel");
        RadioButton fromFile = new RadioButton("A file or directory (EZKL JSON, test set, .npy)...");
        fromFile.setId("calibrationFile");
        RadioButton synthetic = new RadioButton("Synthetic: 32 seeded random inputs in [0, 1)");
        synthetic.setId("calibrationSynthetic");
        for (RadioButton r : new RadioButton[] {own, fromFile, synthetic}) {
            r.setToggleGroup(calibration);
        }
        own.setSelected(true);
        own.setOnAction(e -> model.chooseCalibration(InputsViewModel.CalibrationKind.MODEL, null));
        synthetic.setOnAction(e -> model.chooseCalibration(InputsViewModel.CalibrationKind.SYNTHETIC, null));
        fromFile.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Calibration set (cancel to choose a directory)");
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("EZKL JSON, test set or NumPy array",
                    "*.json", "*.npy"), new FileChooser.ExtensionFilter("All files", "*.*"));
            File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (f == null) {
                DirectoryChooser dc = new DirectoryChooser();
                dc.setTitle("Calibration directory (its .json and .npy files)");
                f = dc.showDialog(getScene() == null ? null : getScene().getWindow());
            }
            if (f != null) {
                model.chooseCalibration(InputsViewModel.CalibrationKind.FILE, f.toPath());
            }
        });
        Runnable sync = () -> {
            dev.zkscope.ir.InputFiles.Samples c = model.calibrationProperty().get();
            (c == null ? own : c.synthetic() ? synthetic : fromFile).setSelected(true);
        };
        model.calibrationProperty().addListener((o, a, b) -> sync.run());
        model.messageProperty().addListener((o, a, b) -> sync.run());
        calibratedOn.setId("calibratedOn");
        calibratedOn.setWrapText(true);
        fidelity.setId("calibrationFidelity");
        fidelity.setWrapText(true);
        model.calibratedOnProperty().addListener((o, a, b) -> showCalibration(b));
        fidelity.textProperty().bind(model.fidelityProperty());
        showCalibration(model.calibratedOnProperty().get());
        model.comparisonProperty().addListener((o, a, b) -> show(b));
        show(model.comparisonProperty().get());

        VBox left = new VBox(6, heading("Input to prove"), testSetNote, list, file, proved, message);
        left.setPrefWidth(320);
        VBox right = new VBox(6, heading("The input"), image, imageNote, heading("Outputs for this input"), summary,
                outputs);
        HBox top = new HBox(20, left, right);
        VBox calib = new VBox(6, heading("Calibration set"), own, fromFile, synthetic, calibratedOn, fidelity);
        VBox box = new VBox(12, top, new Separator(), calib);
        box.setPadding(new Insets(12));
        setContent(box);
        setFitToWidth(true);
    }

    /** Its view-model (tests drive file choices through it: a FileChooser cannot be driven headless). */
    InputsViewModel model() {
        return model;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold; -fx-font-size: 1.1em;");
        return l;
    }

    private void showCalibration(String on) {
        boolean synthetic = on != null && on.startsWith("SYNTHETIC");
        calibratedOn.setText(on == null || on.isEmpty() ? "" : (synthetic ? "\u26a0 " : "") + "Fidelity figures: " + on);
        calibratedOn.getStyleClass().remove("warning-text");
        if (synthetic) {
            calibratedOn.getStyleClass().add("warning-text");
        }
    }

    private void show(InputsViewModel.Comparison c) {
        outputs.getChildren().clear();
        if (c == null) {
            proved.setText("");
            summary.setText("");
            image.setImage(null);
            imageNote.setText("");
            return;
        }
        proved.setText("Prove proves: " + c.input());
        updating = true;
        try {
            if (!list.getSelectionModel().isEmpty()
                    && !list.getSelectionModel().getSelectedItem().name().equals(c.input())) {
                list.getSelectionModel().clearSelection();
            }
        } finally {
            updating = false;
        }
        WritableImage img = picture(c.tensor());
        image.setImage(img);
        imageNote.setText(img == null ? "shape " + Tensor.shapeString(c.tensor().shape()) + ": not an image"
                : "shape " + Tensor.shapeString(c.tensor().shape()) + ", shown " + (int) img.getWidth() + " x "
                + (int) img.getHeight() + " px, black = smallest value, white = largest");
        summary.setText("Input: " + c.input() + ". " + String.format(Locale.ROOT, "Max |quantized - float| = %.4g",
                c.maxAbsError()) + (c.argmaxApplies() ? "; argmax: float " + c.floatArgmax() + ", quantized "
                + c.quantizedArgmax() + (c.floatArgmax() == c.quantizedArgmax() ? " (same)" : " (DIFFERENT)")
                : "; one output value, so no argmax") + (c.clampedLookups() > 0 ? "; " + c.clampedLookups()
                + " lookups clamped" : ""));
        outputs.addRow(0, bold("#"), bold("float"), bold("quantized"), bold("|error|"));
        int shown = Math.min(c.floatOutput().length, 64);
        for (int i = 0; i < shown; i++) {
            double f = c.floatOutput()[i];
            double q = c.quantizedOutput()[i];
            outputs.addRow(i + 1, new Label(String.valueOf(i)), new Label(String.format(Locale.ROOT, "%.5f", f)),
                    new Label(String.format(Locale.ROOT, "%.5f", q)),
                    new Label(String.format(Locale.ROOT, "%.5f", Math.abs(f - q))));
        }
        if (shown < c.floatOutput().length) {
            outputs.addRow(shown + 1, new Label("(first " + shown + " of " + c.floatOutput().length + ")"));
        }
    }

    private static Label bold(String s) {
        Label l = new Label(s);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    /**
     * The input as a picture when its shape is an image (H x W, or C x H x W with C 1 or 3, after leading 1s),
     * scaled up to about 160 px; else null.
     */
    static WritableImage picture(Tensor t) {
        int[] s = t.shape();
        int from = 0;
        while (from < s.length && s[from] == 1 && s.length - from > 2) {
            from++;
        }
        int rank = s.length - from;
        int c;
        int h;
        int w;
        if (rank == 2) {
            c = 1;
            h = s[from];
            w = s[from + 1];
        } else if (rank == 3 && (s[from] == 1 || s[from] == 3)) {
            c = s[from];
            h = s[from + 1];
            w = s[from + 2];
        } else {
            return null;
        }
        if (h < 2 || w < 2) {
            return null;
        }
        double[] d = t.data();
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double v : d) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double range = hi > lo ? hi - lo : 1;
        int k = Math.max(1, 160 / Math.max(h, w));
        WritableImage img = new WritableImage(w * k, h * k);
        PixelWriter px = img.getPixelWriter();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] rgb = new double[3];
                for (int ch = 0; ch < 3; ch++) {
                    int src = c == 1 ? 0 : ch;
                    rgb[ch] = (d[(src * h + y) * w + x] - lo) / range;
                }
                Color col = Color.color(rgb[0], rgb[1], rgb[2]);
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        px.setColor(x * k + dx, y * k + dy, col);
                    }
                }
            }
        }
        return img;
    }
}
