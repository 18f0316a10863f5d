package dev.zkscope.segment;

import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.StepOperands;

import java.util.BitSet;

/**
 * The tensors a step of the layer IR reads: {@link StepOperands#reads}, which finds them in the step's operand fields
 * (so that a step kind added later is covered without a second list of operands to keep in step). A step that hid a
 * tensor read elsewhere would not go unnoticed: a segment compiled without that tensor fails in the lowering ("has no
 * cells yet") and in evaluation.
 */
final class StepReads {
    private StepReads() {}

    /** The tensor ids {@code s} reads (parameters included, constants excluded). */
    static BitSet of(Step s) {
        return StepOperands.reads(s);
    }
}
