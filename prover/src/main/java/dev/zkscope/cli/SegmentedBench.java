package dev.zkscope.cli;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.predict.PredictionAccuracy;
import dev.zkscope.predict.PredictionError;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.segment.BundleVerifier;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.SegmentedProof;
import dev.zkscope.segment.Segmenter;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code zkscope bench --max-rows 2^k MODEL...}: each model proved in segments exactly as {@code prove --max-rows}
 * proves it, {@code --runs} times in one JVM, and one table row per model with the whole runs' figures (the issue's
 * targets are these: prover rounds, the whole run, peak heap, bundle size, verification, the prediction per segment).
 *
 * <p>Per model: its calibration set is the sibling {@code NAME.calib.npy} when there is one (the zoo's), else what
 * {@code bench} takes; its input the sibling {@code NAME.input.json}, else the first calibration sample. The JVM is
 * warmed once (a calibration proof), and each model's smallest segment is proved once and discarded, as {@code prove}
 * does. Every measured run is one {@code prove}: a speed check (two calibration proofs, whose factor scales the
 * segments' predictions), then every segment (compile, keygen, witness, prover rounds), the bundle assembled and
 * verified from its bytes. Each run writes its resumable parts in a temporary directory, removed after it, and, as
 * {@code prove} does, leaves the model's stored run factor ({@code RunFactors}) at how its segments ran, so that a
 * run's first segment is predicted by how the run before it ended.
 */
final class SegmentedBench {
    private SegmentedBench() {}

    /** One measured run of one model. */
    record Run(double roundsSeconds, double predictedSeconds, double totalSeconds, double keygenSeconds,
               long peakHeap, int bundleBytes, double verifyMillis, List<PredictionError> errors, int argmax,
               int[] logNs, double linkCommitSeconds) {
    }

    static int run(PrintWriter o, PrintWriter err, List<Path> files, ProofParameters params, String maxRows, int runs,
                   Path markdown, boolean speedCheck) throws Exception {
        int requested = SegmentedProve.logBudget(maxRows);
        CostModel cm = ModelOptions.costModel(err);
        double[] band = CostModel.bandFactors(cm.timeSpread());
        o.printf(Locale.ROOT, "preset %s, in segments of at most %s rows, %d run(s) per model (median, range), %d cores, "
                        + "%s%s%n", params, requested < 0 ? "auto" : "2^" + requested, runs,
                Runtime.getRuntime().availableProcessors(), cm.origin(), band == null ? ""
                        : String.format(Locale.ROOT, "; this machine repeats one proof within x%.2f-x%.2f", band[0],
                        band[1]));
        o.flush();
        CostModel.warmUpOnce();
        List<String> rows = new ArrayList<>();
        List<PredictionError> all = new ArrayList<>();
        for (Path f : files) {
            rows.add(model(o, f, params, requested, runs, cm, speedCheck, all));
        }
        String header = "| model | segments | runs | prover rounds s | predicted s | whole run s | keygen s | "
                + "largest peak MiB | bundle bytes | verify ms | time within +-30% | heap within +-30% | argmax |";
        String rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        o.println(header);
        o.println(rule);
        for (String r : rows) {
            o.println(r);
        }
        String accuracy = PredictionAccuracy.of(all, cm).describe("segment(s)");
        if (accuracy != null) {
            o.println(accuracy);
        }
        if (markdown != null) {
            StringBuilder b = new StringBuilder(header).append('\n').append(rule).append('\n');
            for (String r : rows) {
                b.append(r).append('\n');
            }
            ProveCommand.writeFile(markdown, b.toString().getBytes(StandardCharsets.UTF_8), "markdown");
        }
        o.flush();
        return Main.OK;
    }

    /** The sibling NAME.calib.npy of a model, when it exists (the zoo's calibration sets), else null. */
    static Path siblingCalibration(Path model) {
        String file = model.getFileName().toString();
        Path p = model.resolveSibling(file.replaceFirst("\\.onnx$", "") + ".calib.npy");
        return Files.isRegularFile(p) ? p : null;
    }

    private static String model(PrintWriter o, Path f, ProofParameters params, int requested, int runs,
                                CostModel cm, boolean speedCheck, List<PredictionError> all) throws Exception {
        Graph g = new OnnxImporter().load(f, new ImportOptions(1));
        g.requireSupported("proving");
        InputFiles.Samples samples = InputFiles.calibrationSamples(g, f, siblingCalibration(f));
        List<Tensor> input = BenchCommand.comparisonInput(g, f, samples.inputs());
        Pipeline.Settings settings = new Pipeline.Settings(QuantOptions.defaults(), CompileOptions.defaults(), params);
        String name = Pipeline.modelName(f);
        SegmentSetup setup = SegmentSetup.of(name, g, samples.inputs(), settings, PhaseListener.NONE);
        long[] q = setup.quantizeInput(input);
        Segmenter.Measured measured = Segmenter.measure(setup.model(), setup.settings().compile(), params,
                PhaseListener.NONE);
        int logBudget = requested;
        Segmenter.Counted counted = null;
        if (requested < 0) {
            long free = Runtime.getRuntime().maxMemory() - CostModel.usedAfterGc();
            Segmenter.BudgetChoice choice = Segmenter.chooseBudget(measured, cm, params, free);
            logBudget = choice.logBudget();
            counted = choice.chosen().counted();
            o.printf(Locale.ROOT, "%s: budget 2^%d, the plan the cost model predicts fastest among those that fit 3/4 "
                    + "of the free heap: %s%n", Pipeline.modelName(f), logBudget, choice.describe());
        }
        if (counted == null) {
            counted = Segmenter.counted(measured, logBudget);
        }
        SegmentPlan plan = counted.plan();
        int[] heights = counted.ledgers().stream().mapToInt(dev.zkscope.compile.CostLedger::logN).toArray();
        long linkRows = 0;
        long rows = 0;
        for (SegmentPlan.Segment s : plan.segments()) {
            rows += counted.ledgers().get(s.index()).gadgetRows();
            linkRows += s.linkRows();
        }
        String budget = logBudget == requested ? "--max-rows 2^" + logBudget
                : "budget 2^" + logBudget + " chosen by the cost model";
        o.printf(Locale.ROOT, "%s: %s planned (heights counted; calibration %s); %s, %,d rows of gates, %,d of them "
                + "linking boundaries%n", name, shape(heights), samples.source(), budget, rows, linkRows);
        o.flush();
        Path tmp = Files.createTempDirectory("zkscope-bench");
        try {
            // proves one segment straight (SegmentProver), writing nothing to the parts directory
            SegmentedProof.WarmUp w = SegmentedProof.warmUp(request(setup, plan, q, tmp.resolve("warm-up.parts")),
                    null);
            long[][] evaluated = w.tensors();
            o.printf(Locale.ROOT, "  warm-up: segment %d (2^%d rows) proved once in %.1f s, discarded%n",
                    w.segment() + 1, counted.ledgers().get(w.segment()).logN(), w.seconds());
            o.flush();
            List<Run> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                CostModel.SpeedCheck speed = speedCheck ? cm.speedCheck() : null;
                CostModel runModel = speed == null ? cm : cm.scaled(speed.appliedFactor());
                Path parts = tmp.resolve("run-" + (i + 1) + ".parts");
                o.printf(Locale.ROOT, "  run %d/%d: %s%n", i + 1, runs, speed == null ? "no speed check"
                        : String.format(Locale.ROOT, "speed check x%.2f (two calibration proofs against their "
                        + "prediction; the segments are predicted at x%.2f)", speed.factor(), speed.appliedFactor()));
                o.flush();
                SegmentedProof.Result r = SegmentedProof.run(request(setup, plan, q, parts), evaluated,
                        PhaseListener.NONE, runModel, null, progress(o), null);
                SegmentedProof.clearParts(parts);
                if (!(r.verdict() instanceof BundleVerifier.Accepted acc)) {
                    throw new IllegalStateException("the bundle of " + name + " did not verify: "
                            + ((BundleVerifier.Rejected) r.verdict()).error().describe());
                }
                Run run = measure(r, acc, setup);
                done.add(run);
                all.addAll(run.errors());
                PredictionAccuracy a = PredictionAccuracy.of(run.errors(), runModel);
                o.printf(Locale.ROOT, "  run %d/%d: prover rounds %.1f s (predicted %.1f s), whole run %.1f s, keygen "
                                + "%.1f s, link commit %.1f s, largest peak %s, bundle %,d bytes, verified in %.0f ms; "
                                + "within +-30%%: time %d, heap %d of %d segments; argmax %d%n", i + 1, runs,
                        run.roundsSeconds(), run.predictedSeconds(), run.totalSeconds(), run.keygenSeconds(),
                        run.linkCommitSeconds(),
                        ProveCommand.mib(run.peakHeap()), run.bundleBytes(), run.verifyMillis(), a.timeWithin(),
                        a.heapWithin(), a.proofs(), run.argmax());
                o.flush();
            }
            return row(name, done, cm);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static SegmentedProof.Request request(SegmentSetup setup, SegmentPlan plan, long[] q, Path parts) {
        return new SegmentedProof.Request(setup.model(), plan, setup.context(), q, null, null, parts, false);
    }

    /** "8 segments (2 x 2^16, 6 x 2^17)": the segments' heights (log2), smallest first. */
    static String shape(int[] logNs) {
        Map<Integer, Integer> byLog = new TreeMap<>();
        for (int k : logNs) {
            byLog.merge(k, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Integer, Integer> e : byLog.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getValue()).append(" x 2^").append(e.getKey());
        }
        return logNs.length + (logNs.length == 1 ? " segment (" : " segments (") + b + ")";
    }

    /** One run's figures, summed over its segments as {@code prove} prints them. */
    static Run measure(SegmentedProof.Result r, BundleVerifier.Accepted acc, SegmentSetup setup) {
        SegmentedProve.Totals t = SegmentedProve.Totals.of(r.parts());
        List<PredictionError> errors = SegmentedProve.predictionErrors(r.parts());
        double predicted = errors.stream().mapToDouble(PredictionError::predictedSeconds).sum();
        long[] out = acc.output() != null ? acc.output() : r.output();
        double[] deq = SegmentedProve.dequantize(out, setup.calibration().graph().outputScale());
        return new Run(t.proveNanos() / 1e9, predicted, r.totalNanos() / 1e9, t.keygenNanos() / 1e9, t.peakHeap(),
                r.bundle().length, acc.totalVerifyNanos() / 1e6, errors, VerifyCommand.argmax(deq),
                r.parts().stream().mapToInt(SegmentProver.Proved::logN).toArray(), r.linkCommitNanos() / 1e9);
    }

    /**
     * The table row of a model: its segments' heights as proved, medians with the range over the runs, the largest
     * peak, the prediction's counts.
     */
    static String row(String name, List<Run> runs, CostModel cm) {
        String shape = shape(runs.get(runs.size() - 1).logNs());
        List<PredictionError> errors = new ArrayList<>();
        long peak = 0;
        int minBundle = Integer.MAX_VALUE;
        int maxBundle = 0;
        java.util.Set<Integer> argmax = new java.util.TreeSet<>();
        for (Run r : runs) {
            errors.addAll(r.errors());
            peak = Math.max(peak, r.peakHeap());
            minBundle = Math.min(minBundle, r.bundleBytes());
            maxBundle = Math.max(maxBundle, r.bundleBytes());
            argmax.add(r.argmax());
        }
        PredictionAccuracy a = PredictionAccuracy.of(errors, cm);
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %,.0f | %s | %s | %d of %d | %d of %d | %s |",
                name, shape, runs.size(), spread(runs, Run::roundsSeconds, "%.1f"),
                spread(runs, Run::predictedSeconds, "%.1f"), spread(runs, Run::totalSeconds, "%.1f"),
                spread(runs, Run::keygenSeconds, "%.1f"), peak / 1048576.0,
                minBundle == maxBundle ? String.format(Locale.ROOT, "%,d", minBundle)
                        : String.format(Locale.ROOT, "%,d-%,d", minBundle, maxBundle),
                spread(runs, Run::verifyMillis, "%.0f"), a.timeWithin(), a.proofs(), a.heapWithin(), a.proofs(),
                argmax.size() == 1 ? argmax.iterator().next().toString() : argmax.toString());
    }

    /** A line per segment as it finishes: its height, prover time and heap above baseline beside their predictions. */
    static SegmentedProof.Progress progress(PrintWriter o) {
        return new SegmentedProof.Progress() {
            @Override
            public void segmentFinished(SegmentPlan plan, SegmentProver.Proved p) {
                SegmentProver.Measure m = p.measure();
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "    segment %d/%d (2^%d): keygen %.1f s, "
                        + "prover %.2f s", p.index() + 1, plan.count(), p.logN(),
                        m.phaseNanos().getOrDefault("keygen", 0L) / 1e9, m.proveNanos() / 1e9));
                PredictionError e = SegmentedProve.predictionError(p);
                if (e != null) {
                    b.append(String.format(Locale.ROOT, " (predicted %.2f s, %+.0f%%)", e.predictedSeconds(),
                            100 * e.timeError()));
                    b.append(String.format(Locale.ROOT, ", heap above baseline %s (predicted %s, %+.0f%%)",
                            ProveCommand.mib(m.heapAboveBaseline()), ProveCommand.mib(e.predictedHeapAbove()),
                            100 * e.heapError()));
                } else {
                    b.append(", heap above baseline ").append(ProveCommand.mib(m.heapAboveBaseline()));
                }
                o.println(b);
                o.flush();
            }
        };
    }

    /** "78.1 (69.6-91.9)": the median and the range, or the one value of a single run. */
    static String spread(List<Run> runs, java.util.function.ToDoubleFunction<Run> f, String fmt) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        String med = String.format(Locale.ROOT, fmt, v[v.length / 2]);
        if (v.length == 1) {
            return med;
        }
        return med + " (" + String.format(Locale.ROOT, fmt, v[0]) + "-" + String.format(Locale.ROOT, fmt,
                v[v.length - 1]) + ")";
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    // a temporary directory: left for the system to clear
                }
            });
        } catch (java.io.IOException e) {
            // idem
        }
    }
}
