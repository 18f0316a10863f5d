package dev.zkscope.circuit;

/** One cell of the trace: a column at an absolute row. */
public record Cell(Column column, int row) {
    public Cell {
        if (column == null) {
            throw new IllegalArgumentException("cell column is null");
        }
        if (row < 0) {
            throw new IllegalArgumentException("cell row must be >= 0, got " + row);
        }
    }

    @Override
    public String toString() {
        return column + "[" + row + "]";
    }
}
