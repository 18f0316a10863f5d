package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.assertBadInput;
import static dev.zkscope.cli.CliTest.run;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shapes the user sets (--dim NAME=VALUE, --shape INPUT=D1,...), models with several inputs, and int64 token-id
 * inputs, on models built here; float results checked against ONNX Runtime.
 */
class ShapesCliTest {
    @TempDir
    Path tmp;

    private Path save(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path json(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** x[batch, sequence, 4] -> MatMul by w[4, 3] -> Relu. */
    private static TestModels sequenceModel() {
        return TestModels.opset(13).typedInput("x", 1, "batch", "sequence", 4).initRandom("w", 3, 4, 3)
                .op("MatMul", "m", in("x", "w")).op("Relu", "y", in("m")).output("y");
    }

    private static String numbers(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.4f", r.nextDouble(-1, 1)));
        }
        return b.toString();
    }

    @Test
    void unsetSymbolicDimension_saysWhichAndHowToSetIt() throws Exception {
        Path model = save("seq.onnx", sequenceModel().bytes());
        assertBadInput(run("inspect", model.toString()), "'sequence' (axis 1)", "--dim sequence=", "--shape x=1,1,4");
    }

    @Test
    void dimByName_andWholeShape_bindTheDimension() throws Exception {
        TestModels m = sequenceModel();
        Path model = save("seq.onnx", m.bytes());
        Path input = json("in.json", "{\"input_data\": [[" + numbers(20, 5) + "]]}");
        CliTest.Run byDim = run("infer", model.toString(), "--dim", "sequence=5", "--input", input.toString(), "--json");
        assertThat(byDim.code()).as(byDim.err()).isZero();
        CliTest.Run byShape = run("infer", model.toString(), "--shape", "x=1,5,4", "--input", input.toString(), "--json");
        assertThat(byShape.code()).as(byShape.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(byDim.out()).get("outputs").get(0);
        assertThat(a.get("shape").toString()).isEqualTo("[1,5,3]");
        assertThat(byShape.out()).isEqualTo(byDim.out());
        // Against ONNX Runtime.
        Graph g = new OnnxImporter().load(m.bytes(), Path.of("seq.onnx"), new ImportOptions(1, Map.of("sequence", 5), Map.of()));
        List<Tensor> x = dev.zkscope.ir.InputFiles.readInput(input, g);
        Tensor ort = TestModels.runOrt(m.bytes(), List.of("x"), x).get(0);
        for (int i = 0; i < ort.size(); i++) {
            assertThat(a.get("data").get(i).asDouble()).isCloseTo(ort.get(i), within(1e-5));
        }
        // --dim batch=2 overrides the batch rule; --batch still binds it otherwise.
        Graph two = new OnnxImporter().load(m.bytes(), Path.of("seq.onnx"),
                new ImportOptions(1, Map.of("batch", 2, "sequence", 3), Map.of()));
        assertThat(two.inputs().get(0).shape()).containsExactly(2, 3, 4);
        Graph viaBatch = new OnnxImporter().load(m.bytes(), Path.of("seq.onnx"),
                new ImportOptions(4, Map.of("sequence", 3), Map.of()));
        assertThat(viaBatch.inputs().get(0).shape()).containsExactly(4, 3, 4);
    }

    @Test
    void badDimAndShapeOptions_areOneLineErrors() throws Exception {
        Path model = save("seq.onnx", sequenceModel().bytes());
        assertBadInput(run("inspect", model.toString(), "--dim", "seqence=5"), "seqence", "batch, sequence");
        assertBadInput(run("inspect", model.toString(), "--dim", "sequence=0"), "[1, 2^28]");
        assertBadInput(run("inspect", model.toString(), "--dim", "sequence=abc"), "not a whole number");
        assertBadInput(run("inspect", model.toString(), "--shape", "y=1,5,4"), "no input 'y'", "x");
        assertBadInput(run("inspect", model.toString(), "--shape", "x=1,5"), "2 dimensions", "3");
        assertBadInput(run("inspect", model.toString(), "--shape", "x=1,5,7"), "axis 2", "fixes it to 4");
        assertBadInput(run("inspect", model.toString(), "--shape", "x=1,5,4", "--dim", "sequence=6"), "sequence",
                "two values");
    }

    @Test
    void severalInputs_shareASymbolicDimension_andMatchOrt() throws Exception {
        TestModels m = TestModels.opset(13).typedInput("a", 1, 1, "n").typedInput("b", 1, 1, "n")
                .op("Mul", "p", in("a", "b")).op("Add", "y", in("p", "a")).output("y");
        Path model = save("two.onnx", m.bytes());
        // --shape a binds n for b too.
        Path input = json("in.json", "{\"input_data\": [[" + numbers(6, 1) + "], [" + numbers(6, 2) + "]]}");
        CliTest.Run r = run("infer", model.toString(), "--shape", "a=1,6", "--input", input.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        Graph g = new OnnxImporter().load(m.bytes(), Path.of("two.onnx"), new ImportOptions(1, Map.of("n", 6), Map.of()));
        List<Tensor> xs = dev.zkscope.ir.InputFiles.readInput(input, g);
        Tensor ort = TestModels.runOrt(m.bytes(), List.of("a", "b"), xs).get(0);
        JsonNode data = new ObjectMapper().readTree(r.out()).get("outputs").get(0).get("data");
        assertThat(data.size()).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            assertThat(data.get(i).asDouble()).isCloseTo(ort.get(i), within(1e-6));
        }
        assertBadInput(run("infer", model.toString(), "--shape", "a=1,6", "--input",
                json("one.json", "{\"input_data\": [[" + numbers(6, 1) + "]]}").toString()), "2 input(s)");
    }

    /** GPT-style: int64 input_ids[1, tokens] -> Gather from an embedding table [vocab, d] -> ReduceSum... as MatMul. */
    private static TestModels tokenModel() {
        return TestModels.opset(13).typedInput("input_ids", 7, 1, "sequence").initRandom("wte", 11, 50, 8)
                .initRandom("head", 12, 8, 5).op("Gather", "e", in("wte", "input_ids"))
                .op("MatMul", "logits", in("e", "head")).output("logits");
    }

    @Test
    void int64TokenIds_areReadAsIntegers_andMatchOrt() throws Exception {
        TestModels m = tokenModel();
        Path model = save("tok.onnx", m.bytes());
        Path input = json("ids.json", "{\"input_data\": [[3, 0, 49, 17, 17, 8, 1]]}");
        CliTest.Run r = run("infer", model.toString(), "--dim", "sequence=7", "--input", input.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        Graph g = new OnnxImporter().load(m.bytes(), Path.of("tok.onnx"), new ImportOptions(1, Map.of("sequence", 7), Map.of()));
        assertThat(g.inputs().get(0).isInteger()).isTrue();
        List<Tensor> ids = dev.zkscope.ir.InputFiles.readInput(input, g);
        assertThat(ids.get(0).isInteger()).isTrue();
        Tensor ort = TestModels.runOrt(m.bytes(), List.of("input_ids"), ids).get(0);
        Tensor ours = new FloatEvaluator(g).run(ids).get(0);
        assertThat(ours.shape()).containsExactly(1, 7, 5);
        for (int i = 0; i < ort.size(); i++) {
            assertThat(ours.get(i)).isCloseTo(ort.get(i), within(1e-5));
        }
        JsonNode data = new ObjectMapper().readTree(r.out()).get("outputs").get(0).get("data");
        assertThat(data.get(0).asDouble()).isCloseTo(ort.get(0), within(1e-5));
    }

    @Test
    void int64TokenIds_badValues_andQuantization_areRefusedClearly() throws Exception {
        Path model = save("tok.onnx", tokenModel().bytes());
        assertBadInput(run("infer", model.toString(), "--dim", "sequence=2", "--input",
                json("frac.json", "{\"input_data\": [[1.5, 2]]}").toString()), "input_ids", "integers", "1.5");
        assertBadInput(run("infer", model.toString(), "--dim", "sequence=2", "--input",
                json("range.json", "{\"input_data\": [[50, 2]]}").toString()), "Gather index 50", "out of range");
        CliTest.Run q = run("infer", model.toString(), "--dim", "sequence=2", "--quantized", "--input",
                json("ok.json", "{\"input_data\": [[1, 2]]}").toString());
        assertThat(q.code()).as(q.err()).isZero();
    }

    @Test
    void importOptions_refuseNonsense() {
        Assertions.assertThatThrownBy(() -> new ImportOptions(1, Map.of("n", 0), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        Assertions.assertThatThrownBy(() -> new ImportOptions(1, Map.of(), Map.of("x", new int[] {1, -3})))
                .isInstanceOf(IllegalArgumentException.class);
        Assertions.assertThatThrownBy(() -> new OnnxImporter().load(sequenceModel().bytes(), Path.of("m.onnx"),
                ImportOptions.defaults())).isInstanceOf(ModelLoadException.class).hasMessageContaining("--dim sequence=");
    }
}
