package dev.zkscope.viz;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The layer selected in the window, shared by every view: the graph, the layer table, the charts and the heatmap
 * each listen to it and set it. A layer is named by its ONNX node name; null selects nothing.
 */
public final class LayerSelection {
    private final ObjectProperty<String> selected = new SimpleObjectProperty<>(this, "selected");

    public ReadOnlyObjectProperty<String> selectedProperty() {
        return selected;
    }

    public String selected() {
        return selected.get();
    }

    public void select(String layer) {
        selected.set(layer);
    }

    public void clear() {
        selected.set(null);
    }
}
