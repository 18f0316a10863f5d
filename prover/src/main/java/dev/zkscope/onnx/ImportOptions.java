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
 * @param fixedInputs inputs fixed to constant values by name ({@code --fix-input sr=16000}): the input becomes a
 *               constant of the model (one value fills the input), so what depends only on it folds at import (an
 *               If on the sample rate); it is no longer an input of inference or of the circuit
 */
public record ImportOptions(int batch, Map<String, Integer> dims, Map<String, int[]> shapes,
                            Map<String, double[]> fixedInputs) {
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
        Map<String, double[]> fixed = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : fixedInputs.entrySet()) {
            if (e.getKey().isBlank() || e.getValue().length == 0) {
                throw new IllegalArgumentException("--fix-input needs an input name and values: NAME=V[,V...]");
            }
            for (double v : e.getValue()) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("--fix-input " + e.getKey() + ": values must be finite");
                }
            }
            fixed.put(e.getKey(), e.getValue().clone());
        }
        fixedInputs = java.util.Collections.unmodifiableMap(fixed);
    }

    /** No fixed inputs. */
    public ImportOptions(int batch, Map<String, Integer> dims, Map<String, int[]> shapes) {
        this(batch, dims, shapes, Map.of());
    }

    /** Only a batch size. */
    public ImportOptions(int batch) {
        this(batch, Map.of(), Map.of());
    }

    public static ImportOptions defaults() {
        return new ImportOptions(1);
    }
}
