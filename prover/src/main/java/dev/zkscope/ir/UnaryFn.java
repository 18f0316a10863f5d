package dev.zkscope.ir;

/**
 * Pointwise functions of {@link Op.Unary}, with their attributes a (alpha) and b (beta) as ONNX defines them.
 * Functions whose quantized form is a lookup table report {@link #needsTable()}.
 */
public enum UnaryFn {
    RELU(false), LEAKY_RELU(false), SIGMOID(true), TANH(true), HARD_SIGMOID(true), HARD_SWISH(true), EXP(true),
    LOG(true), ERF(true), GELU(true), GELU_TANH(true), SQRT(true), RECIPROCAL(true), ABS(false), NEG(false),
    /** a = min, b = max. */
    CLIP(false),
    /** x^a for a constant exponent a. */
    POW(true),
    /** Floor, Ceil, Round (half to even, as ONNX): tables at the activation scale. */
    FLOOR(true), CEIL(true), ROUND(true),
    /** log(1 + e^x). */
    SOFTPLUS(true),
    /** x > 0 ? x : a(e^x - 1). */
    ELU(true),
    /** b(x > 0 ? x : a(e^x - 1)), a = alpha, b = gamma. */
    SELU(true),
    /** max(0, x) + min(0, a(e^(x/a) - 1)). */
    CELU(true),
    /** x tanh(softplus(x)). */
    MISH(true),
    SIN(true), COS(true);

    private final boolean table;

    UnaryFn(boolean table) {
        this.table = table;
    }

    /** Whether fixed-point inference evaluates this function through a lookup table (otherwise it is exact). */
    public boolean needsTable() {
        return table;
    }

    public double apply(double x, double a, double b) {
        switch (this) {
            case RELU: return x > 0 ? x : 0;
            case LEAKY_RELU: return x >= 0 ? x : a * x;
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case TANH: return Math.tanh(x);
            case HARD_SIGMOID: return Math.max(0, Math.min(1, a * x + b));
            case HARD_SWISH: return x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case ERF: return erf(x);
            case GELU: return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_TANH: return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case SQRT: return Math.sqrt(x);
            case RECIPROCAL: return 1 / x;
            case ABS: return Math.abs(x);
            case NEG: return -x;
            case CLIP: return Math.max(a, Math.min(b, x));
            case POW: return Math.pow(x, a);
            case FLOOR: return Math.floor(x);
            case CEIL: return Math.ceil(x);
            case ROUND: return Math.rint(x);
            case SOFTPLUS: return softplus(x);
            case ELU: return x > 0 ? x : a * Math.expm1(x);
            case SELU: return b * (x > 0 ? x : a * Math.expm1(x));
            case CELU: return Math.max(0, x) + Math.min(0, a * Math.expm1(x / a));
            case MISH: return x * Math.tanh(softplus(x));
            case SIN: return Math.sin(x);
            case COS: return Math.cos(x);
            default: throw new AssertionError(this);
        }
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    /**
     * The error function, by the continued-fraction-free rational approximation of W. J. Cody's form used via
     * erfc(x) = t * exp(-x^2 + P(t)) (Numerical Recipes' erfcc, Chebyshev fit, |error| < 1.2e-7 everywhere).
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.exp(p);
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
