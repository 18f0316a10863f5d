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
    /** Weights whose values were released ({@link #withoutWeightValues}): name to shape. */
    private final Map<String, int[]> released;
    private final int opset;

    public Graph(String name, List<Value> inputs, List<Value> outputs, List<Node> nodes, Map<String, Tensor> weights,
                 int opset) {
        this(name, inputs, outputs, nodes, weights, Map.of(), opset);
    }

    private Graph(String name, List<Value> inputs, List<Value> outputs, List<Node> nodes, Map<String, Tensor> weights,
                  Map<String, int[]> released, int opset) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.released = Collections.unmodifiableMap(new LinkedHashMap<>(released));
        this.opset = opset;
    }

    /**
     * This graph without the values of its weights but those {@code keep} names: the names, shapes, nodes and their
     * parameter and MAC counts stay, so the graph still describes the model. A large model's float weights take 8
     * bytes per parameter; once it is quantized (the quantized graph holds its own integer weights) they are needed
     * only to run it in float or to quantize it again, and both are refused on the returned graph
     * ({@link #requireWeightValues}).
     */
    public Graph withoutWeightValues(java.util.function.Predicate<String> keep) {
        Map<String, Tensor> kept = new LinkedHashMap<>();
        Map<String, int[]> gone = new LinkedHashMap<>(released);
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            if (keep.test(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            } else {
                gone.put(e.getKey(), e.getValue().shape());
            }
        }
        return new Graph(name, inputs, outputs, nodes, kept, gone, opset);
    }

    /** Whether the values of some weights were released ({@link #withoutWeightValues}). */
    public boolean weightValuesReleased() {
        return !released.isEmpty();
    }

    /** Refuses (IllegalStateException) to {@code what} a graph whose weight values were released. */
    public void requireWeightValues(String what) {
        if (!released.isEmpty()) {
            throw new IllegalStateException("cannot " + what + " model " + name + ": the values of its "
                    + released.size() + " weight tensor(s) were released after quantization; use the graph as loaded");
        }
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

    /** Whether {@code tensor} is a weight (also when its values were released). */
    public boolean isWeight(String tensor) {
        return weights.containsKey(tensor) || released.containsKey(tensor);
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
        int[] r = released.get(tensor);
        if (r != null) {
            return r.clone();
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
