/**
 * The proof backends behind one interface: the Plonkish {@code ProofSystem} (unchanged, through the pipeline) and the
 * sumcheck/GKR backend ({@code dev.zkscope.sumcheck}), so that a caller proves, verifies and measures either by name.
 */
package dev.zkscope.backend;
