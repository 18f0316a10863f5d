/**
 * Segmented proving: a model's layer IR cut at layer boundaries into segments that each fit a row budget
 * ({@link dev.zkscope.segment.Segmenter}), each proved on its own with bounded memory
 * ({@link dev.zkscope.segment.SegmentProver}), linked by salted Poseidon2 commitments of the boundary activations that
 * both neighbours compute in their circuits and publish, and gathered into one versioned bundle
 * ({@link dev.zkscope.segment.Bundle}) that {@link dev.zkscope.segment.BundleVerifier} checks as a whole against one
 * key bundle ({@link dev.zkscope.segment.KeyBundle}). The design and its soundness and zero-knowledge argument are in
 * docs/segments.md.
 */
package dev.zkscope.segment;
