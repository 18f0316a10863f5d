package dev.zkscope.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sample models under samples/ (index models.json) and their test sets, for tests. */
public final class Samples {
    private Samples() {}

    public static Path dir() {
        Path p = Path.of("..", "samples");
        return Files.isDirectory(p) ? p : Path.of("samples");
    }

    public static List<String> names() throws IOException {
        JsonNode index = new ObjectMapper().readTree(dir().resolve("models.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode m : index.get("models")) {
            out.add(m.get("name").asText());
        }
        return out;
    }

    public static Path model(String name) {
        return dir().resolve(name + ".onnx");
    }

    /** A sample's test set: inputs (shaped as input_shape), labels and the float outputs torch computed. */
    public record TestSet(int[] inputShape, List<Tensor> inputs, int[] labels, List<double[]> floatOutputs) {}

    public static TestSet testSet(String name) throws IOException {
        JsonNode t = new ObjectMapper().readTree(dir().resolve(name + ".testset.json").toFile());
        int[] shape = new int[t.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("input_shape").get(i).asInt();
        }
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode row : t.get("inputs")) {
            double[] d = new double[row.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = row.get(i).asDouble();
            }
            inputs.add(Tensor.of(shape, d));
        }
        int[] labels = new int[t.get("labels").size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = t.get("labels").get(i).asInt();
        }
        List<double[]> outs = new ArrayList<>();
        for (JsonNode row : t.get("float_outputs")) {
            double[] d = new double[row.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = row.get(i).asDouble();
            }
            outs.add(d);
        }
        return new TestSet(shape, inputs, labels, outs);
    }

    public static int argmax(double[] d) {
        int best = 0;
        for (int i = 1; i < d.length; i++) {
            if (d[i] > d[best]) {
                best = i;
            }
        }
        return best;
    }
}
