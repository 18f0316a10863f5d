package dev.zkscope.compile;

import dev.zkscope.circuit.Witness;

/**
 * A filled trace for one input.
 *
 * @param witness      advice and instance columns, as field elements
 * @param publicValues the instance column's used rows, signed: the public input (if public) then the output
 * @param output       the quantized model output (the public output), signed
 */
public record ModelWitness(Witness witness, long[] publicValues, long[] output) {
}
