package dev.zkscope.circuit;

/** A column of the trace, identified by kind and index within that kind. */
public record Column(ColumnKind kind, int index) implements Comparable<Column> {
    public Column {
        if (kind == null) {
            throw new IllegalArgumentException("column kind is null");
        }
        if (index < 0) {
            throw new IllegalArgumentException("column index must be >= 0, got " + index);
        }
    }

    /** Shared instances of the first columns of each kind: every cell of a large model holds one. */
    private static final int CACHED = 512;
    private static final Column[] FIXED_CACHE = new Column[CACHED];
    private static final Column[] ADVICE_CACHE = new Column[CACHED];

    static {
        for (int i = 0; i < CACHED; i++) {
            FIXED_CACHE[i] = new Column(ColumnKind.FIXED, i);
            ADVICE_CACHE[i] = new Column(ColumnKind.ADVICE, i);
        }
    }

    public static Column fixed(int index) {
        return index >= 0 && index < CACHED ? FIXED_CACHE[index] : new Column(ColumnKind.FIXED, index);
    }

    public static Column advice(int index) {
        return index >= 0 && index < CACHED ? ADVICE_CACHE[index] : new Column(ColumnKind.ADVICE, index);
    }

    public static Column instance(int index) {
        return new Column(ColumnKind.INSTANCE, index);
    }

    /** This column at the current row. */
    public Expr cur() {
        return new Expr.Var(this, 0);
    }

    /** This column at the next row (cyclically, row n-1 wraps to row 0). */
    public Expr next() {
        return new Expr.Var(this, 1);
    }

    @Override
    public int compareTo(Column o) {
        int c = kind.compareTo(o.kind);
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FIXED -> "f" + index;
            case ADVICE -> "a" + index;
            case INSTANCE -> "i" + index;
        };
    }
}
