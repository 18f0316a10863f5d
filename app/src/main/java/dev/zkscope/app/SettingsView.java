package dev.zkscope.app;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompileOptions.Visibility;
import dev.zkscope.compile.CostLedger;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.quant.FidelityReport;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.Terms;
import javafx.scene.control.CheckBox;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.Target;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The Settings tab: the settings that the pipeline takes (calibration target, input and parameter scales, batch
 * size), applied as soon as one changes (in the background; the previous results stay until the new ones are
 * ready), and the resulting quantization with its fidelity against the float model.
 */
final class SettingsView extends ScrollPane {
    static final String AUTO = "auto (calibrate)";
    static final String AUTO_COLS = "auto (smallest trace)";

    private final MainViewModel vm;
    private final ComboBox<String> target = new ComboBox<>();
    private final ComboBox<String> inputScale = new ComboBox<>();
    private final ComboBox<String> paramScale = new ComboBox<>();
    private final Spinner<Integer> batch = new Spinner<>(1, 1 << 16, 1);
    private final ComboBox<String> innerCols = new ComboBox<>();
    private final ComboBox<String> preset = new ComboBox<>();
    private final CheckBox zk = new CheckBox("on");
    private final ComboBox<Visibility> inputVis = new ComboBox<>();
    private final ComboBox<Visibility> weightsVis = new ComboBox<>();
    private final VBox result = new VBox(6);
    private boolean updating;

    /** Max rows per segment and the cluster (see {@link ProvingSettings}); applied without recompiling. */
    final ComboBox<SegmentBudget> maxRows = new ComboBox<>();
    final ComboBox<String> cluster = new ComboBox<>(javafx.collections.FXCollections.observableArrayList("none",
            "local[1]", "local[2]", "local[*]"));
    final Label clusterNote = new Label();

    SettingsView(MainViewModel vm) {
        this(vm, new ProvingSettings(SettingsStore.inMemory()));
    }

