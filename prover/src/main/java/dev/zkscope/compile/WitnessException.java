package dev.zkscope.compile;

/**
 * Witness generation found a value the circuit cannot represent (outside a lookup table's range, or too wide for its
 * range check). Raised before any proof is attempted; names the layer (ONNX node) and the value.
 */
public final class WitnessException extends RuntimeException {
    private final String layer;
    private final long value;

    public WitnessException(String layer, long value, String message) {
        super("layer " + layer + ": " + message);
        this.layer = layer;
        this.value = value;
    }

    public String layer() {
        return layer;
    }

    public long value() {
        return value;
    }
}
