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
 * outputs' range is chosen; if none does, the most accurate candidate, found by walking down from the largest scale
 * until the error gets worse (the search measures the top candidate first and, when it passes, scans upwards as
 * described, so the choice is the same whenever some candidate passes above that turn; see {@code Search}). Fixed
 * scales skip the search.
 *
 * <p>Parameter scale: when it is not fixed, it starts at the chosen activation scale s. If that candidate does not
 * pass, the parameter scale alone is raised, sp = s + 2, s + 4, s + 6 (at most {@link QuantOptions#MAX_SCALE}), each
 * measured on the samples like an activation candidate, while each step is materially better than the last (argmax
 * agreement up, or the same agreement and at most half the max error); the walk stops at the first that passes or
 * that is not materially better, and keeps the last materially better one. Weights that are small or uneven (depthwise
 * convolutions with BatchNorm folded in, an STFT's taps) lose their low bits at 2^-s while the activations are fine:
 * raising the parameter scale costs wider accumulators and rescale range checks (sp bits), but keeps the lookup
 * tables, which are sized by s. A model that passes at sp = s keeps it, so its circuit does not change.
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
     * pass, then one fixed-point pass per scale candidate and per parameter-scale step; the total shrinks to what was
     * done when a candidate is accepted early). Before each inference it checks the calling thread's interrupt flag:
     * an interrupted calibration stops with a {@link CancellationException} (the flag stays set).
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
        int paramSteps = options.paramScale() == null ? Search.PARAM_STEPS : 0;
        Progress progress = new Progress(listener, (long) samples.size() * (1 + candidates.size() + paramSteps));
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
        Search search = new Search(graph, samples, reference, options, progress, tolerance, log);
        Measured chosen = candidates.size() == 1 ? search.measure(candidates.get(0)) : search.run(candidates);
        if (chosen == null) {
            throw new BadInputException("no scale fits the fixed-point range for these inputs: " + String.join("; ", log));
        }
        if (options.paramScale() == null) {
            chosen = search.raiseParams(chosen);
        }
        QuantizedGraph best = search.built(chosen);
        FidelityReport bestReport = chosen.report();
        Map<String, long[]> bestRanges = chosen.ranges();
        QuantizedGraph q = best.withRanges(widen(best, bestRanges, options.rangeMargin()));
        progress.finish();
        return new Calibration(q, bestReport, log);
    }

    /**
     * The scale search (see the class comment for the rule). Without a model of the error it would measure every
     * candidate whenever none passes; it measures the top candidate first instead:
     * <ul>
     * <li>the top candidate (the largest that runs without leaving the fixed-point range) is measured first;</li>
     * <li>if it passes, the candidates below it are measured smallest first and the first that passes is chosen (the
     *     top one if none does): exactly the old ascending scan, one measurement dearer at worst;</li>
     * <li>if it fails, the candidates below it are measured largest first while each is at least as good as the best
     *     so far (argmax agreement, then max error; equal goes to the smaller scale, as the ascending scan did), and the
     *     walk stops at the first that is worse: the error curve has turned. A candidate on the way that passes ends
     *     the walk with the ascending scan of the ones below it, so any model where some candidate passes above the
     *     turn gets the old choice.</li>
     * </ul>
     * The choice differs from measuring every candidate only when the error, seen from the top, gets worse and then
     * better again further down: a model whose fidelity is not monotone in the scale. GPT-2-small (no candidate passes,
     * 2^10 the most accurate) takes two measurements instead of seven.
     */
    private static final class Search {
        private final Graph graph;
        private final List<List<Tensor>> samples;
        private final List<List<Tensor>> reference;
        private final QuantOptions options;
        private final Progress progress;
        private final double tolerance;
        private final List<String> log;
        /** The last graph built (at most one is held: a GPT-2-sized model's quantized weights are 1.3 GB). */
        private QuantizedGraph lastBuilt;
        private int lastBuiltS;
        private int lastBuiltSp;

        Search(Graph graph, List<List<Tensor>> samples, List<List<Tensor>> reference, QuantOptions options,
               Progress progress, double tolerance, List<String> log) {
            this.graph = graph;
            this.samples = samples;
            this.reference = reference;
            this.options = options;
            this.progress = progress;
            this.tolerance = tolerance;
            this.log = log;
        }

        private int paramScale(int s) {
            return options.paramScale() != null ? options.paramScale() : s;
        }

        boolean passes(FidelityReport r) {
            return r.argmaxAgreement() == 1.0 && r.maxAbsError() <= tolerance;
        }

        /** a strictly better than b: higher argmax agreement, or equal agreement and smaller max error. */
        static boolean better(FidelityReport a, FidelityReport b) {
            return a.argmaxAgreement() > b.argmaxAgreement()
                    || (a.argmaxAgreement() == b.argmaxAgreement() && a.maxAbsError() < b.maxAbsError());
        }

        /** Measures candidate s (parameters at {@link #paramScale}); null if it leaves the fixed-point range. */
        Measured measure(int s) {
            return measure(s, paramScale(s));
        }

        /** Measures activation scale s with parameter scale sp; null if it leaves the fixed-point range (logged). */
        Measured measure(int s, int sp) {
            lastBuilt = null;
            QuantizedGraph open = new Quantizer(graph, s, sp).build(options.target(), null);
            lastBuilt = open;
            lastBuiltS = s;
            lastBuiltSp = sp;
            Pass pass;
            try {
                pass = Calibrator.measure(graph, open, samples, reference, progress);
            } catch (BadInputException e) {
                log.add("s=" + s + ", sp=" + sp + ": " + e.getMessage());
                return null;
            }
            log.add(pass.report().toString());
            return new Measured(s, sp, pass.report(), pass.observed());
        }

        /** The chosen candidate's graph: the last one built, or the same build again (deterministic). */
        QuantizedGraph built(Measured m) {
            if (lastBuilt != null && lastBuiltS == m.s() && lastBuiltSp == m.sp()) {
                return lastBuilt;
            }
            lastBuilt = null;
            return new Quantizer(graph, m.s(), m.sp()).build(options.target(), null);
        }

        /** Parameter scales tried above s: s + PARAM_STEP, ..., s + PARAM_STEP * PARAM_STEPS. */
        static final int PARAM_STEP = 2;
        static final int PARAM_STEPS = 3;

        /**
         * The parameter-scale walk (class comment): from {@code at} (sp = s), raises sp while each step is materially
         * better, returning the first that passes, else the last materially better one, else {@code at}.
         */
        Measured raiseParams(Measured at) {
            Measured best = at;
            for (int k = 1; k <= PARAM_STEPS && !passes(best.report()); k++) {
                int sp = at.sp() + k * PARAM_STEP;
                if (sp > QuantOptions.MAX_SCALE) {
                    break;
                }
                Measured m;
                try {
                    m = measure(at.s(), sp);
                } catch (dev.zkscope.ir.UnsupportedModelException e) {
                    // only a constant that does not fit at this sp can be refused here (ops were checked at sp = s)
                    lastBuilt = null;
                    log.add("s=" + at.s() + ", sp=" + sp + ": " + e.getMessage());
                    break;
                }
                if (m == null || !materiallyBetter(m.report(), best.report())) {
                    break;
                }
                best = m;
            }
            return best;
        }

        /** a materially better than b: higher argmax agreement, or the same and at most half b's max error. */
        static boolean materiallyBetter(FidelityReport a, FidelityReport b) {
            return a.argmaxAgreement() > b.argmaxAgreement()
                    || (a.argmaxAgreement() == b.argmaxAgreement() && a.maxAbsError() <= 0.5 * b.maxAbsError());
        }

        /** The first passing candidate of cands[0, below) in ascending order, else {@code fallback}. */
        private Measured ascending(List<Integer> cands, int below, Measured fallback) {
            for (int i = 0; i < below; i++) {
                Measured m = measure(cands.get(i));
                if (m != null && passes(m.report())) {
                    return m;
                }
            }
            return fallback;
        }

        Measured run(List<Integer> cands) {
            int top = cands.size() - 1;
            Measured best = null;
            for (; top >= 0 && best == null; top--) {
                best = measure(cands.get(top));
            }
            if (best == null) {
                return null;
            }
            if (passes(best.report())) {
                return ascending(cands, top + 1, best);
            }
            for (int i = top; i >= 0; i--) {
                Measured m = measure(cands.get(i));
                if (m == null) {
                    continue;
                }
                if (passes(m.report())) {
                    return ascending(cands, i, m);
                }
                if (better(best.report(), m.report())) {
                    break;
                }
                best = m;
            }
            return best;
        }
    }

    /** A measured candidate: its activation and parameter scales, fidelity and observed table input ranges. */
    private record Measured(int s, int sp, FidelityReport report, Map<String, long[]> ranges) {}

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
