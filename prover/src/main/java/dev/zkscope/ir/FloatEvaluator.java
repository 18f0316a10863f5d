package dev.zkscope.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a {@link Graph} in floating point (double precision), the reference for quantization and the tests. */
public final class FloatEvaluator {
    private final Graph graph;

    /** Refuses graphs with unsupported nodes, listing them. */
    public FloatEvaluator(Graph graph) {
        graph.requireSupported("float inference");
        this.graph = graph;
    }

    /** The graph outputs for the given inputs (one tensor per graph input, in order). */
    public List<Tensor> run(List<Tensor> inputs) {
        Map<String, Tensor> all = runAll(inputs);
        List<Tensor> out = new ArrayList<>();
        for (Graph.Value v : graph.outputs()) {
            out.add(all.get(v.name()));
        }
        return out;
    }

    /** Every tensor of the inference (inputs, weights and node outputs) by name. */
    public Map<String, Tensor> runAll(List<Tensor> inputs) {
        Map<String, Tensor> env = new HashMap<>(graph.weights());
        List<Tensor> checked = checkInputs(graph, inputs);
        for (int i = 0; i < checked.size(); i++) {
            env.put(graph.inputs().get(i).name(), checked.get(i));
        }
        for (Node n : graph.nodes()) {
            List<Tensor> in = new ArrayList<>();
            for (String s : n.inputs()) {
                in.add(env.get(s));
            }
            List<Tensor> out = n.op().eval(in);
            for (int i = 0; i < n.outputs().size(); i++) {
                env.put(n.outputs().get(i), out.get(i));
            }
        }
        return env;
    }

    /**
     * Checks that inputs match the graph's inputs in count and element count and are finite, and reshapes each to the
     * declared shape. Throws {@link BadInputException} with the reason.
     */
    public static List<Tensor> checkInputs(Graph graph, List<Tensor> inputs) {
        if (inputs.size() != graph.inputs().size()) {
            throw new BadInputException("the model has " + graph.inputs().size() + " input(s) but " + inputs.size()
                    + " were given");
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Graph.Value v = graph.inputs().get(i);
            Tensor t = inputs.get(i);
            if (t.size() != v.size()) {
                throw new BadInputException("input " + i + " ('" + v.name() + "') needs " + v.size() + " values (shape "
                        + Tensor.shapeString(v.shape()) + ") but " + t.size() + " were given");
            }
            double[] d = t.data();
            for (int k = 0; k < d.length; k++) {
                if (!Double.isFinite(d[k])) {
                    throw new BadInputException("input " + i + " ('" + v.name() + "') value " + k + " is " + d[k]
                            + "; inputs must be finite numbers");
                }
            }
            out.add(t.reshape(v.shape()));
        }
        return out;
    }
}
