package dev.zkscope.ir;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reads model inputs from JSON: EZKL's input format {"input_data": [[row-major floats of input 0], ...]} (one sample)
 * and the samples' test-set format {"inputs": [[...], ...]} (many samples of a single-input model).
 */
public final class InputFiles {
    /** Files above this size are refused before reading. */
    public static final long MAX_BYTES = 256L << 20;

    /**
     * Strict reading: a key given twice in one object is refused (STRICT_DUPLICATE_DETECTION), and so is anything but
     * white space after the first JSON value ({@link #read} asks for one more token), so that what the user meant and
     * what is read cannot differ.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private InputFiles() {}

    private static JsonNode read(Path file) throws InputFileException {
        if (!Files.exists(file)) {
            throw new InputFileException("input file " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new InputFileException("input file " + file + " is a directory; expected a JSON file");
        }
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new InputFileException("input file " + file + " is empty; expected {\"input_data\": [[...]]}");
            }
            if (size > MAX_BYTES) {
                throw new InputFileException("input file " + file + " is " + size + " bytes, above the 256 MiB limit");
            }
            try (JsonParser p = JSON.createParser(file.toFile())) {
                JsonNode n = JSON.readTree(p);
                if (n == null || n.isMissingNode()) {
                    throw new InputFileException("input file " + file + " holds no JSON value");
                }
                JsonLocation end = p.currentLocation();
                boolean trailing;
                try {
                    trailing = p.nextToken() != null;
                } catch (JsonParseException e) {
                    trailing = true;
                }
                if (trailing) {
                    throw new InputFileException("input file " + file + " has content after its JSON value (line "
                            + end.getLineNr() + ", column " + end.getColumnNr() + "); expected exactly one JSON object");
                }
                return n;
            }
        } catch (JsonParseException e) {
            String msg = String.valueOf(e.getOriginalMessage());
            String what = msg.startsWith("Duplicate field") ? "repeats a key: " + msg.replace("Duplicate field", "field")
                    : "is not valid JSON";
            throw new InputFileException("input file " + file + " " + what + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");

        } catch (IOException e) {
            throw new InputFileException("input file " + file + " cannot be read: " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }

    /** One sample in EZKL's format, checked against the graph's inputs (count, length, finiteness). */
    public static List<Tensor> readInput(Path file, Graph graph) throws InputFileException {
        JsonNode root = read(file);
        JsonNode data = root.get("input_data");
        if (data == null || !data.isArray()) {
            throw new InputFileException("input file " + file + " has no \"input_data\" array; expected EZKL's format "
                    + "{\"input_data\": [[row-major floats of input 0], ...]}");
        }
        return toSample(file, data, graph);
    }

    /** Samples for calibration: EZKL input_data (one sample) or a test set's "inputs" (one row per sample). */
    public static List<List<Tensor>> readSamples(Path file, Graph graph) throws InputFileException {
        JsonNode root = read(file);
        List<List<Tensor>> out = new ArrayList<>();
        if (root.has("input_data")) {
            out.add(readInput(file, graph));
            return out;
        }
        JsonNode rows = root.get("inputs");
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw new InputFileException("calibration file " + file + " has neither \"input_data\" nor a non-empty "
                    + "\"inputs\" array");
        }
        if (graph.inputs().size() != 1) {
            throw new InputFileException("calibration file " + file + " lists rows of one input but the model has "
                    + graph.inputs().size() + " inputs; use EZKL's input_data format");
        }
        for (JsonNode row : rows) {
            JsonNode wrapped = JSON.createArrayNode().add(row);
            out.add(toSample(file, wrapped, graph));
        }
        return out;
    }

    private static List<Tensor> toSample(Path file, JsonNode data, Graph graph) throws InputFileException {
        if (data.size() != graph.inputs().size()) {
            throw new InputFileException("input file " + file + " gives " + data.size() + " input array(s) but the model "
                    + "has " + graph.inputs().size() + " input(s)");
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Graph.Value v = graph.inputs().get(i);
            List<Double> values = new ArrayList<>();
            flatten(file, data.get(i), values, v.size(), i);
            if (values.size() != v.size()) {
                throw new InputFileException("input file " + file + ": input " + i + " ('" + v.name() + "') needs "
                        + v.size() + " values for shape " + Tensor.shapeString(v.shape()) + " but has "
                        + (values.size() > v.size() ? "more" : String.valueOf(values.size())));
            }
            double[] d = new double[values.size()];
            for (int k = 0; k < d.length; k++) {
                d[k] = values.get(k);
                if (!Double.isFinite(d[k])) {
                    throw new InputFileException("input file " + file + ": input " + i + " value " + k + " is " + d[k]
                            + "; inputs must be finite numbers");
                }
            }
            out.add(Tensor.of(v.shape(), d));
        }
        return out;
    }

    private static void flatten(Path file, JsonNode n, List<Double> out, int limit, int input) throws InputFileException {
        if (n.isNumber()) {
            if (out.size() > limit) {
                return;
            }
            out.add(n.asDouble());
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                flatten(file, c, out, limit, input);
                if (out.size() > limit) {
                    // Too many values: counted once past the limit, reported by the caller.
                    return;
                }
            }
        } else {
            throw new InputFileException("input file " + file + ": input " + input + " holds " + describe(n)
                    + " where a number was expected");
        }
    }

    private static String describe(JsonNode n) {
        String t = n.toString();
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (t.length() > 40 ? t.substring(0, 40) + "..." : t);
    }

    /** Calibration samples and a description of where they came from. */
    public record Samples(List<List<Tensor>> inputs, String source) {}

    /**
     * The samples to calibrate a model with: the given file if any; else the model's sibling NAME.testset.json or
     * NAME.input.json (first 100 samples) if it fits the model; else 32 seeded uniform [0, 1) inputs.
     */
    public static Samples calibrationSamples(Graph g, Path model, Path explicit) throws InputFileException {
        if (explicit != null) {
            return new Samples(readSamples(explicit, g), explicit.toString());
        }
        String file = model.getFileName() == null ? "" : model.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        Path dir = model.toAbsolutePath().getParent();
        for (String suffix : new String[] {".testset.json", ".input.json"}) {
            Path p = dir == null ? null : dir.resolve(stem + suffix);
            if (p != null && Files.isRegularFile(p)) {
                try {
                    List<List<Tensor>> s = readSamples(p, g);
                    return new Samples(s.size() > 100 ? s.subList(0, 100) : s, p.getFileName().toString());
                } catch (InputFileException e) {
                    // A sibling file that does not fit this model (e.g. another batch size) is not used.
                }
            }
        }
        return new Samples(synthetic(g, 32, 1), "32 synthetic uniform [0,1) inputs");
    }

    /** Seeded uniform [0, 1) values for every graph input. */
    public static List<List<Tensor>> synthetic(Graph graph, int count, long seed) {
        Random r = new Random(seed);
        List<List<Tensor>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<Tensor> one = new ArrayList<>();
            for (Graph.Value v : graph.inputs()) {
                double[] d = new double[v.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = r.nextDouble();
                }
                one.add(Tensor.of(v.shape(), d));
            }
            out.add(one);
        }
        return out;
    }
}
