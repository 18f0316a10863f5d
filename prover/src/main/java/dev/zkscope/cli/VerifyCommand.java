package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.quant.FixedPoint;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.security.SecurityJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zkscope verify PROOF --vk VK}: exit 0 and print the attested output when the proof is valid, exit 1 with the
 * verifier's typed reason when it is not, exit 2 when a file cannot be read.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a proof against a verifying key; prints the attested output.")
public final class VerifyCommand implements Callable<Integer> {
    /** Exit code of a well-formed proof that the verifier rejects. */
    static final int REJECTED = 1;

    @Parameters(index = "0", paramLabel = "PROOF", description = "proof file written by 'zkscope prove'")
    Path proof;

    @Option(names = "--vk", required = true, paramLabel = "VK", description = "verifying-key file written by 'zkscope prove'")
    Path vk;

    @Option(names = "--weights-commitment", paramLabel = "HEX",
            description = "require the proof's private-weights commitment to equal HEX (as printed by 'zkscope prove "
                    + "--private-weights')")
    String weightsCommitment;

    @Option(names = "--json", description = "print {\"verified\", \"reason\", \"output\", \"security\", ...} as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(ArtifactFiles.read(proof, "proof"));
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(ArtifactFiles.read(vk, "verifying-key"));
        VerifyingKey key;
        try {
            key = VerifyingKey.fromBytes(kf.verifyingKey());
        } catch (VerifyingKey.FormatException e) {
            throw new ArtifactFiles.FormatException("verifying key in " + vk + " is damaged: " + e.getMessage());
        }
        byte[] expectedCommitment = weightsCommitment == null ? null : expected();
        long t0 = System.nanoTime();
        VerifyResult r = ArtifactFiles.verify(kf, key, pf, expectedCommitment);
        long nanos = System.nanoTime() - t0;
        boolean ok = r.accepted();
        String reason = ok ? null : ((VerifyResult.Rejected) r).error().describe();
        // Read only from an accepted proof, whose public-value count the key fixed.
        double[] output = new double[ok ? kf.outputSize() : 0];
        for (int i = 0; i < output.length; i++) {
            output[i] = FixedPoint.dequantize(pf.publicValues()[kf.publicInputCount() + i], kf.outputScale());
        }
        PrintWriter o = spec.commandLine().getOut();
        SecurityAnalysis security = SecurityAnalysis.of(key);
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("verified", ok);
            root.put("model", kf.model());
            root.put("preset", key.parameters().name());
            root.set("security", SecurityJson.of(security));
            root.put("circuit_digest", key.circuitDigestHex());
            root.put("verify_ms", nanos / 1e6);
            if (ok) {
                ArrayNode a = root.putArray("output");
                for (double v : output) {
                    a.add(v);
                }
                root.put("argmax", argmax(output));
            } else {
                root.put("reason", reason);
            }
            o.println(m.writeValueAsString(root));
        } else if (ok) {
            o.printf(Locale.ROOT, "verified: proof for model %s accepted in %.1f ms (%s)%n", kf.model(), nanos / 1e6,
                    key.parameters());
            o.println("security: " + security.summary());
            o.println("attested output: " + formatOutput(output) + "  argmax " + argmax(output));
        } else {
            o.println("REJECTED: " + reason);
        }
        o.flush();
        return ok ? Main.OK : REJECTED;
    }

    private byte[] expected() throws ArtifactFiles.FormatException {
        try {
            return java.util.HexFormat.of().parseHex(weightsCommitment.strip());
        } catch (IllegalArgumentException e) {
            throw new ArtifactFiles.FormatException("--weights-commitment must be hexadecimal: " + e.getMessage());
        }
    }

    static String formatOutput(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return b.append(']').toString();
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
