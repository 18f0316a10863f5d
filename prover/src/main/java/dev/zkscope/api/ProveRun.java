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
 * @param usedRows       rows the circuit uses (gadgets and tables)
 * @param phaseNanos     wall time per named phase, in order (witness, check, keygen, prover rounds, verify)
 * @param proveNanos     wall time of the prover alone
 * @param verifyNanos    wall time of the verifier
 * @param baselineHeap   heap in use (after a collection) when proving started
 * @param peakHeap       peak used heap sampled while proving
 * @param heapSamples    the sampled heap over time
 * @param proof          the serialized proof
 * @param verifyingKey   the verifying key
 * @param publicValues   the public values (signed): public input if any, then the output
 * @param output         the quantized output (signed integers at {@code outputScale})
 * @param outputScale    the output's fixed-point scale exponent
 * @param outputShape    the output tensor's shape
 * @param verdict        the verifier's result on the fresh proof
 * @param prediction     predicted time and memory, made before proving, or null
 * @param weightsCommitment the root of the private weights' Merkle tree that the proof publishes (empty when the
 *                       weights are fixed in the circuit)
 */
public record ProveRun(String model, ProofParameters params, int logN, int usedRows, Map<String, Long> phaseNanos,
                       long proveNanos, long verifyNanos, long baselineHeap, long peakHeap,
                       List<HeapSampler.Sample> heapSamples, byte[] proof, VerifyingKey verifyingKey,
                       long[] publicValues, long[] output, int outputScale, int[] outputShape, VerifyResult verdict,
                       CostModel.Prediction prediction, byte[] weightsCommitment) {

    /** The output as real numbers. */
    public double[] dequantizedOutput() {
        double[] d = new double[output.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = FixedPoint.dequantize(output[i], outputScale);
        }
        return d;
    }

    public String weightsCommitmentHex() {
        return java.util.HexFormat.of().formatHex(weightsCommitment);
    }

    public double proveSeconds() {
        return proveNanos / 1e9;
    }

    public double verifySeconds() {
        return verifyNanos / 1e9;
    }

    public Long predictedPeakHeap() {
        return prediction == null ? null : prediction.peakHeapBytes(baselineHeap);
    }
}
