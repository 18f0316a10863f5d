package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prove --backend sumcheck} and {@code verify} of its files: accepted, and every tampered file rejected. */
class SumcheckCliTest {
    @TempDir
    Path tmp;

    private Path prove(String model) {
        Path proof = tmp.resolve(model + ".proof");
        CliTest.Run r = run("prove", "../samples/" + model + ".onnx", "--input", "../samples/" + model + ".input.json",
                "--out", proof.toString(), "--backend", "sumcheck", "--preset", "testing", "--warmup", "0",
                "--report", tmp.resolve(model + ".json").toString());
        assertThat(r.code()).as("prove %s: %s %s", model, r.out(), r.err()).isZero();
        assertThat(r.out()).contains("sumcheck backend", "accepted", "argmax");
        return proof;
    }

    @Test
    void proveVerify_andTamperedFilesAreRejected() throws Exception {
        Path proof = prove("mlp");
        Path vk = Path.of(proof + ".vk");
        CliTest.Run v = run("verify", proof.toString(), "--vk", vk.toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("verified: sumcheck proof for model mlp", "attested output");
        assertThat(run("verify", proof.toString(), "--vk", vk.toString(), "--json").out()).contains("\"verified\":true",
                "\"backend\":\"sumcheck\"");
        byte[] good = Files.readAllBytes(proof);
        // byte flips everywhere in the file: header, statement, proof parts
        SplittableRandom rnd = new SplittableRandom(3);
        int step = Math.max(1, good.length / 120);
        for (int i = 0; i < good.length; i += step) {
            byte[] b = good.clone();
            b[i] ^= (byte) (1 << rnd.nextInt(8));
            Path bad = tmp.resolve("flip.proof");
            Files.write(bad, b);
            CliTest.Run r = run("verify", bad.toString(), "--vk", vk.toString());
            assertThat(r.code()).as("flip at %d: %s %s", i, r.out(), r.err()).isIn(1, 2);
            assertThat(r.err()).doesNotContain("\tat ");
        }
        // a proof of another model against this key, and this proof against another model's key
        Path other = prove("cnn");
        CliTest.Run cross = run("verify", other.toString(), "--vk", vk.toString());
        assertThat(cross.code()).isEqualTo(1);
        assertThat(cross.out()).contains("REJECTED");
        assertThat(run("verify", proof.toString(), "--vk", other + ".vk").code()).isEqualTo(1);
        // a plonkish key with a sumcheck proof: a clear error
        CliTest.Run mixed = run("verify", proof.toString(), "--vk", "../samples/mlp.onnx");
        assertThat(mixed.code()).isEqualTo(2);
        assertThat(mixed.err()).contains("not a sumcheck verifying key");
    }

    /**
     * prove, verify and the report state the proof's soundness as its analysis computes it (the weakest of its terms),
     * not the commitment's column test alone, which is one term and is larger; and verify says the proof is
     * zero-knowledge (it said "not zero knowledge yet" until 2026-12-05, after the backend had become so).
     */
    @Test
    void securityFigures_areTheWholeProofs_atProveVerifyAndInTheReport() throws Exception {
        Path proof = tmp.resolve("std.proof");
        Path report = tmp.resolve("std.json");
        CliTest.Run r = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                proof.toString(), "--backend", "sumcheck", "--warmup", "0", "--report", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(report.toFile());
        dev.zkscope.sumcheck.PcsParams std = dev.zkscope.sumcheck.PcsParams.standard();
        double conjectured = j.get("conjectured_bits").asDouble();
        double provable = j.get("provable_bits").asDouble();
        assertThat(j.get("column_test_conjectured_bits").asDouble()).isEqualTo(std.conjecturedBits());
        assertThat(conjectured).as("the weakest term decides, below the column test's")
                .isLessThan(std.conjecturedBits()).isGreaterThan(100);
        assertThat(provable).isLessThanOrEqualTo(std.provableBits() + 1e-9);
        String figures = "conjectured " + dev.zkscope.security.SecurityAnalysis.format(conjectured) + " bits, provable "
                + dev.zkscope.security.SecurityAnalysis.format(provable) + " bits (weakest terms: "
                + j.get("weakest_conjectured_term").asText() + " / " + j.get("weakest_provable_term").asText()
                + "); zero-knowledge";
        assertThat(r.out()).contains("preset standard (" + figures + ")");
        CliTest.Run v = run("verify", proof.toString(), "--vk", proof + ".vk");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("security: " + figures + " (commitment: rate at most 9/")
                .doesNotContain("not zero knowledge");
    }

    /** Attention (Softmax's exp table and division, Q K^T, P V) proves on the sumcheck backend since 2026-12-05. */
    @Test
    void attention_provesAndVerifies() {
        Path out = tmp.resolve("att.proof");
        CliTest.Run p = run("prove", "../samples/attention.onnx", "--input", "../samples/attention.input.json", "--out",
                out.toString(), "--backend", "sumcheck", "--preset", "testing", "--warmup", "0");
        assertThat(p.code()).as(p.err()).isZero();
        CliTest.Run v = run("verify", out.toString(), "--vk", out + ".vk");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
    }

    /** A model the backend cannot prove is refused by layer name (SumcheckBackendTest); here the options it refuses. */
    @Test
    void plonkishOnlyOptions_areClearErrors() {
        CliTest.assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                tmp.resolve("p").toString(), "--backend", "sumcheck", "--max-rows", "2^10"), "--max-rows", "plonkish");
        CliTest.assertBadInput(run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                tmp.resolve("p").toString(), "--backend", "groth16"), "--backend");
    }
}
