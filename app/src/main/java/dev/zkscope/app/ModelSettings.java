package dev.zkscope.app;

import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.Target;

/**
 * The user's settings for compiling the open model. Changing one recomputes the analysis in the background.
 *
 * @param batch      value bound to a symbolic batch dimension (re-imports the model)
 * @param target     calibration target: small scales and tables, or accuracy
 * @param inputScale log2 of the input/activation scale, or null to let calibration choose
 * @param paramScale log2 of the parameter scale, or null to let calibration choose
 */
public record ModelSettings(int batch, Target target, Integer inputScale, Integer paramScale) {
    public ModelSettings {
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batch);
        }
        checkScale(inputScale, "input");
        checkScale(paramScale, "parameter");
    }

    private static void checkScale(Integer s, String what) {
        if (s != null && (s < QuantOptions.MIN_SCALE || s > QuantOptions.MAX_SCALE)) {
            throw new IllegalArgumentException(what + " scale must be in [" + QuantOptions.MIN_SCALE + ", "
                    + QuantOptions.MAX_SCALE + "], got " + s);
        }
    }

    public static ModelSettings defaults() {
        return new ModelSettings(1, Target.RESOURCES, null, null);
    }

    public QuantOptions quantOptions() {
        return new QuantOptions(target, inputScale, paramScale != null ? paramScale : inputScale,
                QuantOptions.defaults().rangeMargin());
    }

    public ModelSettings withBatch(int b) {
        return new ModelSettings(b, target, inputScale, paramScale);
    }

    public ModelSettings withTarget(Target t) {
        return new ModelSettings(batch, t, inputScale, paramScale);
    }

    public ModelSettings withScales(Integer in, Integer param) {
        return new ModelSettings(batch, target, in, param);
    }
}
