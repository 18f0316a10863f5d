package dev.zkscope.viz.chart;

import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;

/** A JFreeChart {@link ChartViewer} that can also be empty (showing a message instead). */
public final class ChartPane extends StackPane {
    private final Label message = new Label();
    private ChartViewer viewer;
    private JFreeChart chart;

    public ChartPane(String emptyMessage) {
        message.setText(emptyMessage);
        message.setWrapText(true);
        getChildren().add(message);
        setMinSize(0, 0);
        Charts.darkProperty().addListener(new javafx.beans.value.WeakChangeListener<>(restyle));
    }

    /** Re-styles the shown chart when the theme changes (held strongly here, weakly by the global property). */
    private final javafx.beans.value.ChangeListener<Boolean> restyle = (o, a, b) -> {
        if (chart != null) {
            Charts.style(chart);
        }
    };

    public void setChart(JFreeChart c) {
        this.chart = c;
        if (c == null) {
            getChildren().setAll(message);
            return;
        }
        Charts.style(c);
        if (viewer == null) {
            viewer = new ChartViewer(c);
            listeners.forEach(viewer::addChartMouseListener);
        } else {
            viewer.setChart(c);
        }
        getChildren().setAll(viewer);
    }

    private final java.util.List<org.jfree.chart.fx.interaction.ChartMouseListenerFX> listeners =
            new java.util.ArrayList<>();

    /** Listens to clicks and moves on every chart this pane shows. */
    public void addChartMouseListener(org.jfree.chart.fx.interaction.ChartMouseListenerFX l) {
        listeners.add(l);
        if (viewer != null) {
            viewer.addChartMouseListener(l);
        }
    }

    public JFreeChart chart() {
        return chart;
    }
}
