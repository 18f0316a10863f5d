package dev.zkscope.viz.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;

/** Shared look of the JFreeChart charts: fonts readable at 1600x1000, light grid, no shadow. */
public final class Charts {
    static final Font TITLE = new Font("SansSerif", Font.BOLD, 14);
    static final Font LABEL = new Font("SansSerif", Font.PLAIN, 12);
    static final Font TICK = new Font("SansSerif", Font.PLAIN, 11);

    /** Series colours, colour-blind friendly (Okabe-Ito). */
    public static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x000000)
    };

    /** Colours of one theme: chart and plot background, text, axis lines, gridlines. */
    public record Theme(Color background, Color plot, Color text, Color axis, Color grid) {}

    public static final Theme LIGHT = new Theme(Color.WHITE, Color.WHITE, new Color(0x1d1f23), new Color(0x808080),
            new Color(0xDDDDDD));
    /** Matches the app's dark stylesheet. */
    public static final Theme DARK = new Theme(new Color(0x24272c), new Color(0x2b2e34), new Color(0xdfe3e8),
            new Color(0x9aa3ad), new Color(0x454a52));

    private static final javafx.beans.property.BooleanProperty DARK_MODE =
            new javafx.beans.property.SimpleBooleanProperty(Charts.class, "dark");

    private Charts() {}

    /**
     * Whether charts use the dark theme. Every {@link ChartPane} re-styles its chart when this changes; charts styled
     * from now on use it. Set on the JavaFX thread.
     */
    public static javafx.beans.property.BooleanProperty darkProperty() {
        return DARK_MODE;
    }

    public static Theme theme() {
        return DARK_MODE.get() ? DARK : LIGHT;
    }

    public static void style(JFreeChart chart) {
        Theme th = theme();
        chart.setBackgroundPaint(th.background());
        if (chart.getTitle() != null) {
            chart.getTitle().setPaint(th.text());
        }
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof org.jfree.chart.title.TextTitle) {
                ((org.jfree.chart.title.TextTitle) chart.getSubtitle(i)).setPaint(th.text());
            }
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setBackgroundPaint(th.background());
            chart.getLegend().setItemPaint(th.text());
        }
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LABEL);
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        style(chart.getPlot());
    }

    public static void style(Plot p) {
        Theme th = theme();
        p.setBackgroundPaint(th.plot());
        p.setOutlineVisible(false);
        if (p instanceof org.jfree.chart.plot.CombinedDomainCategoryPlot comb) {
            for (Object sub : comb.getSubplots()) {
                style((CategoryPlot) sub);
            }
            axisColours(comb.getDomainAxis(), th);
            comb.getDomainAxis().setLabelFont(LABEL);
            comb.getDomainAxis().setTickLabelFont(TICK);
            return;
        }
        if (p instanceof org.jfree.chart.plot.CombinedDomainXYPlot) {
            for (XYPlot sub : ((org.jfree.chart.plot.CombinedDomainXYPlot) p).getSubplots()) {
                style(sub);
            }
        }
        if (p instanceof XYPlot) {
            XYPlot xy = (XYPlot) p;
            xy.setDomainGridlinePaint(th.grid());
            xy.setRangeGridlinePaint(th.grid());
            xy.setDomainGridlineStroke(new BasicStroke(0.8f));
            xy.setRangeGridlineStroke(new BasicStroke(0.8f));
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                if (xy.getRangeAxis(i) != null) {
                    xy.getRangeAxis(i).setLabelFont(LABEL);
                    xy.getRangeAxis(i).setTickLabelFont(TICK);
                    axisColours(xy.getRangeAxis(i), th);
                }
            }
            if (xy.getDomainAxis() != null) {
                xy.getDomainAxis().setLabelFont(LABEL);
                xy.getDomainAxis().setTickLabelFont(TICK);
                axisColours(xy.getDomainAxis(), th);
            }
        } else if (p instanceof CategoryPlot) {
            CategoryPlot c = (CategoryPlot) p;
            c.setRangeGridlinePaint(th.grid());
            c.setDomainGridlinePaint(th.grid());
            for (int i = 0; i < c.getRendererCount(); i++) {
                org.jfree.chart.renderer.category.CategoryItemRenderer r = c.getRenderer(i);
                for (int k = 0; r != null && k < 8; k++) {
                    if (Color.BLACK.equals(r.getSeriesPaint(k)) || DARK.text().equals(r.getSeriesPaint(k))) {
                        // Black marks ("ink") follow the theme's text colour so that they stay visible.
                        r.setSeriesPaint(k, th == DARK ? DARK.text() : Color.BLACK);
                    }
                }
            }
            if (c.getDomainAxis() != null) { // a panel of a combined plot has none of its own
                axisColours(c.getDomainAxis(), th);
                c.getDomainAxis().setLabelFont(LABEL);
                c.getDomainAxis().setTickLabelFont(TICK);
            }
            axisColours(c.getRangeAxis(), th);
            c.getRangeAxis().setLabelFont(LABEL);
            c.getRangeAxis().setTickLabelFont(TICK);
        }
    }

    private static void axisColours(org.jfree.chart.axis.Axis a, Theme th) {
        if (a == null) {
            return;
        }
        a.setLabelPaint(th.text());
        a.setTickLabelPaint(th.text());
        a.setAxisLinePaint(th.axis());
        a.setTickMarkPaint(th.axis());
    }

    /**
     * A base-10 log axis for counts (from 1) labelled at 1-2-5 values where there is room, powers of ten where not;
     * never the half-decades 3.16 x 10^k that JFreeChart's default units give (316, 3,162). See
     * {@link OneTwoFiveLogAxis}.
     */
    public static org.jfree.chart.axis.LogAxis logAxis(String label) {
        OneTwoFiveLogAxis a = new OneTwoFiveLogAxis(label);
        a.setSmallestValue(1);
        return a;
    }
}
