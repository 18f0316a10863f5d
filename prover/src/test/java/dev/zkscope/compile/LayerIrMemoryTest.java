package dev.zkscope.compile;

import dev.zkscope.compile.model.Coefs;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Srcs;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.StepOperands;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The layer IR and the counting placement hold O(model + live activations), not one object per element reference: a
 * GPT-2-sized model has ~40M activation elements over its steps, and at 36 bytes per {@code Src} (plus 24 bytes of
 * per-element coefficients) the IR alone outgrew a 4 GiB heap.
 */
class LayerIrMemoryTest {
    /** Bytes of element references per output element, over every step of the model. */
    private static double referenceBytesPerOutput(QModel m) {
        long bytes = 0;
        long outputs = 0;
        for (Step s : m.steps()) {
            bytes += StepOperands.referenceBytes(s);
            outputs += s.size();
        }
        return (double) bytes / outputs;
    }

    @Test
    void attentionSample_holdsFewBytesOfReferencesPerElement() throws Exception {
        QModel m = SampleModels.lowered(SampleModels.load("attention"));
        double perOutput = referenceBytesPerOutput(m);
        System.out.printf("LayerIrMemoryTest: attention, %.2f bytes of element references per step output%n", perOutput);
        // one Src per output element alone would be 36 bytes
        assertThat(perOutput).isLessThan(8);
    }

    @Test
    void gpt2tiny_holdsFewBytesOfReferencesPerElement() throws Exception {
        Path dir = Files.isDirectory(Path.of("samples", "zoo")) ? Path.of("samples", "zoo") : Path.of("..", "samples", "zoo");
        Path model = dir.resolve("gpt2tiny.onnx");
        assumeThat(Files.exists(model)).as("zoo model " + model + " (generate it with samples/zoo/make_zoo.py)").isTrue();
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> inputs = InputFiles.readCalibration(dir.resolve("gpt2tiny.calib.npy"), g);
        QuantizedGraph q = Calibrator.calibrate(g, inputs.subList(0, 2), QuantOptions.defaults()).graph();
        QModel m = ModelCompiler.lower(q.withoutFloatWeights(), CompileOptions.auto());
        double perOutput = referenceBytesPerOutput(m);
        System.out.printf("LayerIrMemoryTest: gpt2tiny, %.2f bytes of element references per step output%n", perOutput);
        assertThat(perOutput).isLessThan(8);
    }

    /** A chain of L element-wise steps of width W: counting holds about two tensors' cells, not L. */
    @Test
    void counting_dropsCellsAfterTheLastReader() {
        int w = 5000;
        int layers = 20;
        QModel m = new QModel("chain");
        int x = m.input(new int[] {1, w}, 100);
        int prev = x;
        for (int l = 0; l < layers; l++) {
            // a Linear reading the previous tensor and the input (so the input lives to the end), then a ReLU
            int lin = m.add(new Steps.Linear("l" + l, "Add", m.newTensor(w), Srcs.range(prev, w), Srcs.range(x, w),
                    Coefs.uniform(w, 1), Coefs.uniform(w, -1), Coefs.uniform(w, 3)));
            prev = m.add(new Steps.Compare("r" + l, "Relu", m.newTensor(w), Srcs.range(lin, w), Srcs.constants(w, 0),
                    dev.zkscope.compile.gadget.CompareGadget.Kind.MAX));
        }
        m.output(prev, new int[] {1, w});
        CompiledModel counted = ModelCompiler.count(m, CompileOptions.defaults().withInnerCols(8));
        // the input, the previous step's output and the one being placed (and the final output)
        assertThat(counted.peakLiveCells()).isLessThanOrEqualTo(3L * w);
        CompiledModel filled = ModelCompiler.compile(m, CompileOptions.defaults().withInnerCols(8));
        assertThat(filled.peakLiveCells()).isEqualTo(-1);
        assertThat(counted.ledger()).isEqualTo(filled.ledger());
    }
}
