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

/** The Runs tab: every proof run of the session in a table; selecting two compares them. */
final class RunsView extends BorderPane {
    private final TableView<ProveRun> table = new TableView<>();
    private final Label compare = new Label("Select two runs (Ctrl+click) to compare them.");

    RunsView(ProveViewModel pvm) {
        setId("runsView");
        table.setId("runsTable");
        table.setItems(pvm.runs());
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        table.setPlaceholder(new Label("No proof runs yet: press Prove."));
        table.getColumns().addAll(List.of(
                col("#", "Run number.", r -> String.valueOf(r.id())),
                col("Model", "Model file.", ProveRun::model),
                col("Preset", "Proof parameter preset, its conjectured security, zero knowledge on or off.",
                        r -> r.settings().preset() + ", " + r.securityBits() + " bits"
                                + (r.settings().zeroKnowledge() ? "" : ", no ZK")),
                col("Scales/cols", "Input and parameter scale (log2; auto = calibrated) and inner columns.",
                        r -> scale(r.settings().inputScale()) + "/" + scale(r.settings().paramScale()) + ", "
                                + (r.settings().innerCols() == 0 ? "auto" : String.valueOf(r.settings().innerCols()))),
                col("Rows", "Trace height 2^k and the rows used by gadgets.",
                        r -> "2^" + r.logN() + " (" + Format.count(r.gadgetRows()) + " used)"),
                col("Keygen", "Key generation time.", r -> Format.millis(r.keygenMillis())),
                col("Prove", "Prover time (its rounds).", r -> Format.millis(r.proveMillis())),
                col("Predicted", "The cost model's prediction of the prover time, made before the run.",
                        r -> r.forecast() == null ? "" : String.format(Locale.ROOT, "%.1f s",
                                r.forecast().proveSeconds())),
                col("Verify", "Verifier time.", r -> Format.millis(r.verifyMillis())),
                col("Peak heap", "Largest used heap sampled while proving.", r -> Format.bytes(r.peakHeap())),
                col("Proof size", "Serialized proof.", r -> Format.bytes(r.proof().length)),
                col("Verdict", "The verifier's answer on the honest proof.",
                        r -> r.verdict().accepted() ? "accepted" : "rejected")));
        double[] mins = {34, 110, 130, 128, 136, 68, 68, 76, 58, 80, 80, 68};
        for (int i = 0; i < mins.length && i < table.getColumns().size(); i++) {
            table.getColumns().get(i).setMinWidth(mins[i]);
            table.getColumns().get(i).setPrefWidth(mins[i] + 6);
        }
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<ProveRun>) c -> compare());
        compare.setPadding(new Insets(8));
        compare.setWrapText(true);
        compare.setId("runsCompare");
        BorderPane top = new BorderPane(table, null, null, compare, null);

        ComboBox<Integer> steps = new ComboBox<>();
        steps.getItems().addAll(2, 3, 4, 5);
        steps.setValue(3);
        Button sweep = new Button("Run scaling sweep");
        sweep.setId("sweepButton");
        sweep.setTooltip(new Tooltip("Proves the open model padded to growing trace heights 2^k, 2^(k+1), ... and "
                + "plots time and memory against rows beside the cost model's prediction. Cancel stops it."));
        sweep.setOnAction(e -> pvm.sweep(steps.getValue()));
        sweep.disableProperty().bind(pvm.runningProperty());
        Label status = new Label();
        status.textProperty().bind(pvm.sweepStatusProperty());
        HBox bar = new HBox(10, new Label("Scaling sweep, trace heights:"), steps, sweep, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 8, 6, 8));
        BorderPane bottom = new BorderPane(chart, bar, null, null, null);
        SplitPane split = new SplitPane(top, bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.38);
        setCenter(split);
        pvm.runs().addListener((ListChangeListener<ProveRun>) c -> plot(pvm.runs()));
        plot(pvm.runs());
    }

    private final ChartPane chart = new ChartPane("Prove the model (or run a sweep) to plot time and memory "
            + "against rows.");

    private void plot(List<ProveRun> runs) {
        if (runs.isEmpty()) {
            chart.setChart(null);
            return;
        }
        List<ScalingChart.Point> pts = new java.util.ArrayList<>();
        for (ProveRun r : runs) {
            pts.add(new ScalingChart.Point(1L << r.logN(), r.proveMillis() / 1000,
                    r.forecast() == null ? Double.NaN : r.forecast().proveSeconds(), r.peakHeap()));
        }
        chart.setChart(ScalingChart.chart(pts));
    }

    TableView<ProveRun> table() {
        return table;
    }

    private static String scale(Integer s) {
        return s == null ? "auto" : String.valueOf(s);
    }

    private void compare() {
        List<ProveRun> sel = table.getSelectionModel().getSelectedItems();
        if (sel.size() != 2) {
            compare.setText("Select two runs (Ctrl+click) to compare them.");
            return;
        }
        ProveRun a = sel.get(0);
        ProveRun b = sel.get(1);
        compare.setText(String.format(Locale.ROOT, "Run %d vs run %d: rows 2^%d vs 2^%d; prove %s vs %s (x%.2f); "
                + "peak heap %s vs %s (x%.2f); proof %s vs %s; security %d vs %d bits.", b.id(), a.id(), b.logN(),
                a.logN(), Format.millis(b.proveMillis()), Format.millis(a.proveMillis()),
                b.proveMillis() / Math.max(1e-9, a.proveMillis()), Format.bytes(b.peakHeap()),
                Format.bytes(a.peakHeap()), b.peakHeap() / (double) Math.max(1, a.peakHeap()),
                Format.bytes(b.proof().length), Format.bytes(a.proof().length), b.securityBits(), a.securityBits()));
    }

    private static TableColumn<ProveRun, String> col(String title, String help, Function<ProveRun, String> f) {
        TableColumn<ProveRun, String> c = new TableColumn<>();
        Label l = new Label(title);
        l.setTooltip(new Tooltip(help));
        c.setGraphic(l);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }
}
