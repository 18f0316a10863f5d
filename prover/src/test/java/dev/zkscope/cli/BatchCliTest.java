package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prove-batch in the plain JVM, resumption, and verify-batch against tampered, swapped, missing and relabelled proofs. */
class BatchCliTest {
    static final Path SAMPLES = Path.of("..", "samples");

    record Run(int code, String out, String err) { }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Three inputs as three EZKL files, with distinct outputs (rows 0, 1, 2 of the test set: digits 2, 8, 5 or so). */
    static Path inputs(Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("inputs"));
        com.fasterxml.jackson.databind.JsonNode set = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(SAMPLES.resolve("mlp.testset.json").toFile());
        for (int i = 0; i < 3; i++) {
            Files.writeString(in.resolve("x" + i + ".json"), "{\"input_data\": [" + set.get("inputs").get(i) + "]}");
        }
        return in;
    }

    static Run prove(Path in, Path out) {
        return cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs", in.toString(), "--out",
                out.toString(), "--preset", "testing");
    }

    @Test
    void proveBatch_thenVerifyBatch_rejectsEveryTampering(@TempDir Path dir) throws Exception {
        Path in = inputs(dir);
        Path out = dir.resolve("batch");
        Run r = prove(in, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 to prove on this JVM").contains("proved 3 input(s)");
        assertThat(r.err()).contains("proved 3/3 (100%)").contains("local: 3");
        for (String id : new String[] {"x0", "x1", "x2"}) {
            assertThat(out.resolve("proofs/" + id + ".proof")).isRegularFile();
        }
        Run v = cli("verify-batch", out.toString());
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out()).contains("verified: 3 of 3 proofs of model mlp accepted, 0 rejected");

        // A rerun proves nothing; a changed input is proved again.
        assertThat(prove(in, out).out()).contains("0 to prove on this JVM, 3 already proved");
        byte[] x0 = Files.readAllBytes(in.resolve("x0.json"));
        Files.copy(in.resolve("x1.json"), in.resolve("x0.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(prove(in, out).out()).contains("1 to prove on this JVM, 2 already proved");
        Files.write(in.resolve("x0.json"), x0);
        assertThat(prove(in, out).out()).contains("1 to prove on this JVM, 2 already proved");
        assertThat(cli("verify-batch", out.toString()).code()).isZero();

        Path p1 = out.resolve("proofs/x1.proof");
        Path p2 = out.resolve("proofs/x2.proof");
        byte[] b1 = Files.readAllBytes(p1);
        byte[] b2 = Files.readAllBytes(p2);

        // A flipped byte in the proof.
        byte[] flipped = b1.clone();
        flipped[flipped.length - 40] ^= 1;
        Files.write(p1, flipped);
        Run t = cli("verify-batch", out.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.out()).contains("REJECTED x1: ").contains("NOT VERIFIED: 2 of 3");
        Files.write(p1, b1);

        // Two valid proofs swapped: each verifies, but attests another output than the manifest records.
        Files.write(p1, b2);
        Files.write(p2, b1);
        Run s = cli("verify-batch", out.toString(), "--json");
        assertThat(s.code()).isEqualTo(1);
        assertThat(s.out()).contains("\"accepted\":1").contains("\"id\":\"x1\"").contains("\"id\":\"x2\"")
                .contains("the manifest records");
        Files.write(p1, b1);
        Files.write(p2, b2);

        // A missing proof, and a manifest whose recorded output was edited.
        Files.delete(p2);
        Run m = cli("verify-batch", out.toString());
        assertThat(m.code()).isEqualTo(1);
        assertThat(m.out()).contains("REJECTED x2: proof file proofs/x2.proof is missing");
        Files.write(p2, b2);
        Path manifest = out.resolve("manifest.json");
        String json = Files.readString(manifest);
        String edited = json.replaceFirst("\"output\" : \\[ (-?[0-9.]+)", "\"output\" : [ 99.0");
        assertThat(edited).isNotEqualTo(json);
        Files.writeString(manifest, edited);
        assertThat(cli("verify-batch", out.toString()).code()).isEqualTo(1);
        Files.writeString(manifest, json);
        assertThat(cli("verify-batch", out.toString()).code()).isZero();

        // Another key in the same directory is refused before any proving.
        Run other = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs", in.toString(), "--out",
                out.toString(), "--preset", "testing", "--no-zk");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("under another verifying key");
    }

    @Test
    void badBatches_areUsageErrors(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(SAMPLES.resolve("mlp.input.json"), in.resolve("a.json"));
        // Two file names that make the same id (a space becomes '_').
        Path dup = Files.createDirectories(dir.resolve("dup"));
        Files.copy(SAMPLES.resolve("mlp.input.json"), dup.resolve("b c.json"));
        Files.copy(SAMPLES.resolve("mlp.input.json"), dup.resolve("b_c.json"));
        Run d = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs", dup.toString(), "--out",
                dir.resolve("o1").toString(), "--preset", "testing");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).contains("would both be proved as 'b_c'; rename one of the files");

        Run spark = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs", in.toString(), "--out",
                dir.resolve("o2").toString(), "--spark");
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("--spark needs zkscope's cluster module");

        Run notBatch = cli("verify-batch", dir.toString());
        assertThat(notBatch.code()).isEqualTo(2);
        assertThat(notBatch.err()).contains("holds no manifest.json");
    }
}
