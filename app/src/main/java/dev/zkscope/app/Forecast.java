package dev.zkscope.app;

import dev.zkscope.viz.Format;

/**
 * The prover's cost-model prediction for a circuit, shown before proving and beside the measured figures after.
 *
 * @param proveSeconds       predicted prover time
 * @param peakHeapBytes      predicted peak used heap: the baseline (the heap in use when the prediction was made,
 *                           or, once a run has measured it, that run's heap after its baseline collection) plus
 *                           {@code heapAboveBaseline}
 * @param origin             where the cost model's coefficients came from (calibrated now, cached)
 * @param heapAboveBaseline  what the cost model predicts the prover adds to the heap in use when it starts
 * @param phaseSeconds       predicted seconds per cost-model phase ("witness commit", "helpers" for permutation and
 *                           lookups together, "quotient", "openings", "fri"); empty when not known
 * @param timeSpread         how this machine repeats one proof (the cost model's
 *                           {@link dev.zkscope.predict.CostModel#timeSpread}), NaN when not known
 */
public record Forecast(double proveSeconds, long peakHeapBytes, String origin, long heapAboveBaseline,
                       java.util.Map<String, Double> phaseSeconds, double timeSpread) {
    public Forecast {
        phaseSeconds = phaseSeconds == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseSeconds));
    }

    /** A forecast whose machine spread is not known. */
    public Forecast(double proveSeconds, long peakHeapBytes, String origin, long heapAboveBaseline,
                    java.util.Map<String, Double> phaseSeconds) {
        this(proveSeconds, peakHeapBytes, origin, heapAboveBaseline, phaseSeconds, Double.NaN);
    }

    /**
     * The prover times this machine's repeats of one proof allow around {@link #proveSeconds} (as
     * {@link dev.zkscope.predict.CostModel#timeBand}), or null when the spread is not known.
     */
    public double[] timeBand() {
        return dev.zkscope.predict.CostModel.timeBand(timeSpread, proveSeconds);
    }

    /** " (1.6 s - 3.0 s as this machine repeats a proof)", or "" when the spread is not known. */
    String bandText() {
        double[] b = timeBand();
        return b == null ? "" : " (" + Format.millis(b[0] * 1000) + " - " + Format.millis(b[1] * 1000)
                + " as this machine repeats a proof)";
    }

    /** A forecast without per-phase figures. */
    public Forecast(double proveSeconds, long peakHeapBytes, String origin, long heapAboveBaseline) {
        this(proveSeconds, peakHeapBytes, origin, heapAboveBaseline, null);
    }

    /** The prediction before proving, against the heap in use now (garbage included: an estimate of the baseline). */
    static Forecast of(dev.zkscope.predict.CostModel.Prediction p, dev.zkscope.predict.CostModel model) {
        long now = dev.zkscope.profile.HeapSampler.usedNow();
        return new Forecast(p.proveSeconds(), p.peakHeapBytes(now), model.origin(), p.heapBytesAboveBaseline(),
                p.phaseSeconds(), model.timeSpread());
    }

    /**
     * The same prediction against a run's measured baseline: the predicted peak that the measured peak is compared
     * with (the model predicts what the prover adds, not what else the application holds).
     */
    Forecast atBaseline(long baselineBytes) {
        return new Forecast(proveSeconds, baselineBytes + heapAboveBaseline, origin, heapAboveBaseline, phaseSeconds,
                timeSpread);
    }
}
