package dev.zkscope.compile;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import dev.zkscope.plonk.ConstraintSystem;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedGraph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Counting mode ({@link ModelCompiler#count}) runs the same placement as the filled layout without keeping the trace:
 * its ledger and constraint system must equal the filled ones exactly, on every sample (under several visibilities and
 * inner-column counts) and on every zoo model that is generated ({@code samples/zoo/make_zoo.py}) and fits.
 */
class CountingModeTest {
    static void assertSameAsFilled(QuantizedGraph q, CompileOptions options) {
        CompiledModel filled = ModelCompiler.compile(q, options);
        CompiledModel counted = ModelCompiler.count(q, options);
        assertThat(counted.counted()).isTrue();
        assertThat(filled.counted()).isFalse();
        assertThat(counted.ledger()).isEqualTo(filled.ledger());
        assertThat(counted.ledger().toCsv()).isEqualTo(filled.ledger().toCsv());
        ConstraintSystem a = counted.constraintSystem();
        ConstraintSystem b = ConstraintSystem.of(filled.circuit());
        assertThat(a.logN()).isEqualTo(b.logN());
        assertThat(a.usableRows()).isEqualTo(b.usableRows());
        assertThat(a.numFixed()).isEqualTo(b.numFixed());
        assertThat(a.numAdvice()).isEqualTo(b.numAdvice());
        assertThat(a.numInstance()).isEqualTo(b.numInstance());
        assertThat(a.gates()).isEqualTo(b.gates());
        assertThat(a.lookups()).isEqualTo(b.lookups());
        assertThat(a.equalityColumns()).isEqualTo(b.equalityColumns());
        assertThat(counted.layers()).isEqualTo(filled.layers());
        assertThat(counted.publicLayout()).isEqualTo(filled.publicLayout());
        assertThat(counted.layout().fixedNames()).isEqualTo(filled.layout().fixedNames());
        // the ledger's layer rows, summed per (layer, step, gadget), are the filled placements'
        assertThat(rowsByKey(counted.layout())).isEqualTo(rowsByKey(filled.layout()));
    }

    private static java.util.Map<String, Integer> rowsByKey(TraceLayout l) {
        java.util.Map<String, Integer> m = new java.util.TreeMap<>();
        for (TraceLayout.Placement p : l.placements()) {
            m.merge(p.layer() + "/" + p.step() + "/" + p.gadget(), p.rows(), Integer::sum);
        }
        return m;
    }

    @TestFactory
    Stream<DynamicTest> everySample_countingEqualsFilled() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            QuantizedGraph q = SampleModels.load(name).quantized();
            assertSameAsFilled(q, CompileOptions.auto());
            assertSameAsFilled(q, CompileOptions.defaults().withInnerCols(6));
            assertSameAsFilled(q, CompileOptions.defaults().withInnerCols(5)
                    .withWeights(CompileOptions.Visibility.HASHED).withInput(CompileOptions.Visibility.PUBLIC)
                    .withOutput(CompileOptions.Visibility.HASHED));
        }));
    }

    @Test
    void countedModel_refusesWhatNeedsATrace() throws Exception {
        CompiledModel counted = ModelCompiler.count(SampleModels.load("mlp").quantized(), CompileOptions.auto());
        assertThatThrownBy(counted::circuit).isInstanceOf(IllegalStateException.class).hasMessageContaining("counted");
        assertThatThrownBy(() -> counted.witness(new long[counted.model().inputSize()]))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> counted.layout().assignedCount()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void gadgetTouchingAnEarlierStepsRow_isRefusedInBothModes() {
        for (TraceLayout l : List.of(new TraceLayout(new Geometry(4, false, 6, 8, 2)),
                TraceLayout.counting(new Geometry(4, false, 6, 8, 2)))) {
            l.beginLayer("a", "Relu");
            l.beginStep(0);
            int row = l.allocRows(2, "x");
            l.advice(0, row);
            l.advice(0, row);
            l.setFixed("k", row + 1, 3);
            l.beginLayer("b", "Relu");
            l.beginStep(1);
            l.allocRows(1, "y");
            assertThatThrownBy(() -> l.advice(1, row)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("before the current step");
            assertThatThrownBy(() -> l.setFixed("k", row, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> l.advice(1, row + 5)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no gadget claimed");
            // a shared constant stays writable from any later step
            l.constant(7);
            l.beginStep(2);
            l.constant(9);
            CostLedger ledger = l.build("t", 4, 4, 20).ledger();
            assertThat(ledger.layer("a").adviceCells()).as("a cell assigned twice counts once").isEqualTo(1);
            assertThat(ledger.layer("a").fixedCells()).isEqualTo(1);
            assertThat(ledger.layer("constants").adviceCells()).isEqualTo(2);
        }
    }

    /** The zoo (generated by samples/zoo/make_zoo.py, not committed): every model that is there and fits the heap. */
    @TestFactory
    Stream<DynamicTest> zooModels_countingEqualsFilled() {
        Path dir = Files.isDirectory(Path.of("samples", "zoo")) ? Path.of("samples", "zoo") : Path.of("..", "samples", "zoo");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("lenet5", "resnet8", "gpt2tiny")) {
            Path model = dir.resolve(name + ".onnx");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                if (!Files.exists(model)) {
                    System.out.println("CountingModeTest: skipping zoo model " + name + ": " + model
                            + " is absent (generate it with /usr/bin/python3 samples/zoo/make_zoo.py; needs torch)");
                    return;
                }
                Graph g = new OnnxImporter().load(model);
                Path calib = dir.resolve(name + ".calib.npy");
                List<List<Tensor>> inputs = InputFiles.readCalibration(calib, g);
                QuantizedGraph q = Calibrator.calibrate(g, inputs.subList(0, Math.min(4, inputs.size())),
                        QuantOptions.defaults()).graph();
                assertSameAsFilled(q, CompileOptions.auto());
            }));
        }
        return tests.stream();
    }
}
