package dev.zkscope.ir;

import java.util.Arrays;

/**
 * An immutable dense tensor in row-major order with a static shape. Values are held as doubles whatever the element
 * type; {@link DType#INT64} tensors (shape arithmetic, indices) hold exact integers (|v| < 2^53), and integer
 * arithmetic on them (division) follows integer semantics in the kernels.
 *
 * <p>The array returned by {@link #data()} is shared, not copied: callers must not modify it.
 */
public final class Tensor {
    /** The largest element count any tensor may have; checked before allocating. */
    public static final long MAX_ELEMENTS = 1L << 28;

    /** Element types kept apart: real values and exact integers. */
    public enum DType { FLOAT, INT64 }

    private final int[] shape;
    private final double[] data;
    private final DType dtype;

    private Tensor(int[] shape, double[] data, DType dtype) {
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n + " elements but "
                    + data.length + " values were given");
        }
        this.shape = shape.clone();
        this.data = data;
        this.dtype = dtype;
    }

    public static Tensor of(int[] shape, double[] data) {
        return new Tensor(shape, data, DType.FLOAT);
    }

    public static Tensor of(int[] shape, double[] data, DType dtype) {
        return new Tensor(shape, data, dtype);
    }

    public static Tensor ofFloats(int[] shape, float[] data) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return new Tensor(shape, d, DType.FLOAT);
    }

    public static Tensor ofLongs(int[] shape, long[] data) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return new Tensor(shape, d, DType.INT64);
    }

    public static Tensor zeros(int[] shape) {
        return new Tensor(shape, new double[checkedSize(shape)], DType.FLOAT);
    }

    public static Tensor scalar(double v) {
        return new Tensor(new int[0], new double[] {v}, DType.FLOAT);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    public DType dtype() {
        return dtype;
    }

    public boolean isInteger() {
        return dtype == DType.INT64;
    }

    /** The values in row-major order; shared, do not modify. */
    public double[] data() {
        return data;
    }

    public double get(int i) {
        return data[i];
    }

    public long[] toLongs() {
        long[] out = new long[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) data[i];
        }
        return out;
    }

    public int[] toInts() {
        int[] out = new int[data.length];
        for (int i = 0; i < out.length; i++) {
            long v = (long) data[i];
            out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return out;
    }

    public Tensor reshape(int[] newShape) {
        return new Tensor(newShape, data, dtype);
    }

    public Tensor withDType(DType t) {
        return new Tensor(shape, data, t);
    }

    /** The number of elements of a shape, or -1 if a dimension is negative or the product overflows a long. */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            n = n * d;
            if (n > (1L << 40)) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** The element count of a shape, failing if it is negative or exceeds {@link #MAX_ELEMENTS}. */
    public static int checkedSize(int[] shape) {
        long n = elementCount(shape);
        if (n < 0 || n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " has "
                    + (n < 0 ? "a negative dimension" : (n == Long.MAX_VALUE ? "more than 2^40" : n) + " elements, above the limit of 2^28"));
        }
        return (int) n;
    }

    /** Row-major strides of a shape. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static String shapeString(int[] shape) {
        if (shape == null) {
            return "?";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString(shape) + (dtype == DType.INT64 ? " int64" : "");
    }
}
