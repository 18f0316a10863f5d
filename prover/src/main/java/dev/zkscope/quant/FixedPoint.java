package dev.zkscope.quant;

import java.util.function.DoubleUnaryOperator;

/**
 * The integer semantics of quantized inference, defined once and used by both the quantized evaluator and the
 * circuit's witness generation, so that the circuit enforces exactly what the evaluator computes.
 *
 * <p>A tensor at scale {@code s} stores the real value {@code v} as the integer {@code round(v * 2^s)}. A product of
 * tensors at scales s_a and s_b has scale s_a + s_b; it is brought back to scale s_out by {@link #rescale} with
 * k = s_a + s_b - s_out. Every division here rounds half up, {@code q = floor((x + floor(d/2)) / d)}, which a circuit
 * enforces as {@code x + floor(d/2) = q*d + r} with {@code 0 <= r < d} (one multiplication and one range check).
 */
public final class FixedPoint {
    private FixedPoint() {}

    /** The largest magnitude any quantized value may take: products and sums stay far below 2^63 and p/2. */
    public static final long MAX_ABS = 1L << 48;

    /** Rounds a real value to the integer grid at scale s: round(v * 2^s), half away from zero. Fails on NaN/Inf. */
    public static long quantize(double v, int scale) {
        if (!Double.isFinite(v)) {
            throw new ArithmeticException("cannot quantize non-finite value " + v);
        }
        double x = Math.scalb(v, scale);
        if (Math.abs(x) >= MAX_ABS) {
            throw new ArithmeticException("value " + v + " at scale 2^" + scale + " exceeds the fixed-point range 2^48");
        }
        return Math.round(x);
    }

    /** The real value of integer x at scale s. */
    public static double dequantize(long x, int scale) {
        return Math.scalb((double) x, -scale);
    }

    /** Division by a positive constant, rounding half up: floor((x + floor(d/2)) / d). */
    public static long divRound(long x, long d) {
        if (d <= 0) {
            throw new IllegalArgumentException("divisor must be positive, got " + d);
        }
        return Math.floorDiv(x + d / 2, d);
    }

    /** The remainder that the circuit range-checks for {@link #divRound}: (x + floor(d/2)) - q*d, in [0, d). */
    public static long divRoundRemainder(long x, long d) {
        return Math.floorMod(x + d / 2, d);
    }

    /** Division by 2^k rounding half up; k = 0 is the identity. */
    public static long rescale(long x, int k) {
        if (k < 0 || k > 62) {
            throw new IllegalArgumentException("rescale shift must be in [0, 62], got " + k);
        }
        return k == 0 ? x : divRound(x, 1L << k);
    }

    /**
     * The value a lookup table for f stores at input x: f evaluated on the dequantized input, quantized to the output
     * scale. Inputs are the integer x at scale sIn; outputs are at scale sOut.
     */
    public static long tableValue(DoubleUnaryOperator f, long x, int sIn, int sOut) {
        double y = f.applyAsDouble(dequantize(x, sIn));
        return quantize(y, sOut);
    }
}
