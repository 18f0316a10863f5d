package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.plonk.ProofSystem;
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
            description = "accept only a proof whose public weights commitment equals HEX (as 'zkscope commit' printed)")
    String weightsCommitment;

    @Option(names = "--input-commitment", paramLabel = "HEX",
            description = "accept only a proof whose public input commitment equals HEX (--input-visibility hashed)")
    String inputCommitment;

    @Option(names = "--output-commitment", paramLabel = "HEX",
            description = "accept only a proof whose public output commitment equals HEX (--output-visibility hashed)")
    String outputCommitment;

    @Option(names = "--json", description = "print {\"verified\", \"reason\", \"output\", \"security\", ...} as JSON")
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
        byte[] proofBytes = ArtifactFiles.read(proof, "proof");
        if (dev.zkscope.segment.Bundle.looksLike(proofBytes)) {
            return SegmentedVerify.verify(this, proofBytes);
        }
        if (dev.zkscope.sumcheck.SumcheckFiles.isProof(proofBytes)) {
            return SumcheckCli.verify(this, proofBytes);
        }
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(proofBytes);
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(ArtifactFiles.read(vk, "verifying-key"));
        VerifyingKey key;
        try {
            key = VerifyingKey.fromBytes(kf.verifyingKey());
        } catch (VerifyingKey.FormatException e) {
            throw new ArtifactFiles.FormatException("verifying key in " + vk + " is damaged: " + e.getMessage());
        }
        long[] wantWeights = expected("--weights-commitment", weightsCommitment);
        long[] wantInput = expected("--input-commitment", inputCommitment);
        long[] wantOutput = expected("--output-commitment", outputCommitment);
        long t0 = System.nanoTime();
        // The key file's statement, the model name and the public-value count against the key, then the proof.
        VerifyResult r = ArtifactFiles.verify(kf, key, pf);
        long nanos = System.nanoTime() - t0;
        boolean ok = r.accepted();
        String reason = ok ? null : ((VerifyResult.Rejected) r).error().describe();
        // The commitments are public values: the proof verified against them, so they are bound by it. Read only
        // from an accepted proof, whose public-value count the key fixed.
        long[] weightsDigest = ok ? digest(pf, kf, ArtifactFiles.KeyFile.HASHED_WEIGHTS) : null;
        long[] inputDigest = ok ? digest(pf, kf, ArtifactFiles.KeyFile.HASHED_INPUT) : null;
        long[] outputDigest = ok ? digest(pf, kf, ArtifactFiles.KeyFile.HASHED_OUTPUT) : null;
        if (ok) {
            reason = mismatch("weights", wantWeights, weightsDigest, "its weights are fixed in the verifying key");
            if (reason == null) {
                reason = mismatch("input", wantInput, inputDigest, "its input is not hashed");
            }
            if (reason == null) {
                reason = mismatch("output", wantOutput, outputDigest, "its output is not hashed");
            }
            ok = reason == null;
        }
        boolean outputPublic = kf.outputPublic();
        double[] output = new double[outputPublic && r.accepted() ? kf.outputSize() : 0];
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
                if (outputPublic) {
                    ArrayNode a = root.putArray("output");
                    for (double v : output) {
                        a.add(v);
                    }
                    root.put("argmax", argmax(output));
                }
                if (weightsDigest != null) {
                    root.put("weights_commitment", Poseidon2.hex(weightsDigest));
                }
                if (inputDigest != null) {
                    root.put("input_commitment", Poseidon2.hex(inputDigest));
                }
                if (outputDigest != null) {
                    root.put("output_commitment", Poseidon2.hex(outputDigest));
                }
            } else {
                root.put("reason", reason);
            }
            o.println(m.writeValueAsString(root));
        } else if (ok) {
            o.printf(Locale.ROOT, "verified: proof for model %s accepted in %.1f ms (%s)%n", kf.model(), nanos / 1e6,
                    key.parameters());
            o.println("security: " + security.summary());
            if (outputPublic) {
                o.println("attested output: " + formatOutput(output) + "  argmax " + argmax(output));
            } else {
                o.println("output: private, committed");
            }
            printDigest(o, "weights", weightsDigest, wantWeights != null);
            printDigest(o, "input", inputDigest, wantInput != null);
            printDigest(o, "output", outputDigest, wantOutput != null);
        } else {
            o.println("REJECTED: " + reason);
        }
        o.flush();
        return ok ? Main.OK : REJECTED;
    }

    /** A commitment given on the command line, or null; bad hex is a usage error (exit 2). */
    static long[] expected(String option, String hex) throws ArtifactFiles.FormatException {
        if (hex == null) {
            return null;
        }
        try {
            return Poseidon2.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFiles.FormatException(option + ": " + e.getMessage());
        }
    }

    private static long[] digest(ArtifactFiles.ProofFile pf, ArtifactFiles.KeyFile kf, int which) {
        int at = kf.digestAt(which);
        if (at < 0) {
            return null;
        }
        long[] d = new long[Poseidon2.DIGEST];
        for (int i = 0; i < d.length; i++) {
            d[i] = Goldilocks.fromSigned(pf.publicValues()[at + i]);
        }
        return d;
    }

    /** Why a required commitment does not hold, or null when it does (or none was required). */
    static String mismatch(String what, long[] want, long[] got, String absent) {
        if (want == null) {
            return null;
        }
        if (got == null) {
            return "a " + what + " commitment was required, but this proof publishes none (" + absent + ")";
        }
        if (!java.util.Arrays.equals(want, got)) {
            return "the proof's " + what + " commitment is " + Poseidon2.hex(got) + ", not the required "
                    + Poseidon2.hex(want);
        }
        return null;
    }

    private static void printDigest(PrintWriter o, String what, long[] d, boolean required) {
        if (d != null) {
            o.println(what + " commitment: " + Poseidon2.hex(d) + (required ? " (as required)" : ""));
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
