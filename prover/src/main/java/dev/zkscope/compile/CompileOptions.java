package dev.zkscope.compile;

/**
 * How a model is laid out on the trace, and who sees what (EZKL's visibility settings).
 *
 * @param innerCols        products per dot-product row (EZKL's num_inner_cols)
 * @param weights          FIXED: weights baked into fixed columns and the verifying key; PRIVATE: advice cells
 *                         (the proof system binds them by a commitment published with the proof)
 * @param input            PUBLIC: the quantized input is in the instance column; PRIVATE (default): advice
 * @param reservedRows     rows at the end kept free for the prover's blinding (ProofParameters.reservedRows())
 * @param rangeCols        advice columns carrying range-check limbs (two halves)
 * @param limbBits         bits per limb, so the range tables are [0, 2^limbBits) at most
 * @param fnLanes          function-lookup lanes per row
 * @param minLogN          smallest trace height accepted (2^minLogN)
 * @param maxLogN          largest trace height accepted; more is a {@link CompileException}
 */
public record CompileOptions(int innerCols, Visibility weights, Visibility input, int reservedRows, int rangeCols,
                             int limbBits, int fnLanes, int minLogN, int maxLogN) {

    /** Who sees a tensor. The model output is always public. */
    public enum Visibility { FIXED, PRIVATE, PUBLIC }

    public CompileOptions {
        if (weights == Visibility.PUBLIC) {
            throw new IllegalArgumentException("weights are FIXED or PRIVATE");
        }
        if (input == Visibility.FIXED) {
            throw new IllegalArgumentException("the input is PUBLIC or PRIVATE");
        }
        if (reservedRows < 0) {
            throw new IllegalArgumentException("reservedRows must be >= 0");
        }
        if (minLogN > maxLogN) {
            throw new IllegalArgumentException("minLogN > maxLogN");
        }
    }

    /** 16 inner columns, fixed weights, private input, 6 range columns of 8-bit limbs, 2 function lanes. */
    public static CompileOptions defaults() {
        return new CompileOptions(16, Visibility.FIXED, Visibility.PRIVATE, 16, 6, 8, 2, 4, 24);
    }

    public CompileOptions withInnerCols(int c) {
        return new CompileOptions(c, weights, input, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN);
    }

    public CompileOptions withWeights(Visibility v) {
        return new CompileOptions(innerCols, v, input, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN);
    }

    public CompileOptions withInput(Visibility v) {
        return new CompileOptions(innerCols, weights, v, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN);
    }

    public CompileOptions withReservedRows(int r) {
        return new CompileOptions(innerCols, weights, input, r, rangeCols, limbBits, fnLanes, minLogN, maxLogN);
    }

    public CompileOptions withRange(int cols, int bits) {
        return new CompileOptions(innerCols, weights, input, reservedRows, cols, bits, fnLanes, minLogN, maxLogN);
    }

    public CompileOptions withMaxLogN(int m) {
        return new CompileOptions(innerCols, weights, input, reservedRows, rangeCols, limbBits, fnLanes, minLogN, m);
    }
}