    SettingsView(MainViewModel vm, ProvingSettings proving) {
        this.vm = vm;
        setId("settingsView");
        setFitToWidth(true);
        target.getItems().addAll("resources", "accuracy");
        target.setId("targetBox");
        inputScale.setId("inputScaleBox");
        paramScale.setId("paramScaleBox");
        for (ComboBox<String> c : java.util.List.of(inputScale, paramScale)) {
            c.getItems().add(AUTO);
            for (int s = QuantOptions.MIN_SCALE; s <= QuantOptions.MAX_SCALE; s++) {
                c.getItems().add(String.valueOf(s));
            }
        }
        batch.setEditable(true);
        batch.setPrefWidth(110);
        innerCols.getItems().add(AUTO_COLS);
        for (int c = 1; c <= 32; c++) {
            innerCols.getItems().add(String.valueOf(c));
        }
        preset.setId("presetBox");
        for (ProofParameters p : ProofParameters.presets()) {
            preset.getItems().add(p.name());
        }
        preset.setConverter(presetConverter());
        zk.setId("zkBox");
        inputVis.getItems().addAll(Visibility.PRIVATE, Visibility.PUBLIC, Visibility.HASHED);
        weightsVis.getItems().addAll(Visibility.FIXED, Visibility.HASHED);
        // Words, not enum constants: "private", "fixed in the key", "hashed".
        inputVis.setConverter(visibilityWords());
        weightsVis.setConverter(visibilityWords());

        GridPane form = new GridPane();
        form.setHgap(12);
        form.setVgap(10);
        int r = 0;
        row(form, r++, "Calibration target", target, "resources: the smallest scales and lookup tables whose "
                + "output stays within 1% of the float model's; accuracy: within 0.2%, larger tables.");
        row(form, r++, "Input scale (log2)", inputScale, "Activations are stored as round(v * 2^s). Larger s: "
                + "more precision, larger lookup tables and range checks. Auto lets calibration choose.");
        row(form, r++, "Parameter scale (log2)", paramScale, "Weights are stored as round(w * 2^s). Auto: the input "
                + "scale when that is fixed, else calibration's choice (the input scale, raised when the weights need "
                + "finer steps).");
        row(form, r++, "Inner columns", innerCols, "Products per dot-product row (EZKL's num_inner_cols): wider "
                + "rows mean fewer rows but more columns. Auto picks the fewest columns that reach the smallest trace.");
        row(form, r++, "Proof preset", preset, Terms.SECURITY_BITS + " " + Terms.FRI);
        row(form, r++, "Zero knowledge", zk, "Blinding rows and salted Merkle leaves hide the private values; "
                + "turn off to see what zero knowledge costs.");
        row(form, r++, "Input visibility", inputVis, "Private: the input stays with the prover (advice cells); "
                + "public: it is part of the public values the verifier sees; hashed: private, and a salted Poseidon2 "
                + "hash of it, computed in the circuit, is public. The output is public.");
        row(form, r++, "Weights visibility", weightsVis, "Fixed: weights are baked into the circuit and its "
                + "verifying key; hashed: they are witness values, hidden from the verifier, and the circuit publishes "
                + "a salted Poseidon2 hash of them (the same in every proof of this session), which pins them. The "
                + "layer table shows the hash's rows as the layer \"hash weights\".");
        row(form, r++, "Batch size", batch, "Value bound to a symbolic batch dimension; changing it re-imports "
                + "the model. Models exported with batch 1 ignore it.");
        maxRows.setId("maxRowsBox");
        maxRows.getItems().setAll(SegmentBudget.choices());
        maxRows.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(SegmentBudget b) {
                return b == null ? "" : b.off() ? "off (one proof of the whole circuit)" : b.auto()
                        ? "auto (fastest plan that fits the free heap)" : b + " = " + Format.count(1L << b.logBudget());
            }

            @Override
            public SegmentBudget fromString(String v) {
                return SegmentBudget.parse(v);
            }
        });
        maxRows.valueProperty().bindBidirectional(proving.maxRowsProperty());
        row(form, r++, "Max rows per segment", maxRows, "Prove cuts the model at layer boundaries into segments of "
                + "at most this many rows, proves them one after another (peak heap follows the largest segment, not "
                + "the model) and links what crosses each cut by masked fingerprints at one shared challenge, in one "
                + "bundle that is verified as a whole (as 'zkscope prove --max-rows 2^k'). Auto: of the heights whose "
                + "segments the cost model predicts to fit 3/4 of the free heap, the one whose plan it predicts "
                + "fastest, every segment counted. Does not recompile.");
        cluster.setId("clusterBox");
        cluster.setEditable(true);
        cluster.valueProperty().bindBidirectional(proving.clusterProperty());
        clusterNote.setId("clusterNote");
        clusterNote.setWrapText(true);
        clusterNote.setMaxWidth(300);
        clusterNote.setText(ClusterRun.sparkAvailable() ? "Apache Spark is on the class path."
                : "Spark is not on the class path: only \"none\" proves here (see the Cluster tab).");
        row(form, r++, "Cluster", new VBox(4, cluster, clusterNote), "Where the Cluster tab proves batches: none "
                + "(this JVM), local[N] (embedded Apache Spark with N executor slots, local[*] one per core) or a "
                + "standalone master, spark://HOST:PORT. Spark needs zkscope's cluster module on the class path.");
        cluster.setTooltip(new Tooltip("none, local[N], local[*] or spark://HOST:PORT"));

        Label formTitle = new Label("Settings");
        formTitle.getStyleClass().add("pane-title");
        Label hint = new Label("Each change recompiles in the background; the views keep the previous result "
                + "until the new one is ready.");
        hint.setWrapText(true);
        VBox left = new VBox(12, formTitle, form, hint);
        left.setPrefWidth(520);
        Label resTitle = new Label("Quantization");
        resTitle.getStyleClass().add("pane-title");
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        busy.visibleProperty().bind(vm.analyzingProperty());
        HBox resHead = new HBox(8, resTitle, busy);
        resHead.setAlignment(Pos.CENTER_LEFT);
        VBox right = new VBox(10, resHead, result);
        right.getStyleClass().add("card");
        right.setPrefWidth(560);
        SecurityView security = new SecurityView(vm);
        security.setPrefWidth(560);
        HBox content = new HBox(24, left, new VBox(16, right, security));
        content.setPadding(new Insets(16));
        setContent(content);

        target.valueProperty().addListener((o, a, b) -> push());
        inputScale.valueProperty().addListener((o, a, b) -> push());
        paramScale.valueProperty().addListener((o, a, b) -> push());
        batch.valueProperty().addListener((o, a, b) -> push());
        innerCols.valueProperty().addListener((o, a, b) -> push());
        preset.valueProperty().addListener((o, a, b) -> push());
        zk.selectedProperty().addListener((o, a, b) -> push());
        inputVis.valueProperty().addListener((o, a, b) -> push());
        weightsVis.valueProperty().addListener((o, a, b) -> push());
        vm.settingsProperty().addListener((o, a, s) -> pull(s));
        vm.analysisProperty().addListener((o, a, an) -> {
            showResult(an);
            // the labels depend on the circuit: make the chooser redraw them
            preset.setConverter(presetConverter());
        });
        pull(vm.settings());
        showResult(vm.analysis());
    }

    static javafx.util.StringConverter<Visibility> visibilityWords() {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(Visibility v) {
                if (v == null) {
                    return "";
                }
                switch (v) {
                    case FIXED:
                        return "fixed (in the verifying key)";
                    case HASHED:
                        return "hashed (Poseidon2, public hash)";
                    default:
                        return dev.zkscope.viz.Format.word(v);
                }
            }

            @Override
            public Visibility fromString(String s) {
                return null; // not editable
            }
        };
    }

    private javafx.util.StringConverter<String> presetConverter() {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(String name) {
                return name == null ? "" : presetLabel(name, vm.analysis());
            }

            @Override
            public String fromString(String s) {
                return s;
            }
        };
    }

    /**
     * "standard (conjectured 100.0 / provable 57.7 bits)" for the open circuit (re-sized to the preset's reserved
     * rows when it is not the current one), or "standard (rate 1/4, ...)" before a circuit is compiled.
     */
    static String presetLabel(String name, Analysis a) {
        ProofParameters p = ProofParameters.byName(name);
        dev.zkscope.security.SecurityAnalysis s = a == null ? null : a.securityUnder(p);
        if (s == null) {
            return p.toString();
        }
        return name + " (conjectured " + dev.zkscope.security.SecurityAnalysis.format(s.conjecturedBits())
                + " / provable " + dev.zkscope.security.SecurityAnalysis.format(s.provableBits()) + " bits"
                + (p.isInsecure() ? ", INSECURE" : "") + ")";
    }

    private static void row(GridPane g, int r, String label, Node control, String help) {
        Label l = new Label(label);
        Tooltip t = new Tooltip(help);
        t.setWrapText(true);
        t.setMaxWidth(420);
        l.setTooltip(t);
        if (control instanceof javafx.scene.control.Control) {
            ((javafx.scene.control.Control) control).setTooltip(t);
        }
        g.add(l, 0, r);
        g.add(control, 1, r);
    }

    private void pull(ModelSettings s) {
        updating = true;
        try {
            target.setValue(s.target().name().toLowerCase(Locale.ROOT));
            inputScale.setValue(s.inputScale() == null ? AUTO : String.valueOf(s.inputScale()));
            paramScale.setValue(s.paramScale() == null ? AUTO : String.valueOf(s.paramScale()));
            batch.getValueFactory().setValue(s.batch());
            innerCols.setValue(s.innerCols() == CompileOptions.AUTO ? AUTO_COLS : String.valueOf(s.innerCols()));
            preset.setValue(s.preset());
            zk.setSelected(s.zeroKnowledge());
            inputVis.setValue(s.input());
            weightsVis.setValue(s.weights());
        } finally {
            updating = false;
        }
    }

    private void push() {
        if (updating) {
            return;
        }
        Target t = "accuracy".equals(target.getValue()) ? Target.ACCURACY : Target.RESOURCES;
        Integer in = scale(inputScale.getValue());
        Integer param = scale(paramScale.getValue());
        Integer b = batch.getValue();
        int cols = innerCols.getValue() == null || AUTO_COLS.equals(innerCols.getValue()) ? CompileOptions.AUTO
                : Integer.parseInt(innerCols.getValue());
        try {
            vm.applySettings(new ModelSettings(b == null ? 1 : b, t, in, param, cols,
                    preset.getValue(), zk.isSelected(), inputVis.getValue(), weightsVis.getValue()));
        } catch (IllegalArgumentException e) {
            pull(vm.settings());
        }
    }

    private static Integer scale(String v) {
        return v == null || AUTO.equals(v) ? null : Integer.valueOf(v);
    }

    private void showResult(Analysis a) {
        result.getChildren().clear();
        if (a == null) {
            result.getChildren().add(new Label("Computing..."));
            return;
        }
        if (a.problem() != null) {
            Label msg = new Label(a.problem());
            msg.setWrapText(true);
            result.getChildren().add(msg);
        }
        if (a.quantized() == null) {
            return;
        }
        FidelityReport f = a.fidelity();
        CostLedger l = a.ledger();
        if (l != null) {
            ProofParameters p = a.settings().proofParameters();
            result.getChildren().addAll(
                    fact("Trace", "2^" + l.logN() + " = " + Format.count(l.n()) + " rows \u00d7 "
                            + (l.numAdvice() + l.numFixed() + l.numInstance()) + " columns"),
                    fact("Columns", l.numAdvice() + " advice, " + l.numFixed() + " fixed, " + l.numInstance()
                            + " instance"),
                    fact("Rows used", Format.count(l.gadgetRows()) + " by gadgets, " + Format.count(l.tableRows())
                            + " by tables, " + Format.count(l.reservedRows()) + " reserved for blinding"),
                    fact("Max gate degree", String.valueOf(l.maxGateDegree())),
                    fact("Security", (a.security() == null ? "preset cannot prove this circuit" : a.security().summary())
                            + " (" + p.name() + ", zero knowledge " + (p.zeroKnowledge() ? "on" : "off") + ")"),
                    new javafx.scene.control.Separator());
        }
        result.getChildren().addAll(
                fact("Input / activation scale", "2^" + a.quantized().inputScale()),
                fact("Parameter scale", "2^" + a.quantized().paramScale()),
                fact("Lookup tables", a.lookupTables().size() + " function table(s)"),
                fact("Calibrated on", a.calibration()),
                fact("Max |quantized - float| output", String.format(Locale.ROOT, "%.4g", f.maxAbsError())),
                fact("Mean |quantized - float| output", String.format(Locale.ROOT, "%.4g", f.meanAbsError())),
                fact("Same prediction (argmax) as float", f.argmaxApplies() ? String.format(Locale.ROOT,
                        "%.1f%% of %d inputs", 100 * f.argmaxAgreement(), f.inputs())
                        : "not applicable: the model has one output value"),
                fact("Clamped lookups", String.valueOf(f.clampedLookups())));
    }

    private static Node fact(String name, String value) {
        Label n = new Label(name);
        n.setMinWidth(250);
        Label v = new Label(value);
        v.setStyle("-fx-font-weight: bold;");
        v.setWrapText(true);
        return new HBox(10, n, v);
    }
}
