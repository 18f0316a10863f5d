package dev.zkscope.cli;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.plonk.ProofParameters;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of what a proof is and hides, shared by {@code prove} and {@code prove-batch} (a picocli mixin): the
 * parameter preset, zero knowledge, the weights', input's and output's visibility, the weights' salt, the dot-product
 * packing and the input domain. Each command adds its own (prove: {@code --public-input} and the input and output
 * salt files; prove-batch draws a fresh salt per proof).
 */
public final class ProofOptions {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard",
            description = "proof parameters: standard, high, provable (at least 100 provable bits), testing (INSECURE); "
                    + "'inspect' prints each one's conjectured and provable bits for the model (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--no-zk", description = "turn zero knowledge off (shows what it costs; the proof may leak the witness)")
    boolean noZk;

    @Option(names = "--weights-visibility", paramLabel = "V", defaultValue = "fixed",
            description = "fixed (in the circuit and its key) or hashed (private, their salted Poseidon2 hash public; "
                    + "needs --salt-file) (default: ${DEFAULT-VALUE})")
    String weightsVisibility;

    @Option(names = "--input-visibility", paramLabel = "V", defaultValue = "private",
            description = "private, public or hashed (private, its salted hash public) (default: ${DEFAULT-VALUE})")
    String inputVisibility;

    @Option(names = "--output-visibility", paramLabel = "V", defaultValue = "public",
            description = "public or hashed (private, its salted hash public) (default: ${DEFAULT-VALUE})")
    String outputVisibility;

    @Option(names = "--salt-file", paramLabel = "F",
            description = "the weights' salt, as written by 'zkscope commit MODEL --salt-file F'")
    Path saltFile;

    @Option(names = "--inner-cols", paramLabel = "N", description = "products per dot-product row (EZKL's num_inner_cols)")
    Integer innerCols;

    @Option(names = "--input-abs-max", paramLabel = "X",
            description = "the input domain the circuit accepts, |x| <= X (default: 1, widened to cover the calibration inputs)")
    Double inputAbsMax;

    /** The preset's parameters with zero knowledge as asked. */
    ProofParameters params() throws InputFileException {
        return ProveCommand.preset(preset).withZeroKnowledge(!noZk);
    }

    /**
     * The compile options: packing, input domain, and the three visibilities ({@code publicInput}: prove's
     * {@code --public-input}), with the salt-file checks of hashed weights.
     */
    CompileOptions compileOptions(boolean publicInput, String publicInputOption) throws InputFileException {
        CompileOptions co = CompileOptions.defaults();
        if (innerCols != null) {
            if (innerCols < 1 || innerCols > 64) {
                throw new InputFileException("--inner-cols must be in [1, 64], got " + innerCols);
            }
            co = co.withInnerCols(innerCols);
        }
        if (inputAbsMax != null) {
            if (!(inputAbsMax > 0) || inputAbsMax > 1e6) {
                throw new InputFileException("--input-abs-max must be in (0, 1e6], got " + inputAbsMax);
            }
            co = co.withInputAbsMax(inputAbsMax);
        }
        CompileOptions.Visibility w = ProveCommand.visibility("--weights-visibility", weightsVisibility, "fixed",
                "hashed");
        CompileOptions.Visibility i = ProveCommand.visibility("--input-visibility", inputVisibility, "private",
                "public", "hashed");
        CompileOptions.Visibility out = ProveCommand.visibility("--output-visibility", outputVisibility, "public",
                "hashed");
        if (publicInput) {
            if (i != CompileOptions.Visibility.PRIVATE && i != CompileOptions.Visibility.PUBLIC) {
                throw new InputFileException(publicInputOption + " contradicts --input-visibility " + inputVisibility);
            }
            i = CompileOptions.Visibility.PUBLIC;
        }
        if (w == CompileOptions.Visibility.HASHED && saltFile == null) {
            throw new InputFileException("--weights-visibility hashed needs --salt-file F: run 'zkscope commit MODEL "
                    + "--salt-file F' once and publish the commitment it prints");
        }
        if (w != CompileOptions.Visibility.HASHED && saltFile != null) {
            throw new InputFileException("--salt-file is the salt of hashed weights: add --weights-visibility hashed");
        }
        return co.withWeights(w).withInput(i).withOutput(out);
    }
}
