package dev.zkscope.compile;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.OpCases;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every single-op test model of the importer (several inputs and outputs included) compiles, and on random inputs its witness
 * equals the quantized evaluator node by node and checks clean: the lowering of each op and attribute variant. The
 * cases that have no fixed-point form are listed in {@link #REFUSED} with the reason the quantizer must give; any other
 * refusal fails, and so does a listed case that stops being refused (so the list cannot go stale).
 */
class OpCasesCompileTest {
    /** Op cases the quantizer refuses, by name, with a phrase its message must contain. */
    static final Map<String, String> REFUSED = Map.of("Pow tensor exponent", "run-time exponent");

    private static List<Tensor> input(Graph g, OpCases.Case c, Random r) {
        List<Tensor> one = new ArrayList<>();
        for (Graph.Value v : g.inputs()) {
            double[] d = new double[v.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = c.lo() + r.nextDouble() * (c.hi() - c.lo());
            }
            one.add(Tensor.of(v.shape(), d));
        }
        return one;
    }

    private static long[] concat(long[][] parts) {
        return java.util.Arrays.stream(parts).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    @org.junit.jupiter.api.Test
    void refusedCases_nameExistingOpCases() {
        assertThat(OpCases.CASES.stream().map(OpCases.Case::name)).containsAll(REFUSED.keySet());
    }

    @TestFactory
    Stream<DynamicTest> opCase_compilesAndChecksClean() {
        return OpCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Graph g = c.model().get().load();
            Random r = new Random(5);
            List<List<Tensor>> calib = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                calib.add(input(g, c, r));
            }
            QuantizedGraph q;
            try {
                q = Calibrator.calibrate(g, calib, QuantOptions.fixed(7, 7)).graph();
            } catch (UnsupportedModelException e) {
                assertThat(REFUSED).as("op case %s refused by the quantizer: %s", c.name(), e.getMessage())
                        .containsKey(c.name());
                assertThat(e.getMessage()).contains(REFUSED.get(c.name()));
                return;
            }
            assertThat(REFUSED).as("op case %s is listed as refused but quantizes", c.name()).doesNotContainKey(c.name());
            CompiledModel cm = ModelCompiler.compile(q, CompileOptions.defaults()
                    .withInputAbsMax(Math.max(Math.abs(c.lo()), Math.abs(c.hi()))));
            for (List<Tensor> in : calib.subList(0, 2)) {
                QuantizedEvaluator.Result res = new QuantizedEvaluator(q).run(in);
                Map<String, long[]> ref = new LinkedHashMap<>();
                for (Node n : g.nodes()) {
                    QTensor t = res.values().get(n.outputs().get(0));
                    if (t != null) {
                        ref.put(n.name(), t.data());
                    }
                }
                ModelWitness w = cm.witness(concat(in.stream().map(t -> QTensor.quantize(t, q.inputScale()).data())
                        .toArray(long[][]::new)), ref);
                assertThat(cm.check(w.witness())).as(c.name()).isEmpty();
                assertThat(w.output()).containsExactly(concat(res.outputs().stream().map(QTensor::data)
                        .toArray(long[][]::new)));
            }
            System.out.println("op case compiled: " + c.name() + " (2^" + cm.circuit().logN() + ")");
        }));
    }
}
