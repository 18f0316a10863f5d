package dev.zkscope.onnx;

import java.nio.file.Path;

/** A model file that cannot be imported; the message names the file, what is wrong and, where known, what to do. */
public class ModelLoadException extends Exception {
    private final transient Path file;

    public ModelLoadException(Path file, String what) {
        super(dev.zkscope.ir.Printable.escape("cannot load model " + file + ": " + what));
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
