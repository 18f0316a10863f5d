package dev.zkscope.compile.model;

import java.util.BitSet;
import java.util.function.UnaryOperator;

/**
 * A vector of element references, what a {@code Src[]} says, held in primitive form: element i reads
 * {@code tensor(i)[index(i)]}, or is the constant {@link #constant(int)} when {@link #isConstant(int)}.
 *
 * <p>The layer IR of a transformer holds tens of millions of element references (every element-wise step reads one or
 * two per output), and a {@link Src} record costs 32 bytes plus its array slot. Here the common shapes cost nothing per
 * element: a whole tensor in order ({@link #range}), one constant repeated ({@link #constants(int, long)}); a gather
 * from one tensor (broadcast, transpose, wiring) costs an int per element, and only a mix of tensors and constants
 * costs a tensor id, an index and (when a constant is nonzero) a value per element. {@link #of} finds the cheapest form
 * of any {@code Src[]}, so the semantics never depend on the form.
 */
public final class Srcs {
    private final int size;
    /** The tensor of every element when {@link #tens} is null; -1 when every element is a constant. */
    private final int tensor;
    /** Per element its tensor (-1: a constant), or null: every element reads {@link #tensor}. */
    private final int[] tens;
    /** Per element its index, or null: element i reads index i. */
    private final int[] idx;
    /** Per element its constant value (0 for non-constants), or null: every constant is {@link #value}. */
    private final long[] vals;
    private final long value;

    private Srcs(int size, int tensor, int[] tens, int[] idx, long[] vals, long value) {
        this.size = size;
        this.tensor = tensor;
        this.tens = tens;
        this.idx = idx;
        this.vals = vals;
        this.value = value;
    }

    /** Elements 0..n-1 of tensor t, in order. */
    public static Srcs range(int t, int n) {
        if (t < 0 || n < 0) {
            throw new IllegalArgumentException("tensor " + t + ", " + n + " elements");
        }
        return new Srcs(n, t, null, null, null, 0);
    }

    /** Element k is tensor t's element {@code index[k]} (the array is held, not copied). */
    public static Srcs gather(int t, int[] index) {
        if (t < 0) {
            throw new IllegalArgumentException("tensor " + t);
        }
        for (int k = 0; k < index.length; k++) {
            if (index[k] != k) {
                return new Srcs(index.length, t, null, index, null, 0);
            }
        }
        return range(t, index.length);
    }

    /** n copies of the constant v. */
    public static Srcs constants(int n, long v) {
        return new Srcs(n, -1, null, null, null, v);
    }

    /** The constants v (the array is held, not copied). */
    public static Srcs constants(long[] v) {
        for (int i = 1; i < v.length; i++) {
            if (v[i] != v[0]) {
                return new Srcs(v.length, -1, null, null, v, 0);
            }
        }
        return constants(v.length, v.length == 0 ? 0 : v[0]);
    }

