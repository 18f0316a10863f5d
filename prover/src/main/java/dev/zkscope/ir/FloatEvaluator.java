package dev.zkscope.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a {@link Graph} in floating point (double precision), the reference for quantization and the tests. */
public final class FloatEvaluator {
    /** The largest magnitude of a value of an integer input: integers are exact in a double up to 2^53. */
    public static final double MAX_INDEX = 1L << 53;

    private final Graph graph;

    /** Refuses graphs with unsupported nodes, listing them. */
    public FloatEvaluator(Graph graph) {
        graph.requireSupported("float inference");
        graph.requireWeightValues("run in float");
        this.graph = graph;
    }

    /**
     * The graph outputs for the given inputs (one tensor per graph input, in order). An output that is not finite
     * (an overflow to Infinity, or NaN) is a {@link BadInputException} naming the first node that produced a
     * non-finite value from finite inputs: the layer that overflowed.
     */
    public List<Tensor> run(List<Tensor> inputs) {
        Map<String, Tensor> all = runAll(inputs);
        List<Tensor> out = new ArrayList<>();
        for (Graph.Value v : graph.outputs()) {
            Tensor t = all.get(v.name());
            if (t != null && firstNonFinite(t) >= 0) {
                throw new BadInputException(nonFiniteReason(all, v.name(), t));
            }
            out.add(t);
        }
        return out;
    }

    private static int firstNonFinite(Tensor t) {
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why output {@code name} is not finite: the first node in order whose inputs are all finite and whose output is
     * not. Constant masks of -Infinity (attention) are inputs that are not finite, so their nodes are not blamed.
     */
    private String nonFiniteReason(Map<String, Tensor> all, String name, Tensor out) {
        int at = firstNonFinite(out);
        String head = "output '" + name + "' is not finite (value " + at + " is " + out.data()[at] + ")";
        for (Node n : graph.nodes()) {
            boolean finiteIn = true;
            for (String s : n.inputs()) {
                Tensor t = all.get(s);
                if (t != null && firstNonFinite(t) >= 0) {
                    finiteIn = false;
                    break;
                }
            }
            if (!finiteIn) {
                continue;
            }
            for (String o : n.outputs()) {
                Tensor t = all.get(o);
                int k = t == null ? -1 : firstNonFinite(t);
                if (k >= 0) {
                    return head + ": node " + n.describe() + " overflowed (its value " + k + " is " + t.data()[k]
                            + " from finite inputs); the input values are too large for this model";
                }
            }
        }
        return head + "; the input values are too large for this model";
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
            List<Tensor> out;
            try {
                out = n.op().eval(in);
            } catch (BadInputException e) {
                // a kernel refusing its inputs (an index out of range) does not know its node: name it
                String msg = String.valueOf(e.getMessage());
                throw msg.startsWith("node ") ? e : new BadInputException("node " + n.describe() + ": " + msg);
            }
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
                if (v.isInteger() && (d[k] != Math.rint(d[k]) || Math.abs(d[k]) > MAX_INDEX)) {
                    throw new BadInputException("input " + i + " ('" + v.name() + "') is an integer input (token ids or "
                            + "indices) but its value " + k + " is " + d[k] + "; give whole numbers");
                }
            }
            out.add(v.isInteger() ? Tensor.of(v.shape(), d, Tensor.DType.INT64) : t.reshape(v.shape()));
        }
        return out;
    }
}
