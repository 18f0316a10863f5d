package dev.zkscope.viz;

import dev.zkscope.compile.CostLedger;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.viz.chart.ChartPane;
import dev.zkscope.viz.chart.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.entity.CategoryItemEntity;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.chart.plot.CategoryMarker;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The blowup chart: per layer, the constraints its gadgets add, stacked by kind (gate activations, lookups, range
 * checks, copy constraints), with the trace rows the layer occupies as markers; linear or log scale. Every number
 * is the compiler's cost ledger. Clicking a bar selects the layer.
 */
public final class BlowupView extends BorderPane {
    static final String[] KINDS = {"gate activations", "function lookups", "range-check lookups", "copy constraints"};

    private final LayerSelection selection;
    private final ChartPane chartPane = new ChartPane("Not compiled yet.");
    private final CheckBox log = new CheckBox("Log scale");
    private final Label summary = new Label();
    private CostLedger ledger;
    private List<String> labels = List.of();

    public BlowupView(LayerSelection selection) {
        this.selection = selection;
        setId("blowupView");
        log.setId("logScale");
        log.setTooltip(new Tooltip("Logarithmic value axis: small layers stay visible next to large ones."));
        log.selectedProperty().addListener((o, a, b) -> redraw());
        Label what = new Label("Per layer, from the cost ledger: its trace rows (top), then its constraints by kind");
        what.setTooltip(tip(Terms.BLOWUP + "\n\n" + Terms.ROWS + "\n\n" + Terms.LOOKUP + "\n\n" + Terms.RANGE_CHECK
                + "\n\n" + Terms.COPIES));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(14, what, log, grow, summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 8, 6, 8));
        setTop(bar);
        setCenter(chartPane);
        chartPane.addChartMouseListener(clicks);
        selection.selectedProperty().addListener((o, a, b) -> mark());
    }

    private static Tooltip tip(String s) {
        Tooltip t = new Tooltip(s);
        t.setWrapText(true);
        t.setMaxWidth(460);
        return t;
    }

    public void setLedger(CostLedger l) {
        this.ledger = l;
        redraw();
    }

    public CheckBox logScale() {
        return log;
    }

    public JFreeChart chart() {
        return chartPane.chart();
    }

    private void redraw() {
        if (ledger == null) {
            chartPane.setChart(null);
            summary.setText("");
            return;
        }
        chartPane.setChart(chart(ledger, log.isSelected()));
        labels = ledger.layers().stream().map(LayerCost::layer).toList();
        long constraints = ledger.totalGates().values().stream().mapToLong(Long::longValue).sum()
                + ledger.totalLookups() + ledger.totalRangeChecks() + ledger.totalCopies();
        summary.setText(Format.count(ledger.gadgetRows()) + " gadget rows in a 2^" + ledger.logN() + " trace, "
                + Format.count(constraints) + " constraints");
        mark();
    }

    /** The series of the chart, in order: trace rows first (what the layer costs in the trace), then its constraints. */
    static final String ROWS = "trace rows";

    /**
     * The chart for a ledger; {@code logScale} uses logarithmic value axes. Two panels over one layer axis: on top,
     * the primary one, each layer's trace rows (the real cost driver: the trace height sets the prover's time and
     * memory), on its own scale so that it is never a marker under a larger count; below, its constraints by kind
     * (gate activations, function lookups, range-check lookups, copy constraints), side by side, not stacked, so that
     * every kind stays visible on a log scale (a stacked segment on a log axis shrinks to nothing above a larger one),
     * and every non-zero count is drawn at least a few pixels tall on the linear scale.
     */
    public static JFreeChart chart(CostLedger ledger, boolean logScale) {
        DefaultCategoryDataset rows = new DefaultCategoryDataset();
        DefaultCategoryDataset kinds = new DefaultCategoryDataset();
        for (LayerCost c : ledger.layers()) {
            String layer = c.layer();
            long range = rangeLookups(c);
            rows.addValue(orNull(c.rows(), logScale), ROWS, layer);
            kinds.addValue(orNull(c.gateCount(), logScale), KINDS[0], layer);
            kinds.addValue(orNull(c.lookupCount() - range, logScale), KINDS[1], layer);
            kinds.addValue(orNull(range, logScale), KINDS[2], layer);
            kinds.addValue(orNull(c.copies(), logScale), KINDS[3], layer);
        }
        CategoryAxis x = new CategoryAxis("layer (placement order)");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        x.setMaximumCategoryLabelWidthRatio(2.5f);
        x.setCategoryMargin(0.25);
        org.jfree.chart.renderer.category.BarRenderer rowBars = bars();
        rowBars.setSeriesPaint(0, new Color(0x5a6b8c)); // slate: readable on the light and the dark background
        rowBars.setItemMargin(0);
        org.jfree.chart.renderer.category.BarRenderer kindBars = bars();
        for (int i = 0; i < KINDS.length; i++) {
            kindBars.setSeriesPaint(i, Charts.PALETTE[i]);
        }
        CategoryPlot rowPlot = new CategoryPlot(rows, null, logScale ? Charts.logAxis("trace rows (log)")
                : new NumberAxis("trace rows"), rowBars);
        CategoryPlot kindPlot = new CategoryPlot(kinds, null, logScale ? Charts.logAxis("constraints (log)")
                : new NumberAxis("constraints"), kindBars);
        org.jfree.chart.plot.CombinedDomainCategoryPlot plot = new org.jfree.chart.plot.CombinedDomainCategoryPlot(x);
        plot.setGap(10);
        plot.add(rowPlot, ROWS_WEIGHT);
        plot.add(kindPlot, KINDS_WEIGHT);
        JFreeChart chart = new JFreeChart("Circuit blowup per layer: trace rows (top), constraints by kind (below)",
                null, plot, true);
        Charts.style(chart);
        return chart;
    }

    /** The rows panel's and the constraints panel's share of the chart's height: rows are the primary panel. */
    static final int ROWS_WEIGHT = 3;
    static final int KINDS_WEIGHT = 2;

    private static org.jfree.chart.renderer.category.BarRenderer bars() {
        org.jfree.chart.renderer.category.BarRenderer bars = new org.jfree.chart.renderer.category.BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.02);
        bars.setMinimumBarLength(3);
        bars.setDefaultToolTipGenerator((d, r, col) -> d.getColumnKey(col) + ": " + Format.count(
                d.getValue(r, col) == null ? 0 : d.getValue(r, col).longValue()) + " " + d.getRowKey(r));
        return bars;
    }

    /** Lookups into the range tables (the limbs of range checks), as opposed to function tables. */
    static long rangeLookups(LayerCost c) {
        long n = 0;
        for (java.util.Map.Entry<String, Long> e : c.lookups().entrySet()) {
            if (e.getKey().startsWith(RANGE_PREFIX)) {
                n += e.getValue();
            }
        }
        return n;
    }

    private static final String RANGE_PREFIX = dev.zkscope.compile.Tables.rangeName(1).replaceAll("\\d+$", "");

    private static Number orNull(long v, boolean log) {
        return log && v <= 0 ? null : (Number) v;
    }

    private void mark() {
        JFreeChart c = chartPane.chart();
        if (c == null) {
            return;
        }
        List<CategoryPlot> panels = c.getPlot() instanceof org.jfree.chart.plot.CombinedDomainCategoryPlot comb
                ? comb.getSubplots() : List.of((CategoryPlot) c.getPlot());
        String sel = selection.selected();
        for (CategoryPlot p : panels) {
            p.clearDomainMarkers();
            if (sel != null && labels.contains(sel)) {
                CategoryMarker m = new CategoryMarker(sel, new Color(0x1f6feb), new BasicStroke(1f));
                m.setAlpha(0.18f);
                m.setDrawAsLine(false);
                p.addDomainMarker(m);
            }
        }
    }

    /** Selects the layer of a clicked bar. */
    final ChartMouseListenerFX clicks = new ChartMouseListenerFX() {
        @Override
        public void chartMouseClicked(ChartMouseEventFX e) {
            if (e.getEntity() instanceof CategoryItemEntity) {
                selection.select(String.valueOf(((CategoryItemEntity) e.getEntity()).getColumnKey()));
            }
        }

        @Override
        public void chartMouseMoved(ChartMouseEventFX e) {
        }
    };
}
