package dev.zkscope.ir;

/** An input or calibration file that cannot be used; the message names the file and what is wrong. */
public class InputFileException extends Exception {
    public InputFileException(String message) {
        super(message);
    }
}
