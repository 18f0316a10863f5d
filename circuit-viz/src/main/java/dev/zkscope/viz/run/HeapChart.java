package dev.zkscope.viz.run;

import dev.zkscope.profile.HeapSampler;
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

    /**
     * Adds samples (milliseconds since the run started, used bytes) with one redraw: adding them one by one redraws
     * the whole chart each time, and while a proof runs the samples arrive in batches of ten or more, which would
     * otherwise keep a core busy drawing beside the prover.
     */
    public void addAll(java.util.List<? extends HeapSampler.Sample> samples) {
        for (HeapSampler.Sample s : samples) {
            series.add(s.millis() / 1000.0, s.usedBytes() / (double) (1 << 20), false);
        }
        if (!samples.isEmpty()) {
            series.fireSeriesChanged();
        }
    }

    public int size() {
        return series.getItemCount();
    }
}
