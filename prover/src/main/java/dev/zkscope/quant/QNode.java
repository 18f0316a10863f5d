package dev.zkscope.quant;

import dev.zkscope.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * The fixed-point form of one graph node: the scale of each input (activation or constant), the output scale, the
 * rescale shift k applied after its multiplication (0 when none), its integer parameters by role, and for nodes with
 * a nonlinear function the lookup table. The exact integer semantics per op are documented on
 * {@link QuantizedEvaluator}.
 *
 * @param semantics a one-line formula of what this node computes, for reports
 */
public record QNode(Node node, List<Integer> inputScales, int outScale, int shift, Map<String, QWeight> params,
                    LookupTable table, String semantics) {
    public QNode {
        inputScales = List.copyOf(inputScales);
        params = Map.copyOf(params);
    }

    public String name() {
        return node.name();
    }

    public QWeight param(String role) {
        return params.get(role);
    }

    public boolean hasTable() {
        return table != null;
    }

    public QNode withTable(LookupTable t) {
        return new QNode(node, inputScales, outScale, shift, params, t, semantics);
    }
}
