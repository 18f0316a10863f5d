package dev.zkscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QuantOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zkscope bench}: proves every bundled sample (or the named ones) and prints the table: rows, k, prove and
 * verify time, peak heap, proof size, predicted beside measured. Each model is proved {@code --runs} times after one
 * unreported warm-up proof of that model; the median run is reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prove every sample model and print rows, k, prove/verify time, peak heap, proof size, predicted vs measured.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MODEL", description = "sample names or .onnx files (default: every "
            + "sample); each is calibrated on its sibling NAME.calib.npy when there is one (the zoo's), else on "
            + "NAME.testset.json or NAME.input.json")
    List<String> models = new ArrayList<>();

    @Option(names = "--samples", paramLabel = "DIR", defaultValue = "samples", description = "samples directory (default: ${DEFAULT-VALUE})")
    Path samplesDir;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard", description = "proof parameters (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--no-zk", description = "zero knowledge off")
    boolean noZk;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "measured proofs per model (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the table as Markdown to FILE")
    Path markdown;

    @Option(names = "--phases", description = "also print predicted beside measured time per prover phase")
    boolean phases;

    @Option(names = "--synthetic", paramLabel = "K", split = ",",
            description = "instead of models, prove the synthetic 16-column circuit at 2^K rows (e.g. --synthetic 16,18): "
                    + "one proof per size, with its peak heap and bytes per trace cell")
    List<Integer> synthetic = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "LIST", defaultValue = "plonkish", split = ",",
            description = "backends: plonkish, sumcheck; with sumcheck each model's row is followed by the sumcheck "
                    + "backend's figures on the same input at the same preset, and with both by the speed-up and the "
                    + "heap ratio. Each backend's peak heap is measured with none of the other's objects live: the "
                    + "Plonkish run (circuit, key, proofs) is released before the sumcheck backend calibrates and "
                    + "lowers the model for itself (it never builds the circuit); the heap ratio is the two peaks "
                    + "above one baseline, the heap in use once the model and its calibration inputs are loaded "
                    + "(absolute peaks beside it) (default: ${DEFAULT-VALUE})")
    List<String> backends;

    @Option(names = "--max-rows", paramLabel = "ROWS", description = "prove each model in segments of at most ROWS "
            + "rows (a power of two like 2^17, or auto: the plan the cost model predicts fastest among those that fit "
            + "the heap), as prove "
            + "--max-rows does: a warm-up segment, then per run a speed check and every segment, the bundle verified; "
            + "one row per model with the prover rounds, the whole run, keygen, peak heap, bundle size, verification "
            + "and the segments' predictions")
    String maxRows;

    @Option(names = "--no-speed-check", description = "with --max-rows: no speed check before each run (two "
            + "calibration proofs, whose factor scales the segments' predictions, as prove does)")
    boolean noSpeedCheck;

    @Option(names = "--per-layer", description = "with --backend plonkish,sumcheck: after each model's rows, one more "
            + "proof by each backend and the per-layer table side by side: Plonkish rows and cells measured from the "
            + "proved trace beside the counting-mode ledger, sumcheck products and time per layer beside the estimate")
    boolean perLayer;

    @Option(names = "--json", description = "with --backend plonkish,sumcheck: print only the per-layer comparison of "
            + "every model as JSON (one warm-up proof by each backend, then one measured proof each)")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String b : backends) {
            if (!dev.zkscope.backend.Backends.NAMES.contains(b)) {
                throw new InputFileException("--backend " + b + " is not a backend; known: plonkish, sumcheck");
            }
        }
        if (runs < 1 || runs > 50) {
            throw new InputFileException("--runs must be in [1, 50], got " + runs);
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProofParameters params = ProveCommand.preset(preset).withZeroKnowledge(!noZk);
        if ((perLayer || json) && !(backends.contains("plonkish") && backends.contains("sumcheck"))) {
            throw new InputFileException("--per-layer and --json compare the two backends: give --backend "
                    + "plonkish,sumcheck");
        }
        if (maxRows != null && (!synthetic.isEmpty() || perLayer || json || !backends.equals(List.of("plonkish")))) {
            throw new InputFileException("--max-rows proves models in segments with the Plonkish backend: it does not "
                    + "combine with --synthetic, --per-layer, --json or --backend sumcheck");
        }
        if (noSpeedCheck && maxRows == null) {
            throw new InputFileException("--no-speed-check goes with --max-rows (a single proof's row has no speed check)");
        }
        if (!synthetic.isEmpty()) {
            return SyntheticBench.run(o, params, synthetic);
        }
        List<Path> files = resolve();
        if (maxRows != null) {
            return SegmentedBench.run(o, err, files, params, maxRows, runs, markdown, !noSpeedCheck);
        }
        if (json) {
            return perLayerJson(o, files, params);
        }
        CostModel cm = ModelOptions.costModel(err);
        // Heap: the peak, then what the prover added above the heap in use when it started, beside what the cost model
        // predicts for that (the baseline is the application's, not the prover's: errors are on the predicted part).
        String header = String.format(Locale.ROOT, "| %-17s | %7s | %2s | %8s | %8s | %6s | %9s | %8s | %9s | %9s | %6s | %9s | %8s |",
                "model", "rows", "k", "prove s", "pred. s", "time", "verify ms", "peak MiB", "+heap MiB", "pred. MiB",
                "heap", "proof KiB", "params");
        String rule = header.replaceAll("[^|]", "-");
        List<String> lines = new ArrayList<>();
        double[] band = CostModel.bandFactors(cm.timeSpread());
        o.printf("preset %s, %d runs per model (median), %d cores, %s%s%n", params, runs,
                Runtime.getRuntime().availableProcessors(), cm.origin(), band == null ? ""
                        : String.format(Locale.ROOT, "; this machine repeats one proof within x%.2f-x%.2f", band[0],
                        band[1]));
        o.println(header);
        o.println(rule);
        o.flush();
        CostModel.warmUpOnce();
        for (Path f : files) {
            Graph g = new OnnxImporter().load(f, new ImportOptions(1));
            g.requireSupported("proving");
            InputFiles.Samples samples = InputFiles.calibrationSamples(g, f, SegmentedBench.siblingCalibration(f));
            List<List<Tensor>> calib = samples.inputs().size() > 50 ? samples.inputs().subList(0, 50) : samples.inputs();
            Pipeline.Settings s = new Pipeline.Settings(QuantOptions.defaults(), CompileOptions.defaults(), params);
            List<Tensor> input = calib.get(0);
            String name = f.getFileName().toString().replaceFirst("\\.onnx$", "");
            // Each backend's peak heap is measured with none of the other's objects live, above one baseline: the
            // heap in use after a full collection once the model and its calibration inputs are loaded (what both
            // backends need), before either prepares anything. The Plonkish run (circuit, proving key, proofs) is
            // made and released inside plonkishRow; the sumcheck backend then calibrates and lowers the model for
            // itself and never builds the circuit.
            long base = CostModel.usedAfterGc();
            dev.zkscope.sumcheck.SumcheckBench.Against pl = null;
            if (backends.contains("plonkish")) {
                pl = plonkishRow(o, err, f, g, calib, s, cm, name, lines);
            } else {
                o.println("| " + name + " | (plonkish not run: --backend sumcheck)");
            }
            if (backends.contains("sumcheck")) {
                long left = CostModel.usedAfterGc() - base;
                if (left > 4L << 20) {
                    err.printf(Locale.ROOT, "note: %s: %.0f MiB still live after the Plonkish run (caches); the "
                            + "sumcheck figure above the baseline includes them%n", name, left / 1048576.0);
                    err.flush();
                }
                o.println("    " + dev.zkscope.sumcheck.SumcheckBench.lineAlone(g, calib, input, s, preset, !noZk, runs,
                        base, pl));
            }
            if (perLayer) {
                o.print(dev.zkscope.backend.LayerComparison.measure(preparedAsProve(f, g, samples, params),
                        comparisonInput(g, f, calib), null).toText().indent(4));
            }
            o.flush();
        }
        String accuracy = dev.zkscope.predict.PredictionAccuracy.of(errors, cm).describe("model(s)");
        if (accuracy != null) {
            o.println(accuracy);
        }
        if (markdown != null) {
            StringBuilder b = new StringBuilder();
            b.append(header).append('\n').append(rule).append('\n');
            for (String l : lines) {
                b.append(l).append('\n');
            }
            ProveCommand.writeFile(markdown, b.toString().getBytes(StandardCharsets.UTF_8), "markdown");
        }
        return Main.OK;
    }

    /** The median run's prediction error of every model benchmarked, for the closing summary. */
    private final List<dev.zkscope.predict.PredictionError> errors = new ArrayList<>();

    /**
     * The Plonkish row of one model: prepared (circuit compiled), one unreported proof, then the median of --runs. All
     * of it is released when this returns; only the figures the sumcheck line compares with are kept.
     */
    private dev.zkscope.sumcheck.SumcheckBench.Against plonkishRow(PrintWriter o, PrintWriter err, Path f, Graph g,
            List<List<Tensor>> calib, Pipeline.Settings s, CostModel cm, String name, List<String> lines) {
        Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(f), g, calib, s, PhaseListener.NONE);
        List<Tensor> input = calib.get(0);
        // One unreported proof per model: compiles this circuit's hot paths and derives its proving key, so that the
        // reported runs are the steady state the cost model predicts.
        Pipeline.prove(p, input, PhaseListener.NONE, cm, null);
        List<ProveRun> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ProveRun r = Pipeline.prove(p, input, PhaseListener.NONE, cm, null);
            if (!r.verdict().accepted()) {
                throw new IllegalStateException("proof of " + f + " did not verify: " + r.verdict());
            }
            rs.add(r);
        }
        rs.sort((a, b) -> Long.compare(a.proveNanos(), b.proveNanos()));
        ProveRun r = rs.get(rs.size() / 2);
        dev.zkscope.predict.PredictionError e = r.predictionError();
        errors.add(e);
        String line = String.format(Locale.ROOT, "| %-17s | %,7d | %2d | %8.3f | %8.3f | %+5.0f%% | %9.1f | %8.0f | %9.0f | %9.0f | %+5.0f%% | %9.1f | %,8d |",
                name, r.usedRows(), r.logN(), r.proveSeconds(), r.prediction().proveSeconds(), 100 * e.timeError(),
                r.verifyNanos() / 1e6, r.peakHeap() / 1048576.0, r.heapAboveBaseline() / 1048576.0,
                r.prediction().heapBytesAboveBaseline() / 1048576.0, 100 * e.heapError(),
                r.proof().length / 1024.0, g.totalParams());
        lines.add(line);
        o.println(line);
        if (e.warning() != null) {
            err.println("warning: " + name + ": " + e.warning());
            err.flush();
        }
        if (phases) {
            o.println("    " + phaseComparison(r));
        }
        o.flush();
        return new dev.zkscope.sumcheck.SumcheckBench.Against(r.proveSeconds(), r.peakHeap());
    }

    /**
     * {@code --json}: each model prepared as the table's rows are, one unreported comparison (warm-up: JIT and keys),
     * then the measured one; printed as {"models": [...]} ({@link dev.zkscope.backend.LayerComparison#toJson}).
     */
    private int perLayerJson(PrintWriter o, List<Path> files, ProofParameters params) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode list = root.putArray("models");
        for (Path f : files) {
            Graph g = new OnnxImporter().load(f, new ImportOptions(1));
            g.requireSupported("proving");
            InputFiles.Samples samples = InputFiles.calibrationSamples(g, f, SegmentedBench.siblingCalibration(f));
            List<List<Tensor>> calib = samples.inputs().size() > 50 ? samples.inputs().subList(0, 50) : samples.inputs();
            Pipeline.Prepared p = preparedAsProve(f, g, samples, params);
            List<Tensor> input = comparisonInput(g, f, calib);
            dev.zkscope.backend.LayerComparison.measure(p, input, null);
            list.add(dev.zkscope.backend.LayerComparison.measure(p, input, null).toJson()
                    .put("input", input == calib.get(0) ? "the first calibration sample" : "NAME.input.json"));
        }
        o.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        o.flush();
        return Main.OK;
    }

    /**
     * The model calibrated as {@code prove} and the app calibrate it (on every calibration sample, where the table's
     * rows take the first 50), so that the per-layer comparison is of the same circuit.
     */
    static Pipeline.Prepared preparedAsProve(Path f, Graph g, InputFiles.Samples samples, ProofParameters params) {
        Pipeline.Settings s = new Pipeline.Settings(QuantOptions.defaults(), CompileOptions.defaults(), params);
        return Pipeline.prepare(Pipeline.modelName(f), g, samples.inputs(), s, PhaseListener.NONE);
    }

    /**
     * The input the per-layer comparison proves: the model's sibling NAME.input.json, as {@code prove} and the app
     * take it, else the first calibration sample (the input the table's rows prove).
     */
    static List<Tensor> comparisonInput(Graph g, Path model, List<List<Tensor>> calib) {
        Path p = model.resolveSibling(model.getFileName().toString().replaceFirst("\\.onnx$", "") + ".input.json");
        if (Files.isRegularFile(p)) {
            try {
                return InputFiles.readInput(p, g);
            } catch (InputFileException e) {
                // another batch size: the calibration sample
            }
        }
        return calib.get(0);
    }

    /** Predicted beside measured milliseconds for each phase of the cost model (permutation and lookups summed). */
    static String phaseComparison(ProveRun r) {
        java.util.Map<String, Double> measured = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, Long> e : r.phaseNanos().entrySet()) {
            String k = e.getKey().equals("permutation") || e.getKey().equals("lookups") ? "helpers" : e.getKey();
            measured.merge(k, e.getValue() / 1e6, Double::sum);
        }
        StringBuilder b = new StringBuilder();
        for (java.util.Map.Entry<String, Double> e : r.prediction().phaseSeconds().entrySet()) {
            b.append(String.format(Locale.ROOT, "%s%s %.0f/%.0f ms", b.length() == 0 ? "" : ", ", e.getKey(),
                    e.getValue() * 1e3, measured.getOrDefault(e.getKey(), 0.0)));
        }
        return "predicted/measured: " + b;
    }

    private List<Path> resolve() throws InputFileException {
        List<Path> out = new ArrayList<>();
        if (models.isEmpty()) {
            Path index = samplesDir.resolve("models.json");
            try {
                JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(index));
                JsonNode list = root.has("models") ? root.get("models") : root;
                for (JsonNode m : list) {
                    out.add(samplesDir.resolve(m.get("file").asText()));
                }
            } catch (IOException | RuntimeException e) {
                throw new InputFileException("cannot read the sample index " + index + ": " + e.getMessage()
                        + " (run from the repository root or pass --samples DIR)");
            }
        } else {
            for (String m : models) {
                Path p = m.endsWith(".onnx") ? Path.of(m) : samplesDir.resolve(m + ".onnx");
                if (!Files.isRegularFile(p)) {
                    throw new InputFileException("no model " + p + " (give a sample name or an .onnx file)");
                }
                out.add(p);
            }
        }
        return out;
    }
}
