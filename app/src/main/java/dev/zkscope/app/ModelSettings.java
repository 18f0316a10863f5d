package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompileOptions.Visibility;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.Target;

/**
 * The user's settings for compiling and proving the open model. Changing one recomputes the analysis in the
 * background.
 *
 * @param batch         value bound to a symbolic batch dimension (re-imports the model)
 * @param target        calibration target: small scales and tables, or accuracy
 * @param inputScale    log2 of the input/activation scale, or null to let calibration choose
 * @param paramScale    log2 of the parameter scale, or null to let calibration choose
 * @param innerCols     products per dot-product row (EZKL's num_inner_cols), or {@link CompileOptions#AUTO}
 * @param preset        proof parameter preset name (see {@link ProofParameters#byName})
 * @param zeroKnowledge blinding on or off
 * @param input         who sees the input: PRIVATE (advice), PUBLIC (instance column) or HASHED (advice, its salted
 *                      Poseidon2 hash public)
 * @param weights       FIXED (baked into the verifying key) or HASHED (advice, their salted hash public)
 */
public record ModelSettings(int batch, Target target, Integer inputScale, Integer paramScale, int innerCols,
                            String preset, boolean zeroKnowledge, Visibility input, Visibility weights) {
    public ModelSettings {
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batch);
        }
        checkScale(inputScale, "input");
        checkScale(paramScale, "parameter");
        if (innerCols != CompileOptions.AUTO && (innerCols < 1 || innerCols > 64)) {
            throw new IllegalArgumentException("inner columns must be auto or in [1, 64], got " + innerCols);
        }
        ProofParameters.byName(preset);
    }

    private static void checkScale(Integer s, String what) {
        if (s != null && (s < QuantOptions.MIN_SCALE || s > QuantOptions.MAX_SCALE)) {
            throw new IllegalArgumentException(what + " scale must be in [" + QuantOptions.MIN_SCALE + ", "
                    + QuantOptions.MAX_SCALE + "], got " + s);
        }
    }

    public static ModelSettings defaults() {
        CompileOptions c = CompileOptions.defaults();
        return new ModelSettings(1, Target.RESOURCES, null, null, c.innerCols(), ProofParameters.standard().name(),
                true, c.input(), c.weights());
    }

    public QuantOptions quantOptions() {
        return new QuantOptions(target, inputScale, paramScale != null ? paramScale : inputScale,
                QuantOptions.defaults().rangeMargin());
    }

    public ProofParameters proofParameters() {
        return ProofParameters.byName(preset).withZeroKnowledge(zeroKnowledge);
    }

    public CompileOptions compileOptions() {
        return CompileOptions.defaults().withInnerCols(innerCols).withInput(input).withWeights(weights)
                .withReservedRows(proofParameters().reservedRows())
                .withMinLogNAtLeast(proofParameters().minLogN());
    }

    /** The prover pipeline's settings: quantization, compile options and proof parameters. */
    public Pipeline.Settings pipelineSettings() {
        return new Pipeline.Settings(quantOptions(), compileOptions(), proofParameters());
    }

    public ModelSettings withBatch(int b) {
        return new ModelSettings(b, target, inputScale, paramScale, innerCols, preset, zeroKnowledge, input, weights);
    }

    public ModelSettings withTarget(Target t) {
        return new ModelSettings(batch, t, inputScale, paramScale, innerCols, preset, zeroKnowledge, input, weights);
    }

    public ModelSettings withScales(Integer in, Integer param) {
        return new ModelSettings(batch, target, in, param, innerCols, preset, zeroKnowledge, input, weights);
    }

    public ModelSettings withInnerCols(int c) {
        return new ModelSettings(batch, target, inputScale, paramScale, c, preset, zeroKnowledge, input, weights);
    }

    public ModelSettings withPreset(String p) {
        return new ModelSettings(batch, target, inputScale, paramScale, innerCols, p, zeroKnowledge, input, weights);
    }

    public ModelSettings withZeroKnowledge(boolean zk) {
        return new ModelSettings(batch, target, inputScale, paramScale, innerCols, preset, zk, input, weights);
    }

    public ModelSettings withVisibility(Visibility in, Visibility w) {
        return new ModelSettings(batch, target, inputScale, paramScale, innerCols, preset, zeroKnowledge, in, w);
    }
}
