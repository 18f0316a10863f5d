package dev.zkscope.circuit;

/** A copy constraint: the two cells must hold the same value. Enforced by the permutation argument. */
public record Copy(Cell a, Cell b) {
    public Copy {
        if (a == null || b == null) {
            throw new IllegalArgumentException("copy constraint cell is null");
        }
        if (a.column().kind() == ColumnKind.FIXED && b.column().kind() == ColumnKind.FIXED) {
            throw new IllegalArgumentException("copy between two fixed cells is a compile-time fact, not a constraint: " + a + " " + b);
        }
    }
}
