package dev.zkscope.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The zoo's 2-layer GPT decoder (opset 14: int64 token ids, LayerNorm decomposed as ReduceMean/Sub/Pow/Sqrt/Div, the
 * causal mask as Where): float inference equals PyTorch's output within 1e-4, and it quantizes on its calibration
 * set with the quantized output close to float, and its circuit's witness checks clean. Skipped unless {@code samples/zoo/make_zoo.py} has been run (the zoo
 * is generated, not committed).
 */
class GptZooTest {
    private static Path zoo(String file) {
        for (Path p : List.of(Path.of("samples/zoo"), Path.of("../samples/zoo"))) {
            if (Files.exists(p.resolve(file))) {
                return p.resolve(file);
            }
        }
        return null;
    }

    @Test
    void gpt2tiny_floatMatchesPytorch_andQuantizes() throws Exception {
        Path model = zoo("gpt2tiny.onnx");
        Assumptions.assumeTrue(model != null, "zoo not generated (run samples/zoo/make_zoo.py)");
        Graph g = new OnnxImporter().load(model);
        List<Tensor> in = InputFiles.readInput(zoo("gpt2tiny.input.json"), g);
        double[] got = new FloatEvaluator(g).run(in).get(0).data();
        JsonNode want = new ObjectMapper().readTree(zoo("gpt2tiny.output.json").toFile()).get("output_data").get(0);
        assertThat(got).hasSize(want.size());
        double err = 0;
        for (int i = 0; i < got.length; i++) {
            err = Math.max(err, Math.abs(got[i] - want.get(i).asDouble()));
        }
        assertThat(err).as("max |zkscope float - PyTorch|").isLessThan(1e-4);

        List<List<Tensor>> calib = InputFiles.readCalibration(zoo("gpt2tiny.calib.npy"), g);
        QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.fixed(9, 9)).graph();
        double[] fixed = new QuantizedEvaluator(q).run(in).dequantizedOutputs().get(0).data();
        double qerr = 0;
        for (int i = 0; i < got.length; i++) {
            qerr = Math.max(qerr, Math.abs(got[i] - fixed[i]));
        }
        assertThat(qerr).as("max |fixed point - float|").isLessThan(0.1);

        // The circuit: its witness for this input checks clean (every gate, lookup and copy) and attests the output.
        dev.zkscope.compile.CompiledModel cm = dev.zkscope.compile.ModelCompiler.compile(q,
                dev.zkscope.compile.CompileOptions.defaults().withInputAbsMax(1));
        long[] ids = dev.zkscope.quant.QTensor.quantize(in.get(0), 0).data();
        var w = cm.witness(ids);
        assertThat(cm.check(w.witness())).isEmpty();
        assertThat(w.output()).containsExactly(new QuantizedEvaluator(q).run(in).outputs().get(0).data());
    }
}
