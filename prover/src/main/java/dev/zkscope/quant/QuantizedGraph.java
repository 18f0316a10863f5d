package dev.zkscope.quant;

import dev.zkscope.ir.Graph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Graph} in fixed point, what the circuit compiler lowers: per node ({@link QNode}, in the graph's
 * topological order) explicit integer parameters, input/output scales, rescale shifts and lookup tables with their
 * calibrated integer input ranges. Every activation tensor is at the input scale; weights are at the parameter scale
 * and biases at input + parameter scale.
 */
public final class QuantizedGraph {
    private final Graph graph;
    private final int inputScale;
    private final int paramScale;
    private final Target target;
    private final List<QNode> nodes;
    private final Map<String, QNode> byName;

    public QuantizedGraph(Graph graph, int inputScale, int paramScale, Target target, List<QNode> nodes) {
        this.graph = graph;
        this.inputScale = inputScale;
        this.paramScale = paramScale;
        this.target = target;
        this.nodes = List.copyOf(nodes);
        Map<String, QNode> m = new LinkedHashMap<>();
        for (QNode n : nodes) {
            m.put(n.name(), n);
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    public Graph graph() {
        return graph;
    }

    /** log2 of the scale of the inputs and of every activation. */
    public int inputScale() {
        return inputScale;
    }

    /** log2 of the scale of weights and multiplicative constants. */
    public int paramScale() {
        return paramScale;
    }

    public Target target() {
        return target;
    }

    public List<QNode> nodes() {
        return nodes;
    }

    public QNode node(String name) {
        return byName.get(name);
    }

    /** The scale of the graph outputs (every activation's scale). */
    public int outputScale() {
        return inputScale;
    }

    /** Every lookup table, one per node that has one, in node order. */
    public List<LookupTable> tables() {
        List<LookupTable> out = new ArrayList<>();
        for (QNode n : nodes) {
            if (n.table() != null) {
                out.add(n.table());
            }
        }
        return out;
    }

    /**
     * This quantized graph over {@link Graph#withoutWeightValues the float graph without its weight values} (but the
     * weights that are graph outputs, which the evaluator quantizes when it runs): everything this graph computes,
     * lowers or reports stays, while the float weights (8 bytes per parameter) can be collected. For a model of
     * GPT-2 size that is 1.3 GB. Running the float model or quantizing it again needs the graph as loaded.
     */
    public QuantizedGraph withoutFloatWeights() {
        java.util.Set<String> outs = new java.util.HashSet<>();
        for (Graph.Value v : graph.outputs()) {
            outs.add(v.name());
        }
        return new QuantizedGraph(graph.withoutWeightValues(outs::contains), inputScale, paramScale, target, nodes);
    }

    /** The same graph with new table ranges (node name -> {lo, hi}); nodes not in the map keep theirs. */
    public QuantizedGraph withRanges(Map<String, long[]> ranges) {
        List<QNode> out = new ArrayList<>();
        for (QNode n : nodes) {
            long[] r = ranges.get(n.name());
            out.add(r != null && n.table() != null ? n.withTable(n.table().withRange(r[0], r[1])) : n);
        }
        return new QuantizedGraph(graph, inputScale, paramScale, target, out);
    }
}
