package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.Commitments;
import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.Salts;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.predict.CostModel;
import dev.zkscope.predict.PredictionError;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.FixedPoint;
import dev.zkscope.segment.BundleVerifier;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.SegmentedProof;
import dev.zkscope.segment.Segmenter;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code zkscope prove MODEL ... --max-rows 2^k}: the model cut into segments of at most 2^k rows (or a budget chosen
 * from the free heap by the cost model, {@code --max-rows auto}), proved one after another with a progress line per
 * segment, written as one proof bundle (--out) and one key bundle (--vk); finished segments are kept beside the bundle
 * until it is written, so that {@code --resume} continues a failed or cancelled run.
 */
final class SegmentedProve {
    private SegmentedProve() {}

    /** Parses "2^k", "k" as a power of two's value (e.g. 65536), or "auto" (-1). */
    static int logBudget(String s) throws InputFileException {
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return -1;
        }
        try {
            int k;
            if (v.startsWith("2^")) {
                k = Integer.parseInt(v.substring(2));
            } else {
                long n = Long.parseLong(v.replace("_", "").replace(",", ""));
                if (n <= 0 || Long.bitCount(n) != 1) {
                    throw new InputFileException("--max-rows must be a power of two (like 65536 or 2^16) or auto, got "
                            + s);
                }
                k = Long.numberOfTrailingZeros(n);
            }
            if (k < Segmenter.MIN_LOG_BUDGET || k > Segmenter.MAX_LOG_BUDGET) {
                throw new InputFileException("--max-rows must be between 2^" + Segmenter.MIN_LOG_BUDGET + " and 2^"
                        + Segmenter.MAX_LOG_BUDGET + ", got " + s);
            }
            return k;
        } catch (NumberFormatException e) {
            throw new InputFileException("--max-rows must be a power of two (like 65536 or 2^16) or auto, got " + s);
        }
    }

    static int run(ProveCommand c, Graph g, List<Tensor> in, InputFiles.Samples samples, CompileOptions co,
                   Salts salts, PrintWriter o, PrintWriter err) throws Exception {
        if (co.weights() == CompileOptions.Visibility.HASHED) {
            throw new InputFileException("--weights-visibility hashed is not supported with --max-rows yet (each "
                    + "segment would publish its own weights commitment); prove with fixed weights");
        }
        int requested = logBudget(c.maxRows);
        dev.zkscope.batch.BatchRunner.Provider spark = null;
        String master = null;
        if (c.spark != null) {
            spark = ProveBatchCommand.sparkProvider("prove");
            master = c.spark.strip();
            try {
                spark.create(master, err); // checks the master URL before any work
            } catch (IllegalArgumentException e) {
                throw new InputFileException("--spark " + c.spark + ": " + e.getMessage());
            }
        }
        Pipeline.Settings settings = new Pipeline.Settings(c.model.quantOptions(), co,
                c.proof.params());
        String name = Pipeline.modelName(c.model.model);
        SegmentSetup setup = SegmentSetup.of(name, g, samples.inputs(), settings, ModelOptions.progress(err));
        long[] q = setup.quantizeInput(in);
        long m0 = System.nanoTime();
        Segmenter.Measured measured = Segmenter.measure(setup.model(), setup.settings().compile(),
                setup.settings().params(), PhaseListener.NONE);
        CostModel cm = null;
        if (!c.noPredict) {
            cm = ModelOptions.costModel(err);
        }
        int logBudget = requested;
        Segmenter.Counted counted = null;
        if (requested < 0) {
            if (cm == null) {
                throw new InputFileException("--max-rows auto chooses the budget with the cost model: drop --no-predict, "
                        + "or give the budget (--max-rows 2^16)");
            }
            Runtime rt = Runtime.getRuntime();
            long free = rt.maxMemory() - CostModel.usedAfterGc();
            int share = Math.max(1, localSlots(master));
            long c0 = System.nanoTime();
            Segmenter.BudgetChoice choice = Segmenter.chooseBudget(measured, cm, setup.settings().params(),
                    free / share);
            logBudget = choice.logBudget();
            counted = choice.chosen().counted();
            o.printf(Locale.ROOT, "budget: 2^%d rows per segment, the plan the cost model predicts fastest (prover "
                    + "rounds and keygens, every segment counted; %.1f s to plan and price) among the budgets it "
                    + "predicts to fit in 3/4 of the %s of free heap%s: %s%n", logBudget,
                    (System.nanoTime() - c0) / 1e9, ProveCommand.mib(free),
                    share > 1 ? " shared by the " + share + " segments " + master + " proves at once" : "",
                    choice.describe());
        }
        if (counted == null) {
            counted = Segmenter.counted(measured, logBudget);
        }
        SegmentPlan plan = counted.plan();
        if (master != null && localSlots(master) > 1 && cm != null) {
            master = fitSlots(master, plan, measured, cm,
                    Runtime.getRuntime().maxMemory() - CostModel.usedAfterGc(), o);
        }
        o.printf(Locale.ROOT, "model %s: %d layer(s) measured in %.1f s; %d segment(s) of at most 2^%d rows, %s%n",
                name, measured.layers().size(), (System.nanoTime() - m0) / 1e9, plan.count(), logBudget,
                setup.settings().params());
        for (SegmentPlan.Segment s : plan.segments()) {
            // the segment as laid out (counted: its circuit's exact rows and height, no trace), not the estimate
            dev.zkscope.compile.CostLedger l = counted.ledgers().get(s.index());
            o.printf(Locale.ROOT, "  segment %d/%d: %s, %d layer(s), %,d rows of gates (2^%d with %,d table rows), "
                    + "%,d of them linking its boundaries%n", s.index() + 1, plan.count(), s.span(), s.layers(),
                    l.gadgetRows(), l.logN(), l.tableRows(), s.linkRows());
        }
        for (Boundary b : boundaries(plan, setup)) {
            o.printf(Locale.ROOT, "  link %d.%d -> %s: %,d value(s), %,d rows to fingerprint it once made and "
                    + "once per reader%n", b.after() + 1, b.group() + 1, consumers(b.consumers()), b.values(), b.rowsPerSide());
        }
        o.flush();
        Path parts = c.out.resolveSibling(c.out.getFileName() + ".parts");
        SegmentedProof.Request request = new SegmentedProof.Request(setup.model(), plan, setup.context(), q,
                co.input() == CompileOptions.Visibility.HASHED ? salts.input() : null,
                co.output() == CompileOptions.Visibility.HASHED ? salts.output() : null, parts, c.resume);
        CostModel.SpeedCheck speed = null;
        long[][] evaluated = null; // the model's evaluation on the input, once made by the warm-up
        if (c.warmup > 0 && !c.noWarmup) {
            long w0 = System.nanoTime();
            CostModel.warmUpOnce();
            double calibrationProof = (System.nanoTime() - w0) / 1e9;
            if (cm != null && !c.noSpeedCheck) {
                // this machine's speed now against the calibration's, the segments predicted at it; before the
                // segment's warm-up, whose code the JIT is still compiling in the background when it returns
                speed = cm.speedCheck();
            }
            String also = "";
            if (spark == null && plan.count() > 1) {
                // the smallest segment once, discarded: the model's own gadgets get compiled before any is measured
                SegmentedProof.WarmUp w = SegmentedProof.warmUp(request, null);
                evaluated = w.tensors();
                int k = w.segment();
                also = String.format(Locale.ROOT, " and segment %d (2^%d rows, discarded) in %.1f s", k + 1,
                        counted.ledgers().get(k).logN(), w.seconds());
            }
            o.printf(Locale.ROOT, "warm-up: one calibration proof in %.1f s%s (the JIT compiles the prover, as the "
                    + "prediction assumes; --warmup 0 skips it)%n", calibrationProof, also);
            if (speed != null) {
                o.printf(Locale.ROOT, "speed check: %d calibration proofs of 2^%d x %d took %.2f s, %.2f times the "
                        + "calibrated %.2f s; the segments are predicted at %.2f times the calibrated speed, the "
                        + "geometric mean of the two (--no-speed-check skips it)%n", speed.proofs(), speed.logN(),
                        speed.width(), speed.measuredSeconds(), speed.factor(), speed.predictedSeconds(),
                        speed.appliedFactor());
            }
        }
        CostModel runModel = speed == null ? cm : cm.scaled(speed.appliedFactor());
        // On Spark: where each segment was proved, and the tasks' progress per executor.
        Map<Integer, dev.zkscope.batch.TaskSpan> spans = new java.util.HashMap<>();
        int[] resumed = {0};
        BatchProgress[] tasks = {null};
        SegmentedProof.Runner runner = null;
        if (spark != null) {
            byte[] jobBytes = new dev.zkscope.batch.BatchJob(name, c.model.model.getFileName().toString(),
                    java.nio.file.Files.readAllBytes(c.model.model), c.model.importOptions(), settings,
                    samples.inputs(), null).encode();
            runner = spark.segments(master, err, jobBytes, setup, span -> {
                spans.put(span.index(), span);
                if (tasks[0] == null) {
                    tasks[0] = new BatchProgress("segments", plan.count() - resumed[0], err, System.console() != null);
                }
                tasks[0].done(span.executor());
            });
            o.printf(Locale.ROOT, "proving the segments as the tasks of a Spark job on %s%n", master);
        }
        boolean runnerIsSpark = runner != null;
        // CPU time per phase of each segment proved in this JVM (the report's phase_cpu_ms: load-independent work).
        dev.zkscope.predict.CpuClock cpu = new dev.zkscope.predict.CpuClock(PhaseListener.NONE);
        Map<Integer, Map<String, Long>[]> cpuBySegment = new java.util.HashMap<>();
        SegmentedProof.Progress progress = new SegmentedProof.Progress() {
            @Override
            public void segmentStarted(SegmentPlan p, int i) {
                cpu.reset();
                if (runnerIsSpark && tasks[0] == null) {
                    // the rate counts from the first task's start, not from the first result (which gave 83,404/min)
                    tasks[0] = new BatchProgress("segments", p.count() - resumed[0], err, System.console() != null);
                }
                o.printf(Locale.ROOT, "segment %d/%d (%s): proving...%n", i + 1, p.count(), p.segment(i).span());
                o.flush();
            }

            @Override
            public void linksCommitting(SegmentPlan p) {
                o.printf(Locale.ROOT, "first pass: committing the link columns of %d segments...%n", p.count());
                o.flush();
            }

            @Override
            public void linksCommitted(SegmentPlan p, long nanos) {
                o.printf(Locale.ROOT, "first pass: %d segments' link columns committed in %.2f s; the link challenge "
                        + "is drawn from their roots%n", p.count(), nanos / 1e9);
                o.flush();
            }

            @Override
            public void segmentFinished(SegmentPlan p, SegmentProver.Proved r) {
                if (r.resumed()) {
                    resumed[0]++;
                } else if (!runnerIsSpark) {
                    @SuppressWarnings("unchecked")
                    Map<String, Long>[] pair = new Map[] {cpu.cpuNanos(), cpu.gcMillisByPhase()};
                    cpuBySegment.put(r.index(), pair);
                }
                dev.zkscope.batch.TaskSpan span = spans.get(r.index());
                o.println(line(p, r, parts, runModel) + (span == null ? "" : "; on " + span.executor()
                        + (span.attempt() > 0 ? " (attempt " + (span.attempt() + 1) + ")" : "")));
                o.flush();
            }
        };
        SegmentedProof.Result r = SegmentedProof.run(request, evaluated, runnerIsSpark ? PhaseListener.NONE : cpu,
                runModel, null, progress, runner);
        if (!r.verdict().accepted()) {
            throw new IllegalStateException("the fresh bundle did not verify: "
                    + ((BundleVerifier.Rejected) r.verdict()).error().describe());
        }
        BundleVerifier.Accepted acc = (BundleVerifier.Accepted) r.verdict();
        byte[] reportBytes = null;
        if (c.report != null) {
            ObjectNode json = report(r, acc, setup, name, speed, runModel);
            for (com.fasterxml.jackson.databind.JsonNode seg : json.withArray("segments")) {
                Map<String, Long>[] c2 = cpuBySegment.get(seg.get("index").asInt() - 1);
                if (c2 != null) {
                    ObjectNode pc = ((ObjectNode) seg).putObject("phase_cpu_ms");
                    c2[0].forEach((k, v) -> pc.put(k, v / 1e6));
                    ObjectNode pg = ((ObjectNode) seg).putObject("phase_gc_ms");
                    c2[1].forEach(pg::put);
                }
            }
            json.put("runner", master == null ? "this JVM" : "Spark " + master);
            for (com.fasterxml.jackson.databind.JsonNode seg : json.withArray("segments")) {
                dev.zkscope.batch.TaskSpan span = spans.get(seg.get("index").asInt() - 1);
                if (span != null) {
                    ((ObjectNode) seg).put("executor", span.executor());
                    ((ObjectNode) seg).put("attempt", span.attempt());
                }
            }
            reportBytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
        }
        Map<String, byte[]> contents = new java.util.HashMap<>();
        contents.put("proof", r.bundle());
        contents.put("verifying key", r.keys().encode());
        contents.put("report", reportBytes);
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        files.put("proof", c.out);
        files.put("verifying key", c.vkPath());
        files.put("report", c.report);
        OutputFiles.writeAll(files, contents);
        SegmentedProof.clearParts(parts);
        Totals t = Totals.of(r.parts());
        // The rounds are what the targets and the predictions speak of; keygen and compile are the rest of a
        // segment's time that a second proof of the same model would spend again (each segment's key is derived anew).
        o.printf(Locale.ROOT, "proved %d segment(s)%s in %.2f s (prover rounds %.2f s, keygen %.2f s, compile %.2f s, "
                        + "link commit %.2f s), largest peak heap %s; bundle %,d bytes; verified in %.1f ms: accepted%n",
                r.parts().size(), r.resumedFrom() > 0 ? " (" + r.resumedFrom() + " resumed from an earlier run)" : "",
                r.totalNanos() / 1e9, t.proveNanos() / 1e9, t.keygenNanos() / 1e9, t.compileNanos() / 1e9,
                r.linkCommitNanos() / 1e9,
                ProveCommand.mib(t.peakHeap()),
                r.bundle().length, acc.totalVerifyNanos() / 1e6);
        if (tasks[0] != null) {
            o.printf(Locale.ROOT, "on Spark %s: %s%n", master, tasks[0].perExecutor(r.totalNanos() / 1e9));
        }
        String accuracy = accuracy(r.parts(), runModel).describe("segment(s)");
        if (accuracy != null) {
            o.println(accuracy);
        }
        long[] out = acc.output();
        int scale = setup.calibration().graph().outputScale();
        double[] deq = dequantize(out != null ? out : r.output(), scale);
        o.println((out == null ? "output (private, hashed): " : "public output: ") + VerifyCommand.formatOutput(deq)
                + "  argmax " + VerifyCommand.argmax(deq));
        ProveCommand.printCommitments(o, new Commitments(null, acc.inputCommitment(), acc.outputCommitment()));
        o.printf("wrote proof bundle %s, key bundle %s%s%n", c.out, c.vkPath(),
                c.report == null ? "" : ", report " + c.report);
        return Main.OK;
    }

    /**
     * How many segments Spark's embedded master runs at once in this JVM: N for {@code local[N]} and
     * {@code local[N,F]}, the processors for {@code local[*]}, 1 for {@code local}; 0 for a cluster's master (its
     * executors' heaps are set apart: {@code spark.executor.memory}, {@code spark.executor.cores}).
     */
    static int localSlots(String master) {
        if (master == null || !master.startsWith("local")) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\*|[0-9]+)(,[0-9]+)?\\]")
                .matcher(master);
        if (!m.matches()) {
            return 1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    /**
     * The embedded master with no more slots than segments fit in this JVM's heap at once: {@code local[N]} proves N
     * segments in one JVM, and each holds its own prover. The cost model's heap for the plan's largest segment (the
     * bound {@code --max-rows auto} chooses by) is compared with 3/4 of the free heap; with room for K < N segments,
     * the job runs on {@code local[K]} (retries kept) and says so. Without a cost model (--no-predict) the master is
     * taken as given.
     *
     * @param free the JVM's free heap (max heap less the heap used after a collection)
     */
    static String fitSlots(String master, SegmentPlan plan, Segmenter.Measured measured, CostModel cm, long free,
                           PrintWriter o) {
        int slots = Math.min(localSlots(master), plan.count());
        int largest = 0;
        for (SegmentPlan.Segment s : plan.segments()) {
            largest = Math.max(largest, s.estimatedLogN());
        }
        long per = Math.max(1, Segmenter.predictedHeap(measured, cm, largest));
        long fit = Math.max(1, Math.min(slots, free * 3 / 4 / per));
        if (fit >= slots) {
            o.printf(Locale.ROOT, "Spark %s: %d segment(s) at once in this JVM; the cost model predicts %s of heap for "
                    + "a segment of 2^%d rows, and 3/4 of the %s of free heap holds %d%n", master, slots,
                    ProveCommand.mib(per), largest, ProveCommand.mib(free), free * 3 / 4 / per);
            return master;
        }
        int comma = master.indexOf(',');
        String fitted = "local[" + fit + (comma > 0 ? master.substring(comma) : "]");
        o.printf(Locale.ROOT, "Spark %s: proving %d segment(s) at once, not %d, on %s: the cost model predicts %s of "
                + "heap for a segment of 2^%d rows, and 3/4 of the %s of free heap holds %d; give the JVM more heap "
                + "(-Xmx) or smaller segments (--max-rows) to prove more at once%n", master, fit, slots, fitted,
                ProveCommand.mib(per), largest, ProveCommand.mib(free), fit);
        return fitted;
    }

    /**
     * One boundary of the link table: output group {@code group} of segment {@code after} (one tensor, or a part's
     * own outputs), hashed once by it and once by each consumer, and what that hash costs.
     */
    record Boundary(int after, int group, int tensors, long values, long rowsPerSide, int[] consumers) {
    }

    static List<Boundary> boundaries(SegmentPlan plan, SegmentSetup setup) {
        List<Boundary> out = new java.util.ArrayList<>();
        dev.zkscope.segment.LinkTable table = dev.zkscope.segment.LinkTable.of(plan);
        for (int i = 0; i + 1 < plan.count(); i++) {
            int[] sizes = table.site(i).outSizes();
            for (int g = 0; g < sizes.length; g++) {
                int[] cons = table.consumers(i, g).stream().mapToInt(c -> c[0]).toArray();
                out.add(new Boundary(i, g, 1, sizes[g],
                        dev.zkscope.compile.gadget.LinkGadget.rows(sizes[g]), cons));
            }
        }
        return out;
    }

    private static String consumers(int[] c) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < c.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(c[k] + 1);
        }
        return sb.toString();
    }

    static double[] dequantize(long[] v, int scale) {
        double[] d = new double[v.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = FixedPoint.dequantize(v[i], scale);
        }
        return d;
    }

    /** The predictions of the segments proved in this run against what they measured (resumed ones were not). */
    static dev.zkscope.predict.PredictionAccuracy accuracy(List<SegmentProver.Proved> parts, CostModel model) {
        return dev.zkscope.predict.PredictionAccuracy.of(predictionErrors(parts), model);
    }

    /** The predictions of the segments proved in this run against their measurements, in order. */
    static List<PredictionError> predictionErrors(List<SegmentProver.Proved> parts) {
        List<PredictionError> errors = new java.util.ArrayList<>();
        for (SegmentProver.Proved p : parts) {
            PredictionError e = predictionError(p);
            if (e != null) {
                errors.add(e);
            }
        }
        return errors;
    }

    /** A segment's prediction against its measurement; null when it was resumed or not predicted. */
    static PredictionError predictionError(SegmentProver.Proved p) {
        SegmentProver.Measure m = p.measure();
        if (p.resumed() || m == null || m.prediction() == null) {
            return null;
        }
        return new PredictionError(m.prediction().proveSeconds(), m.proveNanos() / 1e9,
                m.prediction().heapBytesAboveBaseline(), m.heapAboveBaseline());
    }

    /**
     * What the segments proved in this run add up to (resumed ones were not measured): prover rounds, keygen and
     * compile time, the largest peak heap.
     */
    record Totals(long proveNanos, long keygenNanos, long compileNanos, long peakHeap) {
        static Totals of(List<SegmentProver.Proved> parts) {
            long prove = 0;
            long keygen = 0;
            long compile = 0;
            long peak = 0;
            for (SegmentProver.Proved p : parts) {
                if (!p.resumed()) {
                    prove += p.measure().proveNanos();
                    keygen += p.measure().phaseNanos().getOrDefault("keygen", 0L);
                    compile += p.measure().phaseNanos().getOrDefault("compile", 0L);
                    peak = Math.max(peak, p.measure().peakHeap());
                }
            }
            return new Totals(prove, keygen, compile, peak);
        }
    }

    /** " (1.6-3.0 s as this machine repeats a proof)", or "" when the model does not know its spread. */
    static String band(CostModel model, double seconds) {
        double[] b = model == null ? null : model.timeBand(seconds);
        return b == null ? "" : String.format(Locale.ROOT, " (%.2f-%.2f s as this machine repeats a proof)", b[0],
                b[1]);
    }

    /**
     * One progress line per finished segment: sizes, phase times, heap, predicted beside measured ({@code model}: the
     * one that predicted them, for the band of times this machine's repeats allow; may be null).
     */
    static String line(SegmentPlan p, SegmentProver.Proved r, Path parts, CostModel model) {
        String head = String.format(Locale.ROOT, "segment %d/%d (%s): ", r.index() + 1, p.count(), r.key().span());
        if (r.resumed()) {
            return head + "resumed from " + parts + " (2^" + r.logN() + " rows, proof " + r.proof().length + " bytes)";
        }
        SegmentProver.Measure m = r.measure();
        StringBuilder phases = new StringBuilder();
        for (Map.Entry<String, Long> e : m.phaseNanos().entrySet()) {
            phases.append(phases.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.0f ms",
                    e.getKey(), e.getValue() / 1e6));
        }
        String corrected = m.runFactor() == 1 ? ""
                : String.format(Locale.ROOT, " (x%.2f, as earlier segments of this model ran)", m.runFactor());
        String pred = m.prediction() == null ? "" : String.format(Locale.ROOT, "; predicted %.2f s%s%s and %s above "
                + "baseline", m.prediction().proveSeconds(), corrected, band(model, m.prediction().proveSeconds()),
                ProveCommand.mib(m.prediction().heapBytesAboveBaseline()));
        return head + String.format(Locale.ROOT, "2^%d rows (%,d used, %,d linking boundaries), %d advice columns; "
                        + "%s; proved in %.2f s, peak heap %s (%s above baseline)%s; proof %,d bytes", r.logN(),
                r.key().usedRows(), r.key().linkRows(), m.adviceColumns(), phases, m.proveNanos() / 1e9,
                ProveCommand.mib(m.peakHeap()), ProveCommand.mib(m.heapAboveBaseline()), pred, r.proof().length);
    }

    static ObjectNode report(SegmentedProof.Result r, BundleVerifier.Accepted acc, SegmentSetup setup, String name,
                             CostModel.SpeedCheck speed, CostModel model) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", name);
        root.put("preset", setup.settings().params().name());
        root.put("zero_knowledge", setup.settings().params().zeroKnowledge());
        root.put("segmented", true);
        if (speed != null) {
            // the segments' "predicted" figures are the calibrated model's times applied_factor (and each one's
            // run_factor)
            ObjectNode sc = root.putObject("speed_check");
            sc.put("circuit", "2^" + speed.logN() + " x " + speed.width());
            sc.put("proofs", speed.proofs());
            sc.put("measured_s", speed.measuredSeconds());
            sc.put("calibrated_s", speed.predictedSeconds());
            sc.put("factor", speed.factor());
            sc.put("applied_factor", speed.appliedFactor());
        }
        dev.zkscope.predict.PredictionAccuracy acy = accuracy(r.parts(), model);
        if (acy.proofs() > 0) {
            ObjectNode ac = root.putObject("prediction_accuracy");
            ac.put("segments", acy.proofs());
            ac.put("time_within_30_percent", acy.timeWithin());
            ac.put("heap_within_30_percent", acy.heapWithin());
            if (acy.bandFactors() != null) {
                ac.put("time_spread", model.timeSpread());
                ac.putArray("band_factors").add(acy.bandFactors()[0]).add(acy.bandFactors()[1]);
                ac.put("time_within_band", acy.timeWithinBand());
            }
        }
        root.put("max_rows_log2", r.plan().logBudget());
        root.put("segment_count", r.plan().count());
        root.put("resumed_segments", r.resumedFrom());
        root.put("total_ms", r.totalNanos() / 1e6);
        root.put("link_commit_ms", r.linkCommitNanos() / 1e6);
        root.put("bundle_bytes", r.bundle().length);
        root.put("verify_ms", acc.totalVerifyNanos() / 1e6);
        root.put("input", setup.settings().compile().input().name().toLowerCase(Locale.ROOT));
        root.put("output", setup.settings().compile().output().name().toLowerCase(Locale.ROOT));
        ArrayNode bs = root.putArray("boundaries");
        for (Boundary b : boundaries(r.plan(), setup)) {
            ObjectNode n = bs.addObject();
            n.put("after_segment", b.after() + 1);
            n.put("group", b.group() + 1);
            ArrayNode cs = n.putArray("read_by_segments");
            for (int c : b.consumers()) {
                cs.add(c + 1);
            }
            n.put("tensors", b.tensors());
            n.put("values", b.values());
            n.put("link_rows_per_side", b.rowsPerSide());
        }
        ArrayNode segs = root.putArray("segments");
        ArrayNode timeline = root.putArray("timeline");
        for (SegmentProver.Proved p : r.parts()) {
            SegmentPlan.Segment s = r.plan().segment(p.index());
            ObjectNode n = segs.addObject();
            n.put("index", p.index() + 1);
            n.put("first_layer", s.firstLayer());
            n.put("last_layer", s.lastLayer());
            n.put("layers", s.layers());
            if (s.isPart()) {
                // one part of a layer split along its outputs: which, and which outputs it computes
                ObjectNode part = n.putObject("part");
                part.put("index", s.part() + 1);
                part.put("of", s.parts());
                part.put("from_output", s.partFrom());
                part.put("to_output", s.partTo());
            }
            n.put("k", p.logN());
            n.put("used_rows", p.key().usedRows());
            n.put("link_rows", p.key().linkRows());
            n.put("estimated_rows", s.estimatedRows());
            n.put("proof_bytes", p.proof().length);
            n.put("verify_ms", acc.verifyNanos()[p.index()] / 1e6);
            n.put("resumed", p.resumed());
            if (p.resumed()) {
                continue;
            }
            SegmentProver.Measure m = p.measure();
            n.put("advice_columns", m.adviceColumns());
            n.put("start_ms", m.startNanos() / 1e6);
            n.put("total_ms", m.totalNanos() / 1e6);
            n.put("prove_ms", m.proveNanos() / 1e6);
            n.put("peak_heap_bytes", m.peakHeap());
            n.put("baseline_heap_bytes", m.baselineHeap());
            n.put("heap_above_baseline_bytes", m.heapAboveBaseline());
            if (m.peakAfterGc() >= 0) {
                n.put("peak_heap_after_gc_bytes", m.peakAfterGc());
            }
            ObjectNode ph = n.putObject("phase_ms");
            for (Map.Entry<String, Long> e : m.phaseNanos().entrySet()) {
                ph.put(e.getKey(), e.getValue() / 1e6);
            }
            if (m.prediction() != null) {
                ObjectNode pr = n.putObject("predicted");
                pr.put("prove_ms", m.prediction().proveSeconds() * 1e3);
                // the model's time before the run's correction from the segments before this one (RunCorrection)
                pr.put("run_factor", m.runFactor());
                pr.put("uncorrected_prove_ms", m.uncorrectedPredictedSeconds() * 1e3);
                pr.put("heap_above_baseline_bytes", m.prediction().heapBytesAboveBaseline());
                if (m.prediction().shape() != null) {
                    pr.set("shape", mapper.valueToTree(m.prediction().shape()));
                }
                PredictionError pe = new PredictionError(
                        m.prediction().proveSeconds(), m.proveNanos() / 1e9,
                        m.prediction().heapBytesAboveBaseline(), m.heapAboveBaseline());
                double[] band = model == null ? null : model.timeBand(m.prediction().proveSeconds());
                if (band != null) {
                    pr.putArray("prove_ms_band").add(band[0] * 1e3).add(band[1] * 1e3);
                }
                ObjectNode err = n.putObject("prediction_error");
                err.put("time", pe.timeError());
                err.put("heap_above_baseline", pe.heapError());
                if (band != null) {
                    err.put("time_within_band", model.withinBand(pe.predictedSeconds(), pe.measuredSeconds()));
                }
            }
            for (ProveRun.Phase ph2 : m.timeline()) {
                ObjectNode t = timeline.addObject();
                t.put("segment", p.index() + 1);
                t.put("phase", ph2.name());
                t.put("start_ms", (m.startNanos() + ph2.startNanos()) / 1e6);
                t.put("ms", ph2.millis());
            }
        }
        long[] out = acc.output();
        if (out != null) {
            ArrayNode a = root.putArray("public_output");
            for (double v : dequantize(out, setup.calibration().graph().outputScale())) {
                a.add(v);
            }
            ArrayNode qa = root.putArray("public_output_quantized");
            for (long v : out) {
                qa.add(v);
            }
        }
        if (acc.inputCommitment() != null) {
            root.put("input_commitment", Commitments.hex(acc.inputCommitment()));
        }
        if (acc.outputCommitment() != null) {
            root.put("output_commitment", Commitments.hex(acc.outputCommitment()));
        }
        ArrayNode links = root.putArray("links");
        for (long[] l : acc.links()) {
            links.add(Commitments.hex(l));
        }
        return root;
    }
}
