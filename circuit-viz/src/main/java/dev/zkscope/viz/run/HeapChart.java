package dev.zkscope.viz.run;

import dev.zkscope.viz.chart.Charts;
import java.awt.BasicStroke;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Used heap over a proof run (MiB against seconds), from the prover's {@code HeapSampler}; appended to live. */
public final class HeapChart {
    private final XYSeries series = new XYSeries("used heap", true, true);
    private final JFreeChart chart;

    public HeapChart() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, Charts.PALETTE[0]);
        r.setSeriesStroke(0, new BasicStroke(1.8f));
        NumberAxis x = new NumberAxis("time (s)");
        NumberAxis y = new NumberAxis("used heap (MiB)");
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, y, r);
        chart = new JFreeChart("Heap while proving", null, plot, false);
        Charts.style(chart);
    }

    public JFreeChart chart() {
        return chart;
    }

    public void clear() {
        series.clear();
    }

    /** Adds a sample: milliseconds since the run started, used bytes. */
    public void add(long millis, long usedBytes) {
        series.add(millis / 1000.0, usedBytes / (double) (1 << 20));
    }

    /**
     * Adds several samples with one redraw: each single {@link #add} redraws the whole chart, and while a proof runs
     * the samples arrive in batches of ten or more, which would otherwise keep a core busy drawing beside the prover.
     */
    public void addAll(long[] millis, long[] usedBytes) {
        for (int i = 0; i < millis.length; i++) {
            series.add(millis[i] / 1000.0, usedBytes[i] / (double) (1 << 20), false);
        }
        if (millis.length > 0) {
            series.fireSeriesChanged();
        }
    }

    public int size() {
        return series.getItemCount();
    }
}
