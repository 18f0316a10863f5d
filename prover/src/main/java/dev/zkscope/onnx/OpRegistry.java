package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnaryFn;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parsers of the default ONNX domain by op type, registered per family: elementwise math and activations inline
 * here, convolution/pooling/normalisation in {@link NnParsers}, shape and data movement in {@link ShapeParsers}.
 */
final class OpRegistry {
    private final Map<String, OpParser> parsers = new HashMap<>();

    OpRegistry() {
        registerMath();
        registerActivations();
        NnParsers.register(this);
        ShapeParsers.register(this);
        ModelOpParsers.register(this);
    }

    void add(String opType, OpParser p) {
        parsers.put(opType, p);
    }

    OpParser get(String opType) {
        return parsers.get(opType);
    }

    Set<String> opTypes() {
        return parsers.keySet();
    }

    private void registerMath() {
        add("Add", c -> new Op.Binary(Op.BinaryKind.ADD));
        add("Sub", c -> new Op.Binary(Op.BinaryKind.SUB));
        add("Mul", c -> new Op.Binary(Op.BinaryKind.MUL));
        add("Div", c -> new Op.Binary(Op.BinaryKind.DIV));
        add("Max", c -> new Op.Binary(Op.BinaryKind.MAX));
        add("Min", c -> new Op.Binary(Op.BinaryKind.MIN));
        add("Pow", c -> {
            Tensor e = c.constant(1);
            if (e != null && e.size() == 1 && Shapes.broadcast(java.util.List.of(c.shape(0), e.shape())).length == c.rank(0)) {
                c.keep(0);
                return new Op.Unary(UnaryFn.POW, e.get(0), 0);
            }
            return new Op.Binary(Op.BinaryKind.POW);
        });
        add("Gemm", c -> new Op.Gemm(c.floatAttr("alpha", 1), c.floatAttr("beta", 1), c.intAttr("transA", 0) != 0,
                c.intAttr("transB", 0) != 0));
        add("MatMul", c -> new Op.MatMul());
        add("Neg", c -> new Op.Unary(UnaryFn.NEG));
        add("Abs", c -> new Op.Unary(UnaryFn.ABS));
        add("Exp", c -> new Op.Unary(UnaryFn.EXP));
        add("Log", c -> new Op.Unary(UnaryFn.LOG));
        add("Sqrt", c -> new Op.Unary(UnaryFn.SQRT));
        add("Reciprocal", c -> new Op.Unary(UnaryFn.RECIPROCAL));
        add("Erf", c -> new Op.Unary(UnaryFn.ERF));
        add("Identity", c -> new Op.Identity());
        // Dropout is the identity at inference; its ratio/training_mode inputs and mask output are dropped.
        add("Dropout", c -> {
            c.keep(0);
            return new Op.Identity();
        });
        add("Equal", c -> new Op.Compare(Op.CompareKind.EQUAL));
        add("Less", c -> new Op.Compare(Op.CompareKind.LESS));
        add("Greater", c -> new Op.Compare(Op.CompareKind.GREATER));
        add("LessOrEqual", c -> new Op.Compare(Op.CompareKind.LESS_OR_EQUAL));
        add("GreaterOrEqual", c -> new Op.Compare(Op.CompareKind.GREATER_OR_EQUAL));
        add("Not", c -> new Op.Not());
        add("And", c -> new Op.Logical(Op.LogicalKind.AND));
        add("Or", c -> new Op.Logical(Op.LogicalKind.OR));
        add("Xor", c -> new Op.Logical(Op.LogicalKind.XOR));
        add("Where", c -> new Op.Where());
        add("Expand", c -> {
            Tensor shape = c.constant(1);
            if (shape == null) {
                return c.unsupported("Expand to a shape computed at run time");
            }
            c.keep(0);
            return new Op.Expand(shape.toInts());
        });
        add("Trilu", c -> {
            long k = 0;
            if (c.has(1)) {
                Tensor kt = c.constant(1);
                if (kt == null || kt.size() != 1) {
                    return c.unsupported("Trilu with a diagonal offset k computed at run time");
                }
                k = (long) kt.get(0);
            }
            c.keep(0);
            return new Op.Trilu(c.intAttr("upper", 1) != 0, k);
        });
        add("Cast", c -> {
            long to = c.intAttr("to", 1);
            // FLOAT, FLOAT16, DOUBLE, BFLOAT16 are real; every other numeric type is an integer type here.
            boolean real = to == 1 || to == 10 || to == 11 || to == 16;
            if (to == 8 || to == 0 || to == 14 || to == 15) {
                return c.unsupported("Cast to ONNX element type " + to);
            }
            return new Op.Cast(real ? Tensor.DType.FLOAT : Tensor.DType.INT64);
        });
    }

