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
            JsonNode data = root.get("input_data");
            if (data == null || !data.isArray()) {
                throw new InputFileException("input file " + file + " has no \"input_data\" array; expected EZKL's "
                        + "format {\"input_data\": [[row-major floats of input 0], ...]}");
            }
            return ezklRows(file, data, graph);
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

    /** Calibration rows at most (a larger set is refused: calibration runs every row a dozen times). */
    public static final int MAX_ROWS = 100_000;

    /**
     * EZKL's calibration data: input_data holds, per model input, the row-major values of one or of several samples
     * one after the other (EZKL cuts each array into chunks of the input's size); every input must hold the same
     * number of samples.
     */
    private static List<List<Tensor>> ezklRows(Path file, JsonNode data, Graph graph) throws InputFileException {
        if (data.size() != graph.inputs().size()) {
            throw new InputFileException("input file " + file + " gives " + data.size() + " input array(s) but the model "
                    + "has " + graph.inputs().size() + " input(s)");
        }
        int rows = -1;
        List<double[]> values = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Graph.Value v = graph.inputs().get(i);
            List<Double> all = new ArrayList<>();
            long limit = Math.min((long) MAX_ROWS * v.size(), Integer.MAX_VALUE - 8);
            flatten(file, data.get(i), all, (int) limit, i);
            if (all.size() > limit) {
                throw new InputFileException("input file " + file + ": input " + i + " holds more than " + MAX_ROWS
                        + " samples");
            }
            if (all.isEmpty() || all.size() % v.size() != 0) {
                throw new InputFileException("input file " + file + ": input " + i + " ('" + v.name() + "') holds "
                        + all.size() + " values, not a multiple of its " + v.size() + " values for shape "
                        + Tensor.shapeString(v.shape()));
            }
            int r = all.size() / v.size();
            if (rows >= 0 && r != rows) {
                throw new InputFileException("input file " + file + ": input 0 holds " + rows + " samples but input " + i
                        + " holds " + r);
            }
            rows = r;
            double[] d = new double[all.size()];
            for (int k = 0; k < d.length; k++) {
                d[k] = all.get(k);
            }
            values.add(d);
        }
        List<List<Tensor>> out = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            List<Tensor> one = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                Graph.Value v = graph.inputs().get(i);
                double[] d = java.util.Arrays.copyOfRange(values.get(i), row * v.size(), (row + 1) * v.size());
                one.add(checked(file, i, v, d));
            }
            out.add(one);
        }
        return out;
    }

    /** Finite values, and whole numbers for integer inputs; the tensor of the input's shape and type. */
    private static Tensor checked(Path file, int i, Graph.Value v, double[] d) throws InputFileException {
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                throw new InputFileException("input file " + file + ": input " + i + " value " + k + " is " + d[k]
                        + "; inputs must be finite numbers");
            }
            if (v.isInteger() && (d[k] != Math.rint(d[k]) || Math.abs(d[k]) > FloatEvaluator.MAX_INDEX)) {
                throw new InputFileException("input file " + file + ": input " + i + " ('" + v.name() + "') holds "
                        + "integers (token ids or indices) but its value " + k + " is " + d[k]);
            }
        }
        return Tensor.of(v.shape(), d, v.dtype());
    }

    /**
     * Calibration inputs from {@code path}: a JSON file (EZKL's input_data with one or many samples, or a test set's
     * "inputs"), a NumPy {@code .npy} array (single-input models: its values are cut into samples of the input's size,
     * so shape [rows, ...input shape] or any shape with a multiple of the size), or a directory, whose .json and .npy
     * files are all read, in name order.
     */
    public static List<List<Tensor>> readCalibration(Path path, Graph graph) throws InputFileException {
        if (!Files.exists(path)) {
            throw new InputFileException("calibration file " + path + ": no such file or directory");
        }
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (java.util.stream.Stream<Path> list = Files.list(path)) {
                files = list.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".json")
                        || p.toString().endsWith(".npy"))).sorted().collect(java.util.stream.Collectors.toList());
            } catch (IOException e) {
                throw new InputFileException("calibration directory " + path + " cannot be listed: " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new InputFileException("calibration directory " + path + " holds no .json or .npy files");
            }
            List<List<Tensor>> out = new ArrayList<>();
            for (Path f : files) {
                out.addAll(readCalibration(f, graph));
                if (out.size() > MAX_ROWS) {
                    throw new InputFileException("calibration directory " + path + " holds more than " + MAX_ROWS
                            + " samples");
                }
            }
            return out;
        }
        if (path.toString().endsWith(".npy")) {
            return Npy.samples(path, graph);
        }
        return readSamples(path, graph);
    }

    /** Cuts a flat array of values into samples of a single-input model (used for .npy files). */
    static List<List<Tensor>> rowsOf(Path file, double[] values, Graph graph) throws InputFileException {
        if (graph.inputs().size() != 1) {
            throw new InputFileException("calibration file " + file + " holds one array but the model has "
                    + graph.inputs().size() + " inputs; use EZKL's JSON format (input_data with one array per input)");
        }
        Graph.Value v = graph.inputs().get(0);
        if (values.length == 0 || values.length % v.size() != 0) {
            throw new InputFileException("calibration file " + file + " holds " + values.length + " values, not a "
                    + "multiple of input '" + v.name() + "' of shape " + Tensor.shapeString(v.shape()) + " ("
                    + v.size() + " values)");
        }
        int rows = values.length / v.size();
        if (rows > MAX_ROWS) {
            throw new InputFileException("calibration file " + file + " holds " + rows + " samples, above " + MAX_ROWS);
        }
        List<List<Tensor>> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            out.add(List.of(checked(file, 0, v, java.util.Arrays.copyOfRange(values, r * v.size(), (r + 1) * v.size()))));
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
                if (v.isInteger() && (d[k] != Math.rint(d[k]) || Math.abs(d[k]) > FloatEvaluator.MAX_INDEX)) {
                    throw new InputFileException("input file " + file + ": input " + i + " ('" + v.name() + "') holds "
                            + "integers (token ids or indices) but its value " + k + " is " + d[k]);
                }
            }
            out.add(Tensor.of(v.shape(), d, v.dtype()));
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
    public record Samples(List<List<Tensor>> inputs, String source, boolean synthetic) {
        /** Samples read from the user's data. */
        public Samples(List<List<Tensor>> inputs, String source) {
            this(inputs, source, false);
        }

        /**
         * How the calibration set is described wherever fidelity is shown: its source and size, and, when synthetic,
         * that the figures were measured on random inputs rather than the model's data.
         */
        public String describe() {
            return source + " (" + inputs.size() + " inputs" + (synthetic ? "; SYNTHETIC: these fidelity figures are measured "
                    + "on random inputs, not on the model's data; give --calibration FILE" : "") + ")";
        }
    }

    /**
     * The samples to calibrate a model with: the given file if any; else the model's sibling NAME.testset.json or
     * NAME.input.json (first 100 samples) if it fits the model; else 32 seeded uniform [0, 1) inputs.
     */
    public static Samples calibrationSamples(Graph g, Path model, Path explicit) throws InputFileException {
        if (explicit != null) {
            return new Samples(readCalibration(explicit, g), explicit.toString());
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
        boolean ints = g.inputs().stream().anyMatch(Graph.Value::isInteger);
        return new Samples(synthetic(g, 32, 1), "32 synthetic uniform [0,1) inputs" + (ints ? " (integer inputs: uniform valid "
                + "indices)" : ""), true);
    }

    /**
     * The valid values [0, n) of an integer input used as Gather indices (token ids): n is the smallest length of a
     * gathered axis; 1 (zeros) when it indexes nothing.
     */
    static long indexRange(Graph graph, String input) {
        long n = Long.MAX_VALUE;
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Op.Gather && node.inputs().size() == 2 && node.inputs().get(1).equals(input)) {
                n = Math.min(n, node.inputShapes().get(0)[((Op.Gather) node.op()).axis()]);
            }
        }
        return n == Long.MAX_VALUE || n < 1 ? 1 : n;
    }

    /**
     * Seeded uniform [0, 1) values for every float graph input; for integer inputs (token ids, indices) seeded uniform
     * integers valid for every table they index ({@link #indexRange}).
     */
    public static List<List<Tensor>> synthetic(Graph graph, int count, long seed) {
        Random r = new Random(seed);
        List<List<Tensor>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<Tensor> one = new ArrayList<>();
            for (Graph.Value v : graph.inputs()) {
                double[] d = new double[v.size()];
                long ids = v.isInteger() ? indexRange(graph, v.name()) : 0;
                for (int i = 0; i < d.length; i++) {
                    d[i] = v.isInteger() ? (double) Math.floorMod(r.nextLong(), ids) : r.nextDouble();
                }
                one.add(Tensor.of(v.shape(), d, v.dtype()));
            }
            out.add(one);
        }
        return out;
    }
}
