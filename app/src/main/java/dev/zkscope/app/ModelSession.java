package dev.zkscope.app;

import dev.zkscope.ir.Graph;
import dev.zkscope.viz.LayerRow;
import dev.zkscope.viz.graph.LaidOutGraph;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the window shows about one open model, computed off the UI thread and immutable: the imported graph,
 * the layer table's rows and the graph's layout.
 */
public record ModelSession(Path file, Graph graph, List<LayerRow> rows, LaidOutGraph layout) {
    public ModelSession {
        rows = List.copyOf(rows);
    }

    public String displayName() {
        return file.getFileName().toString();
    }
}
