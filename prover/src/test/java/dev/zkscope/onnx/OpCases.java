package dev.zkscope.onnx;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static dev.zkscope.onnx.TestModels.ints;

import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Op-level test models covering every supported op and its important attribute variants, with input ranges. */
public final class OpCases {
    private OpCases() {}

    public record Case(String name, Supplier<TestModels> model, double lo, double hi) {}

    public static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, Supplier<TestModels> m) {
        CASES.add(new Case(name, m, -2, 2));
    }

    private static void positive(String name, Supplier<TestModels> m) {
        CASES.add(new Case(name, m, 0.1, 3));
    }

    /** x of the given shape through one op (plus optional extra inputs already added as initializers). */
    private static TestModels one(int opset, String op, int[] shape, Onnx.AttributeProto... attrs) {
        return TestModels.opset(opset).input("x", shape).op(op, "y", in("x"), attrs).output("y");
    }

    static {
        // Gemm / MatMul
        add("Gemm", () -> TestModels.opset(13).input("x", 2, 3).initRandom("w", 1, 3, 4).initRandom("b", 2, 4)
                .op("Gemm", "y", in("x", "w", "b")).output("y"));
        add("Gemm transB alpha beta, C broadcast row", () -> TestModels.opset(13).input("x", 2, 3).initRandom("w", 1, 4, 3)
                .initRandom("c", 2, 1, 4).op("Gemm", "y", in("x", "w", "c"), attr("transB", 1L), attr("alpha", 0.5f),
                        attr("beta", 2f)).output("y"));
        add("Gemm transA no C", () -> TestModels.opset(11).input("x", 3, 2).initRandom("w", 1, 3, 4)
                .op("Gemm", "y", in("x", "w"), attr("transA", 1L)).output("y"));
        add("MatMul batched 3-D x 2-D", () -> TestModels.opset(13).input("x", 2, 3, 4).initRandom("w", 3, 4, 5)
                .op("MatMul", "y", in("x", "w")).output("y"));
        add("MatMul 1-D x 2-D", () -> TestModels.opset(13).input("x", 4).initRandom("w", 3, 4, 3)
                .op("MatMul", "y", in("x", "w")).output("y"));
        add("MatMul broadcast batch", () -> TestModels.opset(13).input("x", 2, 1, 3, 4).input("z", 3, 4, 2)
                .op("MatMul", "y", in("x", "z")).output("y"));
        // Elementwise binary with broadcasting
        add("Add broadcast", () -> TestModels.opset(13).input("x", 2, 3, 4).initRandom("b", 4, 3, 1)
                .op("Add", "y", in("x", "b")).output("y"));
        add("Sub two inputs", () -> TestModels.opset(13).input("x", 2, 3).input("z", 3).op("Sub", "y", in("x", "z")).output("y"));
        add("Mul broadcast scalar-ish", () -> TestModels.opset(13).input("x", 2, 3).init("c", new int[] {1}, 1.5f)
                .op("Mul", "y", in("x", "c")).output("y"));
        add("Div by constant", () -> TestModels.opset(13).input("x", 2, 3).init("c", new int[] {3}, 2f, -4f, 0.5f)
                .op("Div", "y", in("x", "c")).output("y"));
        add("Neg", () -> one(13, "Neg", new int[] {2, 5}));
        add("Max of three", () -> TestModels.opset(13).input("a", 2, 3).input("b", 2, 3).input("c", 3)
                .op("Max", "y", in("a", "b", "c")).output("y"));
        add("Min of two", () -> TestModels.opset(13).input("a", 2, 3).input("b", 1, 3).op("Min", "y", in("a", "b")).output("y"));
        // Conv
        add("Conv 2-D pads bias", () -> TestModels.opset(13).input("x", 1, 2, 5, 5).initRandom("w", 5, 3, 2, 3, 3)
                .initRandom("b", 6, 3).op("Conv", "y", in("x", "w", "b"), ints("pads", 1, 1, 1, 1)).output("y"));
        add("Conv strides dilations", () -> TestModels.opset(13).input("x", 2, 2, 9, 8).initRandom("w", 7, 3, 2, 3, 2)
                .op("Conv", "y", in("x", "w"), ints("strides", 2, 1), ints("dilations", 2, 2), ints("pads", 0, 1, 2, 0))
                .output("y"));
        add("Conv groups", () -> TestModels.opset(13).input("x", 1, 4, 6, 6).initRandom("w", 8, 6, 2, 3, 3)
                .op("Conv", "y", in("x", "w"), attr("group", 2L)).output("y"));
        add("Conv depthwise", () -> TestModels.opset(13).input("x", 1, 4, 6, 6).initRandom("w", 9, 4, 1, 3, 3)
                .initRandom("b", 10, 4).op("Conv", "y", in("x", "w", "b"), attr("group", 4L), ints("pads", 1, 1, 1, 1))
                .output("y"));
        add("Conv auto_pad SAME_UPPER stride 2", () -> TestModels.opset(13).input("x", 1, 1, 6, 5).initRandom("w", 11, 2, 1, 3, 3)
                .op("Conv", "y", in("x", "w"), attr("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)).output("y"));
        add("Conv auto_pad SAME_LOWER", () -> TestModels.opset(13).input("x", 1, 1, 6, 5).initRandom("w", 12, 2, 1, 2, 2)
                .op("Conv", "y", in("x", "w"), attr("auto_pad", "SAME_LOWER")).output("y"));
        add("Conv auto_pad VALID", () -> TestModels.opset(13).input("x", 1, 1, 6, 5).initRandom("w", 13, 2, 1, 3, 3)
                .op("Conv", "y", in("x", "w"), attr("auto_pad", "VALID")).output("y"));
        add("Conv 1-D", () -> TestModels.opset(13).input("x", 1, 2, 10).initRandom("w", 14, 3, 2, 3).initRandom("b", 15, 3)
                .op("Conv", "y", in("x", "w", "b"), ints("strides", 2), ints("pads", 1, 0)).output("y"));
        // Activations
        add("Relu", () -> one(13, "Relu", new int[] {3, 4}));
        add("LeakyRelu", () -> one(13, "LeakyRelu", new int[] {3, 4}, attr("alpha", 0.2f)));
        add("PRelu per channel", () -> TestModels.opset(13).input("x", 1, 2, 3, 3).init("s", new int[] {2, 1, 1}, 0.25f, -0.5f)
                .op("PRelu", "y", in("x", "s")).output("y"));
        add("Sigmoid", () -> one(13, "Sigmoid", new int[] {3, 4}));
        add("Tanh", () -> one(13, "Tanh", new int[] {3, 4}));
        add("HardSigmoid", () -> one(13, "HardSigmoid", new int[] {3, 4}, attr("alpha", 0.3f), attr("beta", 0.4f)));
        add("HardSwish", () -> one(14, "HardSwish", new int[] {3, 4}));
        add("Clip opset 13 inputs", () -> TestModels.opset(13).input("x", 3, 4).init("lo", new int[0], -0.5f)
                .init("hi", new int[0], 0.7f).op("Clip", "y", in("x", "lo", "hi")).output("y"));
        add("Clip opset 13 max only", () -> TestModels.opset(13).input("x", 3, 4).init("hi", new int[0], 0.7f)
                .op("Clip", "y", in("x", "", "hi")).output("y"));
        add("Clip opset 6 attributes", () -> one(6, "Clip", new int[] {3, 4}, attr("min", -0.3f), attr("max", 0.2f)));
        add("Softmax opset 13 axis 1", () -> one(13, "Softmax", new int[] {2, 3, 4}, attr("axis", 1L)));
        add("Softmax opset 13 default axis", () -> one(13, "Softmax", new int[] {2, 3, 4}));
        add("Softmax opset 11 coerced 2-D", () -> one(11, "Softmax", new int[] {2, 3, 4}, attr("axis", 1L)));
        add("Exp", () -> one(13, "Exp", new int[] {3, 4}));
        positive("Log", () -> one(13, "Log", new int[] {3, 4}));
        add("Erf", () -> one(13, "Erf", new int[] {4, 5}));
        add("Gelu", () -> one(20, "Gelu", new int[] {4, 5}));
        add("Gelu tanh", () -> one(20, "Gelu", new int[] {4, 5}, attr("approximate", "tanh")));
        positive("Sqrt", () -> one(13, "Sqrt", new int[] {3, 4}));
        positive("Reciprocal", () -> one(13, "Reciprocal", new int[] {3, 4}));
        add("Abs", () -> one(13, "Abs", new int[] {3, 4}));
        add("Pow constant 2", () -> TestModels.opset(13).input("x", 3, 4).init("e", new int[0], 2f)
                .op("Pow", "y", in("x", "e")).output("y"));
        positive("Pow tensor exponent", () -> TestModels.opset(13).input("x", 3, 4).input("e", 4)
                .op("Pow", "y", in("x", "e")).output("y"));
        // Pooling
        add("MaxPool 2x2 stride 2", () -> one(13, "MaxPool", new int[] {1, 2, 6, 6}, ints("kernel_shape", 2, 2),
                ints("strides", 2, 2)));
        add("MaxPool pads ceil_mode", () -> one(13, "MaxPool", new int[] {1, 2, 7, 6}, ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), attr("ceil_mode", 1L)));
        add("MaxPool dilations", () -> one(13, "MaxPool", new int[] {1, 1, 7, 7}, ints("kernel_shape", 2, 2),
                ints("dilations", 2, 2)));
        add("AveragePool pads exclude", () -> one(13, "AveragePool", new int[] {1, 2, 5, 5}, ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1)));
        add("AveragePool pads include", () -> one(13, "AveragePool", new int[] {1, 2, 5, 5}, ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1), attr("count_include_pad", 1L), ints("strides", 2, 2)));
        add("AveragePool 1-D", () -> one(13, "AveragePool", new int[] {1, 3, 9}, ints("kernel_shape", 3), ints("strides", 2)));
        add("AveragePool SAME_UPPER", () -> one(13, "AveragePool", new int[] {1, 1, 5, 5}, ints("kernel_shape", 2, 2),
                attr("auto_pad", "SAME_UPPER")));
        add("GlobalAveragePool", () -> one(13, "GlobalAveragePool", new int[] {2, 3, 4, 5}));
        add("GlobalMaxPool", () -> one(13, "GlobalMaxPool", new int[] {2, 3, 4, 5}));
        // Normalisation
        add("BatchNormalization", () -> TestModels.opset(15).input("x", 2, 3, 4, 4).initRandom("s", 20, 3)
                .initRandom("b", 21, 3).initRandom("m", 22, 3).init("v", new int[] {3}, 0.5f, 1.5f, 2f)
                .op("BatchNormalization", "y", in("x", "s", "b", "m", "v"), attr("epsilon", 1e-3f)).output("y"));
        add("LayerNormalization last axis", () -> TestModels.opset(17).input("x", 2, 3, 8).initRandom("g", 23, 8)
                .initRandom("b", 24, 8).op("LayerNormalization", "y", in("x", "g", "b")).output("y"));
        add("LayerNormalization axis 1 no bias", () -> TestModels.opset(17).input("x", 2, 3, 4).initRandom("g", 25, 3, 4)
                .op("LayerNormalization", "y", in("x", "g"), attr("axis", 1L)).output("y"));
        // Reductions
        add("ReduceMean opset 13 attr axes keepdims 0", () -> one(13, "ReduceMean", new int[] {2, 3, 4}, ints("axes", 1),
                attr("keepdims", 0L)));
        add("ReduceMean opset 18 axes input", () -> TestModels.opset(18).input("x", 2, 3, 4).initLongs("a", -1, 0)
                .op("ReduceMean", "y", in("x", "a")).output("y"));
        add("ReduceSum opset 13 axes input", () -> TestModels.opset(13).input("x", 2, 3, 4).initLongs("a", 2)
                .op("ReduceSum", "y", in("x", "a"), attr("keepdims", 0L)).output("y"));
        add("ReduceSum opset 11 all axes", () -> one(11, "ReduceSum", new int[] {2, 3}));
        add("ReduceMax keepdims", () -> one(13, "ReduceMax", new int[] {2, 3, 4}, ints("axes", 0, 2)));
        // Shape and data movement
        add("Flatten axis 2", () -> one(13, "Flatten", new int[] {2, 3, 4, 5}, attr("axis", 2L)));
        add("Reshape -1 and 0", () -> TestModels.opset(13).input("x", 2, 3, 4).initLongs("s", 0, -1, 2)
                .op("Reshape", "y", in("x", "s")).output("y"));
        add("Transpose perm", () -> one(13, "Transpose", new int[] {2, 3, 4}, ints("perm", 1, 2, 0)));
        add("Transpose default", () -> one(13, "Transpose", new int[] {2, 3, 4}));
        add("Concat with constant", () -> TestModels.opset(13).input("x", 2, 3).initRandom("c", 30, 2, 2)
                .op("Concat", "y", in("x", "c"), attr("axis", -1L)).output("y"));
        add("Slice steps", () -> TestModels.opset(13).input("x", 5, 6).initLongs("s", 1, 0).initLongs("e", 5, 6)
                .initLongs("a", 0, 1).initLongs("st", 2, 3).op("Slice", "y", in("x", "s", "e", "a", "st")).output("y"));
        add("Slice negative step and clamped ends", () -> TestModels.opset(13).input("x", 5, 6).initLongs("s", -1)
                .initLongs("e", Long.MIN_VALUE).initLongs("a", 1).initLongs("st", -2)
                .op("Slice", "y", in("x", "s", "e", "a", "st")).output("y"));
        add("Slice opset 9 attributes", () -> one(9, "Slice", new int[] {4, 5}, ints("starts", 1, -3), ints("ends", 100, -1)));
        add("Split opset 13 sizes input + Concat", () -> TestModels.opset(13).input("x", 2, 7).initLongs("sp", 3, 4)
                .node("Split", in("x", "sp"), in("p", "q"), attr("axis", 1L))
                .op("Concat", "y", in("q", "p"), attr("axis", 1L)).output("y"));
        add("Split opset 11 attr, two outputs", () -> TestModels.opset(11).input("x", 6, 2)
                .node("Split", in("x"), in("y", "z"), ints("split", 2, 4)).output("y").output("z"));
        add("Split equal parts", () -> TestModels.opset(13).input("x", 6, 2)
                .node("Split", in("x"), in("y", "z", "w")).output("w"));
        add("Squeeze/Unsqueeze opset 11 attrs", () -> TestModels.opset(11).input("x", 2, 1, 3)
                .op("Squeeze", "s", in("x"), ints("axes", 1)).op("Unsqueeze", "y", in("s"), ints("axes", 0, 3)).output("y"));
        add("Squeeze/Unsqueeze opset 13 inputs", () -> TestModels.opset(13).input("x", 2, 1, 3).initLongs("a", -2)
                .initLongs("b", 0).op("Squeeze", "s", in("x", "a")).op("Unsqueeze", "y", in("s", "b")).output("y"));
        add("Squeeze all ones", () -> one(13, "Squeeze", new int[] {1, 3, 1}));
        add("Pad constant opset 13", () -> TestModels.opset(13).input("x", 2, 3).initLongs("p", 1, 0, 0, 2)
                .init("v", new int[0], 0.5f).op("Pad", "y", in("x", "p", "v")).output("y"));
        add("Pad reflect", () -> TestModels.opset(13).input("x", 1, 4, 5).initLongs("p", 0, 1, 2, 0, 2, 1)
                .node("Pad", in("x", "p"), in("y"), attr("mode", "reflect")).output("y"));
        add("Pad edge", () -> TestModels.opset(13).input("x", 1, 4, 5).initLongs("p", 0, 1, 2, 0, 2, 1)
                .node("Pad", in("x", "p"), in("y"), attr("mode", "edge")).output("y"));
        add("Pad opset 2 attributes", () -> one(2, "Pad", new int[] {2, 3}, ints("pads", 0, 1, 1, 0), attr("value", 1.5f)));
        add("Identity Dropout Cast", () -> TestModels.opset(13).input("x", 2, 3).op("Identity", "a", in("x"))
                .op("Dropout", "b", in("a")).op("Cast", "y", in("b"), attr("to", 1L)).output("y"));
        add("Shape subgraph feeding Reshape (PyTorch flatten)", () -> TestModels.opset(13).input("x", 1, 2, 3, 4)
                .initLongs("zero", 0).initLongs("minus1", -1).op("Shape", "sh", in("x"))
                .node("Gather", in("sh", "zero"), in("n"), attr("axis", 0L))
                .op("Concat", "ns", in("n", "minus1"), attr("axis", 0L))
                .op("Reshape", "y", in("x", "ns")).output("y"));
        add("Gather on data", () -> TestModels.opset(13).input("x", 4, 3).initLongs("i", 3, 0, -1)
                .node("Gather", in("x", "i"), in("y"), attr("axis", 0L)).output("y"));
        add("Constant node as weight", () -> TestModels.opset(13).input("x", 2, 3)
                .node("Constant", in(), in("c"), TestModels.tensorAttr("value",
                        TestModels.floatTensor("c", new int[] {3}, 1f, -2f, 3f)))
                .op("Mul", "y", in("x", "c")).output("y"));
        add("Two-layer MLP", () -> TestModels.opset(13).input("x", 1, 8).initRandom("w1", 40, 8, 16).initRandom("b1", 41, 16)
                .initRandom("w2", 42, 16, 4).op("MatMul", "h", in("x", "w1")).op("Add", "h2", in("h", "b1"))
                .op("Relu", "h3", in("h2")).op("MatMul", "z", in("h3", "w2")).op("Softmax", "y", in("z")).output("y"));
        // Ops that real exports use (the op registry's later entries)
        positive("Div by a run-time value", () -> TestModels.opset(13).input("x", 2, 3).input("z", 3)
                .op("Div", "y", in("x", "z")).output("y"));
        add("Floor", () -> one(13, "Floor", new int[] {2, 5}));
        add("Ceil", () -> one(13, "Ceil", new int[] {2, 5}));
        add("Round", () -> one(11, "Round", new int[] {2, 5}));
        add("Softplus", () -> one(13, "Softplus", new int[] {2, 5}));
        add("Elu alpha 0.5", () -> one(13, "Elu", new int[] {2, 5}, attr("alpha", 0.5f)));
        add("Selu defaults", () -> one(13, "Selu", new int[] {2, 5}));
        add("Celu alpha 2", () -> one(13, "Celu", new int[] {2, 5}, attr("alpha", 2f)));
        add("Mish", () -> one(18, "Mish", new int[] {2, 5}));
        add("Sin", () -> one(13, "Sin", new int[] {2, 5}));
        add("Cos", () -> one(13, "Cos", new int[] {2, 5}));
        add("DepthToSpace DCR", () -> one(13, "DepthToSpace", new int[] {1, 8, 2, 3}, attr("blocksize", 2L)));
        add("DepthToSpace CRD", () -> one(13, "DepthToSpace", new int[] {1, 8, 2, 3}, attr("blocksize", 2L),
                attr("mode", "CRD")));
        add("SpaceToDepth", () -> one(13, "SpaceToDepth", new int[] {1, 2, 4, 6}, attr("blocksize", 2L)));
        add("Tile", () -> TestModels.opset(13).input("x", 2, 3).initLongs("r", 2, 3)
                .op("Tile", "y", in("x", "r")).output("y"));
        add("CumSum axis 1", () -> TestModels.opset(14).input("x", 2, 4).initLongs("a", 1)
                .op("CumSum", "y", in("x", "a")).output("y"));
        add("CumSum exclusive reverse, negative axis", () -> TestModels.opset(14).input("x", 3, 2, 3).initLongs("a", -3)
                .op("CumSum", "y", in("x", "a"), attr("exclusive", 1L), attr("reverse", 1L)).output("y"));
        add("And Or Xor of comparisons, Where", () -> TestModels.opset(13).input("a", 2, 3).input("b", 3)
                .init("zero", new int[] {1}, 0f).op("Less", "c1", in("a", "b")).op("Greater", "c2", in("a", "zero"))
                .op("And", "d1", in("c1", "c2")).op("Or", "d2", in("c1", "c2")).op("Xor", "d3", in("d1", "d2"))
                .op("Where", "w", in("d3", "a", "b")).op("Cast", "f", in("d2"), attr("to", 1L))
                .op("Add", "y", in("w", "f")).output("y"));
        // Ops real exports use (docs/op-registry.md): ConvTranspose, Einsum, Resize/Upsample, ArgMax/ArgMin,
        // LogSoftmax, the other reductions, Instance/GroupNormalization, Range
        add("ConvTranspose stride 2 pads output_padding bias", () -> TestModels.opset(13).input("x", 1, 2, 4, 4)
                .initRandom("w", 31, 2, 3, 3, 3).initRandom("b", 32, 3).op("ConvTranspose", "y", in("x", "w", "b"),
                        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1)).output("y"));
        add("ConvTranspose groups dilations", () -> TestModels.opset(13).input("x", 1, 4, 3, 3)
                .initRandom("w", 33, 4, 1, 2, 2).op("ConvTranspose", "y", in("x", "w"), attr("group", 2L),
                        ints("dilations", 2, 2), ints("pads", 0, 1, 1, 0)).output("y"));
        add("ConvTranspose 1-D", () -> TestModels.opset(13).input("x", 1, 2, 5).initRandom("w", 34, 2, 3, 3)
                .op("ConvTranspose", "y", in("x", "w"), ints("strides", 2)).output("y"));
        add("ConvTranspose output_shape", () -> TestModels.opset(13).input("x", 1, 1, 3, 3)
                .initRandom("w", 35, 1, 2, 3, 3).op("ConvTranspose", "y", in("x", "w"), ints("strides", 2, 2),
                        ints("output_shape", 6, 6)).output("y"));
        add("Einsum batched matmul of activations", () -> TestModels.opset(12).input("x", 2, 3, 4).input("z", 2, 4, 5)
                .op("Einsum", "y", in("x", "z"), attr("equation", "bij,bjk->bik")).output("y"));
        add("Einsum with a constant, attention-like", () -> TestModels.opset(12).input("x", 2, 3, 4)
                .initRandom("w", 36, 2, 5, 4).op("Einsum", "y", in("x", "w"), attr("equation", "hqd,hkd->hqk"))
                .output("y"));
        add("Einsum one operand sum", () -> TestModels.opset(12).input("x", 2, 3, 4)
                .op("Einsum", "y", in("x"), attr("equation", "ijk->ik")).output("y"));
        add("Resize nearest scales 2", () -> TestModels.opset(13).input("x", 1, 2, 3, 3)
                .init("s", new int[] {4}, 1f, 1f, 2f, 2f).op("Resize", "y", in("x", "", "s")).output("y"));
        add("Resize nearest sizes asymmetric floor", () -> TestModels.opset(13).input("x", 1, 2, 3, 4)
                .initLongs("sz", 1, 2, 5, 7).op("Resize", "y", in("x", "", "", "sz"),
                        attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"))
                .output("y"));
        add("Resize linear half_pixel scales 2", () -> TestModels.opset(13).input("x", 1, 2, 3, 3)
                .init("s", new int[] {4}, 1f, 1f, 2f, 2f).op("Resize", "y", in("x", "", "s"), attr("mode", "linear"))
                .output("y"));
        add("Resize linear align_corners sizes", () -> TestModels.opset(13).input("x", 1, 1, 3, 4)
                .initLongs("sz", 1, 1, 5, 7).op("Resize", "y", in("x", "", "", "sz"), attr("mode", "linear"),
                        attr("coordinate_transformation_mode", "align_corners")).output("y"));
        add("Resize linear pytorch_half_pixel downsample", () -> TestModels.opset(13).input("x", 1, 2, 6, 4)
                .init("s", new int[] {4}, 1f, 1f, 0.5f, 0.5f).op("Resize", "y", in("x", "", "s"),
                        attr("mode", "linear"), attr("coordinate_transformation_mode", "pytorch_half_pixel"))
                .output("y"));
        add("Resize opset 10 nearest", () -> TestModels.opset(10).input("x", 1, 2, 3, 3)
                .init("s", new int[] {4}, 1f, 1f, 2f, 3f).op("Resize", "y", in("x", "s")).output("y"));
        add("Upsample opset 9 nearest", () -> TestModels.opset(9).input("x", 1, 2, 3, 3)
                .init("s", new int[] {4}, 1f, 1f, 2f, 2f).op("Upsample", "y", in("x", "s")).output("y"));
        add("ArgMax axis 1 keepdims", () -> TestModels.opset(13).input("x", 2, 5, 3)
                .op("ArgMax", "i", in("x"), attr("axis", 1L)).op("Cast", "y", in("i"), attr("to", 1L)).output("y"));
        add("ArgMin axis 0 no keepdims", () -> TestModels.opset(13).input("x", 4, 3)
                .op("ArgMin", "i", in("x"), attr("keepdims", 0L)).op("Cast", "y", in("i"), attr("to", 1L)).output("y"));
        add("ArgMax last index", () -> TestModels.opset(13).input("x", 3, 6)
                .op("ArgMax", "i", in("x"), attr("axis", -1L), attr("select_last_index", 1L))
                .op("Cast", "y", in("i"), attr("to", 1L)).output("y"));
        add("LogSoftmax opset 13", () -> one(13, "LogSoftmax", new int[] {2, 3, 5}));
        add("LogSoftmax opset 11 coerced 2-D", () -> one(11, "LogSoftmax", new int[] {2, 3, 4}, attr("axis", 1L)));
        add("ReduceMin", () -> one(13, "ReduceMin", new int[] {2, 3, 4}, ints("axes", 1)));
        add("ReduceL1 no keepdims", () -> one(13, "ReduceL1", new int[] {2, 3, 4}, ints("axes", 2), attr("keepdims", 0L)));
        add("ReduceL2", () -> one(13, "ReduceL2", new int[] {2, 3, 4}, ints("axes", 1, 2)));
        add("ReduceSumSquare", () -> one(13, "ReduceSumSquare", new int[] {2, 3, 4}, ints("axes", 0)));
        add("ReduceLogSumExp", () -> one(13, "ReduceLogSumExp", new int[] {2, 3, 4}, ints("axes", 2)));
        add("ReduceMin opset 18 axes input", () -> TestModels.opset(18).input("x", 2, 3, 4).initLongs("a", -1)
                .op("ReduceMin", "y", in("x", "a")).output("y"));
        add("InstanceNormalization", () -> TestModels.opset(13).input("x", 2, 3, 4, 5).initRandom("g", 37, 3)
                .initRandom("b", 38, 3).op("InstanceNormalization", "y", in("x", "g", "b"), attr("epsilon", 1e-3f))
                .output("y"));
        add("GroupNormalization opset 21", () -> TestModels.opset(21).input("x", 2, 4, 3, 3).initRandom("g", 39, 4)
                .initRandom("b", 40, 4).op("GroupNormalization", "y", in("x", "g", "b"), attr("num_groups", 2L))
                .output("y"));
        add("Mod fmod by constants", () -> TestModels.opset(13).input("x", 2, 3)
                .init("d", new int[] {3}, 0.75f, -1.5f, 0.5f).op("Mod", "y", in("x", "d"), attr("fmod", 1L)).output("y"));
        add("Range folded, added to the input", () -> TestModels.opset(13).input("x", 5)
                .init("s0", new int[0], 0.5f).init("s1", new int[0], 3f).init("s2", new int[0], 0.5f)
                .op("Range", "r", in("s0", "s1", "s2")).op("Add", "y", in("x", "r")).output("y"));
    }

}
