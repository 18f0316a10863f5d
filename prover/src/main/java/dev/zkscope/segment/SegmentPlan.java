package dev.zkscope.segment;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where a model is cut: its segments in order, each a run of whole layers of the layer IR or one part of a layer split
 * along its outputs. Plain data (serialisable),
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
     * @param part          for one part of a layer split along its outputs ({@link LayerSplit}): which, from 0; else 0
     * @param parts         how many parts its layer is split into; 1 for a run of whole layers
     * @param partTensor    the split layer's output tensor (-1 for a run of whole layers)
     * @param partFrom      the first output element of the split layer this part computes
     * @param partTo        one past its last: the part computes partTensor[partFrom, partTo), and takes
     *                      partTensor[0, partFrom) (made by the parts before it) after its input tensors, and gives
     *                      partTensor[0, partTo) after its output tensors unless it is the last part (whose outputs
     *                      list partTensor whole)
     */
    public record Segment(int index, int fromStep, int toStep, String firstLayer, String lastLayer, int layers,
                          int[] inputs, int[] outputs, int[] params, long estimatedRows, int estimatedLogN,
                          long linkRows, int part, int parts, int partTensor, int partFrom, int partTo)
            implements Serializable {
        public Segment {
            inputs = inputs.clone();
            outputs = outputs.clone();
            params = params.clone();
            if (parts < 1 || part < 0 || part >= parts || (parts > 1) != (partTensor >= 0)
                    || (parts > 1 && (partFrom < 0 || partFrom >= partTo))) {
                throw new IllegalArgumentException("part " + part + " of " + parts + ": outputs [" + partFrom + ", "
                        + partTo + ") of tensor " + partTensor);
            }
        }

        /** A run of whole layers. */
        public Segment(int index, int fromStep, int toStep, String firstLayer, String lastLayer, int layers,
                       int[] inputs, int[] outputs, int[] params, long estimatedRows, int estimatedLogN,
                       long linkRows) {
            this(index, fromStep, toStep, firstLayer, lastLayer, layers, inputs, outputs, params, estimatedRows,
                    estimatedLogN, linkRows, 0, 1, -1, 0, 0);
        }

        /** Whether this is one part of a layer split along its outputs. */
        public boolean isPart() {
            return parts > 1;
        }

        /** Elements of the split layer's output it takes after its input tensors (0 unless a later part). */
        public int partialIn() {
            return isPart() ? partFrom : 0;
        }

        /** Elements of the split layer's output it gives after its output tensors (0 unless a part before the last). */
        public int partialOut() {
            return isPart() && part < parts - 1 ? partTo : 0;
        }

        /** The values that enter it: its input tensors and {@link #partialIn()}. */
        public long inputValues(java.util.function.IntUnaryOperator size) {
            long n = partialIn();
            for (int t : inputs) {
                n += size.applyAsInt(t);
            }
            return n;
        }

        /** The values that leave it: its output tensors and {@link #partialOut()}. */
        public long outputValues(java.util.function.IntUnaryOperator size) {
            long n = partialOut();
            for (int t : outputs) {
                n += size.applyAsInt(t);
            }
            return n;
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

        /** "layers A .. B", "layer A", or "layer A, part 2/4 (outputs 100..199)". */
        public String span() {
            if (isPart()) {
                return "layer " + firstLayer + ", part " + (part + 1) + "/" + parts + " (outputs " + partFrom + ".."
                        + (partTo - 1) + ")";
            }
            return layers == 1 ? "layer " + firstLayer : "layers " + firstLayer + " .. " + lastLayer;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && s.index == index && s.fromStep == fromStep && s.toStep == toStep
                    && s.firstLayer.equals(firstLayer) && s.lastLayer.equals(lastLayer) && s.layers == layers
                    && Arrays.equals(s.inputs, inputs) && Arrays.equals(s.outputs, outputs)
                    && Arrays.equals(s.params, params) && s.part == part && s.parts == parts
                    && s.partTensor == partTensor && s.partFrom == partFrom && s.partTo == partTo;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * index + fromStep) + toStep) + partFrom;
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
