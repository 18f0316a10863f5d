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
            CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto());
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
            // lookups (q, q*a[, q*y]) against (T, T*X[, T*Y]): degree 2, so a LogUp helper has degree 4, within
            // what every preset proves
            for (dev.zkscope.circuit.Lookup lk : cm.circuit().lookups()) {
                for (dev.zkscope.circuit.Expr e : lk.inputs()) {
                    assertThat(e.degree()).isLessThanOrEqualTo(2);
                }
                for (dev.zkscope.circuit.Expr e : lk.table()) {
                    assertThat(e.degree()).isLessThanOrEqualTo(2);
                }
            }
            for (dev.zkscope.plonk.ProofParameters p : dev.zkscope.plonk.ProofParameters.presets()) {
                assertThat(2 + 2).isLessThanOrEqualTo(p.maxConstraintDegree());
                assertThat(l.maxGateDegree()).isLessThanOrEqualTo(p.maxConstraintDegree());
            }
        }));
    }

    /**
     * On all 200 test inputs of every sample, the layer IR's integer semantics (what the circuit enforces, checked
     * above on a few inputs against the trace) give exactly the quantized evaluator's output, and its argmax agrees
     * with the float model's on at least 99% of them (the quantizer's fidelity bound).
     */
    @TestFactory
    Stream<DynamicTest> sample_allTestInputs_matchEvaluatorAndFloatArgmax() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            dev.zkscope.compile.model.QModel m = ModelCompiler.lower(s.quantized(), CompileOptions.auto());
            int n = s.testSet().inputs().size();
            int agree = 0;
            for (int i = 0; i < n; i++) {
                long[] out = m.evaluate(s.quantizedInput(i))[m.outputTensor()];
                assertThat(out).as(name + " input " + i).containsExactly(s.quantizedOutput(i));
                if (SampleModels.argmax(out) == Samples.argmax(s.testSet().floatOutputs().get(i))) {
                    agree++;
                }
            }
            System.out.printf("argmax %s: %d/%d agree with float%n", name, agree, n);
            assertThat((double) agree / n).isGreaterThanOrEqualTo(0.99);
        }));
    }

    /** Hashed weights (absorbed by the Poseidon2 rows) and a public input: still clean and bit for bit. */
    @TestFactory
    Stream<DynamicTest> sample_hashedWeightsPublicInput_checksClean() {
        return Stream.of("cnn_bn_pool", "attention").map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto()
                    .withWeights(CompileOptions.Visibility.HASHED).withInput(CompileOptions.Visibility.PUBLIC));
            assertThat(cm.ledger().layer(ModelCompiler.HASH_WEIGHTS).rows()).isPositive();
            ModelWitness w = cm.witness(s.quantizedInput(3), s.reference(3));
            assertThat(cm.check(w.witness())).isEmpty();
            assertThat(w.publicValues()).startsWith(s.quantizedInput(3));
            assertThat(w.output()).containsExactly(s.quantizedOutput(3));
        }));
    }

    /** In every layer that owns cells, one tampered output cell is caught, and the first violation names that node. */
    @TestFactory
    Stream<DynamicTest> sample_tamperedLayerIsCaughtWithItsNode() throws Exception {
        return Stream.of("mlp", "cnn_bn_pool", "mlp_sigmoid_tanh", "attention", "residual").map(name ->
                DynamicTest.dynamicTest(name, () -> {
                    SampleModels.Sample s = SampleModels.load(name);
                    CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto());
                    ModelWitness w = cm.witness(s.quantizedInput(1));
                    int tested = 0;
                    for (String node : cm.model().nodeOutputs().keySet()) {
                        if (cm.ledger().layer(node).rows() == 0) {
                            continue;
                        }
                        dev.zkscope.circuit.Cell c = cm.nodeCells(node)[0];
                        dev.zkscope.circuit.Witness t = ModelCompilerTest.copy(w.witness());
                        long[] col = t.advice()[c.column().index()];
                        col[c.row()] = dev.zkscope.field.Goldilocks.add(col[c.row()], 1);
                        java.util.List<ModelViolation> v = cm.check(t);
                        assertThat(v).as(name + " " + node).isNotEmpty();
                        assertThat(v.get(0).node()).as(name + " " + node + ": " + v.get(0).describe()).isEqualTo(node);
                        assertThat(v.get(0).op()).isEqualTo(cm.ledger().layer(node).op());
                        tested++;
                    }
                    assertThat(tested).isGreaterThanOrEqualTo(2);
                }));
    }
}
