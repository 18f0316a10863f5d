package dev.zkscope.viz.trace;

import dev.zkscope.circuit.Region;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.LayerSelection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * The trace as a heatmap: one vertical strip per column (advice, fixed, lookup-table, instance), rows top to bottom,
 * each used cell coloured by the layer whose region holds its row; lookup-table columns in teal, the blinding rows
 * at the bottom hatched grey. Scroll to zoom into a row range around the pointer, drag to move it, Reset to see all
 * rows. Hovering names the row, column, layer and gadget; clicking selects the layer everywhere.
 */
public final class TraceHeatmap extends BorderPane {
    static final Color[] LAYER_COLORS = {
        Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#e15759"), Color.web("#76b7b2"),
        Color.web("#59a14f"), Color.web("#edc948"), Color.web("#b07aa1"), Color.web("#ff9da7"),
        Color.web("#9c755f"), Color.web("#86bcb6"), Color.web("#d37295"), Color.web("#a0cbe8")
    };
    static final Color TABLE = Color.web("#2a9d8f");
    static final Color INSTANCE = Color.web("#6a4c93");
    static final Color BLINDING = Color.web("#8d8d8d");
    static final Color EMPTY = Color.web("#f1f2f4");
    private static final double HEADER = 58;
    private static final double LEFT = 64;

    private final LayerSelection selection;
    private final Canvas canvas = new Canvas();
    private final Pane canvasHolder = new Pane(canvas);
    private final Label hover = new Label(" ");
    private final Label range = new Label();
    /** One legend line: a colour and what it marks. */
    record Swatch(Color color, String text) {}

    /** The legend, virtualized: a model of 10,000 layers has 10,000 lines, of which only those in view are nodes. */
    private final javafx.scene.control.ListView<Swatch> legend = new javafx.scene.control.ListView<>();
    private final Map<String, Color> colors = new HashMap<>();
    private TraceMap map;
    private int first;
    private int count;
    private double dragY;

