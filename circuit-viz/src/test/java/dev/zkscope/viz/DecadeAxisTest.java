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

/** Log axes label powers of ten only (no 316 or 3,162). */
class DecadeAxisTest {
    private static List<Double> labelled(LogAxis a, double lo, double hi, double height) {
        a.setRange(lo, hi);
        BufferedImage img = new BufferedImage(600, 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            List<?> ticks = a.refreshTicks(g, new AxisState(), new Rectangle2D.Double(40, 10, 500, height),
                    RectangleEdge.LEFT);
            return ticks.stream().map(t -> (ValueTick) t).filter(t -> t.getTickType() == TickType.MAJOR)
                    .map(ValueTick::getValue).toList();
        } finally {
            g.dispose();
        }
    }

    @Test
    void labelledTicks_arePowersOfTen_onTallAndShortAxes() {
        for (double height : new double[] {500, 260, 120}) {
            List<Double> values = labelled(Charts.decadeAxis("count"), 1, 2e6, height);
            assertThat(values).as("height " + height).isNotEmpty();
            for (double v : values) {
                double log = Math.log10(v);
                assertThat(Math.abs(log - Math.rint(log))).as(v + " at height " + height).isLessThan(1e-9);
            }
        }
    }

    @Test
    void jfreeChartsDefault_labelsHalfDecades() {
        // The reason for decadeAxis: the default log axis picks 10^0.5 steps on this range (316, 3,162, ...).
        LogAxis plain = new LogAxis("count");
        plain.setSmallestValue(1);
        List<Double> values = labelled(plain, 1, 2e6, 500);
        assertThat(values).anyMatch(v -> Math.abs(Math.log10(v) - Math.rint(Math.log10(v))) > 1e-6);
    }
}
