package dev.zkscope.compile;

/**
 * The column plan of the trace that every gadget agrees on. Advice columns are shared by all gadgets; each gadget uses
 * a fixed subset of them per row:
 * <pre>
 *   range columns   a[0 .. rangeCols)            limbs of range checks, each with its own tagged lookup;
 *                                                 the first half holds the "low" decomposition, the second the "high"
 *   dot rows        a[0 .. innerCols)             packed inputs x_j (and weights a[innerCols + j] when private),
 *                   then prev, out                the running accumulator entering and leaving the row
 *   compare rows    limbs, then u, v, b, y        b = [u &gt;= v], y = max or min
 *   rescale rows    limbs, then x, y              x + floor(d/2) = y*d + r
 *   linear lanes    (a, b, c) triples             c = alpha*a + beta*b + gamma or c = a*b, width/3 per row
 *   function lanes  (x, y) pairs a[2l], a[2l+1]   tuple lookup (tag, x, y) into the shared function table
 * </pre>
 *
 * @param innerCols      products per dot-product row (EZKL's num_inner_cols)
 * @param privateWeights dot rows have advice weight columns next to the inputs (private weights, products of two
 *                       activations); fixed-weight rows still use fixed weight columns
 * @param rangeCols      advice columns that carry range-check limbs (even: two halves of rangeCols/2 limbs)
 * @param limbBits       bits per limb: the range table holds [0, 2^limbBits)
 * @param fnLanes        function-lookup lanes per row
 * @param hashing        the circuit holds Poseidon2 rows (hashed visibility): at least
 *                       {@link dev.zkscope.compile.gadget.Poseidon2Gadget#COLUMNS} advice columns
 */
public record Geometry(int innerCols, boolean privateWeights, int rangeCols, int limbBits, int fnLanes,
                       boolean hashing) {
    /** A geometry without hashing rows. */
    public Geometry(int innerCols, boolean privateWeights, int rangeCols, int limbBits, int fnLanes) {
        this(innerCols, privateWeights, rangeCols, limbBits, fnLanes, false);
    }

    public Geometry {
        if (innerCols < 1 || innerCols > 256) {
            throw new IllegalArgumentException("innerCols must be in [1, 256], got " + innerCols);
        }
        if (rangeCols < 2 || rangeCols % 2 != 0 || rangeCols > 16) {
            throw new IllegalArgumentException("rangeCols must be even and in [2, 16], got " + rangeCols);
        }
        if (limbBits < 2 || limbBits > 20) {
            throw new IllegalArgumentException("limbBits must be in [2, 20], got " + limbBits);
        }
        if (fnLanes < 1 || fnLanes > 16) {
            throw new IllegalArgumentException("fnLanes must be in [1, 16], got " + fnLanes);
        }
    }

    /** Number of advice columns: wide enough for every row shape above. */
    public int width() {
        int dot = (privateWeights ? 2 * innerCols : innerCols) + 2;
        int w = Math.max(Math.max(dot, rangeCols + 4), Math.max(2 * fnLanes, 3));
        return hashing ? Math.max(w, dev.zkscope.compile.gadget.Poseidon2Gadget.COLUMNS) : w;
    }

    /** Limbs in one half of the range columns. */
    public int halfLimbs() {
        return rangeCols / 2;
    }

    /** The widest value one half of the range columns can decompose. */
    public int halfBits() {
        return halfLimbs() * limbBits;
    }

    /** Linear (a, b, c) lanes per row. */
    public int linearLanes() {
        return width() / 3;
    }

    public int dotPrevCol() {
        return privateWeights ? 2 * innerCols : innerCols;
    }

    public int dotOutCol() {
        return dotPrevCol() + 1;
    }

    /** Comparisons per row: each takes one half of the range limbs and four operand columns. */
    public int compareSlots() {
        return Math.max(1, Math.min(2, (width() - rangeCols) / 4));
    }

    /** Packed rescales per row: each takes one half of the range limbs and two operand columns. */
    public int rescaleSlots() {
        return Math.max(1, Math.min(2, (width() - rangeCols) / 2));
    }

    /** First column after the range limbs: the operand columns of compare and rescale rows. */
    public int operandCol() {
        return rangeCols;
    }
}
