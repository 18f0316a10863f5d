package dev.zkscope.predict;

import java.util.Locale;

/**
 * How far a prediction was from the measured proof, on what the cost model predicts: the prover's time, and the heap
 * the prover adds above the heap in use when it starts (never the peak including that baseline, which would hide a
 * miss behind the application's own memory).
 *
 * @param predictedSeconds   the predicted prover time
 * @param measuredSeconds    the measured prover time
 * @param predictedHeapAbove the predicted heap above the baseline, bytes
 * @param measuredHeapAbove  the measured peak minus the baseline, bytes
 */
public record PredictionError(double predictedSeconds, double measuredSeconds, long predictedHeapAbove,
                              long measuredHeapAbove) {
    /** A prediction this many times too high or too low is flagged. */
    public static final double FLAG_RATIO = 3;

    /** Measured time over predicted. */
    public double timeRatio() {
        return measuredSeconds / predictedSeconds;
    }

    /** Measured heap above the baseline over predicted. */
    public double heapRatio() {
        return measuredHeapAbove / (double) predictedHeapAbove;
    }

    /** Relative time error, +0.24 for 24% slower than predicted. */
    public double timeError() {
        return timeRatio() - 1;
    }

    /** Relative heap error on the heap above the baseline. */
    public double heapError() {
        return heapRatio() - 1;
    }

    /** "time +24%, heap above baseline -21%". */
    public String summary() {
        return String.format(Locale.ROOT, "time %+.0f%%, heap above baseline %+.0f%%", 100 * timeError(),
                100 * heapError());
    }

    /**
     * A warning when time or heap is {@link #FLAG_RATIO} or more times off (either way), saying by how much and what
     * to do; null otherwise.
     */
    public String warning() {
        StringBuilder b = new StringBuilder();
        flag(b, "time", timeRatio());
        flag(b, "heap above baseline", heapRatio());
        if (b.length() == 0) {
            return null;
        }
        return "the prediction is far off (" + b + "): the machine may have been busy during this proof or during "
                + "calibration; rerun on an idle machine, or recalibrate with `zkscope calibrate --force`";
    }

    private static void flag(StringBuilder b, String what, double ratio) {
        if (!(ratio > 0) || !Double.isFinite(ratio)) {
            return;
        }
        if (ratio >= FLAG_RATIO || ratio <= 1 / FLAG_RATIO) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1fx %s", what,
                    ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "more than predicted" : "less than predicted"));
        }
    }
}
