package dev.zkscope.batch;

import dev.zkscope.ir.BadInputException;

/**
 * A batch stopped because one input cannot be proved (see {@link BatchOutcome.Failed}); the message names the input.
 * The inputs proved before it are kept, so a rerun after the fix proves only the rest.
 */
public final class BatchModelException extends BadInputException {
    public BatchModelException(BatchOutcome.Failed f) {
        super("input " + f.id() + " (" + f.source() + ") cannot be proved: " + f.message());
    }
}
