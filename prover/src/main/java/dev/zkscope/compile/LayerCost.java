package dev.zkscope.compile;

import java.util.Map;

/**
 * The exact cost of one layer, counted while its gadgets were placed.
 *
 * @param layer        layer name (the ONNX node name; "input", "output", "constants" for structural rows)
 * @param op           the op kind
 * @param rows         trace rows its gadgets occupy
 * @param adviceCells  advice cells it assigns
 * @param fixedCells   fixed cells it sets (selectors, weights, constants, lookup tags)
 * @param gates        gate activations (rows with the selector on), by gate kind
 * @param lookups      lookup inputs, by table
 * @param rangeChecks  values range-checked (each by one limb decomposition)
 * @param copies       copy constraints it adds
 * @param share        its fraction of all gadget rows
 */
public record LayerCost(String layer, String op, int rows, long adviceCells, long fixedCells, Map<String, Long> gates,
                        Map<String, Long> lookups, long rangeChecks, long copies, double share) {
    public LayerCost {
        gates = Map.copyOf(gates);
        lookups = Map.copyOf(lookups);
    }

    public long gateCount() {
        return gates.values().stream().mapToLong(Long::longValue).sum();
    }

    public long lookupCount() {
        return lookups.values().stream().mapToLong(Long::longValue).sum();
    }
}
