package dev.zkscope.circuit;

/**
 * The prover's filled columns: advice (private) and instance (public), each {@code [column][row]} of length n,
 * canonical field elements. Rows reserved for blinding are left zero here; the prover fills them with randomness.
 */
public record Witness(long[][] advice, long[][] instance) {

    /** An all-zero witness shaped for a circuit. */
    public static Witness zeros(Circuit circuit) {
        return new Witness(new long[circuit.numAdvice()][circuit.n()], new long[circuit.numInstance()][circuit.n()]);
    }

    /** Checks that the shape matches the circuit; throws IllegalArgumentException naming the mismatch. */
    public void requireShape(Circuit circuit) {
        if (advice.length != circuit.numAdvice() || instance.length != circuit.numInstance()) {
            throw new IllegalArgumentException("witness has " + advice.length + " advice and " + instance.length
                    + " instance columns; circuit expects " + circuit.numAdvice() + " and " + circuit.numInstance());
        }
        for (long[] col : advice) {
            if (col.length != circuit.n()) {
                throw new IllegalArgumentException("advice column has " + col.length + " rows, expected " + circuit.n());
            }
        }
        for (long[] col : instance) {
            if (col.length != circuit.n()) {
                throw new IllegalArgumentException("instance column has " + col.length + " rows, expected " + circuit.n());
            }
        }
    }

    /** The value of a cell, reading fixed cells from the circuit. */
    public long value(Circuit circuit, Column column, int row) {
        return switch (column.kind()) {
            case FIXED -> circuit.fixed()[column.index()][row];
            case ADVICE -> advice[column.index()][row];
            case INSTANCE -> instance[column.index()][row];
        };
    }
}
