package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static dev.zkscope.onnx.TestModels.ints;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.onnx.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny decoder-shaped model, end to end through the CLI: int64 token ids into an embedding Gather, LayerNorm
 * decomposed as PyTorch's opset-14 export writes it (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div by the run-time
 * standard deviation), self-attention scores masked by a constant causal Where, Softmax. It proves with the test
 * preset, verifies, and a flipped proof byte is rejected.
 */
class TinyTransformerCliTest {
    @TempDir
    Path tmp;

    static TestModels model() {
        float[] mask = new float[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                mask[i * 4 + j] = j <= i ? 1 : 0;
            }
        }
        return TestModels.opset(14).typedInput("input_ids", 7, 1, 4).initRandom("wte", 5, 12, 8)
                .initRandom("wpe", 6, 4, 8).init("two", new int[] {1}, 2f).init("eps", new int[] {1}, 1e-5f)
                .initRandom("wq", 7, 8, 8).init("mask", new int[] {4, 4}, mask).init("neg", new int[] {1}, -10000f)
                .op("Gather", "e", in("wte", "input_ids")).op("Add", "x", in("e", "wpe"))
                .op("ReduceMean", "mu", in("x"), ints("axes", -1)).op("Sub", "d", in("x", "mu"))
                .op("Pow", "d2", in("d", "two")).op("ReduceMean", "var", in("d2"), ints("axes", -1))
                .op("Add", "ve", in("var", "eps")).op("Sqrt", "sd", in("ve")).op("Div", "h", in("d", "sd"))
                .op("MatMul", "q", in("h", "wq")).op("Transpose", "ht", in("h"), ints("perm", 0, 2, 1))
                .op("MatMul", "s", in("q", "ht")).op("Cast", "m", in("mask"), attr("to", 9L))
                .op("Where", "sm", in("m", "s", "neg")).op("Softmax", "p", in("sm"), attr("axis", -1L))
                .output("p");
    }

    @Test
    void tinyDecoder_provesVerifies_andAFlippedByteIsRejected() throws Exception {
        Path m = tmp.resolve("tiny.onnx");
        Files.write(m, model().bytes());
        Path input = tmp.resolve("tiny.input.json");
        Files.writeString(input, "{\"input_data\": [[3, 11, 0, 7]]}");
        Path proof = tmp.resolve("tiny.proof");
        Path vk = tmp.resolve("tiny.vk");
        CliTest.Run r = run("prove", m.toString(), "--input", input.toString(), "--out", proof.toString(), "--vk",
                vk.toString(), "--preset", "testing", "--no-predict");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("accepted");
        CliTest.Run v = run("verify", proof.toString(), "--vk", vk.toString());
        assertThat(v.code()).as(v.err()).isZero();

        ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(Files.readAllBytes(proof));
        byte[] bad = pf.proof().clone();
        bad[bad.length / 2] ^= 0x01;
        Path flipped = tmp.resolve("flipped.proof");
        Files.write(flipped, ArtifactFiles.encode(new ArtifactFiles.ProofFile(pf.model(), pf.publicValues(), bad)));
        CliTest.Run f = run("verify", flipped.toString(), "--vk", vk.toString());
        assertThat(f.code()).as(f.out() + f.err()).isEqualTo(1);
        assertThat(f.out()).startsWith("REJECTED: ");

        long[] pub = pf.publicValues().clone();
        pub[pub.length - 1] += 1;
        Path changed = tmp.resolve("changed.proof");
        Files.write(changed, ArtifactFiles.encode(new ArtifactFiles.ProofFile(pf.model(), pub, pf.proof())));
        assertThat(run("verify", changed.toString(), "--vk", vk.toString()).code()).isEqualTo(1);
    }

    /**
     * The same decoder proved in segments: the token ids enter the first segment as exact integers (scale 0), as in
     * a whole-model proof (the segment path once quantized them at the activation scale, so the embedding lookup
     * refused every id), and the bundle verifies.
     */
    @Test
    void tinyDecoder_provesInSegments_withTokenIdsAtScaleZero() throws Exception {
        Path m = tmp.resolve("tiny.onnx");
        Files.write(m, model().bytes());
        Path input = tmp.resolve("tiny.input.json");
        Files.writeString(input, "{\"input_data\": [[3, 11, 0, 7]]}");
        Path bundle = tmp.resolve("tiny.bundle");
        CliTest.Run r = run("prove", m.toString(), "--input", input.toString(), "--out", bundle.toString(),
                "--preset", "testing", "--no-predict", "--warmup", "0", "--max-rows", "2^9");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("segment 2/").contains("accepted");
        CliTest.Run v = run("verify", bundle.toString(), "--vk", bundle + ".vk");
        assertThat(v.code()).as(v.out() + v.err()).isZero();
    }
}
