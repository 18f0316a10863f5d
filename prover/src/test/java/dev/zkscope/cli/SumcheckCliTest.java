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
