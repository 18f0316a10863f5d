package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.assertBadInput;
import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.ArtifactFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prove and verify through the CLI on the small MLP with the insecure test preset: the proof verifies and attests
 * the quantized output; a flipped byte, a changed claimed output, another model's key and damaged files are rejected
 * with the documented exit codes (1 rejected, 2 unreadable).
 */
class ProveVerifyCliTest {
    @TempDir
    static Path tmp;

    static Path proof;
    static Path vk;
    static Path report;

    @BeforeAll
    static void proveOnce() {
        proof = tmp.resolve("mlp.proof");
        vk = tmp.resolve("mlp.vk");
        report = tmp.resolve("mlp.report.json");
        CliTest.Run r = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                proof.toString(), "--vk", vk.toString(), "--preset", "testing", "--no-predict", "--report", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("accepted", "testing-INSECURE");
    }

    @Test
    void verify_acceptsAndPrintsTheQuantizedOutput() throws Exception {
        CliTest.Run r = run("verify", proof.toString(), "--vk", vk.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode v = new ObjectMapper().readTree(r.out());
        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        assertThat(v.get("verified").asBoolean()).isTrue();
        assertThat(v.get("output")).isEqualTo(rep.get("public_output"));
        assertThat(rep.path("security").path("conjectured_bits").asDouble()).isLessThan(100);
        assertThat(rep.path("security").path("provable_bits").asDouble()).isLessThan(100);
        assertThat(rep.get("insecure").asBoolean()).isTrue();
        assertThat(rep.get("proof_bytes").asLong()).isEqualTo(
                ArtifactFiles.decodeProof(Files.readAllBytes(proof)).proof().length);
    }

    @Test
    void verify_rejectsAFlippedProofByte_exit1() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(Files.readAllBytes(proof));
        byte[] bad = pf.proof().clone();
        bad[bad.length / 3] ^= 0x01;
        Path p = tmp.resolve("flipped.proof");
        Files.write(p, ArtifactFiles.encode(new ArtifactFiles.ProofFile(pf.model(), pf.publicValues(), bad)));
        CliTest.Run r = run("verify", p.toString(), "--vk", vk.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("REJECTED: ");
    }

    @Test
    void verify_rejectsAChangedClaimedOutput_exit1() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(Files.readAllBytes(proof));
        long[] pub = pf.publicValues().clone();
        pub[pub.length - 1] += 64;
        Path p = tmp.resolve("changed.proof");
        Files.write(p, ArtifactFiles.encode(new ArtifactFiles.ProofFile(pf.model(), pub, pf.proof())));
        CliTest.Run r = run("verify", p.toString(), "--vk", vk.toString(), "--json");
        assertThat(r.code()).isEqualTo(1);
        JsonNode v = new ObjectMapper().readTree(r.out());
        assertThat(v.get("verified").asBoolean()).isFalse();
        assertThat(v.get("reason").asText()).isNotBlank();
    }

