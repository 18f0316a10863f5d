package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.viz.Format;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    public static LaidOutGraph layout(Graph graph, ToDoubleFunction<String> textWidth) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 24.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 8.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_LABEL, 2.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 6.0);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(12));

        Map<String, ElkNode> boxes = new LinkedHashMap<>();
        Map<ElkNode, String[]> text = new HashMap<>();
        Map<ElkNode, LaidOutGraph.Kind> kinds = new HashMap<>();
        Map<String, ElkNode> producerOf = new HashMap<>();
        for (Graph.Value in : graph.inputs()) {
            ElkNode b = box(root, "input:" + in.name(), "input", in.name(), textWidth);
            boxes.put("input:" + in.name(), b);
            text.put(b, new String[] {"input", in.name()});
            kinds.put(b, LaidOutGraph.Kind.INPUT);
            producerOf.put(in.name(), b);
        }
        for (Node n : graph.nodes()) {
            ElkNode b = box(root, n.name(), n.opType(), n.name(), textWidth);
            boxes.put(n.name(), b);
            text.put(b, new String[] {n.opType(), n.name()});
            kinds.put(b, LaidOutGraph.Kind.LAYER);
            for (String o : n.outputs()) {
                producerOf.put(o, b);
            }
        }
        List<ElkEdge> edges = new ArrayList<>();
        Map<ElkEdge, String[]> ends = new HashMap<>();
        for (Node n : graph.nodes()) {
            ElkNode target = boxes.get(n.name());
            for (int i = 0; i < n.inputs().size(); i++) {
                ElkNode source = producerOf.get(n.inputs().get(i));
                if (source == null) {
                    continue; // a weight
                }
                String label = Format.shape(n.inputShapes().get(i));
                ElkEdge e = edge(source, target, label, textWidth);
                edges.add(e);
                ends.put(e, new String[] {idOf(boxes, source), n.name(), label});
            }
        }
        for (Graph.Value out : graph.outputs()) {
            ElkNode b = box(root, "output:" + out.name(), "output", out.name(), textWidth);
            boxes.put("output:" + out.name(), b);
            text.put(b, new String[] {"output", out.name()});
            kinds.put(b, LaidOutGraph.Kind.OUTPUT);
            ElkNode source = producerOf.get(out.name());
            if (source != null) {
                String label = Format.shape(out.shape());
                ElkEdge e = edge(source, b, label, textWidth);
                edges.add(e);
                ends.put(e, new String[] {idOf(boxes, source), "output:" + out.name(), label});
            }
        }

        new LayeredLayoutProvider().layout(root, new BasicProgressMonitor());

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
        return new LaidOutGraph(root.getWidth(), root.getHeight(), outBoxes, outEdges);
    }

    private static String idOf(Map<String, ElkNode> boxes, ElkNode n) {
        for (Map.Entry<String, ElkNode> e : boxes.entrySet()) {
            if (e.getValue() == n) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unknown box");
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
