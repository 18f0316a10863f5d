package dev.zkscope.thirdparty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.proto.Onnx;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The real-model check of the third-party models in {@code samples/thirdparty/models.tsv} (downloaded by
 * {@code fetch.sh}, reference outputs by {@code reference.js} on ONNX Runtime): per model, whether it loads (with the
 * listed --shape/--dim), which ops it lacks, the largest absolute difference of zkscope's float inference from ONNX
 * Runtime's outputs on the same input, and whether it quantizes (calibrated on that input) and runs in fixed point.
 * Prints a Markdown table; {@code samples/thirdparty/check.sh} runs it.
 *
 * <pre>java -cp prover/target/zkscope.jar:prover/target/test-classes dev.zkscope.thirdparty.ThirdPartyCheck [DIR]</pre>
 */
public final class ThirdPartyCheck {
    /**
     * Float inference must match ONNX Runtime to this error, absolute for outputs up to 1 and relative to the largest
     * |output| above that: ONNX Runtime computes in float32 (about 6e-8 relative rounding per operation) and zkscope in
     * double, so a deep network with large outputs differs from it by its own accumulated float32 rounding (mlsd_tiny:
     * 3.4e-3 on outputs to 137, every node within float32 rounding of ORT on ORT's own inputs; see
     * docs/quantization-quality.md).
     */
    public static final double TOLERANCE = 1e-4;

