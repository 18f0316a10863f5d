package dev.zkscope.onnx;

/**
 * Options of the ONNX import.
 *
 * @param batch the value bound to every symbolic batch dimension (named like "batch", "N", "batch_size", or left
 *              unnamed on axis 0)
 */
public record ImportOptions(int batch) {
    public ImportOptions {
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batch);
        }
    }

    public static ImportOptions defaults() {
        return new ImportOptions(1);
    }
}
