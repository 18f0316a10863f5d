package dev.zkscope.predict;

import java.util.List;
import java.util.Locale;

/**
 * How a run's predictions compare with what it measured, proof by proof (a segmented run's segments): how many came
 * within +-30% ({@link #TARGET}, issue #9's target), in time and in heap above the baseline, and how many times fell
 * within the band this machine's repeats of one proof allow ({@link CostModel#timeBand}). The band says what the
 * machine can promise: on a machine that repeats one proof within x0.66-x1.52 (this 2-core VM's calibration), no
 * prediction can keep every proof within +-30%.
 *
 * @param proofs         the predicted proofs counted
 * @param timeWithin     how many took within +-30% of their predicted time
 * @param heapWithin     how many added within +-30% of their predicted heap above the baseline
 * @param bandFactors    the band as factors of the predicted time {low, high}, or null when the model does not know
 *                       its machine's spread
 * @param timeWithinBand how many took a time within the band (0 without one)
 */
public record PredictionAccuracy(int proofs, int timeWithin, int heapWithin, double[] bandFactors,
                                 int timeWithinBand) {
    /** Issue #9's target for the prediction of each segment: within 30% either way. */
    public static final double TARGET = 0.30;

    /** Counts {@code errors} against {@link #TARGET} and against {@code model}'s band (model may be null). */
    public static PredictionAccuracy of(List<PredictionError> errors, CostModel model) {
        return of(errors, model == null ? Double.NaN : model.timeSpread());
    }

    /**
     * Counts {@code errors} against {@link #TARGET} and against the band of a machine's {@code spread}
     * ({@link CostModel#timeSpread}; NaN when unknown).
     */
    public static PredictionAccuracy of(List<PredictionError> errors, double spread) {
        int time = 0;
        int heap = 0;
        int inBand = 0;
        for (PredictionError e : errors) {
            time += Math.abs(e.timeError()) <= TARGET ? 1 : 0;
            heap += Math.abs(e.heapError()) <= TARGET ? 1 : 0;
            inBand += Boolean.TRUE.equals(CostModel.withinBand(spread, e.predictedSeconds(), e.measuredSeconds()))
                    ? 1 : 0;
        }
        return new PredictionAccuracy(errors.size(), time, heap, CostModel.bandFactors(spread), inBand);
    }

    /**
     * "prediction: time within +-30% on 7 of 8 segment(s), within x0.66-x1.52 (...) on 8; heap above baseline within
     * +-30% on 8", or null when nothing was predicted.
     */
    public String describe(String what) {
        if (proofs == 0) {
            return null;
        }
        String b = bandFactors == null ? "" : String.format(Locale.ROOT, ", within x%.2f-x%.2f (how this machine "
                + "repeats one proof, `zkscope calibrate`) on %d", bandFactors[0], bandFactors[1], timeWithinBand);
        return String.format(Locale.ROOT, "prediction: time within +-30%% on %d of %d %s%s; heap above baseline "
                + "within +-30%% on %d", timeWithin, proofs, what, b, heapWithin);
    }
}
