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

    private Charts() {}

    public static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
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
        p.setBackgroundPaint(Color.WHITE);
        p.setOutlineVisible(false);
        if (p instanceof XYPlot) {
            XYPlot xy = (XYPlot) p;
            xy.setDomainGridlinePaint(new Color(0xDDDDDD));
            xy.setRangeGridlinePaint(new Color(0xDDDDDD));
            xy.setDomainGridlineStroke(new BasicStroke(0.8f));
            xy.setRangeGridlineStroke(new BasicStroke(0.8f));
            for (int i = 0; i < xy.getRangeAxisCount(); i++) {
                if (xy.getRangeAxis(i) != null) {
                    xy.getRangeAxis(i).setLabelFont(LABEL);
                    xy.getRangeAxis(i).setTickLabelFont(TICK);
                }
            }
            if (xy.getDomainAxis() != null) {
                xy.getDomainAxis().setLabelFont(LABEL);
                xy.getDomainAxis().setTickLabelFont(TICK);
            }
        } else if (p instanceof CategoryPlot) {
            CategoryPlot c = (CategoryPlot) p;
            c.setRangeGridlinePaint(new Color(0xDDDDDD));
            c.getDomainAxis().setLabelFont(LABEL);
            c.getDomainAxis().setTickLabelFont(TICK);
            c.getRangeAxis().setLabelFont(LABEL);
            c.getRangeAxis().setTickLabelFont(TICK);
        }
    }
}
