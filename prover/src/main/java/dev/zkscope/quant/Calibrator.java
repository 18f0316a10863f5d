package dev.zkscope.quant;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import dev.zkscope.profile.PhaseListener;

/**
 * Chooses scales and lookup-table ranges from sample inputs, like EZKL's calibrate-settings.
 *
 * <p>Scales: for target RESOURCES the candidates are s = 4..10, for ACCURACY s = 8..14 (parameters at the same scale
 * unless fixed); the first candidate, smallest first, whose fixed-point outputs on the samples agree with float in
 * argmax on every sample and stay within a max absolute error of 1% (RESOURCES) or 0.2% (ACCURACY) of the float
 * outputs' range is chosen; if none does, the most accurate candidate. Fixed scales skip the search.
 *
 * <p>Ranges: each table's inputs are observed over the samples at the chosen scales; the range [lo, hi] is widened by
 * margin·(hi - lo) plus one real unit (2^s) on each side; Softmax's exp inputs are <= 0 by construction (hi = 0) and
 * LayerNorm's variance >= 0 (lo >= 0).
 */
public final class Calibrator {
    /** The chosen quantization, its fidelity on the calibration samples, and the candidates tried. */
    public record Calibration(QuantizedGraph graph, FidelityReport fidelity, List<String> log) {}

    private Calibrator() {}

    public static Calibration calibrate(Graph graph, List<List<Tensor>> samples, QuantOptions options) {
        return calibrate(graph, samples, options, PhaseListener.NONE);
    }

    /** Float output values kept across scale candidates at most (128 MiB). */
    static final long KEEP_OUTPUTS = 1L << 24;

    /** The phase name under which calibration reports its progress. */
    public static final String PHASE = "calibrate";

