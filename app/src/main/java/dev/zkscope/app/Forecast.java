package dev.zkscope.app;

/**
 * The prover's cost-model prediction for a circuit, shown before proving and beside the measured figures after.
 *
 * @param proveSeconds  predicted prover time
 * @param peakHeapBytes predicted peak used heap, given the heap in use when the prediction was made
 * @param origin        where the cost model's coefficients came from (calibrated now, cached)
 */
public record Forecast(double proveSeconds, long peakHeapBytes, String origin) {}
