package dev.zkscope.quant;

import dev.zkscope.ir.Tensor;

/** An integer tensor at scale 2^scale: element x stands for the real value x / 2^scale. */
public record QTensor(int[] shape, long[] data, int scale) {
    public QTensor {
        if (Tensor.elementCount(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Tensor.shapeString(shape) + " does not hold " + data.length
                    + " values");
        }
    }

    public int size() {
        return data.length;
    }

    public Tensor dequantize() {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = FixedPoint.dequantize(data[i], scale);
        }
        return Tensor.of(shape, d);
    }

    /** Quantizes a float tensor at the given scale (round half away from zero). */
    public static QTensor quantize(Tensor t, int scale) {
        double[] d = t.data();
        long[] q = new long[d.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = FixedPoint.quantize(d[i], scale);
        }
        return new QTensor(t.shape(), q, scale);
    }

    /** The same integers as doubles (exact below 2^53), for data-movement kernels. */
    Tensor asExactDoubles() {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return Tensor.of(shape, d);
    }

    static QTensor fromExactDoubles(Tensor t, int scale) {
        double[] d = t.data();
        long[] q = new long[d.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (long) d[i];
        }
        return new QTensor(t.shape(), q, scale);
    }
}
