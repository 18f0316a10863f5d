package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.merkle.MerkleTree;

/** The prover's key: the verifying key plus the fixed columns in coefficient and extended form, and their tree. */
public final class ProvingKey {
    final VerifyingKey vk;
    final Circuit circuit;
    final Layout layout;
    final long[][] fixedAll;
    final long[][] fixedCoeffs;
    final long[][] fixedLde;
    final MerkleTree fixedTree;

    ProvingKey(VerifyingKey vk, Circuit circuit, Layout layout, long[][] fixedAll, long[][] fixedCoeffs,
               long[][] fixedLde, MerkleTree fixedTree) {
        this.vk = vk;
        this.circuit = circuit;
        this.layout = layout;
        this.fixedAll = fixedAll;
        this.fixedCoeffs = fixedCoeffs;
        this.fixedLde = fixedLde;
        this.fixedTree = fixedTree;
    }

    public VerifyingKey verifyingKey() {
        return vk;
    }

    public Circuit circuit() {
        return circuit;
    }
}
