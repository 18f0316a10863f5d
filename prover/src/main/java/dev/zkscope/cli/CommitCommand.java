package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.Salts;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.ir.Graph;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zkscope commit MODEL [--salt-file F]}: the model owner's one-time step for hashed weights. Quantizes the
 * model as {@code prove} does (same scale and calibration options), hashes a salt and the quantized weights with
 * Poseidon2 ({@link ModelCompiler#weightsCommitment}) and prints the commitment to publish. The salt comes from F
 * when F exists, else it is drawn fresh from SecureRandom and written to F, which the owner keeps secret and passes to
 * every {@code prove --weights-visibility hashed --salt-file F}.
 */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = "Commit to a model's quantized weights (salted Poseidon2 hash); prints the commitment to publish.")
public final class CommitCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--salt-file", paramLabel = "F",
            description = "the salt: read from F if it exists, else drawn fresh and written there (default: MODEL.salt)")
    Path saltFile;

    @Option(names = "--json", description = "print {\"weights_commitment\", \"salt_file\", ...} as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Graph g = model.load();
        g.requireSupported("committing");
        Path f = saltFile != null ? saltFile : model.model.resolveSibling(model.model.getFileName() + ".salt");
        boolean fresh = !Files.exists(f);
        long[] salt = fresh ? Salts.fresh(new SecureRandom()) : SaltFiles.read(f, "--salt-file");
        Pipeline.Settings settings = new Pipeline.Settings(model.quantOptions(),
                CompileOptions.defaults().withWeights(CompileOptions.Visibility.HASHED),
                dev.zkscope.plonk.ProofParameters.standard());
        Calibrator.Calibration cal = Pipeline.calibrate(g, model.calibrationSamples(g).inputs(), settings,
                PhaseListener.NONE);
        dev.zkscope.compile.model.QModel q = ModelCompiler.lower(cal.graph(), settings.compile());
        long[] commitment = ModelCompiler.weightsCommitment(q, salt);
        if (fresh) {
            SaltFiles.write(f, salt, "the weights of " + Pipeline.modelName(model.model));
        }
        String hex = Poseidon2.hex(commitment);
        long params = ModelCompiler.weightsMessage(q).length;
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode r = m.createObjectNode();
            r.put("model", Pipeline.modelName(model.model));
            r.put("parameters", params);
            r.put("weights_commitment", hex);
            r.put("salt_file", f.toString());
            r.put("salt_created", fresh);
            o.println(m.writeValueAsString(r));
        } else {
            o.printf("model %s: %,d quantized parameters hashed with Poseidon2 (%d permutations)%n",
                    Pipeline.modelName(model.model), params, Poseidon2.permutations(Salts.LENGTH, params));
            o.println((fresh ? "wrote a fresh salt to " : "used the salt in ") + f
                    + " (keep it secret; prove with --weights-visibility hashed --salt-file " + f + ")");
            o.println("weights commitment: " + hex);
        }
        o.flush();
        return Main.OK;
    }
}
