package dev.zkscope.compile.model;

/**
 * One element of a tensor, {@code tensor[index]}, or a constant when {@code tensor < 0} (index then holds the value).
 * Index maps built from these express broadcasting, im2col windows, padding and every wiring op.
 */
public record Src(int tensor, int index) {
    public static Src constant(long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("wiring constant " + value + " does not fit an int");
        }
        return new Src(-1, (int) value);
    }

    public boolean isConstant() {
        return tensor < 0;
    }
}
