package dev.zkscope.backend;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.Tensor;

import java.util.List;

/**
 * A proof backend for a prepared (quantized, lowered) model: proves one inference and verifies the proof as a verifier
 * would, returning the measured figures. Keys are derived on the first proof of a model and reused.
 */
public interface Backend {
    /** "plonkish" or "sumcheck". */
    String name();

    /** The preset's name and its stated security ("100 conjectured / 27 provable bits"). */
    String security();

    /**
     * Proves the model's inference on the input and verifies the proof. Throws UnsupportedOperationException naming
     * the layer when this backend cannot prove the model.
     */
    Run run(Pipeline.Prepared model, List<Tensor> input);

    /**
     * One measured proof.
     *
     * @param proveSeconds prover wall time (keys excluded)
     * @param verifyMillis verifier wall time
     * @param peakHeap     sampled peak of the used heap while proving, garbage included
     * @param output       the proved output (the quantized model's integer output)
     * @param verdict      "accepted" or the verifier's rejection
     * @param layerNanos   prover time per layer (and per commitment phase) where the backend measures it, else empty
     * @param layerMults   prover field multiplications per layer (same labels) where the backend counts them, else empty
     */
    record Run(String backend, String preset, double proveSeconds, double verifyMillis, long proofBytes, long peakHeap,
               long[] output, boolean accepted, String verdict, java.util.Map<String, Long> layerNanos,
               java.util.Map<String, Long> layerMults) {
        public Run(String backend, String preset, double proveSeconds, double verifyMillis, long proofBytes,
                   long peakHeap, long[] output, boolean accepted, String verdict, java.util.Map<String, Long> layerNanos) {
            this(backend, preset, proveSeconds, verifyMillis, proofBytes, peakHeap, output, accepted, verdict, layerNanos,
                    java.util.Map.of());
        }

        public Run(String backend, String preset, double proveSeconds, double verifyMillis, long proofBytes,
                   long peakHeap, long[] output, boolean accepted, String verdict) {
            this(backend, preset, proveSeconds, verifyMillis, proofBytes, peakHeap, output, accepted, verdict,
                    java.util.Map.of());
        }
    }
}
