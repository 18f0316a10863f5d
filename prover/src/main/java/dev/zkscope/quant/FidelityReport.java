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
        double max = 0;
        double sum = 0;
        long count = 0;
        long rows = 0;
        long agree = 0;
        long clamped = 0;
        int classes = 0;
        for (int k = 0; k < inputs.size(); k++) {
            List<Tensor> in = inputs.get(k);
            beforeEach.run();
            List<Tensor> f = floatOutputs == null ? fe.run(in) : floatOutputs.get(k);
            QuantizedEvaluator.Result r = qe.run(in);
            clamped += r.clampedLookups();
            List<Tensor> qo = r.dequantizedOutputs();
            for (int o = 0; o < f.size(); o++) {
                for (int i = 0; i < f.get(o).size(); i++) {
                    double e = Math.abs(f.get(o).get(i) - qo.get(o).get(i));
                    max = Math.max(max, e);
                    sum += e;
                    count++;
                }
            }
            Tensor f0 = f.get(0);
            Tensor q0 = qo.get(0);
            int last = f0.rank() == 0 ? 1 : f0.dim(f0.rank() - 1);
            classes = last;
            for (int row = 0; last > 0 && row < f0.size() / last; row++) {
                rows++;
                if (argmax(f0.data(), row * last, last) == argmax(q0.data(), row * last, last)) {
                    agree++;
                }
            }
        }
        return new FidelityReport(inputs.size(), max, count == 0 ? 0 : sum / count,
                rows == 0 ? 1 : (double) agree / rows, clamped, q.inputScale(), q.paramScale(), classes);
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
