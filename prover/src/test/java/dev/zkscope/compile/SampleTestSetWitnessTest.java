package dev.zkscope.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.onnx.Samples;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The circuit's public output over each sample's test set (the proofs of ProveSamplesTest attest exactly this
 * output): on every test input the witness builds (no value falls outside a calibrated table or range), its output
 * is the quantized evaluator's output, and its argmax agrees with the float model's on at least 99% of the inputs.
 */
class SampleTestSetWitnessTest {

    @TestFactory
    Stream<DynamicTest> publicOutput_onTheTestSet_isTheQuantizedOutput_andAgreesWithFloat() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.defaults());
            int count = name.equals("mlp_large") ? 40 : s.testSet().inputs().size();
            int agree = 0;
            for (int i = 0; i < count; i++) {
                ModelWitness w = cm.witness(s.quantizedInput(i));
                assertThat(w.output()).as("%s input %d", name, i).containsExactly(s.quantizedOutput(i));
                if (SampleModels.argmax(w.output()) == Samples.argmax(s.testSet().floatOutputs().get(i))) {
                    agree++;
                }
            }
            System.out.printf("%s: circuit argmax equals float on %d of %d test inputs%n", name, agree, count);
            assertThat((double) agree / count).as(name + " argmax agreement").isGreaterThanOrEqualTo(0.99);
        }));
    }
}
