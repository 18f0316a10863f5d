package dev.zkscope.compile;

import dev.zkscope.circuit.Violation;

/** A checker violation mapped to the ONNX node (layer) and op that placed the failing row or cell. */
public record ModelViolation(String node, String op, Violation violation) {
    public String describe() {
        return "node " + node + " (" + op + "): " + violation.describe();
    }
}
