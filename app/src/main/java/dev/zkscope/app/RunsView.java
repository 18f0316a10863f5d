package dev.zkscope.app;

import dev.zkscope.viz.Format;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import dev.zkscope.viz.chart.ChartPane;
import dev.zkscope.viz.run.ScalingChart;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

/**
 * The Runs tab: every proof run, of this session and earlier ones (saved by {@link RunStore}), in a table; selecting
 * two compares them; the scaling sweep and its time/memory-against-rows chart.
 */
final class RunsView extends BorderPane {
    private final TableView<RunRecord> table = new TableView<>();
    private final Label compare = new Label("Select two runs (Ctrl+click) to compare them.");

    RunsView(ProveViewModel pvm) {
        setId("runsView");
        table.setId("runsTable");
        javafx.collections.transformation.FilteredList<RunRecord> shown = new javafx.collections.transformation
                .FilteredList<>(pvm.history(), r -> true);
        table.setItems(shown);
        kindFilter.setId("runsKindFilter");
        kindFilter.getItems().add(null);
        kindFilter.getItems().addAll(RunRecord.Kind.values());
        kindFilter.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(RunRecord.Kind k) {
                return k == null ? "all kinds" : k.word() + (k == RunRecord.Kind.PROOF ? "s" : k == RunRecord.Kind.BATCH
                        ? "es" : "s");
            }

            @Override
            public RunRecord.Kind fromString(String s) {
                return null;
            }
        });
        kindFilter.setValue(null);
        kindFilter.setPromptText("all kinds");
        kindFilter.setTooltip(new Tooltip("Show the runs of one kind: single proofs (Prove), scaling sweeps, "
                + "benchmarks, batches."));
        kindFilter.valueProperty().addListener((o, x, k) -> shown.setPredicate(r -> k == null || r.runKind() == k));
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        dev.zkscope.viz.TableSizing.scrollable(table);
        table.setPlaceholder(new Label("No proof runs yet: press Prove. Runs are kept across sessions."));
        table.getColumns().addAll(List.of(
                col("#", "Run number.", r -> String.valueOf(r.id())),
                kindColumn(),
                col("Model", "Model file, or a synthetic variant of its shape with its layer widths.", RunRecord::model),
                col("Preset", "Proof parameter preset, its nominal conjectured security (queries x log2 FRI blowup factor + "
                        + "grinding; the circuit's own conjectured and provable figures are in Settings > Security), "
                        + "zero knowledge on or off.",
                        r -> r.preset() + ", " + r.securityBits() + " bits nominal conjectured"
                                + (r.zeroKnowledge() ? "" : ", no ZK")),
                col("Scales/cols", "Input and parameter scale (log2; auto = calibrated) and inner columns.",
                        r -> scale(r.inputScale()) + "/" + scale(r.paramScale()) + ", "
                                + (r.innerCols() == 0 ? "auto" : String.valueOf(r.innerCols()))),
                col("Rows", "Trace height 2^k and the rows used by gadgets.",
                        r -> "2^" + r.logN() + " (" + Format.count(r.gadgetRows()) + " used)"),
                col("Keygen", "Key generation time; \"reused\" when the run reused a proving key derived earlier "
                        + "for the same model and settings (by an earlier run or the background warm-up).", r -> r.reusedKey() ? "reused"
                        : Format.millis(r.keygenMillis())),
                col("Prove", "Prover time (its rounds).", r -> Format.millis(r.proveMillis())),
                col("Predicted", "The cost model's prediction of the prover time, made before the run.",
                        r -> r.predictedSeconds() == null ? "" : Format.millis(r.predictedSeconds() * 1000)),
                col("Verify", "Verifier time.", r -> Format.millis(r.verifyMillis())),
                col("Peak heap", "Largest used heap sampled while proving.", r -> Format.bytes(r.peakHeap())),
                col("Proof size", "Serialized proof.", r -> Format.bytes(r.proofBytes())),
                verdictColumn()));
        double[] mins = {34, 58, 250, 130, 128, 136, 68, 68, 76, 58, 80, 80, 96};
        for (int i = 0; i < mins.length && i < table.getColumns().size(); i++) {
            table.getColumns().get(i).setMinWidth(mins[i]);
            table.getColumns().get(i).setPrefWidth(mins[i] + 6);
        }
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<RunRecord>) c -> compare());
        compare.setPadding(new Insets(8));
        compare.setWrapText(true);
        compare.setId("runsCompare");
        Label show = new Label("Show:");
        show.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        kindFilter.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        compare.setMinWidth(0);
        HBox filterBar = new HBox(8, show, kindFilter, compare);
        HBox.setHgrow(compare, javafx.scene.layout.Priority.ALWAYS);
        filterBar.setAlignment(Pos.CENTER_LEFT);
        filterBar.setPadding(new Insets(0, 8, 0, 8));
        BorderPane top = new BorderPane(table, null, null, filterBar, null);

        ComboBox<ScaledVariants.Mode> mode = this.mode;
        mode.setId("sweepMode");
        mode.getItems().addAll(ScaledVariants.Mode.values());
        mode.setValue(ScaledVariants.Mode.ROWS);
        ComboBox<Integer> steps = this.steps;
        steps.setId("sweepSteps");
        steps.getItems().addAll(2, 3, 4, 5);
        steps.setValue(3);
        Button sweep = new Button("Run scaling sweep");
        sweep.setId("sweepButton");
        sweep.setTooltip(new Tooltip("Proves growing circuits one after the other and plots time and memory against "
                + "rows beside the cost model's prediction. Cancel (Proof menu) stops it; earlier runs stay."));
        sweep.setOnAction(e -> pvm.sweep(mode.getValue(), steps.getValue(), repeats.getValue()));
        repeats.setId("sweepRepeats");
        repeats.getItems().addAll(1, 2, 3, 5);
        repeats.setValue(1);
        repeats.setTooltip(new Tooltip("Proves each point this many times: the chart shows each point's mean prover "
                + "time and peak heap with a bar from the lowest to the highest run."));
        sweep.disableProperty().bind(pvm.runningProperty());
        Label status = new Label();
        status.setId("sweepStatus");
        status.textProperty().bind(pvm.sweepStatusProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("sweepCancel");
        cancel.setOnAction(e -> pvm.cancel());
        cancel.visibleProperty().bind(pvm.runningProperty().or(pvm.sweepStatusProperty().isNotEmpty()));
        Label what = new Label();
        what.setId("sweepWhat");
        what.setWrapText(true);
        Runnable describe = () -> what.setText(describe(pvm, mode.getValue(), steps.getValue()));
        mode.valueProperty().addListener((o, a, b) -> describe.run());
        steps.valueProperty().addListener((o, a, b) -> describe.run());
        pvm.analysisProperty().addListener((o, a, b) -> describe.run());
        describe.run();
        HBox bar = new HBox(10, new Label("Scaling sweep:"), mode, steps, new Label("points ×"), repeats,
                new Label("runs each"), sweep, cancel, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox head = new VBox(2, bar, what);
        head.setPadding(new Insets(6, 8, 6, 8));
        BorderPane bottom = new BorderPane(chart, head, null, null, null);
        compareTab.setClosable(false);
        compareTab.setId("compareTab");
        sweepTab.setClosable(false);
        sweepTab.setId("sweepTab");
        compareTab.setContent(new Label("Select two runs in the table (Ctrl+click) to compare them phase by phase and "
                + "layer by layer."));
        sweepTab.setContent(bottom);
        lower.getTabs().addAll(sweepTab, compareTab);
        SplitPane split = new SplitPane(top, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.38);
        setCenter(split);
        this.pvm = pvm;
        savedBefore = pvm.history().size();
        firstId = pvm.history().stream().mapToInt(RunRecord::id).max().orElse(0) + 1;
        pvm.analysisProperty().addListener((o, a, b) -> plot());
        pvm.history().addListener((ListChangeListener<RunRecord>) c -> plot());
        pvm.sweepRuns().addListener((ListChangeListener<RunRecord>) c -> plot());
        plot();
    }

    private final ChartPane chart = new ChartPane("Prove the model (or run a sweep) to plot time and memory "
            + "against rows.");

    private final ComboBox<ScaledVariants.Mode> mode = new ComboBox<>();
    private final ComboBox<Integer> repeats = new ComboBox<>();
    private final ComboBox<RunRecord.Kind> kindFilter = new ComboBox<>();
    private final javafx.scene.control.TabPane lower = new javafx.scene.control.TabPane();
    private final javafx.scene.control.Tab sweepTab = new javafx.scene.control.Tab("Scaling");
    private final javafx.scene.control.Tab compareTab = new javafx.scene.control.Tab("Compare two runs");

    /** Chooses the kind of runs the table shows (null: all). */
    void filterKind(RunRecord.Kind k) {
        kindFilter.setValue(k);
    }

    /** The lower tabs: the scaling chart and the comparison of two selected runs. */
    javafx.scene.control.TabPane lowerTabs() {
        return lower;
    }

    /** Chooses the sweep's mode, points and repeats as the user would, and starts it. */
    void sweep(ScaledVariants.Mode m, int n, int r) {
        mode.setValue(m);
        steps.setValue(n);
        repeats.setValue(r);
        pvm.sweep(m, n, r);
    }
    private final ComboBox<Integer> steps = new ComboBox<>();
    private final ProveViewModel pvm;
    private final int savedBefore;
    /** The first run id of this session (runs with smaller ids were saved by earlier sessions). */
    private final int firstId;

    /** Chooses the sweep's mode and length as the user would, and starts it. */
    void sweep(ScaledVariants.Mode m, int n) {
        mode.setValue(m);
        steps.setValue(n);
        pvm.sweep(m, n);
    }

    /**
     * Plots the open model's current (or last) sweep; without one, the open model's runs of this session; before the
     * first one, its saved runs of earlier sessions. Never another model's runs (the table lists those).
     */
    private void plot() {
        if (!pvm.sweepRuns().isEmpty()) {
            plot(pvm.sweepRuns());
            return;
        }
        Analysis a = pvm.analysisProperty().get();
        if (a == null) {
            plot(List.of());
            return;
        }
        String model = a.session().displayName();
        List<RunRecord> all = pvm.history();
        List<RunRecord> session = all.subList(Math.min(savedBefore, all.size()), all.size()).stream()
                .filter(r -> r.model().equals(model)).toList();
        plot(!session.isEmpty() ? session : all.stream().filter(r -> r.model().equals(model)).toList());
    }

    private void plot(List<RunRecord> runs) {
        if (runs.isEmpty()) {
            chart.setChart(null);
            return;
        }
        if (runs == pvm.sweepRuns() && SweepChart.repeated(runs)) {
            chart.setChart(SweepChart.chart(SweepChart.points(runs)));
            return;
        }
        List<ScalingChart.Point> pts = new java.util.ArrayList<>();
        for (RunRecord r : runs) {
            pts.add(new ScalingChart.Point(1L << r.logN(), r.proveMillis() / 1000,
                    r.predictedSeconds() == null ? Double.NaN : r.predictedSeconds(), r.peakHeap()));
        }
        org.jfree.chart.JFreeChart c = ScalingChart.chart(pts);
        String first = runs.get(0).model();
        String last = runs.get(runs.size() - 1).model();
        String which = runs == pvm.sweepRuns() ? "Scaling sweep" : runs.stream().allMatch(r -> r.id() < firstId)
                ? "Saved runs" : "This session's runs";
        org.jfree.chart.title.TextTitle sub = new org.jfree.chart.title.TextTitle(which + ": " + first
                + (runs.size() > 1 && !first.equals(last) ? "  \u2026  " + last : "") + " (" + runs.size() + " run"
                + (runs.size() == 1 ? "" : "s") + ")", new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12));
        c.addSubtitle(sub);
        chart.setChart(c);
    }

    /** What the sweep in that mode will prove, with the layer widths of synthetic variants. */
    static String describe(ProveViewModel pvm, ScaledVariants.Mode mode, int steps) {
        Analysis a = pvm.analysisProperty().get();
        if (a == null || a.compiled() == null) {
            return "Open and compile a model to run a sweep.";
        }
        if (mode == ScaledVariants.Mode.ROWS) {
            int k = a.ledger().logN();
            return "Proves " + a.session().displayName() + " itself, padded to 2^" + k + " ... 2^" + (k + steps - 1)
                    + " rows.";
        }
        ScaledVariants.Shape shape = ScaledVariants.shapeOf(a.session().graph());
        StringBuilder b = new StringBuilder("Synthetic variants of the model's shape, not its weights (seeded random "
                + "Gemm/Relu networks, layer widths): ");
        for (int i = 0; i < steps; i++) {
            b.append(i == 0 ? "" : ", ").append(ScaledVariants.widths(shape, mode, i).stream()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining("-")));
        }
        return b.append('.').toString();
    }

    org.jfree.chart.JFreeChart chart() {
        return chart.chart();
    }

    TableView<RunRecord> table() {
        return table;
    }

    private static String scale(Integer s) {
        return s == null ? "auto" : String.valueOf(s);
    }

    private void compare() {
        List<RunRecord> sel = table.getSelectionModel().getSelectedItems();
        if (sel.size() != 2) {
            compare.setText("Select two runs (Ctrl+click) to compare them.");
            return;
        }
        RunRecord a = sel.get(0).id() <= sel.get(1).id() ? sel.get(0) : sel.get(1);
        RunRecord b = a == sel.get(0) ? sel.get(1) : sel.get(0);
        compareTab.setContent(RunCompare.pane(a, b));
        lower.getSelectionModel().select(compareTab);
        compare.setText(String.format(Locale.ROOT, "Run %d vs run %d: rows 2^%d vs 2^%d; prove %s vs %s (x%.2f); "
                + "peak heap %s vs %s (x%.2f); proof %s vs %s; nominal conjectured security %d vs %d bits.", b.id(), a.id(), b.logN(),
                a.logN(), Format.millis(b.proveMillis()), Format.millis(a.proveMillis()),
                b.proveMillis() / Math.max(1e-9, a.proveMillis()), Format.bytes(b.peakHeap()),
                Format.bytes(a.peakHeap()), b.peakHeap() / (double) Math.max(1, a.peakHeap()),
                Format.bytes(b.proofBytes()), Format.bytes(a.proofBytes()), b.securityBits(), a.securityBits()));
    }

    /** The run's kind as a tag: proof, sweep, bench, batch. */
    private static TableColumn<RunRecord, String> kindColumn() {
        TableColumn<RunRecord, String> c = col("Kind", "What made the run: a single proof (Prove), a point of a "
                + "scaling sweep, a benchmark or a batch. Filter with Show.", r -> r.runKind().word());
        c.setCellFactory(x -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeIf(s -> s.startsWith("run-kind-"));
                setText(empty ? null : item);
                if (!empty && item != null) {
                    getStyleClass().add("run-kind-" + item);
                }
            }
        });
        return c;
    }

    /** The verdict, whole: a mark and a word, the verifier's full answer as the cell's tooltip. */
    private static TableColumn<RunRecord, String> verdictColumn() {
        TableColumn<RunRecord, String> c = col("Verdict", "The verifier's answer on the honest proof (hover a cell for "
                + "its full text).", r -> r.accepted() ? "\u2714 accepted" : "\u2718 rejected");
        c.setCellFactory(x -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                RunRecord r = empty || getTableRow() == null ? null : getTableRow().getItem();
                setText(empty ? null : item);
                setTooltip(r == null ? null : new Tooltip(r.verdict()));
            }
        });
        return c;
    }

    private static TableColumn<RunRecord, String> col(String title, String help, Function<RunRecord, String> f) {
        TableColumn<RunRecord, String> c = new TableColumn<>();
        Label l = new Label(title);
        l.setTooltip(new Tooltip(help));
        c.setGraphic(l);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }
}
