package dev.zkscope.compile.model;

/**
 * Per-element integer coefficients of an element-wise step (a {@link Steps.Linear}'s alpha, beta, gamma): one value
 * for every element when they are all equal (the common case: 1, -1, 0), else the array (held, not copied).
 */
public final class Coefs {
    private final int size;
    private final long[] values;
    private final long value;

    private Coefs(int size, long[] values, long value) {
        this.size = size;
        this.values = values;
        this.value = value;
    }

    /** {@code v}, uniform when all its elements are equal. */
    public static Coefs of(long[] v) {
        for (int i = 1; i < v.length; i++) {
            if (v[i] != v[0]) {
                return new Coefs(v.length, v, 0);
            }
        }
        return uniform(v.length, v.length == 0 ? 0 : v[0]);
    }

    /** n copies of v. */
    public static Coefs uniform(int n, long v) {
        return new Coefs(n, null, v);
    }

    public int size() {
        return size;
    }

    public long get(int i) {
        return values == null ? value : values[i];
    }

    /** Whether every element is the same value. */
    public boolean isUniform() {
        return values == null;
    }

    /** Bytes of the array held (0 when uniform). */
    public long heapBytes() {
        return values == null ? 0 : 8L * values.length;
    }

    /** The largest |coefficient| (0 when empty). */
    public long maxAbs() {
        if (values == null) {
            return size == 0 ? 0 : Math.abs(value);
        }
        long m = 0;
        for (long v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** A fresh array of the coefficients. */
    public long[] toArray() {
        if (values != null) {
            return values.clone();
        }
        long[] out = new long[size];
        java.util.Arrays.fill(out, value);
        return out;
    }

    /** Elements [lo, hi). */
    public Coefs slice(int lo, int hi) {
        if (lo < 0 || hi > size || lo > hi) {
            throw new IllegalArgumentException("elements [" + lo + ", " + hi + ") of " + size);
        }
        return values == null ? uniform(hi - lo, value) : of(java.util.Arrays.copyOfRange(values, lo, hi));
    }
}
