package dev.zkscope.viz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.viz.chart.Charts;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;

/** Log axes label 1-2-5 values (or powers of ten when short), never 316 or 3,162, and their labels never overlap. */
class LogAxisTicksTest {
    private static List<ValueTick> ticks(LogAxis a, double lo, double hi, double length, RectangleEdge edge) {
        a.setRange(lo, hi);
        BufferedImage img = new BufferedImage(900, 900, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            Rectangle2D area = RectangleEdge.isLeftOrRight(edge) ? new Rectangle2D.Double(40, 10, 500, length)
                    : new Rectangle2D.Double(40, 10, length, 500);
            return a.refreshTicks(g, new AxisState(), area, edge).stream().map(t -> (ValueTick) t).toList();
        } finally {
            g.dispose();
        }
    }

    private static List<Double> labelled(LogAxis a, double lo, double hi, double length, RectangleEdge edge) {
        return ticks(a, lo, hi, length, edge).stream().filter(t -> t.getTickType() == TickType.MAJOR)
                .map(ValueTick::getValue).toList();
    }

    /** The mantissa of v (v / 10^floor(log10 v)), rounded. */
    private static double mantissa(double v) {
        return Math.round(v / Math.pow(10, Math.floor(Math.log10(v) + 1e-12)) * 1e6) / 1e6;
    }

    @Test
    void labelledTicks_areOneTwoOrFiveTimesAPowerOfTen_onEveryLengthAndEdge() {
        for (RectangleEdge edge : new RectangleEdge[] {RectangleEdge.LEFT, RectangleEdge.BOTTOM}) {
            for (double length : new double[] {800, 500, 260, 120, 60}) {
                for (double[] range : new double[][] {{1, 2e6}, {1, 900}, {30, 400}, {1, 1e12}}) {
                    List<Double> values = labelled(Charts.logAxis("count"), range[0], range[1], length, edge);
                    assertThat(values).as(edge + " " + length + " " + range[1]).isNotEmpty();
                    for (double v : values) {
                        assertThat(mantissa(v)).as(v + " on " + edge + " " + length).isIn(1.0, 2.0, 3.0, 5.0);
                        assertThat(v).isNotIn(316.0, 3162.0);
                    }
                }
            }
        }
    }

    @Test
    void aTallAxisOverFewDecades_labels1_2_5_andAShortOneOnlyPowersOfTen() {
        List<Double> tall = labelled(Charts.logAxis("count"), 1, 1000, 600, RectangleEdge.LEFT);
        assertThat(tall).contains(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0);
        List<Double> shortAxis = labelled(Charts.logAxis("count"), 1, 1e9, 80, RectangleEdge.LEFT);
        for (double v : shortAxis) {
            assertThat(mantissa(v)).isEqualTo(1.0);
        }
        // Over less than a decade the 1-2-5 labels still give more than one value.
        assertThat(labelled(Charts.logAxis("count"), 30, 400, 300, RectangleEdge.LEFT)).contains(50.0, 100.0, 200.0);
    }

    @Test
    void horizontalLabels_neverOverlap() {
        java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
                .getFontMetrics(Charts.logAxis("x").getTickLabelFont());
        for (double length : new double[] {900, 400, 150}) {
            List<Double> v = labelled(Charts.logAxis("x"), 1, 5e7, length, RectangleEdge.BOTTOM);
            double span = Math.log10(5e7);
            for (int i = 1; i < v.size(); i++) {
                double gap = (Math.log10(v.get(i)) - Math.log10(v.get(i - 1))) / span * length;
                double need = (fm.stringWidth(String.format(java.util.Locale.ROOT, "%,d", Math.round(v.get(i))))
                        + fm.stringWidth(String.format(java.util.Locale.ROOT, "%,d", Math.round(v.get(i - 1))))) / 2.0;
                assertThat(gap).as(v.get(i - 1) + " and " + v.get(i) + " at " + length).isGreaterThanOrEqualTo(need);
            }
        }
    }

    @Test
    void minorTicks_markTheIntegersBetweenLabels_unlabelled() {
        List<ValueTick> t = ticks(Charts.logAxis("count"), 1, 100, 600, RectangleEdge.LEFT);
        assertThat(t).anyMatch(x -> x.getTickType() == TickType.MINOR && Math.abs(x.getValue() - 3) < 1e-9
                && x.getText().isEmpty());
    }

    @Test
    void jfreeChartsDefault_labelsHalfDecades() {
        // The reason for OneTwoFiveLogAxis: the default log axis picks 10^0.5 steps on this range (316, 3,162, ...).
        LogAxis plain = new LogAxis("count");
        plain.setSmallestValue(1);
        List<Double> values = labelled(plain, 1, 2e6, 500, RectangleEdge.LEFT);
        assertThat(values).anyMatch(v -> Math.abs(Math.log10(v) - Math.rint(Math.log10(v))) > 1e-6);
    }
}
