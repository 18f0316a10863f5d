package dev.zkscope.cli;

import dev.zkscope.ir.InputFiles;

import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.onnx.proto.Onnx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: outputs, JSON, and a one-line reason with exit code 2 for every kind of bad input. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit code 2 with exactly one line on stderr containing the expected words, and no stack trace. */
    static void assertBadInput(Run r, String... words) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as("stderr lines: %s", r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ", "Exception:");
        for (String w : words) {
            assertThat(r.err()).containsIgnoringCase(w);
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, String text) throws Exception {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void inspect_printsLayerTableWithTotalsAndQuantization() {
        Run r = run("inspect", Samples.model("cnn_bn_pool").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Conv", "MaxPool", "AveragePool", "total:", "parameters", "unsupported nodes: none",
                "input scale 2^");
    }

    @Test
    void inspect_json_hasNodesTotalsAndQuantization() throws Exception {
        Run r = run("inspect", Samples.model("mlp_sigmoid_tanh").toString(), "--json");
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        Graph g = new OnnxImporter().load(Samples.model("mlp_sigmoid_tanh"));
        assertThat(j.get("nodes").size()).isEqualTo(g.nodes().size());
        assertThat(j.get("totals").get("params").asLong()).isEqualTo(g.totalParams());
        assertThat(j.get("totals").get("tables").asInt()).isEqualTo(2);
        assertThat(j.get("quantization").get("input_scale").asInt()).isBetween(4, 10);
        assertThat(j.get("unsupported").size()).isZero();
    }

    @Test
    void infer_json_matchesFloatEvaluator() throws Exception {
        Path model = Samples.model("cnn");
        Run r = run("infer", model.toString(), "--input", Samples.dir().resolve("cnn.input.json").toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out()).get("outputs").get(0);
        assertThat(o.get("name").asText()).isEqualTo("output");
        Graph g = new OnnxImporter().load(model);
        List<Tensor> in = InputFiles.readInput(Samples.dir().resolve("cnn.input.json"), g);
        Tensor expected = new FloatEvaluator(g).run(in).get(0);
        assertThat(o.get("data").size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(o.get("data").get(i).asDouble()).isEqualTo(expected.get(i));
        }
    }

    @Test
    void infer_quantized_reportsScalesAndAgreesInArgmax() throws Exception {
        Path model = Samples.model("mlp");
        String input = Samples.dir().resolve("mlp.input.json").toString();
        JsonNode f = new ObjectMapper().readTree(run("infer", model.toString(), "--input", input, "--json").out());
        Run r = run("infer", model.toString(), "--input", input, "--json", "--quantized", "--input-scale", "9");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode q = new ObjectMapper().readTree(r.out());
        assertThat(q.get("input_scale").asInt()).isEqualTo(9);
        assertThat(q.get("param_scale").asInt()).isEqualTo(9);
        JsonNode fd = f.get("outputs").get(0).get("data");
        JsonNode qd = q.get("outputs").get(0).get("data");
        for (int i = 0; i < fd.size(); i++) {
            assertThat(qd.get(i).asDouble()).isCloseTo(fd.get(i).asDouble(), org.assertj.core.data.Offset.offset(0.1));
        }
    }

    @Test
    void batchOption_bindsSymbolicBatch() throws Exception {
        Run r = run("inspect", Samples.model("cnn").toString(), "--batch", "3", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).get("inputs").get(0).get("shape").toString()).isEqualTo("[3,1,8,8]");
        assertBadInput(run("inspect", Samples.model("cnn").toString(), "--batch", "0"), "batch");
    }

    @Test
    void badUsage_exitsTwo() {
        assertBadInput(run());
        assertBadInput(run("inspect"), "MODEL");
        assertBadInput(run("inspect", "--frobnicate", "x.onnx"), "frobnicate");
        assertBadInput(run("infer", Samples.model("mlp").toString()), "--input");
        assertBadInput(run("inspect", Samples.model("mlp").toString(), "--target", "speed"), "target");
        assertBadInput(run("inspect", Samples.model("mlp").toString(), "--input-scale", "99"), "scale");
    }

    @Test
    void badModelFiles_exitTwoWithReason() throws Exception {
        assertBadInput(run("inspect", tmp.resolve("missing.onnx").toString()), "no such file");
        assertBadInput(run("inspect", tmp.toString()), "directory");
        assertBadInput(run("inspect", write("empty.onnx", new byte[0]).toString()), "empty");
        assertBadInput(run("inspect", write("text.onnx", "hello, this is not a model\n").toString()), "not an ONNX model");
        byte[] sample = Files.readAllBytes(Samples.model("mlp"));
        byte[] half = java.util.Arrays.copyOf(sample, sample.length / 2);
        assertBadInput(run("inspect", write("half.onnx", half).toString()), "half.onnx");
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        assertBadInput(run("inspect", write("garbage.onnx", garbage).toString()), "garbage.onnx");
        assertBadInput(run("infer", Samples.dir().resolve("mlp.input.json").toString(), "--input",
                Samples.dir().resolve("mlp.input.json").toString()), "not an ONNX model");
    }

    @Test
    void badInputFiles_exitTwoWithReason() throws Exception {
        String model = Samples.model("mlp").toString();
        assertBadInput(run("infer", model, "--input", write("short.json", "{\"input_data\": [[1, 2, 3]]}").toString()),
                "needs 64 values", "has 3");
        StringBuilder nan = new StringBuilder("{\"input_data\": [[NaN");
        StringBuilder inf = new StringBuilder("{\"input_data\": [[Infinity");
        StringBuilder tooMany = new StringBuilder("{\"input_data\": [[0");
        for (int i = 1; i < 64; i++) {
            nan.append(", 0");
            inf.append(", 0");
        }
        for (int i = 1; i < 65; i++) {
            tooMany.append(", 0");
        }
        assertBadInput(run("infer", model, "--input", write("nan.json", nan + "]]}").toString()), "NaN", "finite");
        assertBadInput(run("infer", model, "--input", write("inf.json", inf + "]]}").toString()), "Infinity");
        assertBadInput(run("infer", model, "--input", write("many.json", tooMany + "]]}").toString()), "more");
        assertBadInput(run("infer", model, "--input", write("two.json", "{\"input_data\": [[0], [0]]}").toString()),
                "2 input array");
        assertBadInput(run("infer", model, "--input", write("bad.json", "{\"input_data\": [[1, 2").toString()), "not valid JSON");
        assertBadInput(run("infer", model, "--input", write("other.json", "{\"data\": 1}").toString()), "input_data");
        assertBadInput(run("infer", model, "--input", write("str.json", "{\"input_data\": [[\"a\"]]}").toString()), "number");
        assertBadInput(run("infer", model, "--input", write("empty.json", "").toString()), "empty");
        assertBadInput(run("infer", model, "--input", tmp.toString()), "directory");
        assertBadInput(run("infer", model, "--input", tmp.resolve("nope.json").toString()), "no such file");
    }

    @Test
    void quantizedInputFarOutsideCalibration_isRefusedNamingTheNode() throws Exception {
        StringBuilder big = new StringBuilder("{\"input_data\": [[500");
        for (int i = 1; i < 64; i++) {
            big.append(", 500");
        }
        Run r = run("infer", Samples.model("mlp_sigmoid_tanh").toString(), "--quantized", "--input",
                write("big.json", big + "]]}").toString());
        assertBadInput(r, "outside the calibrated");
    }

    @Test
    void malformedGraphs_exitTwoWithReason() throws Exception {
        byte[] absurd = TestModels.opset(13).input("x", 1, 4).model().toBuilder()
                .setGraph(TestModels.opset(13).input("x", 1, 4).op("Add", "y", in("x", "w")).output("y").model().getGraph()
                        .toBuilder().addInitializer(Onnx.TensorProto.newBuilder().setName("w").setDataType(1)
                                .addDims(1L << 20).addDims(1L << 20))).build().toByteArray();
        assertBadInput(run("inspect", write("absurd.onnx", absurd).toString()), "2^28");
        byte[] cyclic = TestModels.opset(13).input("x", 1, 4).op("Add", "a", in("x", "b")).op("Relu", "b", in("a"))
                .output("b").bytes();
        assertBadInput(run("inspect", write("cyclic.onnx", cyclic).toString()), "cycle");
        byte[] dangling = TestModels.opset(13).input("x", 1, 4).op("Add", "y", in("x", "ghost")).output("y").bytes();
        assertBadInput(run("inspect", write("dangling.onnx", dangling).toString()), "ghost", "dangling");
        byte[] symbolic = TestModels.opset(13).symbolicInput("x", "sequence", 4).op("Relu", "y", in("x")).output("y").bytes();
        assertBadInput(run("inspect", write("symbolic.onnx", symbolic).toString()), "sequence", "static shapes");
        Onnx.ModelProto ext = TestModels.opset(13).input("x", 1, 4).init("w", new int[] {4}, 1, 2, 3, 4)
                .op("Add", "y", in("x", "w")).output("y").model();
        Onnx.GraphProto.Builder gb = ext.getGraph().toBuilder();
        gb.setInitializer(0, gb.getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")));
        assertBadInput(run("inspect", write("ext.onnx", ext.toBuilder().setGraph(gb).build().toByteArray()).toString()),
                "external data", "save_as_external_data");
        byte[] shapeMismatch = TestModels.opset(13).input("x", 1, 4).initRandom("w", 1, 5, 3)
                .op("MatMul", "y", in("x", "w")).output("y").bytes();
        assertBadInput(run("inspect", write("mm.onnx", shapeMismatch).toString()), "MatMul", "inner dimensions");
    }

    @Test
    void unsupportedOps_areListedByInspectAndRefusedByInfer() throws Exception {
        byte[] model = TestModels.opset(13).input("x", 1, 4).op("Relu", "a", in("x")).op("Hardmax", "b", in("a"))
                .op("Relu", "y", in("b")).output("y").bytes();
        Path p = write("unsupported.onnx", model);
        Run r = run("inspect", p.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("unsupported nodes: 2", "Hardmax", "opset 13", "no parser", "follows unsupported node");
        JsonNode j = new ObjectMapper().readTree(run("inspect", p.toString(), "--json").out());
        assertThat(j.get("unsupported").get(0).get("op_type").asText()).isEqualTo("Hardmax");
        Path input = write("in.json", "{\"input_data\": [[1, 2, 3, 4]]}");
        assertBadInput(run("infer", p.toString(), "--input", input.toString()), "Hardmax", "unsupported");
    }

    @Test
    void internalErrors_exitOneWithDebugHint() {
        assertThat(Main.exitCode(new IllegalStateException("bug"))).isEqualTo(1);
        assertThat(Main.exitCode(new dev.zkscope.ir.BadInputException("user"))).isEqualTo(2);
    }
}
