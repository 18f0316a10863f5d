package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.segment.BundleVerifier;
import dev.zkscope.segment.KeyBundle;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code zkscope verify BUNDLE --vk KEYS}: checks a proof bundle (written by {@code prove --max-rows}) against its key
 * bundle, every segment and every link; exit 0 with the attested output, or 1 naming the part that failed.
 */
final class SegmentedVerify {
    private SegmentedVerify() {}

    static int verify(VerifyCommand c, byte[] bundle) throws Exception {
        byte[] keyBytes = ArtifactFiles.read(c.vk, "verifying-key");
        if (!KeyBundle.looksLike(keyBytes)) {
            throw new ArtifactFiles.FormatException(c.proof + " is a segmented proof bundle, but " + c.vk
                    + " is not a segment key bundle: pass the key bundle 'prove --max-rows' wrote (PROOF.vk)");
        }
        KeyBundle keys = KeyBundle.decode(keyBytes);
        List<VerifyingKey> vks = keys.keys();
        long[] wantInput = VerifyCommand.expected("--input-commitment", c.inputCommitment);
        long[] wantOutput = VerifyCommand.expected("--output-commitment", c.outputCommitment);
        if (c.weightsCommitment != null) {
            throw new ArtifactFiles.FormatException("--weights-commitment: a segmented bundle's weights are fixed in "
                    + "its keys");
        }
        long t0 = System.nanoTime();
        BundleVerifier.Result r = BundleVerifier.verify(keys, vks, bundle);
        long nanos = System.nanoTime() - t0;
        String reason = null;
        BundleVerifier.Accepted acc = null;
        if (r instanceof BundleVerifier.Accepted a) {
            acc = a;
            reason = VerifyCommand.mismatch("input", wantInput, a.inputCommitment(), "its input is not hashed");
            if (reason == null) {
                reason = VerifyCommand.mismatch("output", wantOutput, a.outputCommitment(), "its output is not hashed");
            }
        } else {
            reason = ((BundleVerifier.Rejected) r).error().describe();
        }
        boolean ok = reason == null;
        PrintWriter o = c.spec.commandLine().getOut();
        SecurityAnalysis security = SecurityAnalysis.of(vks.get(0));
        double[] output = ok && acc.output() != null
                ? SegmentedProve.dequantize(acc.output(), acc.last().outputScale()) : null;
        if (c.json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("verified", ok);
            root.put("model", keys.model());
            root.put("segments", keys.count());
            root.put("keys_digest", KeyBundle.hex(keys.digest()));
            root.put("preset", vks.get(0).parameters().name());
            root.put("verify_ms", nanos / 1e6);
            if (ok) {
                if (output != null) {
                    ArrayNode a = root.putArray("output");
                    for (double v : output) {
                        a.add(v);
                    }
                    root.put("argmax", VerifyCommand.argmax(output));
                }
                if (acc.inputCommitment() != null) {
                    root.put("input_commitment", Poseidon2.hex(acc.inputCommitment()));
                }
                if (acc.outputCommitment() != null) {
                    root.put("output_commitment", Poseidon2.hex(acc.outputCommitment()));
                }
            } else {
                root.put("reason", reason);
                if (r instanceof BundleVerifier.Rejected rej) {
                    root.put("failed_segment", rej.error().segment() + 1);
                    root.put("error", rej.error().getClass().getSimpleName());
                }
            }
            o.println(m.writeValueAsString(root));
        } else if (ok) {
            o.printf(Locale.ROOT, "verified: bundle of %d segment(s) for model %s accepted in %.1f ms (%s)%n",
                    keys.count(), keys.model(), nanos / 1e6, vks.get(0).parameters());
            for (int i = 0; i < keys.count(); i++) {
                o.printf(Locale.ROOT, "  %s: 2^%d rows, %.1f ms%s%n", keys.describe(i),
                        vks.get(i).constraintSystem().logN(), acc.verifyNanos()[i] / 1e6,
                        keys.links().site(i).outSizes().length == 0 ? "" : ", gives link(s) "
                                + (keys.links().boundary(i, 0) + 1) + ".." + (keys.links().boundary(i,
                                keys.links().site(i).outSizes().length - 1) + 1) + ", first "
                                + Poseidon2.hex(acc.links().get(keys.links().boundary(i, 0))));
            }
            o.println("security (each segment): " + security.summary());
            if (output != null) {
                o.println("attested output: " + VerifyCommand.formatOutput(output) + "  argmax "
                        + VerifyCommand.argmax(output));
            } else {
                o.println("output: private, committed");
            }
            if (acc.inputCommitment() != null) {
                o.println("input commitment: " + Poseidon2.hex(acc.inputCommitment())
                        + (wantInput != null ? " (as required)" : ""));
            }
            if (acc.outputCommitment() != null) {
                o.println("output commitment: " + Poseidon2.hex(acc.outputCommitment())
                        + (wantOutput != null ? " (as required)" : ""));
            }
        } else {
            o.println("REJECTED: " + reason);
        }
        o.flush();
        return ok ? Main.OK : VerifyCommand.REJECTED;
    }
}
