package dev.zkscope.compile.model;

/**
 * One element of a tensor, {@code tensor[index]}, or a constant {@code value} when {@code tensor < 0}. Index maps
 * built from these express broadcasting, im2col windows, padding and every wiring op.
 */
public record Src(int tensor, int index, long value) {
    public Src(int tensor, int index) {
        this(tensor, index, 0);
    }

    public static Src constant(long value) {
        return new Src(-1, 0, value);
    }

    public boolean isConstant() {
        return tensor < 0;
    }
}
