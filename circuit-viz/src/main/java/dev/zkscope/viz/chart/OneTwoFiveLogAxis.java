package dev.zkscope.viz.chart;

import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A base-10 log axis labelled at round numbers only: 1, 2, 5, 10, 20, 50, ... where the axis has room for them, powers
 * of ten (every decade, or every second, third, ... decade) where it has not. JFreeChart's own log axis steps in
 * half-decades and labels 316 and 3,162; this one never labels a value that is not 1, 2 or 5 times a power of ten.
 * Unlabelled minor ticks mark 2..9 x 10^k while they are at least a few pixels apart.
 */
public final class OneTwoFiveLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;
    /** Labelled mantissas per decade, densest first. */
    private static final double[][] MANTISSAS = {{1, 2, 5}, {1, 3}, {1}};

    public OneTwoFiveLogAxis(String label) {
        super(label);
        setSmallestValue(1e-9);
        setMinorTickMarksVisible(true);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        boolean vertical = RectangleEdge.isLeftOrRight(edge);
        double length = vertical ? dataArea.getHeight() : dataArea.getWidth();
        FontMetrics fm = g2.getFontMetrics(getTickLabelFont());
        double lo = Math.max(getRange().getLowerBound(), getSmallestValue());
        double hi = getRange().getUpperBound();
        List<Double> labelled = labelledValues(lo, hi, length, v -> vertical ? fm.getHeight() * 1.6
                : fm.stringWidth(label(v)) + 12.0);
        TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        List<NumberTick> ticks = new ArrayList<>();
        for (double v : labelled) {
            ticks.add(new NumberTick(TickType.MAJOR, v, label(v), anchor, anchor, 0));
        }
        double decades = Math.log10(hi / lo);
        if (decades > 0 && length / decades / 9 >= 3) {
            for (double d = Math.pow(10, Math.floor(Math.log10(lo))); d <= hi; d *= 10) {
                for (int m = 2; m <= 9; m++) {
                    double v = m * d;
                    if (v >= lo && v <= hi && !labelled.contains(round(v))) {
                        ticks.add(new NumberTick(TickType.MINOR, v, "", anchor, anchor, 0));
                    }
                }
            }
        }
        return ticks;
    }

    /** Space one label needs along the axis, in pixels. */
    interface Extent {
        double of(double value);
    }

    /**
     * The values to label on [lo, hi] over {@code length} pixels: the densest of 1-2-5, 1-3 or 1 per decade whose
     * labels do not overlap; failing those, every k-th power of ten. Always at least one value when the range holds
     * a round number.
     */
    static List<Double> labelledValues(double lo, double hi, double length, Extent extent) {
        if (!(hi > lo) || lo <= 0 || length <= 0) {
            return List.of();
        }
        for (double[] mantissas : MANTISSAS) {
            List<Double> v = candidates(lo, hi, mantissas, 1);
            if (!v.isEmpty() && fits(v, lo, hi, length, extent)) {
                return v;
            }
        }
        for (int step = 2; step < 400; step++) {
            List<Double> v = candidates(lo, hi, new double[] {1}, step);
            if (v.size() <= 1 || fits(v, lo, hi, length, extent)) {
                return v;
            }
        }
        return List.of();
    }

    private static List<Double> candidates(double lo, double hi, double[] mantissas, int decadeStep) {
        List<Double> out = new ArrayList<>();
        int e0 = (int) Math.floor(Math.log10(lo));
        int e1 = (int) Math.ceil(Math.log10(hi));
        // Decades whose exponent is a multiple of the step, so that the labels stay put as the range moves.
        for (int e = Math.floorDiv(e0, decadeStep) * decadeStep; e <= e1; e += decadeStep) {
            for (double m : mantissas) {
                double v = round(m * Math.pow(10, e));
                if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static boolean fits(List<Double> values, double lo, double hi, double length, Extent extent) {
        double span = Math.log10(hi / lo);
        double prevPos = Double.NEGATIVE_INFINITY;
        double prevHalf = 0;
        for (double v : values) {
            double pos = Math.log10(v / lo) / span * length;
            double half = extent.of(v) / 2;
            if (pos - half < prevPos + prevHalf) {
                return false;
            }
            prevPos = pos;
            prevHalf = half;
        }
        return true;
    }

    /** m x 10^e exactly as written (no 4.9999999 from the powers). */
    private static double round(double v) {
        return new BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }

    /** "1", "20", "5,000", "0.05", "2e-06": a round number written as people write it. */
    static String label(double v) {
        if (v >= 1 && v < 1e15) {
            return String.format(java.util.Locale.ROOT, "%,d", Math.round(v));
        }
        if (v >= 1e-4) {
            return new BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.0e", v);
    }
}