    private void registerActivations() {
        add("Relu", c -> new Op.Unary(UnaryFn.RELU));
        add("Sigmoid", c -> new Op.Unary(UnaryFn.SIGMOID));
        add("Tanh", c -> new Op.Unary(UnaryFn.TANH));
        add("LeakyRelu", c -> new Op.Unary(UnaryFn.LEAKY_RELU, c.floatAttr("alpha", 0.01), 0));
        add("HardSigmoid", c -> new Op.Unary(UnaryFn.HARD_SIGMOID, c.floatAttr("alpha", 0.2), c.floatAttr("beta", 0.5)));
        add("HardSwish", c -> new Op.Unary(UnaryFn.HARD_SWISH));
        add("Gelu", c -> {
            String approx = c.stringAttr("approximate", "none");
            if (approx.equals("tanh")) {
                return new Op.Unary(UnaryFn.GELU_TANH);
            }
            if (!approx.equals("none")) {
                throw new IllegalArgumentException("Gelu approximate must be 'none' or 'tanh', got '" + approx + "'");
            }
            return new Op.Unary(UnaryFn.GELU);
        });
        add("PRelu", c -> new Op.PRelu());
        add("Floor", c -> new Op.Unary(UnaryFn.FLOOR));
        add("Ceil", c -> new Op.Unary(UnaryFn.CEIL));
        add("Round", c -> new Op.Unary(UnaryFn.ROUND));
        add("Softplus", c -> new Op.Unary(UnaryFn.SOFTPLUS));
        add("Elu", c -> new Op.Unary(UnaryFn.ELU, c.floatAttr("alpha", 1.0), 0));
        add("Selu", c -> new Op.Unary(UnaryFn.SELU, c.floatAttr("alpha", 1.67326319217681884765625),
                c.floatAttr("gamma", 1.05070102214813232421875)));
        add("Celu", c -> {
            double alpha = c.floatAttr("alpha", 1.0);
            if (alpha == 0) {
                throw new IllegalArgumentException("Celu alpha must not be 0");
            }
            return new Op.Unary(UnaryFn.CELU, alpha, 0);
        });
        add("Mish", c -> new Op.Unary(UnaryFn.MISH));
        add("Sin", c -> new Op.Unary(UnaryFn.SIN));
        add("Cos", c -> new Op.Unary(UnaryFn.COS));
        // Clip: min/max are attributes before opset 11 and optional (constant) inputs from opset 11.
        add("Clip", c -> {
            double lo = -Double.MAX_VALUE;
            double hi = Double.MAX_VALUE;
            if (c.opset() < 11) {
                lo = c.floatAttr("min", lo);
                hi = c.floatAttr("max", hi);
            } else {
                if (c.has(1)) {
                    lo = scalar(c.requireConstant(1, "Clip min"), "Clip min");
                }
                if (c.has(2)) {
                    hi = scalar(c.requireConstant(2, "Clip max"), "Clip max");
                }
                c.keep(0);
            }
            return new Op.Unary(UnaryFn.CLIP, lo, hi);
        });
        // Softmax: before opset 13 the input is coerced to 2-D at axis (default 1); from 13 one axis (default -1).
        add("Softmax", c -> {
            int rank = c.rank(0);
            if (c.opset() < 13) {
                return new Op.Softmax(Shapes.axis(c.intAttr("axis", 1), Math.max(rank, 1)), true);
            }
            return new Op.Softmax(Shapes.axis(c.intAttr("axis", -1), Math.max(rank, 1)), false);
        });
    }

    static double scalar(Tensor t, String what) {
        if (t.size() != 1) {
            throw new IllegalArgumentException(what + " must be a scalar, got shape " + Tensor.shapeString(t.shape()));
        }
        return t.get(0);
    }
}
