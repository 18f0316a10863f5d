package dev.zkscope.segment;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where a model is cut: its segments in order, each a run of whole layers of the layer IR or one part of a layer split
 * along its outputs, and how they are linked: each segment hashes each tensor it gives (its output groups) once, and
 * each segment that reads it opens it (its input groups name the segment and group each comes from), so the links
 * form a graph, not a chain ({@link LinkTable}). Plain data (serialisable),
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
     * @param inputs        tensors it takes whole, in order: the model's input for the first segment, else the
     *                      tensors its steps read that earlier segments made (and, for the last segment, the model's
     *                      outputs made before it); each arrives from the segment that made it, or in pieces from the
     *                      parts of a split layer
     * @param outputs       tensors it gives, in order: what it makes (for the first segment, also the model's input)
     *                      that a later segment reads, or the model's outputs for the last segment; for a part of a
     *                      split layer, partTensor stands for the part's own outputs partTensor[partFrom, partTo)
     *                      (unless it is the last part of the model's last layer, which gives it whole)
     * @param params        parameter tensors its steps read
     * @param estimatedRows rows the planner expects it to use (gadgets and link hashes; the compiled figure is exact)
     * @param estimatedLogN the trace height the planner expects, 2^estimatedLogN
     * @param linkRows      of the estimated rows, those of linking the boundary tensors (in and out)
     * @param part          for one part of a layer split along its outputs ({@link LayerSplit}): which, from 0; else 0
     * @param parts         how many parts its layer is split into; 1 for a run of whole layers
     * @param partTensor    the split layer's output tensor (-1 for a run of whole layers)
     * @param partFrom      the first output element of the split layer this part computes
     * @param partTo        one past its last
     * @param partialIn     elements partTensor[0, partialIn) it takes after its input tensors (from the parts before
     *                      it): only the last part of a split layer whose output is the model's, else 0
     * @param site          its hash groups, as its entry in the {@link LinkTable}: the groups of its input values
     *                      (inputs, then the partial input), each one piece made by one segment, with their sizes and
     *                      the (segment, output group) that made each (none for the first segment, whose input is the
     *                      model's); and the sizes of the groups of its output values, one per output tensor (a
     *                      part's: its own outputs; none for the last segment, whose output is the model's)
     * @param inFrom        per input tensor, the first element it takes: a part of a split layer (with element-wise
     *                      layers fused after it) takes of a tensor its element-wise steps read only the pieces that
     *                      hold the elements they read; 0 for a tensor taken whole
     * @param inTo          per input tensor, one past the last element it takes (its size, when taken whole)
     */
    public record Segment(int index, int fromStep, int toStep, String firstLayer, String lastLayer, int layers,
                          int[] inputs, int[] outputs, int[] params, long estimatedRows, int estimatedLogN,
                          long linkRows, int part, int parts, int partTensor, int partFrom, int partTo, int partialIn,
                          LinkTable.Site site, int[] inFrom, int[] inTo)
            implements Serializable {
        public Segment {
            inFrom = inFrom.clone();
            inTo = inTo.clone();
            if (inFrom.length != inputs.length || inTo.length != inputs.length) {
                throw new IllegalArgumentException(inputs.length + " inputs, " + inFrom.length + " ranges");
            }
            for (int k = 0; k < inputs.length; k++) {
                if (inFrom[k] < 0 || inFrom[k] >= inTo[k]) {
                    throw new IllegalArgumentException("input " + inputs[k] + " taken over [" + inFrom[k] + ", "
                            + inTo[k] + ")");
                }
            }
            inputs = inputs.clone();
            outputs = outputs.clone();
            params = params.clone();
            if (parts < 1 || part < 0 || part >= parts || (parts > 1) != (partTensor >= 0)
                    || (parts > 1 && (partFrom < 0 || partFrom >= partTo))
                    || partialIn < 0 || (partialIn > 0 && (part != parts - 1 || partialIn != partFrom))) {
                throw new IllegalArgumentException("part " + part + " of " + parts + ": outputs [" + partFrom + ", "
                        + partTo + ") of tensor " + partTensor + ", partial input " + partialIn);
            }
            int[] inGroups = site.inSizes();
            int[] inFromSegment = site.inFromSegment();
            if (inFromSegment.length != inGroups.length || site.inFromGroup().length != inGroups.length) {
                throw new IllegalArgumentException(inGroups.length + " input groups, " + inFromSegment.length
                        + " producers");
            }
            for (int k = 0; k < inGroups.length; k++) {
                if (inFromSegment[k] < 0 || inFromSegment[k] >= index) {
                    throw new IllegalArgumentException("segment " + (index + 1) + " takes input group " + k
                            + " from segment " + (inFromSegment[k] + 1) + ", which is not before it");
                }
            }
        }

        /** Whether this is one part of a layer split along its outputs. */
        public boolean isPart() {
            return parts > 1;
        }

        /** The values that enter it: its input tensors (the ranges it takes of them) and {@link #partialIn()}. */
        public long inputValues(java.util.function.IntUnaryOperator size) {
            long n = partialIn;
            for (int k = 0; k < inputs.length; k++) {
                n += inTo[k] - inFrom[k];
            }
            return n;
        }

        /** The values that leave it: its output tensors (a part's own outputs in place of its whole tensor). */
        public long outputValues(java.util.function.IntUnaryOperator size) {
            long n = 0;
            for (int t : outputs) {
                n += !givesWhole() && t == partTensor ? partTo - partFrom : size.applyAsInt(t);
            }
            return n;
        }

        /** False for a part that gives only its own outputs of partTensor (every part but the model's last one). */
        public boolean givesWhole() {
            return !isPart() || site.outCount() == 0;
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

        @Override
        public int[] inFrom() {
            return inFrom.clone();
        }

        @Override
        public int[] inTo() {
            return inTo.clone();
        }

        /**
         * "layers A .. B", "layer A", "layer A, part 2/4 (outputs 100..199)", or "layers A .. B, part 2/4 (outputs
         * 100..199)" (a split layer with the element-wise layers after it fused into its parts).
         */
        public String span() {
            if (isPart()) {
                return (layers == 1 ? "layer " + firstLayer : "layers " + firstLayer + " .. " + lastLayer) + ", part "
                        + (part + 1) + "/" + parts + " (outputs " + partFrom + ".." + (partTo - 1) + ")";
            }
            return layers == 1 ? "layer " + firstLayer : "layers " + firstLayer + " .. " + lastLayer;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && s.index == index && s.fromStep == fromStep && s.toStep == toStep
                    && s.firstLayer.equals(firstLayer) && s.lastLayer.equals(lastLayer) && s.layers == layers
                    && Arrays.equals(s.inputs, inputs) && Arrays.equals(s.outputs, outputs)
                    && Arrays.equals(s.params, params) && s.part == part && s.parts == parts
                    && s.partTensor == partTensor && s.partFrom == partFrom && s.partTo == partTo
                    && s.partialIn == partialIn && s.site.equals(site) && Arrays.equals(s.inFrom, inFrom)
                    && Arrays.equals(s.inTo, inTo);
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
