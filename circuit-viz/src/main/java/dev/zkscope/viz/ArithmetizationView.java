package dev.zkscope.viz;

import dev.zkscope.compile.CostLedger;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.estimate.LayerEstimate;
import dev.zkscope.viz.chart.ChartPane;
import dev.zkscope.viz.chart.Charts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The same model under several arithmetizations, per layer (log scale) and in total: Plonkish rows as proved here
 * (the exact ledger), and the compiler's documented estimates for EZKL-style halo2 rows, R1CS constraints
 * (circom/Groth16) and sumcheck/GKR field multiplications. Each system is counted in its own natural unit.
 */
public final class ArithmetizationView extends BorderPane {
    static final String PLONKISH = "Plonkish rows (as proved, exact)";
    static final String EZKL = "EZKL-style halo2 rows (estimate)";
    static final String R1CS = "R1CS constraints (estimate)";
    static final String GKR = "sumcheck/GKR field mults (estimate)";

    /** One line of the totals table. */
    public record Total(String system, String cost, String note) {}

    private final ChartPane chart = new ChartPane("Not compiled yet.");
    private final TableView<Total> totals = new TableView<>();

    public ArithmetizationView() {
        setId("arithmetizationView");
        totals.setId("arithTotals");
        TableSizing.scrollable(totals);
        totals.getColumns().add(col("Arithmetization", Total::system));
        totals.getColumns().add(col("Whole model", Total::cost));
        totals.getColumns().add(col("What is counted", Total::note));
        totals.setPrefHeight(122);
        Label title = new Label("Whole model under each arithmetization (estimates follow the compiler's documented "
                + "formulas; only Plonkish is proved here)");
        title.setTooltip(new Tooltip("Rows, constraints and field multiplications are different units: compare "
                + "how each system's cost is spread over the layers, not the raw heights."));
        title.setPadding(new Insets(6, 8, 4, 8));
        BorderPane bottom = new BorderPane(totals, title, null, null, null);
        setCenter(chart);
        setBottom(bottom);
    }

    private static TableColumn<Total, String> col(String t, java.util.function.Function<Total, String> f) {
        TableColumn<Total, String> c = new TableColumn<>(t);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    /** Shows a ledger and the estimates of its layers; nulls clear the view. */
    public void set(CostLedger ledger, List<LayerEstimate> estimates, Estimates.Totals t) {
        if (ledger == null || estimates == null || t == null) {
            chart.setChart(null);
            totals.getItems().clear();
            return;
        }
        chart.setChart(chart(ledger, estimates));
        long lookups = ledger.totalLookups();
        totals.getItems().setAll(
                new Total(PLONKISH, Format.count(ledger.gadgetRows()) + " rows, trace 2^" + ledger.logN(),
                        Format.count(lookups) + " lookups, " + ledger.numAdvice() + " advice columns; tables "
                                + Format.count(ledger.tableRows()) + " rows"),
                new Total(EZKL, Format.count(t.ezklRows()) + " rows, trace 2^" + t.ezklLogRows(),
                        Format.count(t.ezklLookups()) + " lookups; EZKL's default layout (2 inner columns, "
                                + "decomposition base 2^14)"),
                new Total(R1CS, Format.count(t.r1csConstraints()) + " constraints",
                        "one per product of witness values; bit decompositions for comparisons, no lookups"),
                new Total(GKR, Format.count(t.gkrFieldMults()) + " field mults",
                        Format.count(t.gkrCommitted()) + " committed elements; linear layers by sumcheck, "
                                + "nonlinear by LogUp"));
    }

    public JFreeChart chart() {
        return chart.chart();
    }

    static JFreeChart chart(CostLedger ledger, List<LayerEstimate> estimates) {
        Map<String, LayerEstimate> byLayer = new HashMap<>();
        for (LayerEstimate e : estimates) {
            byLayer.put(e.layer(), e);
        }
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (LayerCost c : ledger.layers()) {
            LayerEstimate e = byLayer.get(c.layer());
            if (e == null) {
                continue; // structural rows ("input", "output", "constants") have no estimate
            }
            d.addValue(positive(c.rows()), PLONKISH, c.layer());
            d.addValue(positive(e.ezklRows()), EZKL, c.layer());
            d.addValue(positive(e.r1csConstraints()), R1CS, c.layer());
            d.addValue(positive(e.gkrFieldMults()), GKR, c.layer());
        }
        CategoryAxis x = new CategoryAxis("layer");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        x.setMaximumCategoryLabelWidthRatio(2.5f);
        LogAxis y = Charts.logAxis("cost (log scale)");
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.04);
        for (int i = 0; i < 4; i++) {
            r.setSeriesPaint(i, Charts.PALETTE[i == 0 ? 0 : i + 3]);
        }
        r.setDefaultToolTipGenerator((ds, row, col) -> ds.getColumnKey(col) + " \u2014 " + ds.getRowKey(row) + ": "
                + (ds.getValue(row, col) == null ? "0" : Format.count(ds.getValue(row, col).longValue())));
        CategoryPlot plot = new CategoryPlot(d, x, y, r);
        JFreeChart c = new JFreeChart("Arithmetizations compared per layer", null, plot, true);
        Charts.style(c);
        return c;
    }

    private static Number positive(long v) {
        return v <= 0 ? null : (Number) v;
    }
}
