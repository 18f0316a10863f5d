package dev.zkscope.quant;

/**
 * Quantization settings. A null scale is chosen by calibration for the target; a fixed one is used as given.
 *
 * @param inputScale log2 of the scale of inputs and every activation (s: value v is stored as round(v * 2^s))
 * @param paramScale log2 of the scale of weights and other multiplicative constants
 * @param rangeMargin widening of each calibrated lookup range, as a fraction of its span (plus one real unit)
 */
public record QuantOptions(Target target, Integer inputScale, Integer paramScale, double rangeMargin) {
    public static final int MIN_SCALE = 0;
    public static final int MAX_SCALE = 20;

    public QuantOptions {
        if (target == null) {
            throw new IllegalArgumentException("target is required");
        }
        checkScale(inputScale, "input");
        checkScale(paramScale, "parameter");
        if (!(rangeMargin >= 0 && rangeMargin <= 10)) {
            throw new IllegalArgumentException("range margin must be in [0, 10], got " + rangeMargin);
        }
    }

    private static void checkScale(Integer s, String what) {
        if (s != null && (s < MIN_SCALE || s > MAX_SCALE)) {
            throw new IllegalArgumentException(what + " scale must be in [" + MIN_SCALE + ", " + MAX_SCALE + "], got " + s);
        }
    }

    public static QuantOptions defaults() {
        return new QuantOptions(Target.RESOURCES, null, null, 0.25);
    }

    public static QuantOptions of(Target target) {
        return new QuantOptions(target, null, null, 0.25);
    }

    public static QuantOptions fixed(int inputScale, int paramScale) {
        return new QuantOptions(Target.RESOURCES, inputScale, paramScale, 0.25);
    }
}
