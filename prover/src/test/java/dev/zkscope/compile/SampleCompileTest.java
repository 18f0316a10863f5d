package dev.zkscope.compile;

import dev.zkscope.onnx.Samples;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sample model compiles; on test inputs its witness equals the quantized evaluator's tensors node by node, the
 * checker finds nothing, and the public output is the quantized output.
 */
class SampleCompileTest {

    @TestFactory
    Stream<DynamicTest> sample_compilesAndChecksClean() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            long t0 = System.nanoTime();
            CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.defaults());
            long t1 = System.nanoTime();
            CostLedger l = cm.ledger();
            System.out.printf("compile %s: 2^%d rows (gadgets %d, tables %d), %d advice, %d fixed, %d lookups, "
                            + "%d copies, degree %d, %.0f ms%n", name, l.logN(), l.gadgetRows(), l.tableRows(),
                    l.numAdvice(), l.numFixed(), l.totalLookups(), l.totalCopies(), l.maxGateDegree(), (t1 - t0) / 1e6);
            int inputs = name.equals("mlp_large") ? 1 : 2;
            for (int i = 0; i < inputs; i++) {
                ModelWitness w = cm.witness(s.quantizedInput(i), s.reference(i));
                assertThat(w.output()).containsExactly(s.quantizedOutput(i));
                assertThat(cm.check(w.witness())).isEmpty();
            }
            assertThat(l.maxGateDegree()).isLessThanOrEqualTo(3);
        }));
    }
}
