package dev.zkscope.viz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.viz.chart.Charts;
import dev.zkscope.viz.run.ScalingChart;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The charts follow the app's theme: dark backgrounds, light text and dark gridlines in the dark theme. */
class ChartsThemeTest {
    @AfterEach
    void light() {
        Charts.darkProperty().set(false);
    }

    @Test
    void style_followsTheTheme() {
        JFreeChart c = ScalingChart.chart(List.of(new ScalingChart.Point(1024, 1.5, 1.4, 64L << 20)));
        assertThat(c.getBackgroundPaint()).isEqualTo(Charts.LIGHT.background());
        Charts.darkProperty().set(true);
        Charts.style(c);
        XYPlot p = (XYPlot) c.getPlot();
        assertThat(c.getBackgroundPaint()).isEqualTo(Charts.DARK.background());
        assertThat(p.getBackgroundPaint()).isEqualTo(Charts.DARK.plot());
        assertThat(p.getDomainAxis().getTickLabelPaint()).isEqualTo(Charts.DARK.text());
        assertThat(p.getRangeAxis(1).getLabelPaint()).isEqualTo(Charts.DARK.text());
        assertThat(p.getRangeGridlinePaint()).isEqualTo(Charts.DARK.grid());
        assertThat(c.getLegend().getItemPaint()).isEqualTo(Charts.DARK.text());
        Charts.darkProperty().set(false);
        Charts.style(c);
        assertThat(c.getBackgroundPaint()).isEqualTo(Charts.LIGHT.background());
    }
}
