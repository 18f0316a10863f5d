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
        // large tensors (weights) in parallel blocks; a value that cannot be quantized stops its block, and the
        // first such value in element order is reported, as a sequential pass would
        int block = 1 << 16;
        int blocks = (q.length + block - 1) / block;
        int[] bad = new int[Math.max(1, blocks)];
        java.util.Arrays.fill(bad, -1);
        dev.zkscope.ir.MatKernels.run(blocks, q.length, true, b -> {
            for (int i = b * block, end = Math.min(q.length, i + block); i < end; i++) {
                double x = Math.scalb(d[i], scale);
                if (!(Math.abs(x) < FixedPoint.MAX_ABS)) {
                    bad[b] = i;
                    return;
                }
                q[i] = Math.round(x);
            }
        });
        for (int i : bad) {
            if (i >= 0) {
                FixedPoint.quantize(d[i], scale);
                throw new IllegalStateException("value " + d[i] + " passed the fixed-point range check twice");
            }
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
