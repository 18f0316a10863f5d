package dev.zkscope.app;

import dev.zkscope.viz.chart.Charts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * A repeated scaling sweep: each point (one circuit) proved several times, plotted as the mean prover time with a bar
 * from the fastest to the slowest run, the cost model's prediction beside it, and the peak heap (mean, min to max) on
 * a second axis.
 */
final class SweepChart {
    private SweepChart() {
    }

    /** One point of the sweep: its runs' prover seconds and peak heap bytes, and the prediction. */
    record Point(String model, int logN, double[] seconds, long[] heap, double predictedSeconds) {
        double mean() {
            double s = 0;
            for (double v : seconds) {
                s += v;
            }
            return s / seconds.length;
        }

        double min() {
            return java.util.Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        double max() {
            return java.util.Arrays.stream(seconds).max().orElse(Double.NaN);
        }

        /** The sample standard deviation of the prover time (0 for one run). */
        double stddev() {
            if (seconds.length < 2) {
                return 0;
            }
            double m = mean();
            double s = 0;
            for (double v : seconds) {
                s += (v - m) * (v - m);
            }
            return Math.sqrt(s / (seconds.length - 1));
        }
    }

    /** The sweep's runs grouped into points (same model and trace height), in sweep order. */
    static List<Point> points(List<RunRecord> runs) {
        Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            groups.computeIfAbsent(r.model() + "\u0000" + r.logN(), k -> new ArrayList<>()).add(r);
        }
        List<Point> out = new ArrayList<>();
        for (List<RunRecord> g : groups.values()) {
            double[] s = g.stream().mapToDouble(r -> r.proveMillis() / 1000).toArray();
            long[] h = g.stream().mapToLong(RunRecord::peakHeap).toArray();
            double pred = g.stream().filter(r -> r.predictedSeconds() != null).mapToDouble(RunRecord::predictedSeconds)
                    .average().orElse(Double.NaN);
            out.add(new Point(g.get(0).model(), g.get(0).logN(), s, h, pred));
        }
        return out;
    }

    /** Whether any point was proved more than once (then error bars say something). */
    static boolean repeated(List<RunRecord> runs) {
        return points(runs).stream().anyMatch(p -> p.seconds().length > 1);
    }

    /** "synthetic MLP 64-128-10 (width x2)" -> "64-128-10 (width x2)"; a file name stays as it is. */
    static String shortName(String model) {
        return model.startsWith("synthetic MLP ") ? model.substring("synthetic MLP ".length()) : model;
    }

    static JFreeChart chart(List<Point> points) {
        YIntervalSeries time = new YIntervalSeries("prover time, mean (bar: min to max)");
        YIntervalSeries heap = new YIntervalSeries("peak heap, mean (bar: min to max)");
        XYSeries predicted = new XYSeries("predicted prover time", true, true);
        String[] labels = new String[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            // One x per point, labelled by its circuit: a width or depth sweep can keep the trace height.
            labels[i] = shortName(p.model()) + ", 2^" + p.logN() + " rows";
            time.add(i, p.mean(), p.min(), p.max());
            double hm = java.util.Arrays.stream(p.heap()).average().orElse(0) / (1 << 20);
            double hmin = java.util.Arrays.stream(p.heap()).min().orElse(0) / (double) (1 << 20);
            double hmax = java.util.Arrays.stream(p.heap()).max().orElse(0) / (double) (1 << 20);
            heap.add(i + 0.06, hm, hmin, hmax);
            if (!Double.isNaN(p.predictedSeconds())) {
                predicted.add(i, p.predictedSeconds());
            }
        }
        org.jfree.chart.axis.SymbolAxis x = new org.jfree.chart.axis.SymbolAxis("sweep point", labels);
        x.setGridBandsVisible(false);
        NumberAxis y = new NumberAxis("prover time (s)");
        YIntervalSeriesCollection td = new YIntervalSeriesCollection();
        td.addSeries(time);
        XYErrorRenderer tr = meanWithRange(Charts.PALETTE[0]);
        tr.setErrorStroke(new java.awt.BasicStroke(1.6f));
        XYPlot plot = new XYPlot(td, x, y, tr);
        XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(true, true);
        pr.setSeriesPaint(0, Charts.PALETTE[1]);
        pr.setSeriesStroke(0, new java.awt.BasicStroke(1.4f, java.awt.BasicStroke.CAP_BUTT,
                java.awt.BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        plot.setDataset(1, new XYSeriesCollection(predicted));
        plot.setRenderer(1, pr);
        NumberAxis hy = new NumberAxis("peak heap (MiB)");
        plot.setRangeAxis(1, hy);
        YIntervalSeriesCollection hd = new YIntervalSeriesCollection();
        hd.addSeries(heap);
        XYErrorRenderer hr = meanWithRange(Charts.PALETTE[2]);
        plot.setDataset(2, hd);
        plot.setRenderer(2, hr);
        plot.mapDatasetToRangeAxis(2, 1);
        int n = points.isEmpty() ? 0 : points.get(0).seconds().length;
        JFreeChart c = new JFreeChart("Repeated scaling sweep: " + points.size() + " points \u00d7 " + n + " runs",
                null, plot, true);
        Charts.style(c);
        return c;
    }

    /** A line through the means with a min-to-max bar at each point, in one colour. */
    private static XYErrorRenderer meanWithRange(java.awt.Paint paint) {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(true);
        r.setSeriesPaint(0, paint);
        r.setErrorPaint(paint);
        r.setCapLength(8);
        return r;
    }
}
