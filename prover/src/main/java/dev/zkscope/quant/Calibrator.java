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
     * pass, then per scale candidate a range pass and a fidelity pass, plus a final fidelity pass; the total shrinks
     * to what was done when a candidate is accepted early). Between two inferences it checks the thread's interrupt
     * flag: an interrupted calibration stops with a {@link CancellationException} (the flag stays set).
     */
    public static Calibration calibrate(Graph graph, List<List<Tensor>> samples, QuantOptions options,
                                        PhaseListener listener) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one sample input");
        }
        FloatEvaluator fe = new FloatEvaluator(graph);
        int candidateCount = options.inputScale() != null ? 1 : 7;
        Progress progress = new Progress(listener, (long) samples.size() * (2 + 2L * candidateCount));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        // The float outputs do not depend on the scales: computed once, every candidate is measured against them
        // (unless keeping them would take more than KEEP_OUTPUTS doubles; then each measurement recomputes them).
        List<List<Tensor>> floatOutputs = new ArrayList<>();
        long kept = 0;
        for (List<Tensor> in : samples) {
            progress.step();
            List<Tensor> f = fe.run(in);
            for (Tensor t : f) {
                kept += t.size();
            }
            if (floatOutputs != null) {
                floatOutputs.add(f);
                if (kept > KEEP_OUTPUTS) {
                    floatOutputs = null;
                }
            }
            for (double v : f.get(0).data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double range = Math.max(hi - lo, 1e-6);
        List<Integer> candidates = new ArrayList<>();
        if (options.inputScale() != null) {
            candidates.add(options.inputScale());
        } else {
            int from = options.target() == Target.RESOURCES ? 4 : 8;
            for (int s = from; s <= from + 6; s++) {
                candidates.add(s);
            }
        }
        double tolerance = (options.target() == Target.RESOURCES ? 0.01 : 0.002) * range;
        List<String> log = new ArrayList<>();
        QuantizedGraph best = null;
        FidelityReport bestReport = null;
        Map<String, long[]> bestRanges = null;
        for (int s : candidates) {
            int sp = options.paramScale() != null ? options.paramScale() : s;
            QuantizedGraph open = new Quantizer(graph, s, sp).build(options.target(), null);
            Map<String, long[]> observed;
            FidelityReport rep;
            try {
                observed = observe(open, samples, progress);
                rep = FidelityReport.measure(graph, open, samples, floatOutputs, progress::step);
            } catch (BadInputException e) {
                log.add("s=" + s + ", sp=" + sp + ": " + e.getMessage());
                continue;
            }
            log.add(rep.toString());
            boolean better = bestReport == null || rep.argmaxAgreement() > bestReport.argmaxAgreement()
                    || (rep.argmaxAgreement() == bestReport.argmaxAgreement() && rep.maxAbsError() < bestReport.maxAbsError());
            if (better) {
                best = open;
                bestReport = rep;
                bestRanges = observed;
            }
            if (rep.argmaxAgreement() == 1.0 && rep.maxAbsError() <= tolerance) {
                best = open;
                bestRanges = observed;
                break;
            }
        }
        if (best == null) {
            throw new BadInputException("no scale fits the fixed-point range for these inputs: " + String.join("; ", log));
        }
        QuantizedGraph q = best.withRanges(widen(best, bestRanges, options.rangeMargin()));
        progress.lastPass(samples.size());
        Calibration c = new Calibration(q, FidelityReport.measure(graph, q, samples, floatOutputs, progress::step), log);
        progress.finish();
        return c;
    }

    /** Counts inferences for the listener and checks for cancellation before each. */
    private static final class Progress {
        private final PhaseListener listener;
        private long total;
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

        /** The search is over: what remains is one fidelity pass. */
        void lastPass(int samples) {
            total = done + samples;
        }

        void finish() {
            listener.progress(PHASE, done, done);
        }
    }

    /** Observed table input ranges over the samples (tables unbounded). */
    private static Map<String, long[]> observe(QuantizedGraph open, List<List<Tensor>> samples, Progress progress) {
        QuantizedEvaluator ev = new QuantizedEvaluator(open, QuantizedEvaluator.RangeMode.RECORD);
        Map<String, long[]> all = new HashMap<>();
        for (List<Tensor> in : samples) {
            progress.step();
            for (Map.Entry<String, long[]> e : ev.run(in).observedRanges().entrySet()) {
                long[] r = all.computeIfAbsent(e.getKey(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                r[0] = Math.min(r[0], e.getValue()[0]);
                r[1] = Math.max(r[1], e.getValue()[1]);
            }
        }
        return all;
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
