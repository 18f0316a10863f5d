package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;

/**
 * A polynomial in coefficient form, f(X) = sum c[i] X^i, over F_p. A distinct type from {@link Evals} so that the two
 * forms are never confused (the NTT is the only way between them). The array is owned, not copied.
 */
public record Coeffs(long[] c) {
    /** Horner evaluation at a base-field point. */
    public long evaluate(long x) {
        long acc = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            acc = Goldilocks.add(Goldilocks.mul(acc, x), c[i]);
        }
        return acc;
    }

    public int length() {
        return c.length;
    }
}