    /**
     * Calibrates, reporting progress to {@code listener} as inferences done of the most that may be needed (one float
     * pass, then one fixed-point pass per scale candidate; the total shrinks to what was done when a candidate is
     * accepted early). Before each inference it checks the calling thread's interrupt flag: an interrupted calibration
     * stops with a {@link CancellationException} (the flag stays set).
     *
     * <p>Work: each candidate is measured by one pass over the samples, which both records the table inputs and gives
     * the fidelity: while calibrating, the tables are unbounded, so nothing is clamped and the recording run's outputs
     * are the fidelity run's. The chosen candidate's ranges are widened from what that pass observed, so every table
     * input of the samples lies inside them and a run with the final ranges would give the same outputs: its fidelity
     * on the samples is the candidate's, and is not measured a second time. The samples of a pass run in parallel
     * ({@link #parallelism()} at a time, each keeping only its live activations, see
     * {@link QuantizedEvaluator#runOutputs}); results are combined in sample order, so the outcome does not depend on
     * the number of threads.
     */
    public static Calibration calibrate(Graph graph, List<List<Tensor>> samples, QuantOptions options,
                                        PhaseListener listener) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one sample input");
        }
        FloatEvaluator fe = new FloatEvaluator(graph);
        List<Integer> candidates = new ArrayList<>();
        if (options.inputScale() != null) {
            candidates.add(options.inputScale());
        } else {
            int from = options.target() == Target.RESOURCES ? 4 : 8;
            for (int s = from; s <= from + 6; s++) {
                candidates.add(s);
            }
        }
        Progress progress = new Progress(listener, (long) samples.size() * (1 + candidates.size()));
        // The float outputs do not depend on the scales: computed once, every candidate is measured against them
        // (unless keeping them would take more than KEEP_OUTPUTS doubles; then each measurement recomputes them).
        List<List<Tensor>> kept = new ArrayList<>();
        double[] outRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long[] keptValues = {0};
        inParallel(samples.size(), progress, i -> fe.run(samples.get(i)), f -> {
            for (double v : f.get(0).data()) {
                outRange[0] = Math.min(outRange[0], v);
                outRange[1] = Math.max(outRange[1], v);
            }
            for (Tensor t : f) {
                keptValues[0] += t.size();
            }
            if (keptValues[0] <= KEEP_OUTPUTS) {
                kept.add(f);
            }
        });
        List<List<Tensor>> reference = keptValues[0] <= KEEP_OUTPUTS ? kept : null;
        double lo = outRange[0];
        double hi = outRange[1];
        double range = Math.max(hi - lo, 1e-6);
        double tolerance = (options.target() == Target.RESOURCES ? 0.01 : 0.002) * range;
        List<String> log = new ArrayList<>();
        // At most one candidate's quantized graph is held at a time (a GPT-2-sized model's quantized weights are
        // 1.3 GB): the best so far is kept by its scales and rebuilt at the end when a later candidate was built.
        int bestS = 0;
        int bestSp = 0;
        QuantizedGraph best = null;
        FidelityReport bestReport = null;
        Map<String, long[]> bestRanges = null;
        QuantizedGraph open = null;
        for (int s : candidates) {
            int sp = options.paramScale() != null ? options.paramScale() : s;
            open = null;
            best = null;
            open = new Quantizer(graph, s, sp).build(options.target(), null);
            Pass pass;
            try {
                pass = measure(graph, open, samples, reference, progress);
            } catch (BadInputException e) {
                log.add("s=" + s + ", sp=" + sp + ": " + e.getMessage());
                continue;
            }
            FidelityReport rep = pass.report();
            log.add(rep.toString());
            boolean better = bestReport == null || rep.argmaxAgreement() > bestReport.argmaxAgreement()
                    || (rep.argmaxAgreement() == bestReport.argmaxAgreement() && rep.maxAbsError() < bestReport.maxAbsError());
            if (better) {
                bestS = s;
                bestSp = sp;
                best = open;
                bestReport = rep;
                bestRanges = pass.observed();
            }
            if (rep.argmaxAgreement() == 1.0 && rep.maxAbsError() <= tolerance) {
                bestS = s;
                bestSp = sp;
                best = open;
                bestReport = rep;
                bestRanges = pass.observed();
                break;
            }
        }
        if (bestReport == null) {
            throw new BadInputException("no scale fits the fixed-point range for these inputs: " + String.join("; ", log));
        }
        if (best == null) {
            // a later candidate was built after the best one: the same build again (deterministic)
            open = null;
            best = new Quantizer(graph, bestS, bestSp).build(options.target(), null);
        }
        QuantizedGraph q = best.withRanges(widen(best, bestRanges, options.rangeMargin()));
        progress.finish();
        return new Calibration(q, bestReport, log);
    }

    /** One candidate's pass: its fidelity on the samples and the observed table input ranges. */
    private record Pass(FidelityReport report, Map<String, long[]> observed) {}

    /** One sample's part of a pass. */
    private record SamplePass(FidelityReport.Errors errors, Map<String, long[]> observed) {}

    /**
     * Runs the samples on the open (unbounded-table) graph, recording table inputs, and measures the outputs against
     * the float reference ({@code reference.get(i)} for sample i; null: recomputed here).
     */
    private static Pass measure(Graph graph, QuantizedGraph open, List<List<Tensor>> samples,
                                List<List<Tensor>> reference, Progress progress) {
        QuantizedEvaluator ev = new QuantizedEvaluator(open, QuantizedEvaluator.RangeMode.RECORD);
        FloatEvaluator fe = reference == null ? new FloatEvaluator(graph) : null;
        FidelityReport.Errors errors = new FidelityReport.Errors();
        Map<String, long[]> all = new HashMap<>();
        inParallel(samples.size(), progress, i -> {
            QuantizedEvaluator.Result r = ev.runOutputs(samples.get(i));
            List<Tensor> f = reference == null ? fe.run(samples.get(i)) : reference.get(i);
            return new SamplePass(FidelityReport.Errors.of(f, r.dequantizedOutputs(), r.clampedLookups()),
                    r.observedRanges());
        }, p -> {
            errors.add(p.errors());
            for (Map.Entry<String, long[]> e : p.observed().entrySet()) {
                long[] r = all.computeIfAbsent(e.getKey(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                r[0] = Math.min(r[0], e.getValue()[0]);
                r[1] = Math.max(r[1], e.getValue()[1]);
            }
        });
        return new Pass(errors.report(samples.size(), open), all);
    }

    /** Samples run at once: the processors of this machine. */
    static int parallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * work(0..count-1), {@link #parallelism()} at a time, each result handed to {@code sink} on the calling thread in
     * index order as soon as its group is done (so at most one group's results are held here). The calling thread
     * counts each inference ({@link Progress#step}, which also checks for cancellation) before its group starts; an
     * exception of a sample is rethrown in the calling thread, the one of the lowest index first, as it was thrown.
     */
    private static <R> void inParallel(int count, Progress progress, java.util.function.IntFunction<R> work,
                                       java.util.function.Consumer<R> sink) {
        int width = parallelism();
        for (int from = 0; from < count; from += width) {
            int to = Math.min(count, from + width);
            for (int i = from; i < to; i++) {
                progress.step();
            }
            Object[] got = new Object[to - from];
            int base = from;
            java.util.stream.IntStream.range(0, to - from).parallel().forEach(k -> {
                try {
                    got[k] = work.apply(base + k);
                } catch (RuntimeException | Error e) {
                    got[k] = new Failure(e);
                }
            });
            for (Object o : got) {
                if (o instanceof Failure) {
                    Throwable t = ((Failure) o).cause();
                    if (t instanceof RuntimeException) {
                        throw (RuntimeException) t;
                    }
                    throw (Error) t;
                }
            }
            for (Object o : got) {
                @SuppressWarnings("unchecked")
                R r = (R) o;
                sink.accept(r);
            }
        }
    }

    private record Failure(Throwable cause) {}

    /** Counts inferences for the listener and checks for cancellation before each; called on the calling thread. */
    private static final class Progress {
        private final PhaseListener listener;
        private final long total;
        private long done;

        Progress(PhaseListener listener, long total) {
            this.listener = listener;
            this.total = total;
        }

        /** Before each inference: reports the ones done, then stops if the thread was interrupted meanwhile. */
        void step() {
            if (done > 0) {
                listener.progress(PHASE, done, total);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("calibration cancelled after " + done + " of " + total + " inferences");
            }
            done++;
        }

        /** The search is over (perhaps early): all the work there is has been done. */
        void finish() {
            listener.progress(PHASE, done, done);
        }
    }

    private static Map<String, long[]> widen(QuantizedGraph q, Map<String, long[]> observed, double margin) {
        Map<String, long[]> out = new HashMap<>();
        long unit = 1L << q.inputScale();
        for (QNode n : q.nodes()) {
            if (n.table() == null) {
                continue;
            }
            long[] r = observed.get(n.name());
            long lo = r == null ? -unit : r[0];
            long hi = r == null ? unit : r[1];
            long pad = (long) Math.ceil(margin * (hi - lo)) + unit;
            lo -= pad;
            hi += pad;
            if (n.node().op() instanceof Op.Softmax) {
                hi = 0;
            }
            if (n.node().op() instanceof Op.LayerNorm) {
                lo = Math.max(0, lo);
            }
            out.put(n.name(), new long[] {lo, hi});
        }
        return out;
    }

    /** Seeded uniform [0, 1) inputs for every graph input, for calibration when the user gives no data. */
    public static List<List<Tensor>> syntheticInputs(Graph graph, int count, long seed) {
        return dev.zkscope.ir.InputFiles.synthetic(graph, count, seed);
    }
}
