package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.quant.FixedPoint;
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

    @Option(names = "--json", description = "print {\"verified\", \"reason\", \"output\", ...} as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!json) {
            return verify();
        }
        try {
            return verify();
        } catch (Exception e) {
            // --json: a file that cannot be read or decoded is reported as JSON on stdout too, and on stderr as usual.
            int code = Main.exitCode(e);
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("verified", false);
            root.put("error", Main.oneLine(e.getMessage()));
            root.put("exit_code", code);
            PrintWriter o = spec.commandLine().getOut();
            o.println(m.writeValueAsString(root));
            o.flush();
            throw e;
        }
    }

    private int verify() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(ArtifactFiles.read(proof, "proof"));
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(ArtifactFiles.read(vk, "verifying-key"));
        VerifyingKey key;
        try {
            key = VerifyingKey.fromBytes(kf.verifyingKey());
        } catch (VerifyingKey.FormatException e) {
            throw new ArtifactFiles.FormatException("verifying key in " + vk + " is damaged: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        VerifyResult r;
        String shapeProblem = null;
        if (pf.publicValues().length != kf.publicInputCount() + kf.outputSize()) {
            shapeProblem = "the proof claims " + pf.publicValues().length + " public values; the key's model has "
                    + (kf.publicInputCount() + kf.outputSize());
            r = null;
        } else {
            r = weightsCommitment == null
                    ? ProofSystem.verify(key, ModelWitness.instanceOf(pf.publicValues()), pf.proof())
                    : ProofSystem.verify(key, ModelWitness.instanceOf(pf.publicValues()), pf.proof(), expected());
        }
        long nanos = System.nanoTime() - t0;
        boolean ok = r != null && r.accepted();
        String reason = ok ? null : shapeProblem != null ? shapeProblem : ((VerifyResult.Rejected) r).error().describe();
        double[] output = new double[kf.outputSize()];
        for (int i = 0; i < output.length; i++) {
            output[i] = FixedPoint.dequantize(pf.publicValues()[kf.publicInputCount() + i], kf.outputScale());
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("verified", ok);
            root.put("model", kf.model());
            root.put("preset", key.parameters().name());
            root.put("security_bits", key.parameters().conjecturedSecurityBits());
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
