package dev.zkscope.ir;

import java.util.List;

/**
 * One operation of a {@link Graph}: its ONNX name and op type, the typed {@link Op}, the names of its data inputs
 * (graph inputs, weights or other nodes' outputs) and outputs, and their static shapes (null only for tensors downstream of an unsupported node, whose shape is unknown).
 *
 * @param params number of parameters this node owns (elements of the weights among its inputs)
 * @param macs multiply-accumulates of one inference
 */
public record Node(String name, String opType, Op op, List<String> inputs, List<String> outputs,
                   List<int[]> inputShapes, List<int[]> outputShapes, long params, long macs) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        // Shapes may be null (unknown) only after an unsupported node.
        inputShapes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputShapes));
        outputShapes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(outputShapes));
    }

    public boolean isUnsupported() {
        return op instanceof Op.Unsupported;
    }

    public int[] outputShape() {
        return outputShapes.get(0);
    }

    /** "name (OpType)" for messages. */
    public String describe() {
        if (op instanceof Op.Unsupported) {
            Op.Unsupported u = (Op.Unsupported) op;
            return "'" + name + "' (" + u.opType() + (u.domain().isEmpty() ? "" : ", domain " + u.domain())
                    + ", opset " + u.opset() + ": " + u.reason() + ")";
        }
        return "'" + name + "' (" + opType + ")";
    }
}
