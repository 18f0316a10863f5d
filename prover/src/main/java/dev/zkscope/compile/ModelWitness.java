package dev.zkscope.compile;

import dev.zkscope.circuit.Witness;

/**
 * A filled trace for one input.
 *
 * @param witness      advice and instance columns, as field elements
 * @param publicValues the instance column's used rows, signed: the public input (if public), the output (if public),
 *                     then the digests of what is hashed ({@link CompiledModel#publicLayout()})
 * @param output       the quantized model output (public, or private when hashed), signed
 */
public record ModelWitness(Witness witness, long[] publicValues, long[] output) {

    /** The public values as the verifier takes them: one instance column of field elements. */
    public long[][] instance() {
        return instanceOf(publicValues);
    }

    /** One instance column holding the given signed public values as field elements. */
    public static long[][] instanceOf(long[] signedValues) {
        long[] col = new long[signedValues.length];
        for (int i = 0; i < col.length; i++) {
            col[i] = dev.zkscope.field.Goldilocks.fromSigned(signedValues[i]);
        }
        return new long[][]{col};
    }
}
