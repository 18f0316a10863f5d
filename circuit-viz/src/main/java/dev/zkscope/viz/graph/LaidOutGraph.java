package dev.zkscope.viz.graph;

import java.util.List;
import java.util.Map;

/**
 * A model graph with coordinates: boxes for nodes, polylines for edges, label boxes. Plain data computed by
 * {@link GraphLayout} without any UI toolkit, then drawn by {@link GraphView}.
 */
public record LaidOutGraph(double width, double height, List<Box> nodes, List<Edge> edges,
                           Map<String, List<String>> members) {
    public LaidOutGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        members = Map.copyOf(members);
    }

    /** Without collapsed groups. */
    public LaidOutGraph(double width, double height, List<Box> nodes, List<Edge> edges) {
        this(width, height, nodes, edges, Map.of());
    }

    /** What a box stands for: a layer, a graph input or output, or a collapsed group of layers (a module). */
    public enum Kind { LAYER, INPUT, OUTPUT, GROUP }

    /**
     * A node's box.
     *
     * @param id    the layer name for {@link Kind#LAYER}, the module path for {@link Kind#GROUP} ("/layer1/0"), else
     *              "input:NAME" / "output:NAME"
     * @param title first line (op type, or "input"/"output")
     * @param detail second line (node or tensor name)
     */
    public record Box(String id, Kind kind, String title, String detail, double x, double y, double w, double h) {
        public double centerX() {
            return x + w / 2;
        }

        public double centerY() {
            return y + h / 2;
        }
    }

    /**
     * An edge along a polyline {@code points} = x0, y0, x1, y1, ..., labelled with the tensor's shape at
     * ({@code labelX}, {@code labelY}) (top-left corner).
     */
    public record Edge(String from, String to, String label, double[] points, double labelX, double labelY) {}

    /**
     * The box a layer is drawn in: its own, or the collapsed group holding it; null when neither is drawn.
     */
    public Box boxHolding(String layer) {
        Box own = node(layer);
        if (own != null) {
            return own;
        }
        for (Map.Entry<String, List<String>> e : members.entrySet()) {
            if (e.getValue().contains(layer)) {
                return node(e.getKey());
            }
        }
        return null;
    }

    public Box node(String id) {
        for (Box b : nodes) {
            if (b.id().equals(id)) {
                return b;
            }
        }
        return null;
    }
}