    public TraceHeatmap(LayerSelection selection) {
        this.selection = selection;
        setId("traceHeatmap");
        hover.setId("heatmapHover");
        canvas.widthProperty().bind(canvasHolder.widthProperty());
        canvas.heightProperty().bind(canvasHolder.heightProperty());
        canvas.widthProperty().addListener((o, a, b) -> draw());
        canvas.heightProperty().addListener((o, a, b) -> draw());
        canvasHolder.setMinSize(0, 0);
        Button reset = new Button("Reset zoom");
        reset.setOnAction(e -> {
            if (map != null) {
                first = 0;
                count = map.n();
                draw();
            }
        });
        Button toLayer = new Button("Zoom to selected layer");
        toLayer.setId("zoomToLayer");
        toLayer.setOnAction(e -> zoomToLayer(selection.selected()));
        toLayer.disableProperty().bind(selection.selectedProperty().isNull());
        javafx.scene.layout.Region grow = new javafx.scene.layout.Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(12, new Label("Scroll to zoom into rows, drag to move, click to select a layer."),
                grow, range, toLayer, reset);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6, 8, 6, 8));
        setTop(top);
        setCenter(canvasHolder);
        legend.setId("heatmapLegend");
        legend.setPrefWidth(250);
        legend.setFocusTraversable(false);
        legend.setCellFactory(v -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Swatch s, boolean empty) {
                super.updateItem(s, empty);
                setText(null);
                setGraphic(empty || s == null ? null : swatch(s.color(), s.text()));
            }
        });
        // Clicking a layer's line selects the layer (and Zoom to selected layer goes there).
        legend.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> {
            if (s != null && colors.containsKey(s.text()) && !s.text().equals(selection.selected())) {
                selection.select(s.text());
            }
        });
        setRight(legend);
        hover.setPadding(new Insets(4, 8, 4, 8));
        setBottom(hover);

        canvas.setOnScroll(e -> {
            if (map == null) {
                return;
            }
            int row = rowAt(e.getY());
            double factor = e.getDeltaY() > 0 ? 0.7 : 1 / 0.7;
            int next = (int) Math.max(16, Math.min(map.n(), Math.round(count * factor)));
            double frac = Math.max(0, Math.min(1, (e.getY() - HEADER) / plotHeight()));
            first = (int) Math.max(0, Math.min(map.n() - next, row - Math.round(frac * next)));
            count = next;
            draw();
            e.consume();
        });
        canvas.setOnMousePressed(e -> dragY = e.getY());
        canvas.setOnMouseDragged(e -> {
            if (map == null) {
                return;
            }
            int delta = (int) Math.round((dragY - e.getY()) / plotHeight() * count);
            if (delta != 0) {
                first = Math.max(0, Math.min(map.n() - count, first + delta));
                dragY = e.getY();
                draw();
            }
        });
        canvas.setOnMouseMoved(e -> hover.setText(describe(e.getX(), e.getY())));
        canvas.setOnMouseClicked(e -> {
            if (map == null || !e.isStillSincePress()) {
                return;
            }
            int clicked = rowAt(e.getY());
            Region r = map.regionAt(clicked);
            if (r != null) {
                clickedRow.set(clicked);
                selection.select(r.layer());
            }
        });
        selection.selectedProperty().addListener((o, a, b) -> draw());
        dev.zkscope.viz.chart.Charts.darkProperty().addListener(new javafx.beans.value.WeakChangeListener<>(redraw));
    }

    private final javafx.beans.property.IntegerProperty clickedRow = new javafx.beans.property.SimpleIntegerProperty(-1);

    /** The trace row of the last cell clicked (-1 before any): the drill-down follows that row's element. */
    public javafx.beans.property.ReadOnlyIntegerProperty clickedRowProperty() {
        return clickedRow;
    }

    /** Redraws the labels in the other theme's colour (held strongly here, weakly by the global theme property). */
    private final javafx.beans.value.ChangeListener<Boolean> redraw = (o, a, b) -> draw();

    public void setTrace(TraceMap m) {
        this.map = m;
        // The status line described a cell of the trace shown before: it goes with it.
        hover.setText(m == null ? " " : "Hover over the trace to see a cell's column, row, layer and gadget.");
        colors.clear();
        List<Swatch> lines = new java.util.ArrayList<>();
        if (m != null) {
            first = 0;
            count = m.n();
            int i = 0;
            for (String layer : m.layers()) {
                Color c = LAYER_COLORS[i++ % LAYER_COLORS.length];
                colors.put(layer, c);
                lines.add(new Swatch(c, layer));
            }
            lines.add(new Swatch(TABLE, "lookup table columns"));
            lines.add(new Swatch(INSTANCE, "public values (instance)"));
            lines.add(new Swatch(BLINDING, "blinding rows (zero knowledge)"));
        }
        legend.getItems().setAll(lines);
        draw();
    }

    /** Zooms to rows [from, from + rows). */
    public void zoomTo(int from, int rows) {
        if (map == null) {
            return;
        }
        count = Math.max(1, Math.min(map.n(), rows));
        first = Math.max(0, Math.min(map.n() - count, from));
        draw();
    }

    /** Zooms to the rows of a layer's regions (with a small margin); false if the layer has none. */
    public boolean zoomToLayer(String layer) {
        if (map == null || layer == null) {
            return false;
        }
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (Region r : map.regions()) {
            if (r.layer().equals(layer) && r.rows() > 0) {
                lo = Math.min(lo, r.start());
                hi = Math.max(hi, r.start() + r.rows());
            }
        }
        if (hi < 0) {
            return false;
        }
        int margin = Math.max(2, (hi - lo) / 20);
        zoomTo(lo - margin, hi - lo + 2 * margin);
        return true;
    }

    /** First row shown. */
    public int firstRow() {
        return first;
    }

    /** Number of rows shown. */
    public int rowCount() {
        return count;
    }

    public TraceMap trace() {
        return map;
    }

    private static HBox swatch(Color c, String text) {
        Rectangle r = new Rectangle(14, 14, c);
        r.setStroke(Color.gray(0.4));
        Label l = new Label(text);
        l.setWrapText(true);
        HBox h = new HBox(6, r, l);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private double plotHeight() {
        return Math.max(1, canvas.getHeight() - HEADER - 8);
    }

    private double columnWidth() {
        return map == null ? 1 : Math.max(3, Math.min(34, (canvas.getWidth() - LEFT - 10) / map.columns().size()));
    }

    private int rowAt(double y) {
        double f = (y - HEADER) / plotHeight();
        return (int) Math.max(0, Math.min(map.n() - 1, first + Math.floor(f * count)));
    }

    private String describe(double x, double y) {
        if (map == null || y < HEADER) {
            return " ";
        }
        int row = rowAt(y);
        int col = (int) Math.floor((x - LEFT) / columnWidth());
        StringBuilder sb = new StringBuilder("row " + Format.count(row));
        if (col >= 0 && col < map.columns().size()) {
            TraceMap.ColumnInfo c = map.columns().get(col);
            sb.append(", column ").append(c.name()).append(" (").append(c.kind().name().toLowerCase()).append(")")
                    .append(c.used().get(row) ? "" : ", unused");
        }
        if (map.isBlinding(row)) {
            sb.append(": blinding row (random values for zero knowledge)");
        } else {
            Region r = map.regionAt(row);
            sb.append(r == null ? ": no gadget" : ": layer " + r.layer() + ", gadget " + r.gadget()
                    + " (rows " + r.start() + "\u2013" + (r.start() + r.rows() - 1) + ")");
        }
        return sb.toString();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        if (map == null) {
            range.setText("");
        }
        if (map == null || w <= 0 || h <= 0) {
            return;
        }
        range.setText("rows " + Format.count(first) + "\u2013" + Format.count(first + count - 1) + " of "
                + Format.count(map.n()));
        double cw = columnWidth();
        double ph = plotHeight();
        int pixels = (int) Math.max(1, Math.floor(ph));
        double rowsPerPixel = count / (double) pixels;
        String sel = selection.selected();
        g.setFont(Font.font("System", 10));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        for (int c = 0; c < map.columns().size(); c++) {
            TraceMap.ColumnInfo col = map.columns().get(c);
            double x = LEFT + c * cw;
            g.save();
            g.translate(x + cw / 2 + 3, HEADER - 4);
            g.rotate(-90);
            g.setFill(text());
            if (cw >= 9) {
                g.fillText(shortName(col.name()), 0, 0);
            }
            g.restore();
            for (int p = 0; p < pixels; p++) {
                int r0 = first + (int) Math.floor(p * rowsPerPixel);
                int r1 = Math.max(r0 + 1, first + (int) Math.floor((p + 1) * rowsPerPixel));
                r1 = Math.min(r1, map.n());
                if (r0 >= map.n()) {
                    break;
                }
                Color fill = cellColor(col, r0, r1, sel);
                g.setFill(fill);
                double y0 = HEADER + p * (ph / pixels);
                g.fillRect(x, y0, Math.max(1, cw - 1), Math.max(1, ph / pixels) + 0.5);
            }
        }
        if (cw < 9) {
            drawGroups(g, cw);
        }
        int blind = map.usableRows();
        if (blind < map.n() && blind >= first && blind < first + count) {
            double y = HEADER + (blind - first) / (double) count * ph;
            double right = LEFT + map.columns().size() * cw;
            g.setStroke(text().interpolate(Color.GRAY, 0.3));
            g.setLineDashes(4, 3);
            g.strokeLine(LEFT - 4, y, right, y);
            g.setLineDashes();
            g.setFill(text());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText("blinding rows \u2193 " + Format.count(blind) + "\u2013" + Format.count(map.n() - 1), right,
                    y - 8);
        }
        g.setFill(text());
        g.setTextAlign(TextAlignment.RIGHT);
        for (int t = 0; t <= 8; t++) {
            int row = first + (int) Math.round(t / 8.0 * (count - 1));
            double y = HEADER + (row - first + 0.5) / count * ph;
            g.fillText(Format.count(row), LEFT - 6, y);
        }
    }

    /** Columns too narrow for their names: one label per run of columns of the same kind, over a bracket. */
    private void drawGroups(GraphicsContext g, double cw) {
        List<TraceMap.ColumnInfo> cols = map.columns();
        int start = 0;
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int c = 1; c <= cols.size(); c++) {
            if (c == cols.size() || cols.get(c).kind() != cols.get(start).kind()) {
                double x0 = LEFT + start * cw;
                double x1 = LEFT + c * cw - 1;
                int n = c - start;
                String kind = cols.get(start).kind().name().toLowerCase();
                String label = n == 1 ? cols.get(start).name() : kind + " (" + n + ")";
                g.setStroke(Color.gray(0.45));
                g.strokeLine(x0, HEADER - 8, x1, HEADER - 8);
                g.strokeLine(x0, HEADER - 8, x0, HEADER - 4);
                g.strokeLine(x1, HEADER - 8, x1, HEADER - 4);
                g.setFill(text());
                if (x1 - x0 > 30) {
                    g.fillText(label, (x0 + x1) / 2, HEADER - 20);
                }
                start = c;
            }
        }
    }

    /** Label colour of the current theme (the light theme's near-black is invisible on the dark background). */
    static Color text() {
        java.awt.Color c = dev.zkscope.viz.chart.Charts.theme().text();
        return Color.rgb(c.getRed(), c.getGreen(), c.getBlue());
    }

    /** The legend's lines (layers in placement order, then tables, public values and blinding rows). */
    public List<String> legendLines() {
        return legend.getItems().stream().map(Swatch::text).toList();
    }

    /** The status line under the trace (what the pointer is over). */
    public Label status() {
        return hover;
    }

    private static String shortName(String s) {
        return s.length() > 9 ? s.substring(0, 8) + "\u2026" : s;
    }

    private Color cellColor(TraceMap.ColumnInfo col, int r0, int r1, String sel) {
        if (map.isBlinding(r0)) {
            return ((r0 / Math.max(1, (r1 - r0))) % 2 == 0) ? BLINDING : BLINDING.brighter();
        }
        int used = col.usedIn(r0, r1);
        if (used == 0) {
            return EMPTY;
        }
        double density = 0.35 + 0.65 * used / (double) (r1 - r0);
        Color base;
        boolean dim = false;
        switch (col.kind()) {
            case TABLE:
                base = TABLE;
                break;
            case INSTANCE:
                base = INSTANCE;
                break;
            default:
                Region r = map.regionAt(r0);
                base = r == null ? Color.gray(0.6) : colors.getOrDefault(r.layer(), Color.gray(0.6));
                dim = sel != null && (r == null || !sel.equals(r.layer()));
                if (col.kind() == TraceMap.Kind.FIXED) {
                    base = base.interpolate(Color.WHITE, 0.35);
                }
                break;
        }
        Color c = EMPTY.interpolate(base, density);
        return dim ? c.interpolate(EMPTY, 0.7) : c;
    }
}
