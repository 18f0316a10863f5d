package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.viz.Format;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.function.ToDoubleFunction;
import org.eclipse.elk.alg.layered.LayeredLayoutProvider;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a model graph out as a layered (Sugiyama) DAG, top to bottom, with Eclipse ELK's layered algorithm:
 * graph inputs on top, one box per node, one box per graph output, and one edge per tensor flowing between them,
 * labelled with its shape. Weights are not drawn (they are the nodes' parameters). No UI toolkit is involved: text
 * widths come from the caller's measure so that the view can pass its font metrics and tests an estimate.
 */
public final class GraphLayout {
    static final double BOX_H = 38;
    static final double LABEL_H = 14;
    private static final double PAD_X = 18;

    static {
        // Registers ELK's option metadata (property cloning and defaults); needed outside Eclipse.
        LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
    }

    private GraphLayout() {}

    /** A rough width of text in the 12px UI font, for callers without a toolkit. */
    public static double estimateWidth(String s) {
        return 7.0 * s.length();
    }

    /** Lays the graph out with the groups of {@link ModuleTree#defaultExpanded} expanded. */
    public static LaidOutGraph layout(Graph graph, ToDoubleFunction<String> textWidth) {
        ModuleTree tree = new ModuleTree(graph);
        return layout(graph, tree, tree.defaultExpanded(graph), textWidth);
    }

    /**
     * Lays the graph out with these groups of the module tree expanded: a collapsed group is one box (its member
     * count and op mix on the second line), edges inside a box are not drawn and parallel edges between two boxes are
     * drawn once.
     */
    public static LaidOutGraph layout(Graph graph, ModuleTree tree, Set<String> expanded,
                                      ToDoubleFunction<String> textWidth) {
        return layout(graph, tree, expanded, textWidth, () -> false);
    }

    /** Thrown by a layout whose caller cancelled it. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("graph layout cancelled", null, false, false);
        }
    }

    /**
     * As {@link #layout(Graph, ModuleTree, Set, ToDoubleFunction)}, for a background thread: ELK stops between its
     * phases once {@code cancelled} answers true, and the layout then throws {@link Cancelled}.
     */
    public static LaidOutGraph layout(Graph graph, ModuleTree tree, Set<String> expanded,
                                      ToDoubleFunction<String> textWidth, java.util.function.BooleanSupplier cancelled) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 24.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 8.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_LABEL, 2.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 6.0);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(12));
        if (graph.nodes().size() > 60) {
            // Crossing minimisation is most of ELK's time; with few crossings to find in a model graph (mostly a
            // chain with skips), one pass is as good as seven and several times faster.
            root.setProperty(LayeredOptions.THOROUGHNESS, 1);
        }

        Map<String, ElkNode> boxes = new LinkedHashMap<>();
        Map<ElkNode, String> idOf = new HashMap<>();
        Map<ElkNode, String[]> text = new HashMap<>();
        Map<ElkNode, LaidOutGraph.Kind> kinds = new HashMap<>();
        Map<String, ElkNode> producerOf = new HashMap<>();
        Map<String, List<String>> members = new LinkedHashMap<>();
        for (Graph.Value in : graph.inputs()) {
            ElkNode b = box(root, "input:" + in.name(), "input", elide(in.name()), textWidth);
            boxes.put("input:" + in.name(), b);
            idOf.put(b, "input:" + in.name());
            text.put(b, new String[] {"input", in.name()});
            kinds.put(b, LaidOutGraph.Kind.INPUT);
            producerOf.put(in.name(), b);
        }
        for (Node n : graph.nodes()) {
            String id = tree.boxOf(n.name(), expanded);
            ElkNode b = boxes.get(id);
            if (b == null) {
                boolean group = !id.equals(n.name());
                String title = group ? ModuleTree.shortName(id) + "  \u25b8" : n.opType();
                String detail = group ? groupDetail(graph, tree.groups().get(id)) : n.name();
                b = box(root, id, title, elide(detail), textWidth);
                boxes.put(id, b);
                idOf.put(b, id);
                text.put(b, new String[] {title, detail});
                kinds.put(b, group ? LaidOutGraph.Kind.GROUP : LaidOutGraph.Kind.LAYER);
                if (group) {
                    members.put(id, tree.groups().get(id));
                }
            }
            for (String o : n.outputs()) {
                producerOf.put(o, b);
            }
        }
        List<ElkEdge> edges = new ArrayList<>();
        Map<ElkEdge, String[]> ends = new HashMap<>();
        Set<String> drawn = new HashSet<>();
        for (Node n : graph.nodes()) {
            ElkNode target = boxes.get(tree.boxOf(n.name(), expanded));
            for (int i = 0; i < n.inputs().size(); i++) {
                ElkNode source = producerOf.get(n.inputs().get(i));
                if (source == null || source == target) {
                    continue; // a weight, or an edge inside a collapsed group
                }
                if (!drawn.add(idOf.get(source) + "\u0000" + idOf.get(target))) {
                    continue;
                }
                String label = Format.shape(n.inputShapes().get(i));
                ElkEdge e = edge(source, target, label, textWidth);
                edges.add(e);
                ends.put(e, new String[] {idOf.get(source), idOf.get(target), label});
            }
        }
        for (Graph.Value out : graph.outputs()) {
            ElkNode b = box(root, "output:" + out.name(), "output", elide(out.name()), textWidth);
            boxes.put("output:" + out.name(), b);
            idOf.put(b, "output:" + out.name());
            text.put(b, new String[] {"output", out.name()});
            kinds.put(b, LaidOutGraph.Kind.OUTPUT);
            ElkNode source = producerOf.get(out.name());
            if (source != null) {
                String label = Format.shape(out.shape());
                ElkEdge e = edge(source, b, label, textWidth);
                edges.add(e);
                ends.put(e, new String[] {idOf.get(source), "output:" + out.name(), label});
            }
        }

        if (cancelled.getAsBoolean()) {
            throw new Cancelled();
        }
        new LayeredLayoutProvider().layout(root, new BasicProgressMonitor() {
            @Override
            public boolean isCanceled() {
                return cancelled.getAsBoolean();
            }
        });
        if (cancelled.getAsBoolean()) {
            throw new Cancelled();
        }

        List<LaidOutGraph.Box> outBoxes = new ArrayList<>();
        for (Map.Entry<String, ElkNode> e : boxes.entrySet()) {
            ElkNode b = e.getValue();
            String[] t = text.get(b);
            outBoxes.add(new LaidOutGraph.Box(e.getKey(), kinds.get(b), t[0], t[1], b.getX(), b.getY(), b.getWidth(),
                    b.getHeight()));
        }
        List<LaidOutGraph.Edge> outEdges = new ArrayList<>();
        for (ElkEdge e : edges) {
            List<Double> pts = new ArrayList<>();
            for (ElkEdgeSection s : e.getSections()) {
                pts.add(s.getStartX());
                pts.add(s.getStartY());
                for (ElkBendPoint p : s.getBendPoints()) {
                    pts.add(p.getX());
                    pts.add(p.getY());
                }
                pts.add(s.getEndX());
                pts.add(s.getEndY());
            }
            double[] arr = new double[pts.size()];
            for (int i = 0; i < arr.length; i++) {
                arr[i] = pts.get(i);
            }
            ElkLabel l = e.getLabels().get(0);
            String[] end = ends.get(e);
            outEdges.add(new LaidOutGraph.Edge(end[0], end[1], end[2], arr, l.getX(), l.getY()));
        }
        return new LaidOutGraph(root.getWidth(), root.getHeight(), outBoxes, outEdges, members);
    }

    /** Longest text drawn in a box; longer names are cut in the middle (the full name is in the tooltip). */
    public static final int MAX_LABEL = 30;

    /**
     * A long name cut in the middle to {@link #MAX_LABEL} characters, keeping its start and its end (the op part of
     * a module path): one long tensor name no longer widens its box until the whole graph shrinks to a thumbnail.
     */
    public static String elide(String s) {
        if (s.length() <= MAX_LABEL) {
            return s;
        }
        int tail = (MAX_LABEL - 1) * 3 / 5;
        int head = MAX_LABEL - 1 - tail;
        return s.substring(0, head) + "\u2026" + s.substring(s.length() - tail);
    }

    /** "208 nodes: 105 Gemm, 52 Relu, ..." (the three commonest ops). */
    static String groupDetail(Graph graph, List<String> names) {
        Map<String, Integer> ops = new LinkedHashMap<>();
        Set<String> set = new HashSet<>(names);
        for (Node n : graph.nodes()) {
            if (set.contains(n.name())) {
                ops.merge(n.opType(), 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(ops.entrySet());
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : b.getValue() - a.getValue());
        StringBuilder sb = new StringBuilder().append(names.size()).append(" nodes: ");
        for (int i = 0; i < Math.min(3, sorted.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(sorted.get(i).getValue()).append(' ').append(sorted.get(i).getKey());
        }
        if (sorted.size() > 3) {
            sb.append(", \u2026");
        }
        return sb.toString();
    }

    private static ElkNode box(ElkNode root, String id, String title, String detail, ToDoubleFunction<String> w) {
        ElkNode n = ElkGraphUtil.createNode(root);
        n.setIdentifier(id);
        double width = Math.max(w.applyAsDouble(title), w.applyAsDouble(detail)) + 2 * PAD_X;
        n.setDimensions(Math.max(80, width), BOX_H);
        return n;
    }

    private static ElkEdge edge(ElkNode from, ElkNode to, String label, ToDoubleFunction<String> w) {
        ElkEdge e = ElkGraphUtil.createSimpleEdge(from, to);
        ElkLabel l = ElkGraphUtil.createLabel(label, e);
        l.setDimensions(w.applyAsDouble(label) * 0.92 + 4, LABEL_H);
        l.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
        return e;
    }
}