    /** The elements {@code srcs} (none null), in the cheapest form. */
    public static Srcs of(Src[] srcs) {
        int n = srcs.length;
        if (n == 0) {
            return constants(0, 0);
        }
        boolean oneTensor = !srcs[0].isConstant();
        boolean allConstant = srcs[0].isConstant();
        boolean identity = oneTensor;
        boolean oneValue = true;
        boolean anyNonzero = false;
        int t0 = srcs[0].tensor();
        long v0 = srcs[0].value();
        for (int i = 0; i < n; i++) {
            Src s = srcs[i];
            if (s.isConstant()) {
                oneTensor = false;
                oneValue &= s.value() == v0;
                anyNonzero |= s.value() != 0;
            } else {
                allConstant = false;
                oneTensor &= s.tensor() == t0;
                identity &= s.index() == i;
            }
        }
        if (oneTensor) {
            if (identity) {
                return range(t0, n);
            }
            int[] index = new int[n];
            for (int i = 0; i < n; i++) {
                index[i] = srcs[i].index();
            }
            return new Srcs(n, t0, null, index, null, 0);
        }
        if (allConstant) {
            if (oneValue) {
                return constants(n, v0);
            }
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = srcs[i].value();
            }
            return new Srcs(n, -1, null, null, v, 0);
        }
        int[] tensors = new int[n];
        int[] index = new int[n];
        long[] v = anyNonzero ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            Src s = srcs[i];
            tensors[i] = s.isConstant() ? -1 : s.tensor();
            index[i] = s.isConstant() ? 0 : s.index();
            if (v != null) {
                v[i] = s.isConstant() ? s.value() : 0;
            }
        }
        return new Srcs(n, -1, tensors, index, v, 0);
    }

    public int size() {
        return size;
    }

    /** Whether element i is a constant. */
    public boolean isConstant(int i) {
        return tens == null ? tensor < 0 : tens[i] < 0;
    }

    /** The tensor element i reads (-1 for a constant). */
    public int tensor(int i) {
        return tens == null ? tensor : tens[i];
    }

    /** The index element i reads in its tensor (0 for a constant). */
    public int index(int i) {
        if (isConstant(i)) {
            return 0;
        }
        return idx == null ? i : idx[i];
    }

    /** The value of constant element i (0 when it is not a constant). */
    public long constant(int i) {
        if (!isConstant(i)) {
            return 0;
        }
        return vals == null ? value : vals[i];
    }

    /** Element i as a {@link Src} (made on demand). */
    public Src get(int i) {
        return isConstant(i) ? Src.constant(constant(i)) : new Src(tensor(i), index(i));
    }

    /** Every element as a {@link Src} (for other backends and small models). */
    public Src[] toArray() {
        Src[] out = new Src[size];
        for (int i = 0; i < size; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** Whether this is a whole tensor in order ({@link #range}); {@link #tensor(int)} then names it. */
    public boolean isRange() {
        return tens == null && tensor >= 0 && idx == null;
    }

    /** Whether every element is a constant. */
    public boolean allConstant() {
        if (tens == null) {
            return tensor < 0;
        }
        for (int t : tens) {
            if (t >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether any element is a constant. */
    public boolean anyConstant() {
        if (tens == null) {
            return tensor < 0 && size > 0;
        }
        for (int t : tens) {
            if (t < 0) {
                return true;
            }
        }
        return false;
    }

    /** The value of element i given the values of every tensor. */
    public long value(long[][] t, int i) {
        if (tens == null) {
            if (tensor < 0) {
                return vals == null ? value : vals[i];
            }
            return t[tensor][idx == null ? i : idx[i]];
        }
        int ti = tens[i];
        return ti < 0 ? (vals == null ? 0 : vals[i]) : t[ti][idx[i]];
    }

    /** A bound on |element i| given bounds on every tensor. */
    public long bound(long[] b, int i) {
        int ti = tensor(i);
        return ti < 0 ? Math.abs(constant(i)) : b[ti];
    }

    /** The largest {@link #bound(long[], int)} over the elements (0 when empty). */
    public long maxBound(long[] b) {
        if (size == 0) {
            return 0;
        }
        if (tens == null) {
            if (tensor >= 0) {
                return b[tensor];
            }
            if (vals == null) {
                return Math.abs(value);
            }
        }
        long m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, bound(b, i));
        }
        return m;
    }

    /** Sets in {@code out} the id of every tensor read (constants excluded). */
    public void readTensors(BitSet out) {
        if (tens == null) {
            if (tensor >= 0 && size > 0) {
                out.set(tensor);
            }
            return;
        }
        for (int t : tens) {
            if (t >= 0) {
                out.set(t);
            }
        }
    }

    /** Elements [lo, hi), each passed through {@code read} unless it is a constant (segment slicing). */
    public Srcs slice(int lo, int hi, UnaryOperator<Src> read) {
        if (lo < 0 || hi > size || lo > hi) {
            throw new IllegalArgumentException("elements [" + lo + ", " + hi + ") of " + size);
        }
        Src[] out = new Src[hi - lo];
        for (int i = lo; i < hi; i++) {
            Src s = get(i);
            out[i - lo] = s.isConstant() ? s : read.apply(s);
        }
        return of(out);
    }

    /** Element k is element {@code positions[k]} of this vector. */
    public Srcs select(int[] positions) {
        if (tens == null && vals == null) {
            if (tensor < 0) {
                return constants(positions.length, value);
            }
            if (idx == null) {
                return gather(tensor, positions.clone());
            }
            int[] index = new int[positions.length];
            for (int k = 0; k < index.length; k++) {
                index[k] = idx[positions[k]];
            }
            return gather(tensor, index);
        }
        Src[] out = new Src[positions.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = get(positions[k]);
        }
        return of(out);
    }

    /** Bytes this vector holds per element beyond its header (the form {@link #of} chose): 0, 4, 8 or 16. */
    public int bytesPerElement() {
        return (tens == null ? 0 : 4) + (idx == null ? 0 : 4) + (vals == null ? 0 : 8);
    }

    /** Bytes of the arrays this vector holds (what grows with its length). */
    public long heapBytes() {
        return (long) bytesPerElement() * size;
    }
}
