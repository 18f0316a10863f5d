package dev.zkscope.viz;

import dev.zkscope.compile.TableInfo;
import dev.zkscope.quant.LookupTable;
import dev.zkscope.viz.chart.ChartPane;
import dev.zkscope.viz.chart.Charts;
import java.awt.BasicStroke;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The lookup tables of the quantized model: each table's function, the layer using it, its integer input range
 * (and the real interval it covers), its size and its worst error; and, for the selected table, the quantized table
 * plotted against the float function it tabulates, with the error below. Figures come from the quantizer's
 * {@link LookupTable}s: entry x is {@code table.value(x)}, the float curve is {@code table.f()}.
 */
public final class LookupTablesView extends BorderPane {
    /** A table and the layer that uses it. */
    public record Entry(String layer, LookupTable table) {}

    /** At most this many plotted points per curve; larger tables are sampled evenly. */
    static final int MAX_POINTS = 1500;

    private final TableView<Entry> list = new TableView<>();
    private final TableView<CircuitTable> circuitTables = new TableView<>();
    private final SplitPane split;

    /** One logical table of the compiled circuit's tagged table, with the lookups into it. */
    public record CircuitTable(TableInfo info, long lookups) {}
    private final ChartPane viewer = new ChartPane("Select a table to plot it.");
    private final Label note = new Label();
    private final Label heightNote = new Label();

