package dev.zkscope.app;

import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.viz.run.PhaseTime;
import java.util.List;

/**
 * One completed proof run, kept in the runs table: what was proved, with which settings, how long each phase took,
 * the heap it used, the proof and the verifier's answer. Every figure is measured by the prover's profiler.
 *
 * @param id           run number, from 1, continuing the saved runs of earlier sessions
 * @param model        model file name
 * @param settings     the settings it was compiled and proved with
 * @param logN         the trace has 2^logN rows
 * @param gadgetRows   rows used by gadgets
 * @param phases       the phases on the wall clock (witness, check, keygen, the prover's rounds, verify)
 * @param keygenMillis key generation time (0 when the key was reused)
 * @param proveMillis  prover time (its rounds only)
 * @param verifyMillis verifier time
 * @param baselineHeap heap in use (after a collection) when the prover's rounds started, bytes
 * @param peakHeap     peak used heap during the prover's rounds, bytes
 * @param heap         heap samples over the run
 * @param proof        the proof bytes
 * @param vk           the verifying key
 * @param publicValues the signed public values (input if public, then the output)
 * @param output       the quantized model output the proof claims
 * @param verdict      the verifier's answer on the honest proof
 * @param inputSource  where the proved input came from
 * @param forecast     the cost model's prediction made before the run, or null if none was ready
 * @param keyReused    whether the proving key was derived by an earlier run on the same analysis (no keygen phase)
 * @param flame        the phases and the steps inside them (column batches, FRI rounds), nested, on the run's clock
 * @param gc           the garbage collections during the run, on the run's clock
 * @param segmented    the segments when the run proved the model in segments (then {@code proof} is the bundle,
 *                     {@code vk} the last segment's key, {@code publicValues} the last segment's), else null
 */
public record CompletedRun(int id, String model, ModelSettings settings, int logN, int gadgetRows, List<PhaseTime> phases,
                       double keygenMillis, double proveMillis, double verifyMillis, long baselineHeap, long peakHeap,
                       List<HeapSampler.Sample> heap, byte[] proof, VerifyingKey vk, long[] publicValues,
                       long[] output, VerifyResult verdict, String inputSource, Forecast forecast,
                       boolean keyReused, List<FlameSpan> flame, List<GcEvent> gc, SegmentedRun segmented) {
    public CompletedRun {
        phases = List.copyOf(phases);
        heap = List.copyOf(heap);
        flame = List.copyOf(flame);
        gc = List.copyOf(gc);
    }

    /** A run of the whole circuit in one proof. */
    public CompletedRun(int id, String model, ModelSettings settings, int logN, int gadgetRows, List<PhaseTime> phases,
                        double keygenMillis, double proveMillis, double verifyMillis, long baselineHeap, long peakHeap,
                        List<HeapSampler.Sample> heap, byte[] proof, VerifyingKey vk, long[] publicValues,
                        long[] output, VerifyResult verdict, String inputSource, Forecast forecast,
                        boolean keyReused, List<FlameSpan> flame, List<GcEvent> gc) {
        this(id, model, settings, logN, gadgetRows, phases, keygenMillis, proveMillis, verifyMillis, baselineHeap,
                peakHeap, heap, proof, vk, publicValues, output, verdict, inputSource, forecast, keyReused, flame, gc,
                null);
    }

    /** A run without the flame chart's steps or collections (from before they were recorded). */
    public CompletedRun(int id, String model, ModelSettings settings, int logN, int gadgetRows, List<PhaseTime> phases,
                        double keygenMillis, double proveMillis, double verifyMillis, long baselineHeap, long peakHeap,
                        List<HeapSampler.Sample> heap, byte[] proof, VerifyingKey vk, long[] publicValues,
                        long[] output, VerifyResult verdict, String inputSource, Forecast forecast,
                        boolean keyReused) {
        this(id, model, settings, logN, gadgetRows, phases, keygenMillis, proveMillis, verifyMillis, baselineHeap,
                peakHeap, heap, proof, vk, publicValues, output, verdict, inputSource, forecast, keyReused,
                phases.stream().map(p -> new FlameSpan(p.name(), null, 0, p.startMillis(), p.millis())).toList(),
                List.of());
    }

    /** What the prover added to the heap: the peak minus the baseline (what the cost model predicts). */
    public long heapAboveBaseline() {
        return Math.max(0, peakHeap - baselineHeap);
    }

    /** The prover's rounds on the run's clock, [start, end] in milliseconds, or null when the run has none. */
    public double[] roundsMillis() {
        double lo = Double.MAX_VALUE;
        double hi = -1;
        for (PhaseTime p : phases) {
            if (ROUNDS.contains(p.name())) {
                lo = Math.min(lo, p.startMillis());
                hi = Math.max(hi, p.endMillis());
            }
        }
        return hi < 0 ? null : new double[] {lo, hi};
    }

    /** The prover's rounds (the phases its peak heap and prove time cover). */
    static final java.util.Set<String> ROUNDS = java.util.Set.of("witness commit", "permutation", "lookups",
            "quotient", "openings", "fri");

    /** The prediction's error on what it predicts (time, heap above the baseline), or null without a forecast. */
    public dev.zkscope.predict.PredictionError predictionError() {
        return forecast == null ? null : new dev.zkscope.predict.PredictionError(forecast.proveSeconds(),
                proveMillis / 1000, forecast.heapAboveBaseline(), heapAboveBaseline());
    }

    /** The preset's nominal conjectured bits (queries x log2 blowup + grinding), kept in the run history. */
    public int securityBits() {
        return settings.proofParameters().conjecturedSecurityBits();
    }

    /**
     * The conjectured and provable security of this proof's circuit, from its verifying key; of a run in segments,
     * the weakest segment's (a bundle is as sound as its weakest proof).
     */
    public dev.zkscope.security.SecurityAnalysis security() {
        if (segmented != null) {
            dev.zkscope.security.SecurityAnalysis weakest = null;
            for (VerifyingKey k : segmented.vks()) {
                dev.zkscope.security.SecurityAnalysis s = dev.zkscope.security.SecurityAnalysis.of(k);
                if (weakest == null || s.provableBits() < weakest.provableBits()
                        || s.provableBits() == weakest.provableBits() && s.conjecturedBits() < weakest.conjecturedBits()) {
                    weakest = s;
                }
            }
            return weakest;
        }
        return vk == null ? null : dev.zkscope.security.SecurityAnalysis.of(vk);
    }

    /** Whether the model was proved in segments (a bundle). */
    public boolean isSegmented() {
        return segmented != null;
    }

    /** Index of the largest output (the predicted class of a classifier). */
    public int argmax() {
        int best = 0;
        for (int i = 1; i < output.length; i++) {
            if (output[i] > output[best]) {
                best = i;
            }
        }
        return best;
    }
}
