package dev.zkscope.viz.graph;

import java.util.List;

/**
 * A model graph with coordinates: boxes for nodes, polylines for edges, label boxes. Plain data computed by
 * {@link GraphLayout} without any UI toolkit, then drawn by {@link GraphView}.
 */
public record LaidOutGraph(double width, double height, List<Box> nodes, List<Edge> edges) {
    public LaidOutGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** What a box stands for. */
    public enum Kind { LAYER, INPUT, OUTPUT }

    /**
     * A node's box.
     *
     * @param id    the layer name for {@link Kind#LAYER}, else "input:NAME" / "output:NAME"
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

    public Box node(String id) {
        for (Box b : nodes) {
            if (b.id().equals(id)) {
                return b;
            }
        }
        return null;
    }
}
