package dev.zkscope.ir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Float inference matches PyTorch's outputs on every model of the zoo that is present (samples/zoo/make_zoo.py writes
 * NAME.onnx, NAME.input.json and NAME.output.json; they are generated, not committed, and CI has no torch: then the
 * test prints why it checked nothing). Tolerance: 1e-4 plus 1e-4 of the largest |output| (PyTorch computes in float32,
 * zkscope in double, so the difference is float32 rounding accumulated over the layers).
 */
class ZooFloatTest {
    @TestFactory
    Stream<DynamicTest> zooModel_floatMatchesPyTorch() throws Exception {
        Path zoo = Samples.dir().resolve("zoo");
        List<Path> models = new ArrayList<>();
        if (Files.isDirectory(zoo)) {
            try (Stream<Path> files = Files.list(zoo)) {
                files.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(models::add);
            }
        }
        if (models.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("zoo not generated", () -> System.out.println(
                    "ZooFloatTest skipped: no zoo models in " + zoo + " (run /usr/bin/python3 samples/zoo/make_zoo.py; "
                            + "it needs python3-torch)")));
        }
        return models.stream().map(model -> DynamicTest.dynamicTest(model.getFileName().toString(), () -> {
            String name = model.getFileName().toString().replace(".onnx", "");
            Path input = zoo.resolve(name + ".input.json");
            Path output = zoo.resolve(name + ".output.json");
            if (!Files.exists(input) || !Files.exists(output)) {
                System.out.println("ZooFloatTest skipped " + name + ": no " + input.getFileName() + " or "
                        + output.getFileName() + " (regenerate the zoo)");
                return;
            }
            long need = Files.size(model) * 4;
            if (need > Runtime.getRuntime().maxMemory()) {
                System.out.println("ZooFloatTest skipped " + name + ": its weights as doubles and activations need about "
                        + (need >> 20) + " MiB, more than this test JVM's heap; check it with zkscope infer");
                return;
            }
            Graph g = new OnnxImporter().load(model);
            List<Tensor> out = new FloatEvaluator(g).run(InputFiles.readInput(input, g));
            JsonNode expected = new ObjectMapper().readTree(output.toFile()).get("output_data");
            assertThat(expected.size()).isEqualTo(out.size());
            double worst = 0;
            for (int o = 0; o < out.size(); o++) {
                JsonNode e = expected.get(o);
                Tensor t = out.get(o);
                assertThat(e.size()).as("values of output %d", o).isEqualTo(t.size());
                double maxRef = 0;
                for (int i = 0; i < e.size(); i++) {
                    maxRef = Math.max(maxRef, Math.abs(e.get(i).asDouble()));
                }
                double tol = 1e-4 + 1e-4 * maxRef;
                for (int i = 0; i < t.size(); i++) {
                    double d = Math.abs(t.get(i) - e.get(i).asDouble());
                    worst = Math.max(worst, d);
                    assertThat(d).as("%s output %d value %d (torch %s, zkscope %s)", name, o, i, e.get(i), t.get(i))
                            .isLessThanOrEqualTo(tol);
                }
            }
            System.out.println("zoo " + name + ": float max |zkscope - torch| = " + worst);
        }));
    }
}
