package dev.zkscope.quant;

import dev.zkscope.ir.Tensor;

/**
 * An integer parameter of a quantized node at scale 2^scale, with its role (see {@link QuantizedEvaluator} for the
 * roles each op uses) and its shape in the layout that op documents.
 */
public record QWeight(String role, int[] shape, long[] data, int scale) {
    public static QWeight of(String role, Tensor t, int scale) {
        QTensor q = QTensor.quantize(t, scale);
        return new QWeight(role, q.shape(), q.data(), scale);
    }

    public QTensor tensor() {
        return new QTensor(shape, data, scale);
    }
}
