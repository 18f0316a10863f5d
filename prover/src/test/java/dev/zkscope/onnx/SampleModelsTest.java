package dev.zkscope.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every sample model imports without unsupported nodes and its float inference matches ONNX Runtime and torch. */
class SampleModelsTest {
    @TestFactory
    Stream<DynamicTest> sample_floatMatchesOrtAndTorch() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Graph g = new OnnxImporter().load(Samples.model(name));
            assertThat(g.unsupported()).isEmpty();
            assertThat(g.totalParams()).isPositive();
            // Shape subgraphs and Constant nodes are folded into weights at import.
            assertThat(g.nodes()).noneMatch(n -> List.of("Shape", "Gather", "Constant", "Unsqueeze").contains(n.opType()));
            Samples.TestSet ts = Samples.testSet(name);
            byte[] bytes = Files.readAllBytes(Samples.model(name));
            FloatEvaluator ev = new FloatEvaluator(g);
            int n = Math.min(25, ts.inputs().size());
            for (int i = 0; i < n; i++) {
                Tensor x = ts.inputs().get(i).reshape(g.inputs().get(0).shape());
                Tensor ours = ev.run(List.of(x)).get(0);
                Tensor ort = TestModels.runOrt(bytes, List.of(g.inputs().get(0).name()), List.of(x)).get(0);
                double[] torch = ts.floatOutputs().get(i);
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                double diffOrt = 0;
                double diffTorch = 0;
                for (int k = 0; k < ours.size(); k++) {
                    lo = Math.min(lo, ort.get(k));
                    hi = Math.max(hi, ort.get(k));
                    diffOrt = Math.max(diffOrt, Math.abs(ours.get(k) - ort.get(k)));
                    diffTorch = Math.max(diffTorch, Math.abs(ours.get(k) - torch[k]));
                }
                double tol = 1e-4 * Math.max(1, hi - lo);
                assertThat(diffOrt).as("%s input %d vs ORT", name, i).isLessThanOrEqualTo(tol);
                assertThat(diffTorch).as("%s input %d vs torch", name, i).isLessThanOrEqualTo(tol);
            }
        }));
    }
}
