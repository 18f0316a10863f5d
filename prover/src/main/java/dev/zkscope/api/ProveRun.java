package dev.zkscope.api;

import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.quant.FixedPoint;

import java.util.List;
import java.util.Map;

/**
 * One measured proof of one inference: what was proved, the phase times, memory, the proof and key, the public
 * values and the verifier's verdict, and the prediction made before proving (or null).
 *
 * @param model          model name
 * @param params         proof parameters (preset, security, zero knowledge)
 * @param logN           trace height 2^logN
 * @param usedRows       rows the circuit uses: the larger of its gadget rows and its table rows (tables have their
 *                       own columns beside the gadgets)
 * @param phaseNanos     wall time per named phase, in order (witness, check, keygen, prover rounds, verify); no keygen
 *                       when the prepared model's proving key was derived by an earlier run
 * @param proveNanos     wall time of the prover alone
 * @param verifyNanos    wall time of the verifier
 * @param baselineHeap   heap in use (after a collection) when proving started
 * @param peakHeap       peak used heap sampled while proving (the prover's rounds)
 * @param heapSamples    the sampled heap over the whole run, milliseconds from its start (as {@code timeline})
 * @param proof          the serialized proof
 * @param verifyingKey   the verifying key
 * @param publicValues   the public values (signed): public input if any, the output if public, then the digests of
 *                       what is hashed
 * @param output         the quantized output (signed integers at {@code outputScale})
 * @param outputScale    the output's fixed-point scale exponent
 * @param outputShape    the output tensor's shape
 * @param verdict        the verifier's result on the fresh proof
 * @param prediction     predicted time and memory, made before proving, or null
 * @param commitments    the salted Poseidon2 digests of what is hashed, as the proof's public values hold them
 * @param timeline       every phase as it ran, in order, with its start since the run started
 * @param keyReused      whether the proving key was derived by an earlier run on the same prepared model (then there
 *                       is no keygen phase)
 */
public record ProveRun(String model, ProofParameters params, int logN, int usedRows, Map<String, Long> phaseNanos,
                       long proveNanos, long verifyNanos, long baselineHeap, long peakHeap,
                       List<HeapSampler.Sample> heapSamples, byte[] proof, VerifyingKey verifyingKey,
                       long[] publicValues, long[] output, int outputScale, int[] outputShape, VerifyResult verdict,
                       CostModel.Prediction prediction, Commitments commitments, List<Phase> timeline,
                       boolean keyReused) {

    /**
     * One phase on the run's wall clock: its name, its start since the run started, its duration, and the phase it is
     * a step of ({@link dev.zkscope.profile.PhaseListener#step}), or null for a phase of the run itself.
     */
    public record Phase(String name, long startNanos, long nanos, String parent) {
        public Phase(String name, long startNanos, long nanos) {
            this(name, startNanos, nanos, null);
        }

        public double startMillis() {
            return startNanos / 1e6;
        }

        public double millis() {
            return nanos / 1e6;
        }
    }

    public ProveRun {
        phaseNanos = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseNanos));
        heapSamples = List.copyOf(heapSamples);
        timeline = List.copyOf(timeline);
    }

    /** Key generation time in this run: 0 when the key was reused. */
    public long keygenNanos() {
        return phaseNanos.getOrDefault("keygen", 0L);
    }

    /** The output as real numbers. */
    public double[] dequantizedOutput() {
        double[] d = new double[output.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = FixedPoint.dequantize(output[i], outputScale);
        }
        return d;
    }

    /** The weights' commitment in hex, or "" when the weights are not hashed. */
    public String weightsCommitmentHex() {
        return commitments.weights() == null ? "" : dev.zkscope.hash.Poseidon2.hex(commitments.weights());
    }

    public double proveSeconds() {
        return proveNanos / 1e9;
    }

    public double verifySeconds() {
        return verifyNanos / 1e9;
    }

    /** The measured peak minus the baseline: what the prover itself added (what the cost model predicts). */
    public long heapAboveBaseline() {
        return Math.max(0, peakHeap - baselineHeap);
    }

    /** The prediction's error on what it predicts (time, heap above the baseline), or null without a prediction. */
    public dev.zkscope.predict.PredictionError predictionError() {
        return prediction == null ? null : new dev.zkscope.predict.PredictionError(prediction.proveSeconds(),
                proveSeconds(), prediction.heapBytesAboveBaseline(), heapAboveBaseline());
    }

    public Long predictedPeakHeap() {
        return prediction == null ? null : prediction.peakHeapBytes(baselineHeap);
    }
}
