package dev.zkscope.segment;

import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.StepSlices;
import dev.zkscope.compile.model.Steps;

import java.util.Arrays;

/**
 * One part of a layer split along its output elements: the layer IR of a segment that computes outputs
 * [partFrom, partTo) of one layer (every step of the layer restricted to those outputs, {@link StepSlices}).
 *
 * <p>Each part takes the tensors the layer reads from the segments that made them (fan-out: the segment before the
 * layer hashes its output once, every part opens it) and gives only its own outputs partTensor[partFrom, partTo),
 * hashed as one group, straight to every later segment that reads the layer's output: that segment takes the tensor
 * in K pieces, one input group per part (fan-in), and joins them in its input vector. The last part of the model's
 * last layer takes the parts' outputs before it as well (partTensor[0, partFrom), one group per part) and gives the
 * layer's output whole, at the model's visibility. So each part's circuit receives exactly the values the segments
 * that made them computed (the soundness argument of docs/segments.md, per link), and the parts compute the layer's
 * integer semantics element by element.
 */
final class LayerSplit {
    private LayerSplit() {}

    /**
     * The layer IR of part segment {@code s} of {@code model}: its input tensors (flat, bounds from {@code bounds}),
     * then partTensor[0, partFrom) when it is the model's last part; the split layer's parameters; its steps
     * restricted to [partFrom, partTo); its output tensors (the model's input, from the first part of layer 0; its own
     * outputs, or the layer's output made whole by the model's last part).
     */
    static QModel partModel(QModel model, long[] bounds, SegmentPlan.Segment s, String name) {
        int nt = model.tensorCount();
        int[] map = new int[nt];
        Arrays.fill(map, -1);
        boolean[] inLayer = new boolean[nt];
        for (int i = s.fromStep(); i < s.toStep(); i++) {
            inLayer[model.steps().get(i).out()] = true;
        }
        int tOut = s.partTensor();
        int n = model.size(tOut);
        int lo = s.partFrom();
        int hi = s.partTo();
        String layer = s.firstLayer();
        QModel q = new QModel(name);
        int[] ins = s.inputs();
        int[] from = new int[nt];
        int[] to = new int[nt];
        for (int k = 0; k < ins.length; k++) {
            int t = ins[k];
            if (inLayer[t]) {
                throw new IllegalArgumentException("tensor " + t + " is made by the split layer " + layer);
            }
            from[t] = s.inFrom()[k];
            to[t] = s.inTo()[k];
            boolean whole = from[t] == 0 && to[t] == model.size(t);
            int[] shape = whole && t == model.inputTensor() ? model.inputShape() : new int[] {to[t] - from[t]};
            map[t] = q.input(shape, bounds[t]);
        }
        int acc = s.partialIn() > 0 ? q.input(new int[] {s.partialIn()}, bounds[tOut]) : -1;
        for (int p : s.params()) {
            map[p] = q.param(model.param(p));
        }
        for (int i = s.fromStep(); i < s.toStep(); i++) {
            Step st = model.steps().get(i);
            if (st.size() != n) {
                throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its outputs: "
                        + "its steps make " + st.size() + " and " + n + " elements");
            }
            int id = q.newTensor(hi - lo);
            Step r = StepSlices.restrict(st, lo, hi, st.layer(), id, src -> {
                int t = src.tensor();
                if (inLayer[t]) {
                    if (src.index() < lo || src.index() >= hi) {
                        throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its "
                                + "outputs: output elements read other outputs' intermediate values");
                    }
                    return new Src(map[t], src.index() - lo);
                }
                int m = mapped(map, t, layer);
                if (!model.isParam(t) && (src.index() < from[t] || src.index() >= to[t])) {
                    throw new IllegalStateException("part of layer " + layer + " reads element " + src.index()
                            + " of tensor " + t + ", outside the range [" + from[t] + ", " + to[t] + ") it takes");
                }
                return new Src(m, src.index() - from[t]);
            }, (java.util.function.IntFunction<StepSlices.Taken>) t -> {
                if (inLayer[t]) {
                    throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its "
                            + "outputs: a dot product reads an intermediate tensor of the layer whole");
                }
                int m = mapped(map, t, layer);
                // a dot product's whole operand of which the part takes a slice (a depthwise convolution's channels):
                // its terms are shifted into the slice, and a term outside it is refused (StepSlices.Shift)
                return model.isParam(t) ? new StepSlices.Taken(m, 0, -1)
                        : new StepSlices.Taken(m, from[t], to[t] - from[t]);
            });
            q.add(r);
            map[st.out()] = id;
        }
        int made = map[tOut];
        int whole = made;
        if (acc >= 0) {
            Src[] join = new Src[hi];
            for (int k = 0; k < lo; k++) {
                join[k] = new Src(acc, k);
            }
            for (int k = lo; k < hi; k++) {
                join[k] = new Src(made, k - lo);
            }
            whole = q.newTensor(hi);
            q.add(new Steps.Wire(layer, model.steps().get(s.toStep() - 1).op(), whole, join));
        }
        for (int t : s.outputs()) {
            int[] shape = !model.outputTensors().isEmpty() && model.outputTensors().contains(t)
                    ? shapeOf(model, t) : new int[] {model.size(t)};
            if (t == tOut) {
                q.output(whole, s.givesWhole() ? shape : new int[] {hi - lo});
            } else if (inLayer[t]) {
                throw new CompileException("layer " + layer + " cannot be split along its outputs: a later layer "
                        + "reads one of its intermediate tensors");
            } else {
                q.output(mapped(map, t, layer), shape);
            }
        }
        return q;
    }

    /**
     * What outputs [lo, hi) of the steps [fromStep, toStep) (a layer, or a layer with element-wise layers fused after
     * it) read of each tensor made before them: {tensor, first element, one past the last}, a tensor read whole (a dot
     * product's whole operand) as [0, size). A {@link CompileException} when the steps cannot be restricted to those
     * outputs (a step of another size, or an output that reads another output's intermediate values).
     */
    static java.util.List<int[]> reads(QModel model, int fromStep, int toStep, int lo, int hi) {
        int nt = model.tensorCount();
        boolean[] inLayer = new boolean[nt];
        int n = model.steps().get(toStep - 1).size();
        int[] min = new int[nt];
        int[] max = new int[nt];
        Arrays.fill(min, Integer.MAX_VALUE);
        Arrays.fill(max, -1);
        String layer = model.steps().get(fromStep).layer();
        for (int i = fromStep; i < toStep; i++) {
            Step st = model.steps().get(i);
            if (st.size() != n) {
                throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its outputs: "
                        + "its steps make " + st.size() + " and " + n + " elements");
            }
            java.util.BitSet whole = new java.util.BitSet();
            StepSlices.restrict(st, lo, hi, st.layer(), 0, src -> {
                int t = src.tensor();
                if (inLayer[t]) {
                    if (src.index() < lo || src.index() >= hi) {
                        throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its "
                                + "outputs: output elements read other outputs' intermediate values");
                    }
                } else if (!model.isParam(t)) {
                    min[t] = Math.min(min[t], src.index());
                    max[t] = Math.max(max[t], src.index());
                }
                return src;
            }, (java.util.function.IntUnaryOperator) t -> {
                if (inLayer[t]) {
                    throw new CompileException("layer " + layer + " (" + st.op() + ") cannot be split along its "
                            + "outputs: a dot product reads an intermediate tensor of the layer whole");
                }
                if (!model.isParam(t)) {
                    whole.set(t);
                }
                return t;
            });
            // a dot product's whole operand: the elements its terms for these outputs read (a depthwise
            // convolution's part reads only its channels' planes)
            for (int t = whole.nextSetBit(0); t >= 0; t = whole.nextSetBit(t + 1)) {
                int[] r = StepSlices.readRange(st, lo, hi, t);
                if (r != null) {
                    min[t] = Math.min(min[t], r[0]);
                    max[t] = Math.max(max[t], r[1] - 1);
                }
            }
            inLayer[st.out()] = true;
        }
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int t = 0; t < nt; t++) {
            if (max[t] >= 0) {
                out.add(new int[] {t, min[t], max[t] + 1});
            }
        }
        return out;
    }

    private static int[] shapeOf(QModel model, int t) {
        return t == model.outputTensor() ? model.outputShape() : new int[] {model.size(t)};
    }

    private static int mapped(int[] map, int t, String layer) {
        if (map[t] < 0) {
            throw new IllegalStateException("part of layer " + layer + " reads tensor " + t + ", which it does not take");
        }
        return map[t];
    }
}
