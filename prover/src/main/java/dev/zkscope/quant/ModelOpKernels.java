package dev.zkscope.quant;

import dev.zkscope.ir.Op;

/**
 * Integer semantics shared by the quantized evaluator and the circuit lowering for the ops real exports use beyond the
 * CNN and transformer sets (docs/op-registry.md): the quantized interpolation weights of a linear Resize and the
 * static log table of LogSoftmax and ReduceLogSumExp.
 */
public final class ModelOpKernels {
    private ModelOpKernels() {}

    /** Resize's interpolation weights at scale 2^sp: round(w·2^sp), half away from zero. */
    public static long[] resizeWeights(Op.Resize.Taps t, int sp) {
        long[] out = new long[t.w().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(Math.scalb(t.w()[i], sp));
        }
        return out;
    }

    /**
     * The log table of a sum S of exp-table values over {@code count} elements at scale 2^s: one of them is exp(0) =
     * 2^s (the maximum's) and none exceeds it, so S lies in [2^s, count·2^s], the table's range: entry S holds
     * round(log(S / 2^s)·2^s).
     */
    public static LookupTable logSumTable(int s, long count) {
        return new LookupTable("logsum", Math::log, 1L << s, Math.multiplyExact(Math.max(1, count), 1L << s), s, s);
    }
}
