package dev.zkscope.ir;

/** Input data that does not fit the model (wrong length or shape, NaN/Inf, out-of-range values); a user error. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(Printable.escape(message));
    }
}
