package dev.zkscope.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable model graph with static shapes: inputs, outputs, nodes in topological order, and the weights
 * (initializers, Constant nodes and folded constant subgraphs) by name.
 */
public final class Graph {
    /** A named graph input or output with its static shape (null: unknown, after an unsupported node). */
    public record Value(String name, int[] shape, Tensor.DType dtype) {
        /** A float value. */
        public Value(String name, int[] shape) {
            this(name, shape, Tensor.DType.FLOAT);
        }

        public Value {
            java.util.Objects.requireNonNull(dtype, "dtype");
        }

        /** True for integer inputs (token ids, indices): their values must be whole numbers. */
        public boolean isInteger() {
            return dtype == Tensor.DType.INT64;
        }

        /** The element count, or -1 if the shape is unknown. */
        public int size() {
            return shape == null ? -1 : (int) Tensor.elementCount(shape);
        }
    }

    private final String name;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final List<Node> nodes;
    private final Map<String, Tensor> weights;
    private final int opset;

    public Graph(String name, List<Value> inputs, List<Value> outputs, List<Node> nodes, Map<String, Tensor> weights,
                 int opset) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.opset = opset;
    }

    public String name() {
        return name;
    }

    public List<Value> inputs() {
        return inputs;
    }

    public List<Value> outputs() {
        return outputs;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Map<String, Tensor> weights() {
        return weights;
    }

    public boolean isWeight(String tensor) {
        return weights.containsKey(tensor);
    }

    /** The default-domain opset the model was exported with. */
    public int opset() {
        return opset;
    }

    public List<Node> unsupported() {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.isUnsupported()) {
                out.add(n);
            }
        }
        return out;
    }

    public long totalParams() {
        long p = 0;
        for (Node n : nodes) {
            p += n.params();
        }
        return p;
    }

    public long totalMacs() {
        long p = 0;
        for (Node n : nodes) {
            p += n.macs();
        }
        return p;
    }

    /** The static shape of any tensor (graph input, weight or node output), or null if unknown or absent. */
    public int[] shape(String tensor) {
        for (Value v : inputs) {
            if (v.name().equals(tensor)) {
                return v.shape() == null ? null : v.shape().clone();
            }
        }
        Tensor w = weights.get(tensor);
        if (w != null) {
            return w.shape();
        }
        Node n = producer(tensor);
        if (n == null) {
            return null;
        }
        int[] s = n.outputShapes().get(n.outputs().indexOf(tensor));
        return s == null ? null : s.clone();
    }

    /** The node producing the given tensor, or null for inputs and weights. */
    public Node producer(String tensor) {
        for (Node n : nodes) {
            if (n.outputs().contains(tensor)) {
                return n;
            }
        }
        return null;
    }

    /** Throws {@link UnsupportedModelException} listing every unsupported node, if there is any. */
    public void requireSupported(String stage) {
        List<Node> bad = unsupported();
        if (!bad.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (Node n : bad) {
                lines.add(n.describe());
            }
            throw new UnsupportedModelException(stage + " cannot run this model: " + bad.size()
                    + " unsupported node(s): " + String.join("; ", lines), lines);
        }
    }
}
