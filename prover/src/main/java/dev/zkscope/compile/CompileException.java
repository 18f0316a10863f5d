package dev.zkscope.compile;

/** The model cannot be compiled as asked; the message names the node and says what to change. */
public final class CompileException extends RuntimeException {
    public CompileException(String message) {
        super(message);
    }
}
