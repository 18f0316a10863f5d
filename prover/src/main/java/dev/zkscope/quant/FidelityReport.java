package dev.zkscope.quant;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import java.util.List;

/**
 * How closely fixed-point inference follows float inference over a set of inputs: max and mean absolute error of the
 * (dequantized) outputs, and the fraction of rows (last axis of the first output) whose argmax agrees. Lookups that
 * fell outside a table's range are clamped and counted rather than failing.
 */
public record FidelityReport(int inputs, double maxAbsError, double meanAbsError, double argmaxAgreement,
                             long clampedLookups, int inputScale, int paramScale, int classes) {

    /**
     * Whether argmax agreement means anything: the first output's last axis has at least two values. A model with
     * one output value per row (a regressor, a score) agrees in argmax always; its error is what tells.
     */
    public boolean argmaxApplies() {
        return classes > 1;
    }

    public static FidelityReport measure(Graph graph, QuantizedGraph q, List<List<Tensor>> inputs) {
        return measure(graph, q, inputs, () -> { });
    }

    /** As {@link #measure(Graph, QuantizedGraph, List)}, calling {@code beforeEach} before each input's inference. */
    public static FidelityReport measure(Graph graph, QuantizedGraph q, List<List<Tensor>> inputs, Runnable beforeEach) {
        return measure(graph, q, inputs, null, beforeEach);
    }

    /**
     * As {@link #measure(Graph, QuantizedGraph, List, Runnable)} with the float outputs of each input already known
     * ({@code floatOutputs.get(i)} for {@code inputs.get(i)}; null: computed here). Calibration computes them once
     * and measures every scale candidate against them.
     */
    public static FidelityReport measure(Graph graph, QuantizedGraph q, List<List<Tensor>> inputs,
                                         List<List<Tensor>> floatOutputs, Runnable beforeEach) {
        FloatEvaluator fe = floatOutputs == null ? new FloatEvaluator(graph) : null;
        QuantizedEvaluator qe = new QuantizedEvaluator(q, QuantizedEvaluator.RangeMode.CLAMP);
        Errors total = new Errors();
        for (int k = 0; k < inputs.size(); k++) {
            List<Tensor> in = inputs.get(k);
            beforeEach.run();
            List<Tensor> f = floatOutputs == null ? fe.run(in) : floatOutputs.get(k);
            QuantizedEvaluator.Result r = qe.runOutputs(in);
            total.add(Errors.of(f, r.dequantizedOutputs(), r.clampedLookups()));
        }
        return total.report(inputs.size(), q);
    }

    /**
     * The error figures of some inferences, to be added up: those of one input ({@link #of}), then combined in input
     * order (so that the mean is the same however the inputs were spread over threads).
     */
    static final class Errors {
        private double max;
        private double sum;
        private long count;
        private long rows;
        private long agree;
        private long clamped;
        private int classes;

        /** The errors of one inference: float outputs f, dequantized fixed-point outputs q. */
        static Errors of(List<Tensor> f, List<Tensor> q, long clampedLookups) {
            Errors e = new Errors();
            e.clamped = clampedLookups;
            for (int o = 0; o < f.size(); o++) {
                double[] fd = f.get(o).data();
                double[] qd = q.get(o).data();
                for (int i = 0; i < fd.length; i++) {
                    double d = Math.abs(fd[i] - qd[i]);
                    e.max = Math.max(e.max, d);
                    e.sum += d;
                }
                e.count += fd.length;
            }
            Tensor f0 = f.get(0);
            Tensor q0 = q.get(0);
            int last = f0.rank() == 0 ? 1 : f0.dim(f0.rank() - 1);
            e.classes = last;
            for (int row = 0; last > 0 && row < f0.size() / last; row++) {
                e.rows++;
                if (argmax(f0.data(), row * last, last) == argmax(q0.data(), row * last, last)) {
                    e.agree++;
                }
            }
            return e;
        }

        void add(Errors o) {
            max = Math.max(max, o.max);
            sum += o.sum;
            count += o.count;
            rows += o.rows;
            agree += o.agree;
            clamped += o.clamped;
            classes = o.classes;
        }

        FidelityReport report(int inputs, QuantizedGraph q) {
            return new FidelityReport(inputs, max, count == 0 ? 0 : sum / count, rows == 0 ? 1 : (double) agree / rows,
                    clamped, q.inputScale(), q.paramScale(), classes);
        }
    }

    static int argmax(double[] d, int from, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (d[from + i] > d[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The figures in words; argmax agreement only where it applies ({@link #argmaxApplies()}). */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "scales 2^%d/2^%d over %d inputs: %smax |err| %.5f, mean |err| %.5f%s",
                inputScale, paramScale, inputs,
                argmaxApplies() ? String.format(java.util.Locale.ROOT, "argmax agreement %.2f%%, ", 100 * argmaxAgreement) : "",
                maxAbsError, meanAbsError, clampedLookups > 0 ? ", " + clampedLookups + " lookups clamped" : "");
    }
}