    /** One line of models.tsv. */
    public record Model(String name, String pkg, String path, String sha256, String licence, boolean redistributable,
                        String options, String ints) {
        ImportOptions importOptions() {
            Map<String, Integer> dims = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, double[]> fixed = new LinkedHashMap<>();
            String[] w = options.equals("-") ? new String[0] : options.trim().split("\\s+");
            for (int i = 0; i + 1 < w.length; i += 2) {
                String[] kv = w[i + 1].split("=", 2);
                if (w[i].equals("--dim")) {
                    dims.put(kv[0], Integer.parseInt(kv[1]));
                } else if (w[i].equals("--shape")) {
                    String[] parts = kv[1].split(",");
                    int[] s = new int[parts.length];
                    for (int k = 0; k < s.length; k++) {
                        s[k] = Integer.parseInt(parts[k]);
                    }
                    shapes.put(kv[0], s);
                } else if (w[i].equals("--fix-input")) {
                    String[] parts = kv[1].split(",");
                    double[] v = new double[parts.length];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = Double.parseDouble(parts[k]);
                    }
                    fixed.put(kv[0], v);
                } else {
                    throw new IllegalArgumentException(name + ": unknown option " + w[i]);
                }
            }
            return new ImportOptions(1, dims, shapes, fixed);
        }
    }

    /** What the check found for one model; {@code maxAbsError} is NaN when float inference did not run. */
    public record Outcome(Model model, long bytes, List<String> ops, String load, List<String> missingOps,
                          double maxAbsError, double maxAbsOrt, String quantize) {
        /** Within {@link #TOLERANCE} of ONNX Runtime: absolute up to |output| 1, relative to max |output| above. */
        public boolean floatMatches() {
            return maxAbsError <= TOLERANCE * Math.max(1, maxAbsOrt);
        }

        /**
         * The model either passes every stage or names what it lacks (ops without a parser, or nodes that fixed point
         * cannot handle, each named): nothing else is acceptable.
         */
        public boolean acceptable() {
            return !missingOps.isEmpty() || (load.equals("yes") && floatMatches()
                    && (quantize.startsWith("yes") || quantize.startsWith("lacks:")));
        }
    }

    private ThirdPartyCheck() {}

    public static List<Model> models(Path dir) throws Exception {
        List<Model> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("models.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            out.add(new Model(f[0], f[1], f[2], f[3], f[4], f[5].equals("yes"), f[6], f[7]));
        }
        return out;
    }

    /** Runs the check of one fetched model (its .onnx, .input.json and .ort.json in {@code models}). */
    public static Outcome check(Model m, Path models) throws Exception {
        Path file = models.resolve(m.name() + ".onnx");
        byte[] bytes = Files.readAllBytes(file);
        List<String> ops = opTypes(bytes);
        Graph g;
        try {
            g = new OnnxImporter().load(file, m.importOptions());
        } catch (Exception e) {
            return new Outcome(m, bytes.length, ops, "no: " + e.getMessage(), List.of(), Double.NaN, Double.NaN, "-");
        }
        // The root causes only: a node after an unsupported one has unknown input shapes and is listed as such.
        Map<String, Integer> missing = new TreeMap<>();
        int downstream = 0;
        for (Node n : g.unsupported()) {
            Op.Unsupported u = (Op.Unsupported) n.op();
            if (u.reason().startsWith("input shapes unknown")) {
                downstream++;
            } else {
                missing.merge(u.opType() + ": " + u.reason(), 1, Integer::sum);
            }
        }
        if (!missing.isEmpty() || downstream > 0) {
            List<String> list = new ArrayList<>();
            missing.forEach((k, v) -> list.add(k + (v > 1 ? " (x" + v + ")" : "")));
            if (downstream > 0) {
                list.add(downstream + " node(s) after them without shapes");
            }
            return new Outcome(m, bytes.length, ops, "yes", list, Double.NaN, Double.NaN, "-");
        }
        List<Tensor> input = readInput(m, models, g);
        double err;
        double ortMax;
        List<Tensor> floatOut;
        try {
            floatOut = new FloatEvaluator(g).run(input);
            double[] e = maxAbsError(floatOut, models.resolve(m.name() + ".ort.json"));
            err = e[0];
            ortMax = e[1];
        } catch (RuntimeException e) {
            return new Outcome(m, bytes.length, ops, "yes", List.of(), Double.NaN, Double.NaN,
                    "float inference failed: " + e.getMessage());
        }
        String quantize;
        try {
            Calibrator.Calibration c = Calibrator.calibrate(g, List.of(input), QuantOptions.defaults());
            QuantizedEvaluator.Result r = new QuantizedEvaluator(c.graph()).run(input);
            double qErr = 0;
            List<Tensor> qOut = r.dequantizedOutputs();
            for (int o = 0; o < qOut.size(); o++) {
                for (int i = 0; i < qOut.get(o).size(); i++) {
                    qErr = Math.max(qErr, Math.abs(qOut.get(o).get(i) - floatOut.get(o).get(i)));
                }
            }
            double range = 0;
            for (Tensor t : floatOut) {
                for (double v : t.data()) {
                    range = Math.max(range, Math.abs(v));
                }
            }
            quantize = String.format(Locale.ROOT, "yes (2^%d/2^%d, max |q - float| %.3g of max |float| %.3g)",
                    c.graph().inputScale(), c.graph().paramScale(), qErr, range);
        } catch (dev.zkscope.ir.UnsupportedModelException e) {
            quantize = "lacks: " + e.getMessage();
        } catch (RuntimeException e) {
            quantize = "no: " + e.getMessage();
        }
        return new Outcome(m, bytes.length, ops, "yes", List.of(), err, ortMax, quantize);
    }

    /**
     * The model's input file (written for every input of the ONNX graph) as the inputs of {@code g}: the values of
     * inputs fixed by --fix-input are dropped.
     */
    static List<Tensor> readInput(Model m, Path models, Graph g) throws Exception {
        Path json = models.resolve(m.name() + ".input.json");
        ImportOptions io = m.importOptions();
        if (io.fixedInputs().isEmpty()) {
            return InputFiles.readInput(json, g);
        }
        Graph all = new OnnxImporter().load(models.resolve(m.name() + ".onnx"), new ImportOptions(io.batch(), io.dims(),
                io.shapes()));
        List<Tensor> every = InputFiles.readInput(json, all);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < all.inputs().size(); i++) {
            if (!io.fixedInputs().containsKey(all.inputs().get(i).name())) {
                out.add(every.get(i));
            }
        }
        return out;
    }

    /** The distinct op types of the main graph and of its subgraphs (If/Loop bodies), sorted. */
    static List<String> opTypes(byte[] model) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        collect(Onnx.ModelProto.parseFrom(model).getGraph(), out);
        return new ArrayList<>(out);
    }

    private static void collect(Onnx.GraphProto g, TreeSet<String> out) {
        for (Onnx.NodeProto n : g.getNodeList()) {
            out.add(n.getOpType());
            for (Onnx.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG(), out);
                }
                for (Onnx.GraphProto sub : a.getGraphsList()) {
                    collect(sub, out);
                }
            }
        }
    }

    /**
     * {largest |zkscope - ORT|, largest |ORT|} over every output value (outputs matched by position; shapes must
     * agree).
     */
    static double[] maxAbsError(List<Tensor> got, Path ortJson) throws Exception {
        JsonNode outs = new ObjectMapper().readTree(ortJson.toFile()).get("outputs");
        if (outs.size() != got.size()) {
            throw new IllegalStateException(got.size() + " outputs, ONNX Runtime gave " + outs.size());
        }
        double max = 0;
        double ortMax = 0;
        for (int o = 0; o < got.size(); o++) {
            JsonNode data = outs.get(o).get("data");
            Tensor t = got.get(o);
            if (data.size() != t.size()) {
                throw new IllegalStateException("output " + o + " has " + t.size() + " values ("
                        + Tensor.shapeString(t.shape()) + "), ONNX Runtime's has " + data.size() + " ("
                        + outs.get(o).get("shape") + ")");
            }
            for (int i = 0; i < t.size(); i++) {
                double d = Math.abs(t.get(i) - data.get(i).asDouble());
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
                ortMax = Math.max(ortMax, Math.abs(data.get(i).asDouble()));
            }
        }
        return new double[] {max, ortMax};
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "samples/thirdparty");
        Path models = dir.resolve("models");
        System.out.println("| model | package | licence | size | ops | loads | missing ops | float vs ORT (max abs) "
                + "| quantizes |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<String> only = List.of(args).subList(Math.min(1, args.length), args.length);
        for (Model m : models(dir)) {
            if (!only.isEmpty() && !only.contains(m.name())) {
                continue;
            }
            if (!Files.exists(models.resolve(m.name() + ".ort.json"))) {
                System.out.printf("| %s | %s | %s | - | - | not fetched (run fetch.sh, then reference.js) | | | |%n",
                        m.name(), m.pkg(), m.licence());
                continue;
            }
            long t0 = System.nanoTime();
            Outcome o = check(m, models);
            System.out.printf(Locale.ROOT, "| %s | %s | %s%s | %.2f MB | %s | %s | %s | %s | %s |%n", m.name(), m.pkg(),
                    m.licence(), m.redistributable() ? "" : ", not redistributable", o.bytes() / 1e6,
                    String.join(" ", o.ops()), o.load(),
                    o.missingOps().isEmpty() ? "none" : String.join("; ", o.missingOps()),
                    Double.isNaN(o.maxAbsError()) ? "-" : String.format(Locale.ROOT, "%.2g (max /ORT/ %.3g)%s",
                            o.maxAbsError(), o.maxAbsOrt(), o.floatMatches() ? "" : " (over the line)"),
                    o.quantize().replace("|", "/"));
            System.err.printf(Locale.ROOT, "%s checked in %.1f s%n", m.name(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
