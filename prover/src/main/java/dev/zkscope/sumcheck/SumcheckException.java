package dev.zkscope.sumcheck;

/** A sumcheck-backend proof was rejected: the message says which check failed (round, layer, opening). */
public final class SumcheckException extends RuntimeException {
    public SumcheckException(String message) {
        super(message);
    }
}
