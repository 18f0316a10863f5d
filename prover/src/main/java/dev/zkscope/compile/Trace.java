package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Goldilocks;

/**
 * The trace being filled during witness generation, in signed integers (every honest value of a quantized model is far
 * below p/2 in magnitude, see {@link dev.zkscope.quant.FixedPoint#MAX_ABS}); converted to field elements at the end.
 */
public final class Trace {
    private final long[][] advice;
    private final long[][] instance;

    Trace(int numAdvice, int numInstance, int n) {
        this.advice = new long[numAdvice][n];
        this.instance = new long[numInstance][n];
    }

    public void set(int col, int row, long value) {
        advice[col][row] = value;
    }

    public long get(int col, int row) {
        return advice[col][row];
    }

    public long get(Cell cell) {
        switch (cell.column().kind()) {
            case ADVICE:
                return advice[cell.column().index()][cell.row()];
            case INSTANCE:
                return instance[cell.column().index()][cell.row()];
            default:
                throw new IllegalArgumentException("trace holds no fixed cell: " + cell);
        }
    }

    public void set(Cell cell, long value) {
        switch (cell.column().kind()) {
            case ADVICE:
                advice[cell.column().index()][cell.row()] = value;
                break;
            case INSTANCE:
                instance[cell.column().index()][cell.row()] = value;
                break;
            default:
                throw new IllegalArgumentException("trace holds no fixed cell: " + cell);
        }
    }

    /** The filled trace as field elements. */
    public Witness toWitness() {
        return new Witness(toField(advice), toField(instance));
    }

    private static long[][] toField(long[][] cols) {
        long[][] out = new long[cols.length][];
        for (int c = 0; c < cols.length; c++) {
            long[] src = cols[c];
            long[] dst = new long[src.length];
            for (int r = 0; r < src.length; r++) {
                dst[r] = Goldilocks.fromSigned(src[r]);
            }
            out[c] = dst;
        }
        return out;
    }
}
