package dev.zkscope.poly;

/**
 * A polynomial in evaluation form: v[i] = f(shift * omega^i) on the coset shift * <omega> of size 2^logN, in natural
 * order (omega = the primitive 2^logN-th root of unity). shift = 1 is the subgroup itself (the trace domain).
 */
public record Evals(long[] v, long shift) {
    public int logN() {
        return Integer.numberOfTrailingZeros(v.length);
    }
}
