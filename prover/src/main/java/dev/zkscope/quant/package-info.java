/**
 * Fixed-point quantization: {@link dev.zkscope.quant.FixedPoint} (the integer primitives), the
 * {@link dev.zkscope.quant.Quantizer} and {@link dev.zkscope.quant.Calibrator} that produce a
 * {@link dev.zkscope.quant.QuantizedGraph}, the {@link dev.zkscope.quant.QuantizedEvaluator} that runs it bit for bit
 * as the circuit does (its Javadoc defines the integer semantics of every op), and the
 * {@link dev.zkscope.quant.FidelityReport}.
 */
package dev.zkscope.quant;
