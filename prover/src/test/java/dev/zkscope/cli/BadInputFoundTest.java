package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.assertBadInput;
import static dev.zkscope.cli.CliTest.run;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.onnx.Samples;
import dev.zkscope.onnx.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad inputs listed in issue 8: each refused with exit code 2 and a one-line reason, nothing half done. */
class BadInputFoundTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static String zeros(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append('0');
        }
        return b.toString();
    }

    @Test
    void inputJson_trailingGarbage_isRefused() throws Exception {
        String model = Samples.model("mlp").toString();
        String ok = "{\"input_data\": [[" + zeros(64) + "]]}";
        assertThat(run("infer", model, "--input", write("ok.json", ok).toString()).code()).isZero();
        assertBadInput(run("infer", model, "--input", write("garbage.json", ok + " xyz").toString()), "garbage.json",
                "after its JSON value");
        assertBadInput(run("infer", model, "--input", write("two.json", ok + ok).toString()), "after its JSON value");
    }

    @Test
    void inputJson_duplicateKeys_isRefused() throws Exception {
        String model = Samples.model("mlp").toString();
        String dup = "{\"input_data\": [[" + zeros(64) + "]], \"input_data\": [[" + zeros(64) + "]]}";
        assertBadInput(run("infer", model, "--input", write("dup.json", dup).toString()), "repeats a key", "input_data");
        // Duplicates in the calibration file too.
        String dupCal = "{\"inputs\": [[" + zeros(64) + "]], \"inputs\": [[" + zeros(64) + "]]}";
        assertBadInput(run("inspect", model, "--no-circuit", "--calibration", write("cal.json", dupCal).toString()),
                "repeats a key");
    }

    @Test
    void hugeInput_overflowingToInfinity_isRefusedNamingTheLayer() throws Exception {
        // y = (x * 1e300) + 1: the Mul overflows to Infinity for x = 1e308, the Add only passes it on.
        byte[] m = TestModels.opset(13).input("x", 1, 2).init("k", new int[] {1}, 1e30f)
                .op("Mul", "a", in("x", "k")).op("Mul", "b", in("a", "k")).op("Relu", "y", in("b")).output("y").bytes();
        Path model = tmp.resolve("over.onnx");
        Files.write(model, m);
        assertThat(run("infer", model.toString(), "--input", write("small.json", "{\"input_data\": [[1, 2]]}").toString())
                .code()).isZero();
        CliTest.Run r = run("infer", model.toString(), "--input", write("huge.json", "{\"input_data\": [[1e308, 1]]}").toString());
        assertBadInput(r, "not finite", "Infinity", "a_node", "overflowed");
        assertThat(r.out()).doesNotContain("Infinity");
    }

    @Test
    void opset99_isRefusedWithTheNewestKnown() throws Exception {
        Path model = tmp.resolve("opset99.onnx");
        Files.write(model, TestModels.opset(99).input("x", 1, 4).op("Relu", "y", in("x")).output("y").bytes());
        assertBadInput(run("inspect", model.toString()), "opset 99", "opset_version");
    }

    @Test
    void int8Input_isRefusedAsPreQuantized() throws Exception {
        Path model = tmp.resolve("int8.onnx");
        Files.write(model, TestModels.opset(13).typedInput("x", 3, 1, 4).op("Relu", "y", in("x")).output("y").bytes());
        assertBadInput(run("inspect", model.toString()), "'x'", "int8", "float model");
    }

    @Test
    void prove_unwritableOutputs_refusedBeforeProvingAndNothingWritten() throws Exception {
        String model = Samples.model("mlp").toString();
        String input = Samples.dir().resolve("mlp.input.json").toString();
        Path blocker = write("not-a-dir", "x");
        Path proof = tmp.resolve("p.proof");
        // --report below a regular file: its folder cannot exist.
        CliTest.Run r = run("prove", model, "--input", input, "--out", proof.toString(), "--report",
                blocker.resolve("r.json").toString(), "--preset", "testing", "--no-predict", "--warmup", "0");
        assertBadInput(r, "report", "r.json");
        assertThat(r.out()).doesNotContain("proved");
        // --vk is a directory.
        r = run("prove", model, "--input", input, "--out", proof.toString(), "--vk", tmp.toString(), "--preset",
                "testing", "--no-predict", "--warmup", "0");
        assertBadInput(r, "verifying key", "directory");
        // --out and --vk the same file.
        r = run("prove", model, "--input", input, "--out", proof.toString(), "--vk", proof.toString(), "--preset",
                "testing", "--no-predict", "--warmup", "0");
        assertBadInput(r, "different paths");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("not-a-dir");
        }
    }

    @Test
    void writeAll_failingFile_leavesNoTargetAndNoTemporaryFile() throws Exception {
        Path blocker = write("block", "x");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("proof", tmp.resolve("a.proof"));
        files.put("report", blocker.resolve("r.json"));
        assertThatThrownBy(() -> OutputFiles.writeAll(files, Map.of("proof", new byte[] {1, 2}, "report", new byte[] {3})))
                .isInstanceOf(InputFileException.class).hasMessageContaining("nothing was written");
        try (Stream<Path> list = Files.list(tmp)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("block");
        }
        files.put("report", tmp.resolve("r.json"));
        Files.write(tmp.resolve("a.proof"), new byte[] {9, 9, 9, 9});
        OutputFiles.writeAll(files, Map.of("proof", new byte[] {1, 2}, "report", new byte[] {3}));
        assertThat(Files.readAllBytes(tmp.resolve("a.proof"))).containsExactly(1, 2);
        assertThat(Files.readAllBytes(tmp.resolve("r.json"))).containsExactly(3);
        try (Stream<Path> list = Files.list(tmp)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("block", "a.proof", "r.json");
        }
    }

    @Test
    void verifyJson_unreadableProof_printsTheErrorAsJson() throws Exception {
        CliTest.Run r = run("verify", tmp.resolve("missing.proof").toString(), "--vk", tmp.resolve("missing.vk").toString(),
                "--json");
        assertBadInput(r, "missing.proof");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verified").asBoolean()).isFalse();
        assertThat(j.get("exit_code").asInt()).isEqualTo(2);
        assertThat(j.get("error").asText()).contains("missing.proof");
        Path junk = write("junk.proof", "not a proof");
        r = run("verify", junk.toString(), "--vk", junk.toString(), "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(r.out()).get("error").asText()).isNotBlank();
    }
}
