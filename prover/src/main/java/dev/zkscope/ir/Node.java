package dev.zkscope.ir;

import java.util.List;

/**
 * One operation of a {@link Graph}: its ONNX name and op type, the typed {@link Op}, the names of its data inputs
 * (graph inputs, weights or other nodes' outputs) and outputs, and their static shapes.
 *
 * @param params number of parameters this node owns (elements of the weights among its inputs)
 * @param macs multiply-accumulates of one inference
 */
public record Node(String name, String opType, Op op, List<String> inputs, List<String> outputs,
                   List<int[]> inputShapes, List<int[]> outputShapes, long params, long macs) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        inputShapes = List.copyOf(inputShapes);
        outputShapes = List.copyOf(outputShapes);
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
