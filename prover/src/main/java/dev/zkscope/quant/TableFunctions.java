package dev.zkscope.quant;

import dev.zkscope.ir.UnaryFn;
import java.util.function.DoubleUnaryOperator;

/**
 * The functions tabulated by lookup tables, made total on the integer grid so every table entry is defined: inputs
 * below the domain of log, sqrt and reciprocal are moved to the smallest positive grid value 2^-inScale (0 for
 * sqrt), non-finite results become 0, and results are clamped to what the output scale can represent (|y| < 2^47 at
 * scale 2^outScale).
 */
public final class TableFunctions {
    private TableFunctions() {}

    public static String name(UnaryFn fn, double a, double b) {
        switch (fn) {
            case LEAKY_RELU: return "leaky_relu(" + a + ")";
            case HARD_SIGMOID: return "hard_sigmoid(" + a + "," + b + ")";
            case POW: return "pow(" + a + ")";
            case CLIP: return "clip(" + a + "," + b + ")";
            case ELU: return "elu(" + a + ")";
            case SELU: return "selu(" + a + "," + b + ")";
            case CELU: return "celu(" + a + ")";
            default: return fn.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static DoubleUnaryOperator total(UnaryFn fn, double a, double b, int inScale, int outScale) {
        double eps = Math.scalb(1.0, -inScale);
        double limit = Math.scalb(1.0, 47 - outScale);
        return x -> {
            double in = x;
            if (fn == UnaryFn.LOG && in < eps) {
                in = eps;
            } else if (fn == UnaryFn.RECIPROCAL && Math.abs(in) < eps) {
                in = in < 0 ? -eps : eps;
            } else if (fn == UnaryFn.SQRT && in < 0) {
                in = 0;
            }
            return clamp(fn.apply(in, a, b), limit);
        };
    }

    /** 1 / sqrt(v + eps) for v >= 0 (v < 0 treated as 0), the LayerNorm normaliser. */
    public static DoubleUnaryOperator rsqrt(double eps, int outScale) {
        double limit = Math.scalb(1.0, 47 - outScale);
        double e = Math.max(eps, 1e-12);
        return v -> clamp(1 / Math.sqrt(Math.max(v, 0) + e), limit);
    }

    static double clamp(double y, double limit) {
        if (!Double.isFinite(y)) {
            return Double.isNaN(y) ? 0 : Math.copySign(limit, y);
        }
        return Math.max(-limit, Math.min(limit, y));
    }
}
