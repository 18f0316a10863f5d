package dev.zkscope.segment;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where a model is cut: its segments in order, each a run of whole layers of the layer IR. Plain data (serialisable),
 * so that a segment can be compiled, keyed and proved apart from the others, on another thread or machine.
 *
 * @param model     the model's name
 * @param logBudget the row budget: every segment's trace has at most 2^logBudget rows
 * @param segments  the segments, in order
 */
public record SegmentPlan(String model, int logBudget, List<Segment> segments) implements Serializable {
    public SegmentPlan {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a plan has at least one segment");
        }
    }

    /**
     * One segment.
     *
     * @param index         position, from 0
     * @param fromStep      first step of the layer IR
     * @param toStep        one past its last step
     * @param firstLayer    name of its first layer (ONNX node)
     * @param lastLayer     name of its last layer
     * @param layers        how many layers it holds
     * @param inputs        tensors it takes, in order: the model's input for the first segment, else the boundary
     *                      tensors of the cut before it (every tensor made before the cut and read after it)
     * @param outputs       tensors it gives, in order: the boundary tensors of the cut after it, or the model's
     *                      outputs for the last segment
     * @param params        parameter tensors its steps read
     * @param estimatedRows rows the planner expects it to use (gadgets and link hashes; the compiled figure is exact)
     * @param estimatedLogN the trace height the planner expects, 2^estimatedLogN
     * @param linkRows      of the estimated rows, those of hashing the boundary tensors (in and out)
     */
    public record Segment(int index, int fromStep, int toStep, String firstLayer, String lastLayer, int layers,
                          int[] inputs, int[] outputs, int[] params, long estimatedRows, int estimatedLogN,
                          long linkRows) implements Serializable {
        public Segment {
            inputs = inputs.clone();
            outputs = outputs.clone();
            params = params.clone();
        }

        @Override
        public int[] inputs() {
            return inputs.clone();
        }

        @Override
        public int[] outputs() {
            return outputs.clone();
        }

        @Override
        public int[] params() {
            return params.clone();
        }

        /** "layers A .. B" or "layer A". */
        public String span() {
            return layers == 1 ? "layer " + firstLayer : "layers " + firstLayer + " .. " + lastLayer;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && s.index == index && s.fromStep == fromStep && s.toStep == toStep
                    && s.firstLayer.equals(firstLayer) && s.lastLayer.equals(lastLayer) && s.layers == layers
                    && Arrays.equals(s.inputs, inputs) && Arrays.equals(s.outputs, outputs)
                    && Arrays.equals(s.params, params);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * index + fromStep) + toStep;
        }
    }

    public int count() {
        return segments.size();
    }

    public Segment segment(int i) {
        return segments.get(i);
    }

    /** "segment 2 of 5 (layers A .. B)", how errors and progress name a segment. */
    public String describe(int i) {
        return "segment " + (i + 1) + " of " + segments.size() + " (" + segments.get(i).span() + ")";
    }

    /** Same cuts and tensors (the estimates aside): a resumed run must prove the plan its parts were made for. */
    public boolean sameCuts(SegmentPlan o) {
        return o.model.equals(model) && o.logBudget == logBudget && o.segments.equals(segments);
    }
}