    public LookupTablesView(LayerSelection selection) {
        setId("lookupTables");
        list.setId("lookupList");
        TableSizing.scrollable(list);
        list.setPlaceholder(new Label("No function tables: this model's nonlinearities are proved by comparisons "
                + "and range checks."));
        list.getColumns().add(col("Function", "The nonlinear function this table tabulates.", e -> e.table().name()));
        list.getColumns().add(col("Layer", "The layer whose activations are looked up in it.", Entry::layer));
        list.getColumns().add(col("Input range", "Integer inputs the function is defined on, [lo, hi] at the input "
                + "scale; calibration chose it from sample inputs.", e -> "[" + e.table().lo() + ", " + e.table().hi()
                + "]"));
        list.getColumns().add(col("Real interval", "The real values the range covers: lo / 2^s to hi / 2^s.",
                e -> String.format(Locale.ROOT, "[%.3g, %.3g]", real(e.table().lo(), e.table().inScale()),
                        real(e.table().hi(), e.table().inScale()))));
        list.getColumns().add(col("Rows in circuit", "Rows the table occupies in the trace's fixed table columns, "
                + "from the compiled circuit (the same figure as in the circuit's tables beside). Where the function "
                + "is flat at both ends (sigmoid, tanh, exp saturate), the circuit stores only the part between and "
                + "clamps inputs to it with two comparisons: then fewer rows than inputs.", this::rowsText));
        list.getColumns().add(col("Scales", "Input scale 2^in and output scale 2^out of the fixed-point values.",
                e -> "2^" + e.table().inScale() + " \u2192 2^" + e.table().outScale()));
        list.getColumns().add(col("Max error", "Largest |quantized table - float function| over the table's "
                + "inputs, in real units.", e -> String.format(Locale.ROOT, "%.3g", maxError(e.table()))));
        list.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> plot(e));
        selection.selectedProperty().addListener((o, a, layer) -> {
            for (Entry e : list.getItems()) {
                if (e.layer().equals(layer)) {
                    list.getSelectionModel().select(e);
                }
            }
        });
        note.setPadding(new Insets(6, 8, 6, 8));
        note.setWrapText(true);
        circuitTables.setId("circuitTables");
        TableSizing.scrollable(circuitTables);
        circuitTables.getColumns().add(ccol("Table", "Name of the logical table inside the circuit's shared "
                + "tagged table.", c -> c.info().name()));
        circuitTables.getColumns().add(ccol("Function", "range: values must lie in [min, max] (range checks by "
                + "limbs); otherwise the tabulated function.", c -> c.info().function()));
        circuitTables.getColumns().add(ccol("Input range", "Smallest and largest input in the table.",
                c -> "[" + c.info().inputMin() + ", " + c.info().inputMax() + "]"));
        circuitTables.getColumns().add(ccol("Size", "Rows the table occupies in the fixed table columns.",
                c -> Format.count(c.info().size())));
        circuitTables.getColumns().add(ccol("Lookups", Terms.LOOKUP, c -> Format.count(c.lookups())));
        Label fnTitle = new Label("Function tables (quantized nonlinearities)");
        fnTitle.getStyleClass().add("pane-title");
        fnTitle.setPadding(new Insets(6, 8, 4, 8));
        Label ctTitle = new Label("All tables in the circuit (from the cost ledger)");
        ctTitle.getStyleClass().add("pane-title");
        ctTitle.setPadding(new Insets(6, 8, 4, 8));
        BorderPane fn = new BorderPane(list, fnTitle, null, note, null);
        heightNote.setId("tableHeightNote");
        heightNote.setWrapText(true);
        heightNote.setPadding(new Insets(6, 8, 6, 8));
        heightNote.getStyleClass().add("warning-note");
        heightNote.setManaged(false);
        heightNote.setVisible(false);
        BorderPane ct = new BorderPane(circuitTables, ctTitle, null, heightNote, null);
        SplitPane top = new SplitPane(fn, ct);
        top.setDividerPositions(0.55);
        split = new SplitPane(top, viewer);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.36);
        setCenter(split);
    }

    /** The circuit's logical tables (range and function) with the lookups into each; empty when not compiled. */
    public void setCircuitTables(List<CircuitTable> tables) {
        circuitTables.getItems().setAll(tables);
        inCircuit.clear();
        for (CircuitTable t : tables) {
            inCircuit.put(t.info().name(), t.info());
        }
        list.refresh();
        TableSizing.fit(list); // the rows column's text changed with the circuit's tables
        plot(list.getSelectionModel().getSelectedItem());
    }

    private final java.util.Map<String, TableInfo> inCircuit = new java.util.HashMap<>();

    /** The compiled circuit's table for this function table, or null when not compiled. */
    public TableInfo inCircuit(Entry e) {
        return e == null ? null : inCircuit.get(dev.zkscope.compile.model.TableSpec.nameOf(e.table()));
    }

    /** The rows column: the circuit's rows, and what part of the input range they store when that is less. */
    String rowsText(Entry e) {
        TableInfo t = inCircuit(e);
        if (t == null) {
            return Format.count(e.table().size()) + " (not compiled)";
        }
        return Format.count(t.size()) + (t.size() < e.table().size() ? " of " + Format.count(e.table().size())
                + " inputs: [" + t.inputMin() + ", " + t.inputMax() + "] stored, ends clamped" : "");
    }

    /**
     * Shown under the circuit's tables when they, not the gadgets, set the trace height (the ledger's note: which
     * tables, the height without them, what shrinks them); null hides it.
     */
    public void setHeightNote(String text) {
        boolean show = text != null && !text.isEmpty();
        heightNote.setText(show ? Character.toUpperCase(text.charAt(0)) + text.substring(1) : "");
        heightNote.setManaged(show);
        heightNote.setVisible(show);
    }

    public Label heightNote() {
        return heightNote;
    }

    public TableView<CircuitTable> circuitTables() {
        return circuitTables;
    }

    public void setTables(List<Entry> tables) {
        list.getItems().setAll(tables);
        note.setText(tables.isEmpty() ? "" : tables.size() + " function table(s), calibrated on sample inputs. Select a "
                + "table to plot the quantized table against the float function.");
        if (!tables.isEmpty()) {
            list.getSelectionModel().select(0);
            if (!split.getItems().contains(viewer)) {
                split.getItems().add(viewer);
                split.setDividerPositions(0.36);
            }
        } else {
            viewer.setChart(null);
            // Nothing to plot: the tables take the whole view (no empty chart pane).
            split.getItems().remove(viewer);
        }
    }

    public TableView<Entry> list() {
        return list;
    }

    public ChartPane viewer() {
        return viewer;
    }

    static double real(long x, int scale) {
        return x / Math.pow(2, scale);
    }

    /** The largest |table - f| over the inputs, in real units (sampled for large tables). */
    public static double maxError(LookupTable t) {
        double max = 0;
        long step = Math.max(1, t.size() / 20_000);
        for (long x = t.lo(); x <= t.hi(); x += step) {
            max = Math.max(max, Math.abs(real(t.value(x), t.outScale()) - t.f().applyAsDouble(real(x, t.inScale()))));
        }
        return max;
    }

    private void plot(Entry e) {
        if (e == null) {
            viewer.setChart(null);
            return;
        }
        viewer.setChart(chart(e, inCircuit(e)));
    }

    /** The chart of one table: float function and quantized table above, error below. */
    public static JFreeChart chart(Entry e) {
        return chart(e, null);
    }

    /** The same, titled with the compiled circuit's rows for the table when {@code inCircuit} is known. */
    public static JFreeChart chart(Entry e, TableInfo inCircuit) {
        LookupTable t = e.table();
        XYSeries fl = new XYSeries("float " + t.name());
        XYSeries q = new XYSeries("quantized table");
        XYSeries err = new XYSeries("error (table - float)");
        long step = Math.max(1, t.size() / MAX_POINTS);
        for (long x = t.lo(); x <= t.hi(); x += step) {
            double rx = real(x, t.inScale());
            double fy = t.f().applyAsDouble(rx);
            double qy = real(t.value(x), t.outScale());
            fl.add(rx, fy);
            q.add(rx, qy);
            err.add(rx, qy - fy);
        }
        NumberAxis xAxis = new NumberAxis("input (real value)");
        XYStepRenderer stepR = new XYStepRenderer();
        stepR.setSeriesPaint(0, Charts.PALETTE[1]);
        stepR.setSeriesStroke(0, new BasicStroke(2f));
        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        line.setSeriesPaint(0, Charts.PALETTE[0]);
        line.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {5f, 4f}, 0f));
        XYPlot values = new XYPlot(new XYSeriesCollection(q), null, new NumberAxis("output"), stepR);
        values.setDataset(1, new XYSeriesCollection(fl));
        values.setRenderer(1, line);
        XYLineAndShapeRenderer errR = new XYLineAndShapeRenderer(true, false);
        errR.setSeriesPaint(0, Charts.PALETTE[5]);
        XYPlot errors = new XYPlot(new XYSeriesCollection(err), null, new NumberAxis("error"), errR);
        ((NumberAxis) values.getRangeAxis()).setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(xAxis);
        plot.setGap(12);
        plot.add(values, 3);
        plot.add(errors, 1);
        String rows = inCircuit == null ? Format.count(t.size()) + " inputs"
                : Format.count(inCircuit.size()) + " rows in the circuit";
        JFreeChart chart = new JFreeChart(t.name() + " on [" + t.lo() + ", " + t.hi() + "] (" + rows
                + ") \u2014 layer " + e.layer(), null, plot, true);
        Charts.style(chart);
        for (XYPlot sub : plot.getSubplots()) {
            Charts.style(sub);
        }
        return chart;
    }

    private static TableColumn<CircuitTable, String> ccol(String title, String help,
                                                         java.util.function.Function<CircuitTable, String> f) {
        TableColumn<CircuitTable, String> c = new TableColumn<>();
        Label l = new Label(title);
        Tooltip tip = new Tooltip(help);
        tip.setWrapText(true);
        tip.setMaxWidth(400);
        l.setTooltip(tip);
        c.setGraphic(l);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    private static TableColumn<Entry, String> col(String title, String help,
                                                  java.util.function.Function<Entry, String> f) {
        TableColumn<Entry, String> c = new TableColumn<>();
        Label l = new Label(title);
        Tooltip tip = new Tooltip(help);
        tip.setWrapText(true);
        tip.setMaxWidth(400);
        l.setTooltip(tip);
        c.setGraphic(l);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }
}
