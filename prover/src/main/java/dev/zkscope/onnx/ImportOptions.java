package dev.zkscope.onnx;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of the ONNX import: the values of symbolic dimensions.
 *
 * @param batch  the value bound to every symbolic batch dimension (named like "batch", "N", "batch_size", or left
 *               unnamed on axis 0) that {@code dims} does not name
 * @param dims   values of symbolic dimensions by name ({@code --dim sequence=64}); a name here wins over the batch rule
 * @param shapes whole shapes of inputs by input name ({@code --shape pixel_values=1,3,48,192}); a declared static
 *               dimension must agree, a symbolic one takes the given value (and so binds its name)
 */
public record ImportOptions(int batch, Map<String, Integer> dims, Map<String, int[]> shapes) {
    /** The largest value a dimension may be given (2^28, the element limit of one tensor). */
    public static final int MAX_DIM = 1 << 28;

    public ImportOptions {
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch size must be in [1, 65536], got " + batch);
        }
        dims = Map.copyOf(dims);
        Map<String, int[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : dims.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new IllegalArgumentException("--dim needs a dimension name: NAME=VALUE");
            }
            if (e.getValue() < 1 || e.getValue() > MAX_DIM) {
                throw new IllegalArgumentException("--dim " + e.getKey() + "=" + e.getValue() + ": a dimension must be "
                        + "in [1, 2^28]");
            }
        }
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            for (int d : e.getValue()) {
                if (d < 1 || d > MAX_DIM) {
                    throw new IllegalArgumentException("--shape " + e.getKey() + "=" + Arrays.toString(e.getValue())
                            + ": every dimension must be in [1, 2^28]");
                }
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        shapes = java.util.Collections.unmodifiableMap(copy);
    }

    /** Only a batch size. */
    public ImportOptions(int batch) {
        this(batch, Map.of(), Map.of());
    }

    public static ImportOptions defaults() {
        return new ImportOptions(1);
    }
}
