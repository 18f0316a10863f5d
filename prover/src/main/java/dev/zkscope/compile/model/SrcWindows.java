package dev.zkscope.compile.model;

import java.util.BitSet;
import java.util.function.UnaryOperator;

/**
 * Windows of element references, what a {@code Src[][]} says (the elements each output of a sum or a maximum reads),
 * held as one {@link Srcs} of every window's elements in order and the start of each window in it.
 */
public final class SrcWindows {
    private final Srcs flat;
    /** Window o is flat[start[o] .. start[o + 1]). */
    private final int[] start;

    private SrcWindows(Srcs flat, int[] start) {
        this.flat = flat;
        this.start = start;
    }

    /** The windows {@code rows} (none null), in the cheapest form. */
    public static SrcWindows of(Src[][] rows) {
        int[] start = new int[rows.length + 1];
        long total = 0;
        for (int o = 0; o < rows.length; o++) {
            total += rows[o].length;
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("windows of more than 2^31 elements");
            }
            start[o + 1] = (int) total;
        }
        Src[] all = new Src[(int) total];
        for (int o = 0; o < rows.length; o++) {
            System.arraycopy(rows[o], 0, all, start[o], rows[o].length);
        }
        return new SrcWindows(Srcs.of(all), start);
    }

    /** Windows over {@code flat}: window o is its elements [start[o], start[o + 1]) (the array is held). */
    public static SrcWindows of(Srcs flat, int[] start) {
        if (start.length == 0 || start[0] != 0 || start[start.length - 1] != flat.size()) {
            throw new IllegalArgumentException("window starts must run from 0 to " + flat.size());
        }
        for (int o = 1; o < start.length; o++) {
            if (start[o] < start[o - 1]) {
                throw new IllegalArgumentException("window starts must not decrease");
            }
        }
        return new SrcWindows(flat, start);
    }

    /** Number of windows. */
    public int size() {
        return start.length - 1;
    }

    /** Elements of window o. */
    public int count(int o) {
        return start[o + 1] - start[o];
    }

    /** Position of window o's first element in {@link #elements()}. */
    public int start(int o) {
        return start[o];
    }

    /** Every window's elements, in order. */
    public Srcs elements() {
        return flat;
    }

    /** Element k of window o as a {@link Src}. */
    public Src get(int o, int k) {
        return flat.get(start[o] + k);
    }

    /** The windows as {@code Src[][]} (for other backends and small models). */
    public Src[][] toArray() {
        Src[][] out = new Src[size()][];
        for (int o = 0; o < out.length; o++) {
            out[o] = new Src[count(o)];
            for (int k = 0; k < out[o].length; k++) {
                out[o][k] = get(o, k);
            }
        }
        return out;
    }

    /** Bytes of the arrays these windows hold (the elements and one start per window). */
    public long heapBytes() {
        return flat.heapBytes() + 4L * start.length;
    }

    /** Sets in {@code out} the id of every tensor read (constants excluded). */
    public void readTensors(BitSet out) {
        flat.readTensors(out);
    }

    /** Windows [lo, hi), each element passed through {@code read} unless it is a constant (segment slicing). */
    public SrcWindows slice(int lo, int hi, UnaryOperator<Src> read) {
        if (lo < 0 || hi > size() || lo > hi) {
            throw new IllegalArgumentException("windows [" + lo + ", " + hi + ") of " + size());
        }
        int[] s = new int[hi - lo + 1];
        for (int o = lo; o <= hi; o++) {
            s[o - lo] = start[o] - start[lo];
        }
        return new SrcWindows(flat.slice(start[lo], start[hi], read), s);
    }
}
