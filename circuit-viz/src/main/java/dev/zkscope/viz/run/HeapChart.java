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
        clearMarks();
    }

    /**
     * Marks a finished run: the prover's rounds shaded (from {@code roundsFromMillis} to {@code roundsToMillis}) and a
     * line at {@code peakBytes}, the peak sampled in them, labelled with the same figure as the run's Peak heap card.
     * Outside the rounds (key generation, witness, verification) the heap may go higher: those are not the prover's.
     */
    public void markRun(long peakBytes, double roundsFromMillis, double roundsToMillis) {
        clearMarks();
        XYPlot plot = chart.getXYPlot();
        org.jfree.chart.plot.IntervalMarker rounds = new org.jfree.chart.plot.IntervalMarker(
                roundsFromMillis / 1000.0, roundsToMillis / 1000.0);
        rounds.setPaint(new java.awt.Color(Charts.PALETTE[2].getRed(), Charts.PALETTE[2].getGreen(),
                Charts.PALETTE[2].getBlue(), 40));
        rounds.setLabel("prover's rounds");
        rounds.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        rounds.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
        rounds.setLabelPaint(Charts.theme().text());
        plot.addDomainMarker(rounds, org.jfree.chart.ui.Layer.BACKGROUND);
        org.jfree.chart.plot.ValueMarker peak = new org.jfree.chart.plot.ValueMarker(peakBytes / (double) (1 << 20));
        peak.setPaint(Charts.PALETTE[3]);
        peak.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f},
                0f));
        peak.setLabel("peak in the rounds " + dev.zkscope.viz.Format.bytes(peakBytes));
        peak.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        peak.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        peak.setLabelPaint(Charts.theme().text());
        plot.addRangeMarker(peak);
        peakMarker = peak;
    }

    private org.jfree.chart.plot.ValueMarker peakMarker;

    /** The peak line's value in MiB, or NaN when no run is marked. */
    public double markedPeakMiB() {
        return peakMarker == null ? Double.NaN : peakMarker.getValue();
    }

    public void clearMarks() {
        XYPlot plot = chart.getXYPlot();
        plot.clearDomainMarkers();
        plot.clearRangeMarkers();
        peakMarker = null;
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
