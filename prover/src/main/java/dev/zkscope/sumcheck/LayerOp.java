package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;

/**
 * A layer whose argument lives in its own class (Clip, Concat, MaxPool, function tables, products of two
 * activations): it names the tensors it reads, whether its output must be committed in W whatever its readers, how it
 * fills its witness segments, and its zero-knowledge step (both sides). The model driver ({@link SumcheckBackend}) calls these at
 * the same points where it handles its built-in steps.
 */
non-sealed interface LayerOp extends Plan.Op {
    /** The step tag in the plan's bytes (6 and up; 1-5 are the built-in steps). */
    int tag();

    /** Tensors read, one entry per read. */
    int[] reads();

    /** Whether the output is committed in W even when one step reads it (it is claimed at two points). */
    boolean commitsOutput();

    /** The fields after the tag (the plan's reader re-derives segments and lookup columns from them). */
    void write(ByteWriter w);

    /** Structural checks of an op read from bytes against the plan's layouts. */
    void validate(Plan p) throws Malformed;

    /** Prover: fills this op's segments of W from the model's tensors (signed integers). */
    void witness(Plan p, long[][] tensors, long[][] seg);

    /**
     * This op's zero-knowledge step on both sides ({@link SumcheckBackend#step} calls it): fresh challenges, every
     * sumcheck through {@link Zk#sumcheck}, every private table bound, nothing private sent in the clear.
     */
    void step(SumcheckBackend.Ctx c, String what) throws Malformed;

    /** Base-field mask slots the step takes from W's pool (an upper bound, {@link Zk#slots} per sumcheck). */
    int masks(Plan p);
}