    @Test
    void verify_refusesANonCanonicalPublicValue_exit2() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(Files.readAllBytes(proof));
        long[] pub = pf.publicValues().clone();
        // 2^63 - 1 and 2^63 - 1 - p are the same field element; only the second lies in (-p/2, p/2], the canonical
        // signed range, so the first is refused before verification
        pub[0] = Long.MAX_VALUE;
        Path p = tmp.resolve("alias.proof");
        Files.write(p, ArtifactFiles.encode(new ArtifactFiles.ProofFile(pf.model(), pub, pf.proof())));
        assertBadInput(run("verify", p.toString(), "--vk", vk.toString()), "canonical");
    }

    @Test
    void verify_rejectsTheKeyOfAnotherModel_exit1() {
        Path otherProof = tmp.resolve("other.proof");
        Path otherVk = tmp.resolve("other.vk");
        CliTest.Run p = run("prove", "../samples/mlp_sigmoid_tanh.onnx", "--input", "../samples/mlp_sigmoid_tanh.input.json",
                "--out", otherProof.toString(), "--vk", otherVk.toString(), "--preset", "testing", "--no-predict");
        assertThat(p.code()).as(p.err()).isZero();
        CliTest.Run r = run("verify", proof.toString(), "--vk", otherVk.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("REJECTED: ");
    }

    /** The key file's interpretation data is bound to the circuit digest: another output scale is rejected. */
    @Test
    void verify_rejectsAKeyFileWithAnotherOutputScale_exit1() throws Exception {
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(Files.readAllBytes(vk));
        for (ArtifactFiles.KeyFile edited : new ArtifactFiles.KeyFile[] {
                new ArtifactFiles.KeyFile(kf.model(), kf.publicInputCount(), kf.outputShape(), kf.outputScale() - 3,
                        kf.verifyingKey()),
                new ArtifactFiles.KeyFile(kf.model(), kf.publicInputCount(), new int[] {10, 1}, kf.outputScale(),
                        kf.verifyingKey()),
                new ArtifactFiles.KeyFile("cnn", kf.publicInputCount(), kf.outputShape(), kf.outputScale(),
                        kf.verifyingKey())}) {
            Path p = tmp.resolve("edited.vk");
            Files.write(p, ArtifactFiles.encode(edited));
            CliTest.Run r = run("verify", proof.toString(), "--vk", p.toString());
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).startsWith("REJECTED: ").doesNotContain("attested output");
            assertThat(r.err()).doesNotContain("internal error");
        }
    }

    /** The model name in the proof file is checked against the key: a renamed or relabelled proof is rejected. */
    @Test
    void verify_rejectsARenamedProof_exit1() throws Exception {
        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(Files.readAllBytes(proof));
        for (String name : new String[] {"mlq", "mlp_sigmoid_tanh", "", "mlp "}) {
            Path p = tmp.resolve("renamed.proof");
            Files.write(p, ArtifactFiles.encode(new ArtifactFiles.ProofFile(name, pf.publicValues(), pf.proof())));
            CliTest.Run r = run("verify", p.toString(), "--vk", vk.toString());
            assertThat(r.code()).as("name '%s': %s", name, r.out()).isEqualTo(1);
            assertThat(r.out()).startsWith("REJECTED: ").contains("model");
        }
    }

    /**
     * Every byte of the proof file around the proof (magic, version, model name, public values, lengths) is checked:
     * each flip is a decoding error or a typed rejection, never accepted. The proof's own bytes: EveryByteTamperTest.
     */
    @Test
    void verify_rejectsEveryFlippedByteOfTheProofFileEnvelope() throws Exception {
        byte[] file = Files.readAllBytes(proof);
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(Files.readAllBytes(vk));
        dev.zkscope.plonk.VerifyingKey key = dev.zkscope.plonk.VerifyingKey.fromBytes(kf.verifyingKey());
        int envelope = file.length - ArtifactFiles.decodeProof(file).proof().length;
        assertThat(ArtifactFiles.verify(kf, key, ArtifactFiles.decodeProof(file)).accepted()).isTrue();
        for (int pos = 0; pos < envelope; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = file.clone();
                bad[pos] ^= (byte) (1 << bit);
                ArtifactFiles.ProofFile pf;
                try {
                    pf = ArtifactFiles.decodeProof(bad);
                } catch (ArtifactFiles.FormatException e) {
                    continue;
                }
                assertThat(ArtifactFiles.verify(kf, key, pf).accepted()).as("byte %d bit %d", pos, bit).isFalse();
            }
        }
    }

    /** A key whose model has more public values than the proof claims: a typed rejection, not an internal error. */
    @Test
    void verify_withTheKeyOfAModelWithMoreOutputs_isATypedRejection_exit1() {
        Path otherProof = tmp.resolve("public-input.proof");
        Path otherVk = tmp.resolve("public-input.vk");
        CliTest.Run p = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                otherProof.toString(), "--vk", otherVk.toString(), "--preset", "testing", "--no-predict",
                "--public-input");
        assertThat(p.code()).as(p.err()).isZero();
        CliTest.Run own = run("verify", otherProof.toString(), "--vk", otherVk.toString());
        assertThat(own.code()).as("a public-input proof with its own key: %s %s", own.out(), own.err()).isZero();
        CliTest.Run r = run("verify", proof.toString(), "--vk", otherVk.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("REJECTED: ");
        assertThat(r.err()).doesNotContain("internal error", "Exception");
        CliTest.Run j = run("verify", proof.toString(), "--vk", otherVk.toString(), "--json");
        assertThat(j.code()).as(j.err()).isEqualTo(1);
        assertThat(j.out()).contains("\"verified\":false");
    }

    @Test
    void hashedWeights_commitThenProveThenVerifyAgainstTheCommitment() throws Exception {
        Path salt = tmp.resolve("mlp.salt");
        CliTest.Run c = run("commit", "../samples/mlp.onnx", "--salt-file", salt.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(salt).exists();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("weights commitment: ([0-9a-f]{64})").matcher(c.out());
        assertThat(m.find()).as(c.out()).isTrue();
        String commitment = m.group(1);
        // committing again with the same salt file gives the same commitment
        assertThat(run("commit", "../samples/mlp.onnx", "--salt-file", salt.toString()).out()).contains(commitment);

        Path wp = tmp.resolve("w.proof");
        Path wvk = tmp.resolve("w.vk");
        Path wr = tmp.resolve("w.json");
        CliTest.Run p = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out", wp.toString(),
                "--vk", wvk.toString(), "--preset", "testing", "--no-predict", "--warmup", "0",
                "--weights-visibility", "hashed", "--salt-file", salt.toString(), "--report", wr.toString());
        assertThat(p.code()).as(p.err()).isZero();
        JsonNode rep = new ObjectMapper().readTree(wr.toFile());
        assertThat(rep.get("weights").asText()).isEqualTo("hashed");
        assertThat(rep.get("weights_commitment").asText()).isEqualTo(commitment);
        assertThat(p.out()).contains(commitment);

        CliTest.Run ok = run("verify", wp.toString(), "--vk", wvk.toString(), "--weights-commitment", commitment);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("weights commitment: " + commitment + " (as required)");
        String other = (commitment.charAt(0) == '0' ? "1" : "0") + commitment.substring(1);
        CliTest.Run bad = run("verify", wp.toString(), "--vk", wvk.toString(), "--weights-commitment", other);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).startsWith("REJECTED: the proof's weights commitment is " + commitment)
                .contains("not the required " + other);
        // a fixed-weights proof publishes no weights commitment: rejected when one is required
        CliTest.Run none = run("verify", proof.toString(), "--vk", vk.toString(), "--weights-commitment", commitment);
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).startsWith("REJECTED: a weights commitment was required");
        // the fixed-weights key of the same model does not accept the hashed-weights proof
        assertThat(run("verify", wp.toString(), "--vk", vk.toString()).code()).isEqualTo(1);
        // malformed commitments and missing salts are usage errors, in one line
        assertBadInput(run("verify", wp.toString(), "--vk", wvk.toString(), "--weights-commitment", "xyz"),
                "--weights-commitment");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                wp.toString(), "--weights-visibility", "hashed", "--no-predict"), "needs --salt-file");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                wp.toString(), "--private-weights", "--no-predict"), "--weights-visibility hashed");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                wp.toString(), "--weights-visibility", "secret", "--no-predict"), "must be one of fixed, hashed");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                wp.toString(), "--weights-visibility", "hashed", "--salt-file", tmp.resolve("none.salt").toString(),
                "--no-predict"), "does not exist");
        Files.writeString(tmp.resolve("bad.salt"), "not hex\n");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                wp.toString(), "--weights-visibility", "hashed", "--salt-file", tmp.resolve("bad.salt").toString(),
                "--no-predict"), "64 hex digits");
    }

    @Test
    void hashedInputAndOutput_commitmentsArePrintedAndPinned() throws Exception {
        Path ip = tmp.resolve("io.proof");
        Path ivk = tmp.resolve("io.vk");
        Path isalt = tmp.resolve("in.salt");
        assertThat(run("commit", "../samples/mlp.onnx", "--salt-file", isalt.toString()).code()).isZero();
        CliTest.Run p = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out", ip.toString(),
                "--vk", ivk.toString(), "--preset", "testing", "--no-predict", "--warmup", "0",
                "--input-visibility", "hashed", "--input-salt-file", isalt.toString(), "--output-visibility", "hashed");
        assertThat(p.code()).as(p.err()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("input commitment \\(public, bound by the proof\\): "
                + "([0-9a-f]{64})").matcher(p.out());
        assertThat(m.find()).as(p.out()).isTrue();
        String input = m.group(1);
        CliTest.Run v = run("verify", ip.toString(), "--vk", ivk.toString(), "--input-commitment", input);
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("output: private, committed").contains("output commitment: ")
                .doesNotContain("attested output");
        String other = (input.charAt(5) == '0' ? "1" : "0");
        other = input.substring(0, 5) + other + input.substring(6);
        assertThat(run("verify", ip.toString(), "--vk", ivk.toString(), "--input-commitment", other).code()).isEqualTo(1);
        // the same input and salt in a second proof: the same input commitment (a verifier pins it once)
        CliTest.Run p2 = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                tmp.resolve("io2.proof").toString(), "--preset", "testing", "--no-predict", "--warmup", "0",
                "--input-visibility", "hashed", "--input-salt-file", isalt.toString(), "--output-visibility", "hashed");
        assertThat(p2.code()).as(p2.err()).isZero();
        assertThat(p2.out()).contains("input commitment (public, bound by the proof): " + input);
    }

    @Test
    void verify_unreadableFiles_exit2WithOneLine() throws Exception {
        Path garbage = tmp.resolve("garbage.proof");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertBadInput(run("verify", garbage.toString(), "--vk", vk.toString()), "not a zkscope proof");
        assertBadInput(run("verify", tmp.resolve("missing.proof").toString(), "--vk", vk.toString()), "does not exist");
        assertBadInput(run("verify", proof.toString(), "--vk", tmp.toString()), "directory");
        byte[] key = Files.readAllBytes(vk);
        Path truncated = tmp.resolve("truncated.vk");
        Files.write(truncated, java.util.Arrays.copyOf(key, key.length / 2));
        assertBadInput(run("verify", proof.toString(), "--vk", truncated.toString()), "truncated");
        byte[] proofBytes = Files.readAllBytes(proof);
        Path cut = tmp.resolve("cut.proof");
        Files.write(cut, java.util.Arrays.copyOf(proofBytes, proofBytes.length - 7));
        assertBadInput(run("verify", cut.toString(), "--vk", vk.toString()), "truncated");
    }

    @Test
    void prove_badPresetAndMissingInput_exit2() {
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                tmp.resolve("x.proof").toString(), "--preset", "ultra"), "unknown preset");
        assertBadInput(run("prove", "../samples/mlp.onnx", "--input", tmp.resolve("nope.json").toString(), "--out",
                tmp.resolve("x.proof").toString(), "--preset", "testing", "--no-predict"));
    }
}
