package dev.zkscope.app;

import dev.zkscope.viz.Format;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

/**
 * Two runs side by side, phase by phase (time in A and in B, the difference and the ratio, as a table and a bar
 * chart) and layer by layer (the trace rows each layer of each run's circuit takes, where both runs recorded them).
 * The prover works per column, not per layer, so a layer's cost is its rows; no per-layer time is measured.
 */
final class RunCompare {
    private RunCompare() {
    }

    /** One phase: milliseconds in A and in B (NaN where that run has no such phase). */
    record PhaseRow(String phase, double aMillis, double bMillis) {
        double diff() {
            return bMillis - aMillis;
        }
    }

    /** One layer: rows in A and in B (-1 where that run's circuit has no such layer). */
    record LayerRow(String layer, int aRows, int bRows) {
        int diff() {
            return Math.max(0, bRows) - Math.max(0, aRows);
        }
    }

    /** The phases of either run, in A's order then B's, with the prover's total and the verifier. */
    static List<PhaseRow> phases(RunRecord a, RunRecord b) {
        Map<String, Double> pa = a.phaseMillis() == null ? Map.of() : a.phaseMillis();
        Map<String, Double> pb = b.phaseMillis() == null ? Map.of() : b.phaseMillis();
        Set<String> names = new LinkedHashSet<>(pa.keySet());
        names.addAll(pb.keySet());
        List<PhaseRow> out = new ArrayList<>();
        for (String n : names) {
            out.add(new PhaseRow(n, pa.getOrDefault(n, Double.NaN), pb.getOrDefault(n, Double.NaN)));
        }
        out.add(new PhaseRow("prover (all rounds)", a.proveMillis(), b.proveMillis()));
        return out;
    }

    /** Every layer of either run's circuit, A's order first; empty unless both runs recorded their layers. */
    static List<LayerRow> layers(RunRecord a, RunRecord b) {
        if (a.layerRows() == null || b.layerRows() == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>(a.layerRows().keySet());
        names.addAll(b.layerRows().keySet());
        List<LayerRow> out = new ArrayList<>();
        for (String n : names) {
            out.add(new LayerRow(n, a.layerRows().getOrDefault(n, -1), b.layerRows().getOrDefault(n, -1)));
        }
        return out;
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : Format.millis(v);
    }

    static String signedMs(double v) {
        return Double.isNaN(v) ? "-" : (v >= 0 ? "+" : "\u2212") + Format.millis(Math.abs(v));
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || a <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", b / a);
    }

    /** The comparison pane: a headline, the phase table and bar chart, and the layer table. */
    static BorderPane pane(RunRecord a, RunRecord b) {
        String head = String.format(Locale.ROOT, "A = run %d (%s, 2^%d rows, %s)   vs   B = run %d (%s, 2^%d rows, %s):"
                        + " prove %s vs %s (%s), peak heap %s vs %s, proof %s vs %s.", a.id(), a.model(), a.logN(),
                a.runKind().word(), b.id(), b.model(), b.logN(), b.runKind().word(), Format.millis(a.proveMillis()),
                Format.millis(b.proveMillis()), ratio(a.proveMillis(), b.proveMillis()), Format.bytes(a.peakHeap()),
                Format.bytes(b.peakHeap()), Format.bytes(a.proofBytes()), Format.bytes(b.proofBytes()));
        Label headline = new Label(head);
        headline.setWrapText(true);
        headline.setId("compareHeadline");
        headline.setPadding(new Insets(4, 8, 4, 8));

        List<PhaseRow> rows = phases(a, b);
        TableView<PhaseRow> pt = new TableView<>();
        pt.setId("comparePhases");
        pt.getColumns().add(col("Phase", PhaseRow::phase));
        pt.getColumns().add(col("A (run " + a.id() + ")", r -> ms(r.aMillis())));
        pt.getColumns().add(col("B (run " + b.id() + ")", r -> ms(r.bMillis())));
        pt.getColumns().add(col("B \u2212 A", r -> signedMs(r.diff())));
        pt.getColumns().add(col("B / A", r -> ratio(r.aMillis(), r.bMillis())));
        pt.getItems().setAll(rows);
        pt.setPlaceholder(new Label("These runs were saved before phases were recorded."));
        pt.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);

        CategoryAxis cx = new CategoryAxis();
        NumberAxis cy = new NumberAxis();
        cy.setLabel("ms");
        BarChart<String, Number> bars = new BarChart<>(cx, cy);
        bars.setId("compareBars");
        bars.setAnimated(false);
        bars.setTitle("Time per phase");
        XYChart.Series<String, Number> sa = new XYChart.Series<>();
        sa.setName("A: run " + a.id());
        XYChart.Series<String, Number> sb = new XYChart.Series<>();
        sb.setName("B: run " + b.id());
        for (PhaseRow r : rows) {
            sa.getData().add(new XYChart.Data<>(r.phase(), Double.isNaN(r.aMillis()) ? 0 : r.aMillis()));
            sb.getData().add(new XYChart.Data<>(r.phase(), Double.isNaN(r.bMillis()) ? 0 : r.bMillis()));
        }
        bars.getData().add(sa);
        bars.getData().add(sb);
        bars.setMinSize(0, 0);

        List<LayerRow> layers = layers(a, b);
        TableView<LayerRow> lt = new TableView<>();
        lt.setId("compareLayers");
        lt.getColumns().add(col("Layer", LayerRow::layer));
        lt.getColumns().add(col("Rows A", r -> r.aRows() < 0 ? "-" : Format.count(r.aRows())));
        lt.getColumns().add(col("Rows B", r -> r.bRows() < 0 ? "-" : Format.count(r.bRows())));
        lt.getColumns().add(col("B \u2212 A", r -> (r.diff() >= 0 ? "+" : "\u2212") + Format.count(Math.abs(r.diff()))));
        lt.getItems().setAll(layers);
        lt.setPlaceholder(new Label("Rows per layer are kept for runs made from now on (both runs need them)."));
        lt.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);

        SplitPane body = new SplitPane(pt, bars, lt);
        body.setDividerPositions(0.36, 0.68);
        BorderPane p = new BorderPane(body, headline, null, null, null);
        p.setId("runsComparison");
        p.setMinSize(0, 0);
        return p;
    }

    private static <T> TableColumn<T, String> col(String title, java.util.function.Function<T, String> f) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setSortable(false);
        return c;
    }
}
