/**
 * Soundness figures of a circuit's proofs: conjectured (ethSTARK) and provable (unique decoding, Johnson bound), each
 * with its terms, computed from the proof parameters and the circuit's {@link dev.zkscope.plonk.CircuitFigures}.
 */
package dev.zkscope.security;
