package dev.zkscope.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every supported op, with its important attribute variants, run by the float evaluator and by ONNX Runtime on the
 * same model bytes and inputs: max |difference| <= 1e-4 * max(1, output range).
 */
class OrtConformanceTest {
    @TestFactory
    Stream<DynamicTest> floatEvaluator_matchesOnnxRuntime() {
        return OpCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    static void check(OpCases.Case c) throws Exception {
        TestModels m = c.model().get();
        Graph g = m.load();
        List<int[]> shapes = new ArrayList<>();
        for (Graph.Value v : g.inputs()) {
            shapes.add(v.shape());
        }
        Random r = new Random(c.name().hashCode());
        List<Tensor> inputs = new ArrayList<>();
        for (int[] s : shapes) {
            float[] d = new float[(int) Tensor.elementCount(s)];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (c.lo() + r.nextDouble() * (c.hi() - c.lo()));
            }
            inputs.add(Tensor.ofFloats(s, d));
        }
        List<Tensor> ours = new FloatEvaluator(g).run(inputs);
        List<Tensor> ort = TestModels.runOrt(m.bytes(), m.inputNames(), inputs);
        assertThat(ours).hasSameSizeAs(ort);
        for (int k = 0; k < ours.size(); k++) {
            assertThat(ours.get(k).shape()).as("shape of output %d", k).isEqualTo(ort.get(k).shape());
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            double maxDiff = 0;
            for (int i = 0; i < ours.get(k).size(); i++) {
                double e = ort.get(k).get(i);
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
                maxDiff = Math.max(maxDiff, Math.abs(e - ours.get(k).get(i)));
            }
            assertThat(maxDiff).as("max |ours - ORT| of output %d", k).isLessThanOrEqualTo(1e-4 * Math.max(1, hi - lo));
        }
    }
}
