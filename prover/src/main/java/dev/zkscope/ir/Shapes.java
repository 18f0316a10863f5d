package dev.zkscope.ir;

import java.util.Arrays;
import java.util.List;

/** Shape helpers shared by the op contracts: numpy broadcasting, axis normalisation, window arithmetic. */
public final class Shapes {
    private Shapes() {}

    /** Numpy-style multidirectional broadcast of several shapes; fails if two dimensions differ and neither is 1. */
    public static int[] broadcast(List<int[]> shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                int d = s[i];
                if (out[o] == 1) {
                    out[o] = d;
                } else if (d != 1 && d != out[o]) {
                    throw new IllegalArgumentException("shapes " + describe(shapes) + " cannot be broadcast together");
                }
            }
        }
        return out;
    }

    /** For each element of {@code to}, the row-major index of the element of {@code from} broadcast onto it. */
    public static int[] broadcastIndex(int[] from, int[] to) {
        int size = (int) Tensor.elementCount(to);
        int[] strides = broadcastStrides(from, to);
        int[] idx = new int[size];
        int[] counter = new int[to.length];
        int off = 0;
        for (int i = 0; i < size; i++) {
            idx[i] = off;
            for (int d = to.length - 1; d >= 0; d--) {
                counter[d]++;
                off += strides[d];
                if (counter[d] < to[d]) {
                    break;
                }
                off -= strides[d] * to[d];
                counter[d] = 0;
            }
        }
        return idx;
    }

    /** Strides of {@code shape} seen as broadcast to {@code target} (0 on broadcast dimensions). */
    public static int[] broadcastStrides(int[] shape, int[] target) {
        int[] st = Tensor.strides(shape);
        int[] out = new int[target.length];
        for (int i = 0; i < shape.length; i++) {
            int o = target.length - shape.length + i;
            out[o] = shape[i] == 1 && target[o] != 1 ? 0 : st[i];
        }
        return out;
    }

    /** Normalises a possibly negative axis into [0, rank), failing with the offending value. */
    public static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    public static int product(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dimension product overflows");
        }
        return (int) p;
    }

    /** Output length of a sliding window (convolution or pooling) along one axis. */
    public static int windowOutput(int in, int kernel, int stride, int padBegin, int padEnd, int dilation, boolean ceil) {
        long span = (long) dilation * (kernel - 1) + 1;
        long avail = (long) in + padBegin + padEnd - span;
        if (avail < 0) {
            throw new IllegalArgumentException("window of size " + span + " does not fit input length " + in
                    + " with pads " + padBegin + "," + padEnd);
        }
        long out = ceil ? Math.floorDiv(avail + stride - 1, stride) + 1 : avail / stride + 1;
        if (ceil && (out - 1) * stride >= (long) in + padBegin) {
            out--;
        }
        return (int) out;
    }

    public static String describe(List<int[]> shapes) {
        StringBuilder b = new StringBuilder();
        for (int[] s : shapes) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(Tensor.shapeString(s));
        }
        return b.toString();
    }

    static void require(boolean cond, String message) {
        if (!cond) {
            throw new IllegalArgumentException(message);
        }
    }
}
