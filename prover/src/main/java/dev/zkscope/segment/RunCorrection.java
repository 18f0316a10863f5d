package dev.zkscope.segment;

/**
 * The correction a segmented run applies to the time it predicts for its next segment, learned from the segments it
 * has proved so far: the geometric mean of measured / predicted over them, each predicted time taken before any
 * correction (so the correction does not feed on itself). The first segment is predicted by the cost model alone (and
 * the speed check, where the caller applied one), times the factor the last run of the same model ended with when
 * there is one ({@link RunFactors}); from the second on, the prediction is the model's times this run's factor.
 *
 * <p>Why: this machine's speed drifts by up to 2x within minutes (docs/prediction.md), and a calibration made hours
 * before a run can be off by as much for the whole run; consecutive segments share the machine's state far more than
 * a calibration and a run do. Over the 392 segments of 40 segmented runs recorded on 2026-12-05 (ResNet-8, the GPT
 * decoder, LeNet-5, MobileNetV2), predicting each segment from the mean of the earlier ones' log ratios left 48
 * outside +-30% where the predictions as made left 174. The mean has no parameter to fit on those runs.
 */
public final class RunCorrection {
    private final double prior;
    private double logSum;
    private int count;

    /** A correction that starts at 1. */
    public RunCorrection() {
        this(1);
    }

    /**
     * A correction whose first segment is predicted with {@code prior} (the factor the last run of the same model
     * ended with, {@link RunFactors}); once a segment of this run is recorded, only this run's segments count.
     */
    public RunCorrection(double prior) {
        if (!(prior > 0) || Double.isInfinite(prior)) {
            throw new IllegalArgumentException("prior factor " + prior);
        }
        this.prior = prior;
    }

    /** Records a proved segment: the time predicted for it before correction, and the time it took (seconds). */
    public void add(double uncorrectedPredictedSeconds, double measuredSeconds) {
        if (uncorrectedPredictedSeconds > 0 && measuredSeconds > 0 && Double.isFinite(uncorrectedPredictedSeconds)
                && Double.isFinite(measuredSeconds)) {
            logSum += Math.log(measuredSeconds / uncorrectedPredictedSeconds);
            count++;
        }
    }

    /** The factor for the next segment's predicted time: the prior (1 by default) before any segment was recorded. */
    public double factor() {
        return count == 0 ? prior : Math.exp(logSum / count);
    }

    /** How many segments the factor is learned from. */
    public int segments() {
        return count;
    }
}
