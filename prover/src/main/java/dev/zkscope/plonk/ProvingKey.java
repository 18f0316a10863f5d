package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.pcs.Pcs;

/** The prover's key: the verifying key plus the fixed columns, and the commitment scheme's data for them. */
public final class ProvingKey {
    final VerifyingKey vk;
    final Circuit circuit;
    final ArgumentLayout layout;
    /** The fixed columns on the trace rows: the committed ones, then the computed ones (X, active, first, last). */
    final long[][] fixedAll;
    /** The computed fixed columns' coefficients: the quotient evaluates them coset by coset. */
    final long[][] computedCoeffs;
    /** The fixed columns committed as a preprocessed batch (coefficients, extension, tree). */
    final Pcs.ProverData fixed;

    ProvingKey(VerifyingKey vk, Circuit circuit, ArgumentLayout layout, long[][] fixedAll, long[][] computedCoeffs,
               Pcs.ProverData fixed) {
        this.vk = vk;
        this.circuit = circuit;
        this.layout = layout;
        this.fixedAll = fixedAll;
        this.computedCoeffs = computedCoeffs;
        this.fixed = fixed;
    }

    public VerifyingKey verifyingKey() {
        return vk;
    }

    public Circuit circuit() {
        return circuit;
    }
}
