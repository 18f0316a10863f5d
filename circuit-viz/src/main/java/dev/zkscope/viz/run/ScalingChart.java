package dev.zkscope.viz.run;

import dev.zkscope.viz.chart.Charts;
import java.awt.BasicStroke;
import java.awt.geom.Ellipse2D;
import java.util.Comparator;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Proof time and peak heap against trace rows over many runs (a scaling sweep or any runs of the session): measured
 * prover time as points, the cost model's predicted time as a line, peak heap on a second axis.
 */
public final class ScalingChart {
    /** One run: trace rows, measured and predicted prover seconds (NaN if none), peak heap in bytes. */
    public record Point(long rows, double proveSeconds, double predictedSeconds, long peakHeapBytes) {}

    private ScalingChart() {}

    public static JFreeChart chart(List<Point> points) {
        XYSeries measured = new XYSeries("prover time, measured (s)", true, true);
        XYSeries predicted = new XYSeries("prover time, predicted (s)", true, true);
        XYSeries heap = new XYSeries("peak heap, measured (MiB)", true, true);
        List<Point> sorted = points.stream().sorted(Comparator.comparingLong(Point::rows)).toList();
        for (Point p : sorted) {
            measured.add(p.rows(), p.proveSeconds());
            if (!Double.isNaN(p.predictedSeconds())) {
                predicted.add(p.rows(), p.predictedSeconds());
            }
            heap.add(p.rows(), p.peakHeapBytes() / (double) (1 << 20));
        }
        LogAxis x = new LogAxis("trace rows (log scale)");
        x.setBase(2);
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        x.setSmallestValue(1);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
        x.setMinorTickMarksVisible(false);
        NumberAxis time = new NumberAxis("seconds");
        XYLineAndShapeRenderer tr = new XYLineAndShapeRenderer(false, true);
        tr.setSeriesPaint(0, Charts.PALETTE[0]);
        tr.setSeriesShape(0, new Ellipse2D.Double(-5, -5, 10, 10));
        XYPlot plot = new XYPlot(new XYSeriesCollection(measured), x, time, tr);
        XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(true, false);
        pr.setSeriesPaint(0, Charts.PALETTE[0]);
        pr.setSeriesStroke(0, new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        plot.setDataset(1, new XYSeriesCollection(predicted));
        plot.setRenderer(1, pr);
        NumberAxis mem = new NumberAxis("MiB");
        plot.setRangeAxis(1, mem);
        XYLineAndShapeRenderer hr = new XYLineAndShapeRenderer(false, true);
        hr.setSeriesPaint(0, Charts.PALETTE[5]);
        hr.setSeriesShape(0, new java.awt.Rectangle(-5, -5, 10, 10));
        plot.setDataset(2, new XYSeriesCollection(heap));
        plot.setRenderer(2, hr);
        plot.mapDatasetToRangeAxis(2, 1);
        JFreeChart c = new JFreeChart("Time and memory against trace rows", null, plot, true);
        Charts.style(c);
        return c;
    }
}
