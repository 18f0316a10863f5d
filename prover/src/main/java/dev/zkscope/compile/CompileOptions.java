package dev.zkscope.compile;

/**
 * How a model is laid out on the trace, and who sees what (EZKL's visibility settings).
 *
 * @param innerCols        products per dot-product row (EZKL's num_inner_cols), or {@link #AUTO}: the fewest that
 *                         reach the smallest trace height
 * @param weights          FIXED: weights baked into fixed columns and the verifying key; HASHED: advice cells that
 *                         the circuit hashes with a private salt ({@link dev.zkscope.hash.Poseidon2#hash}), the digest
 *                         public: the same weights and salt give the same commitment in every proof
 * @param input            PUBLIC: the quantized input is in the instance column; PRIVATE (default): advice; HASHED:
 *                         advice, hashed with a salt in the circuit and the digest public
 * @param output           PUBLIC (default): the output is in the instance column; HASHED: only its salted digest is
 * @param reservedRows     rows at the end kept free for the prover's blinding (ProofParameters.reservedRows())
 * @param rangeCols        advice columns carrying range-check limbs (two halves)
 * @param limbBits         bits per limb, so the range tables are [0, 2^limbBits) at most
 * @param fnLanes          function-lookup lanes per row
 * @param minLogN          smallest trace height accepted (2^minLogN)
 * @param maxLogN          largest trace height accepted; more is a {@link CompileException}
 * @param inputAbsMax      the input domain the circuit accepts, |x| &lt;= inputAbsMax in real units (the digits samples
 *                         are in [0, 1]); value bounds, and so range-check widths, are propagated from it, and an input
 *                         outside it is a {@link WitnessException}
 */
public record CompileOptions(int innerCols, Visibility weights, Visibility input, Visibility output, int reservedRows,
                             int rangeCols, int limbBits, int fnLanes, int minLogN, int maxLogN, double inputAbsMax) {

    /**
     * Rows the standard proof preset reserves for blinding (ProofParameters.standard().reservedRows(): 28 queries
     * + 5); a test keeps the two equal. The compiler does not depend on the proof system, only on this number.
     */
    public static final int STANDARD_RESERVED_ROWS = 33;

    /**
     * The smallest trace the standard preset proves with zero knowledge (ProofParameters.standard().minLogN(): its
     * FRI masking polynomial must outnumber what 28 queries at arity 8 reveal). Checked against it by a test.
     */
    public static final int STANDARD_MIN_LOG_N = 7;

    /** innerCols value asking the compiler to choose. */
    public static final int AUTO = 0;

    /**
     * Who sees a tensor (EZKL's visibility): FIXED in the circuit and its key, PRIVATE advice, PUBLIC instance values,
     * or HASHED: private, with a salted Poseidon2 digest computed in the circuit and published.
     */
    /**
     * How a value enters the circuit. LINKED (a segment's input or output groups, never a model's): fingerprinted at
     * the segments' shared challenge in separately committed columns ({@code LinkGadget}).
     */
    public enum Visibility { FIXED, PRIVATE, PUBLIC, HASHED, LINKED }

    public CompileOptions {
        if (weights == Visibility.PRIVATE) {
            throw new IllegalArgumentException("private weights without a commitment attest nothing about the weights: "
                    + "use HASHED (a salted hash of the weights, public and stable across proofs)");
        }
        if (weights != Visibility.FIXED && weights != Visibility.HASHED) {
            throw new IllegalArgumentException("weights are FIXED or HASHED, got " + weights);
        }
        if (input == Visibility.FIXED) {
            throw new IllegalArgumentException("the input is PUBLIC, PRIVATE, HASHED or LINKED");
        }
        if (output != Visibility.PUBLIC && output != Visibility.HASHED && output != Visibility.LINKED) {
            throw new IllegalArgumentException("the output is PUBLIC, HASHED or LINKED, got " + output);
        }
        if (innerCols < 0) {
            throw new IllegalArgumentException("innerCols must be AUTO (0) or positive, got " + innerCols);
        }
        if (reservedRows < 0) {
            throw new IllegalArgumentException("reservedRows must be >= 0");
        }
        if (!(inputAbsMax > 0) || Double.isInfinite(inputAbsMax)) {
            throw new IllegalArgumentException("inputAbsMax must be positive and finite, got " + inputAbsMax);
        }
        if (minLogN > maxLogN) {
            throw new IllegalArgumentException("minLogN > maxLogN");
        }
    }

    /**
     * Inner columns chosen by the compiler ({@link #AUTO}), fixed weights, private input, the standard preset's reserved rows, at least 6 range columns of 8-bit limbs (more
     * when the value bounds need them), 2 function lanes, input domain |x| &lt;= 1.
     */
    public static CompileOptions defaults() {
        return new CompileOptions(AUTO, Visibility.FIXED, Visibility.PRIVATE, Visibility.PUBLIC, STANDARD_RESERVED_ROWS, 6, 8, 2,
                STANDARD_MIN_LOG_N, 24, 1.0);
    }

    /** {@link #defaults()}, naming the choice of inner columns by the compiler ({@link #AUTO}) explicitly. */
    public static CompileOptions auto() {
        return defaults().withInnerCols(AUTO);
    }

    public CompileOptions withInnerCols(int c) {
        return new CompileOptions(c, weights, input, output, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    public CompileOptions withWeights(Visibility v) {
        return new CompileOptions(innerCols, v, input, output, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    public CompileOptions withInput(Visibility v) {
        return new CompileOptions(innerCols, weights, v, output, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    public CompileOptions withOutput(Visibility v) {
        return new CompileOptions(innerCols, weights, input, v, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    /**
     * Whether anything is hashed or linked in the circuit (then the trace has Poseidon2 or link rows and is at least
     * 24 columns wide).
     */
    public boolean hashing() {
        return weights == Visibility.HASHED || input == Visibility.HASHED || output == Visibility.HASHED
                || linked();
    }

    /** Whether the input or the output is a segment's linked groups. */
    public boolean linked() {
        return input == Visibility.LINKED || output == Visibility.LINKED;
    }

    public CompileOptions withReservedRows(int r) {
        return new CompileOptions(innerCols, weights, input, output, r, rangeCols, limbBits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    public CompileOptions withRange(int cols, int bits) {
        return new CompileOptions(innerCols, weights, input, output, reservedRows, cols, bits, fnLanes, minLogN, maxLogN, inputAbsMax);
    }

    public CompileOptions withInputAbsMax(double a) {
        return new CompileOptions(innerCols, weights, input, output, reservedRows, rangeCols, limbBits, fnLanes, minLogN, maxLogN, a);
    }

    public CompileOptions withMinLogN(int m) {
        return new CompileOptions(innerCols, weights, input, output, reservedRows, rangeCols, limbBits, fnLanes, m,
                maxLogN, inputAbsMax);
    }

    /** The smallest trace accepted: the larger of this and m (a proof preset's {@code minLogN()}). */
    public CompileOptions withMinLogNAtLeast(int m) {
        return new CompileOptions(innerCols, weights, input, output, reservedRows, rangeCols, limbBits, fnLanes,
                Math.max(minLogN, m), Math.max(maxLogN, m), inputAbsMax);
    }

    public CompileOptions withMaxLogN(int m) {
        return new CompileOptions(innerCols, weights, input, output, reservedRows, rangeCols, limbBits, fnLanes, minLogN, m, inputAbsMax);
    }
}
