package dev.zkscope.quant;

import java.util.function.DoubleUnaryOperator;

/**
 * A lookup table of a nonlinear function on the integer interval [lo, hi] of inputs at scale 2^inScale, outputs at
 * 2^outScale: entry x holds {@link FixedPoint#tableValue}(f, x, inScale, outScale). The function is the op's float
 * function made total (see {@link TableFunctions}), so every entry is defined.
 *
 * @param name the function's name, e.g. "sigmoid", "exp", "rsqrt(eps=1.0E-5)"; tables with equal name, scales and
 *             range are the same table
 */
public record LookupTable(String name, DoubleUnaryOperator f, long lo, long hi, int inScale, int outScale) {
    public LookupTable {
        if (lo > hi) {
            throw new IllegalArgumentException("empty table range [" + lo + ", " + hi + "]");
        }
    }

    /** Number of entries, hi - lo + 1. */
    public long size() {
        return hi - lo + 1;
    }

    public boolean contains(long x) {
        return x >= lo && x <= hi;
    }

    /** The table's output at input x (whether or not x is inside the range). */
    public long value(long x) {
        return FixedPoint.tableValue(f, x, inScale, outScale);
    }

    public LookupTable withRange(long newLo, long newHi) {
        return new LookupTable(name, f, newLo, newHi, inScale, outScale);
    }

    /**
     * Whether the table's integer map is monotone (either way) on every interval: its function is one of exp,
     * sigmoid (1 / (1 + exp(-x))), tanh, log, sqrt, rsqrt (the LayerNorm normaliser) or logsum (log), built only from
     * {@link Math} functions the JDK specifies as semi-monotonic and correctly rounded arithmetic, and made total by
     * monotone clamps ({@link TableFunctions}); rounding to the output grid keeps the order. (erf and softplus are
     * left out: their approximations are not monotone to the last bit.) The circuit compiler then bounds the table
     * and finds its saturated ends without scanning it.
     */
    public boolean monotone() {
        int cut = name.indexOf('(');
        return MONOTONE.contains(cut < 0 ? name : name.substring(0, cut));
    }

    private static final java.util.Set<String> MONOTONE =
            java.util.Set.of("exp", "sigmoid", "tanh", "log", "sqrt", "rsqrt", "logsum");

    /** Whether the range is the unbounded placeholder used while calibrating. */
    public boolean unbounded() {
        return lo == Long.MIN_VALUE || hi == Long.MAX_VALUE;
    }
}
