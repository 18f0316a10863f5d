package dev.zkscope.onnx;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static dev.zkscope.onnx.TestModels.intTensor;
import static dev.zkscope.onnx.TestModels.ints;

import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Test models of the ops the importer rewrites (If with a constant condition, LSTM, GRU, ReduceProd, TopK,
 * GatherElements, QuantizeLinear, DequantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv), run
 * against ONNX Runtime by {@code RewrittenOpsOrtTest} and quantized, compiled and tampered by
 * {@code RewrittenOpsCompileTest}. Integer outputs (indices, quantized values) are cast to float in the model.
 */
public final class RewrittenOpCases {
    private RewrittenOpCases() {}

    /** A case: the ONNX op type it covers, whether zkscope's fixed point is expected to quantize it. */
    public record Case(String name, String opType, Supplier<TestModels> model, double lo, double hi) {
        public OpCases.Case asOpCase() {
            return new OpCases.Case(name, model, lo, hi);
        }
    }

    public static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, String op, Supplier<TestModels> m) {
        CASES.add(new Case(name, op, m, -2, 2));
    }

    private static Onnx.AttributeProto graphAttr(String name, Onnx.GraphProto g) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(g)
                .build();
    }

    private static Onnx.AttributeProto strings(String name, String... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.STRINGS);
        for (String s : v) {
            b.addStrings(com.google.protobuf.ByteString.copyFromUtf8(s));
        }
        return b.build();
    }

    /** then: x * 1.5 + 0.25 (a branch initializer); else: x - 3. */
    private static TestModels ifModel(TestModels outer, String cond) {
        Onnx.GraphProto then = TestModels.opset(13).init("then_c", new int[] {1}, 1.5f)
                .op("Mul", "then_m", in("x", "then_c")).op("Add", "then_y", in("then_m", "then_c2"))
                .output("then_y").graph();
        Onnx.GraphProto otherwise = TestModels.opset(13).op("Sub", "else_y", in("x", "else_c")).output("else_y")
                .graph();
        return outer.init("then_c2", new int[] {1}, 0.25f).init("else_c", new int[] {1}, 3f)
                .node("If", in(cond), in("y"), graphAttr("then_branch", then), graphAttr("else_branch", otherwise))
                .output("y");
    }

    static {
        add("If constant true condition", "If", () -> ifModel(TestModels.opset(13).input("x", 2, 3)
                .initTensor(intTensor("cond", 9, new int[0], 1)), "cond"));
        add("If condition folded from the input's shape (else)", "If", () -> ifModel(TestModels.opset(13)
                .input("x", 2, 3).op("Shape", "s", in("x")).initLongs("zero", 0).op("Gather", "s0", in("s", "zero"))
                .initLongs("four", 4).op("Equal", "cond", in("s0", "four")), "cond"));

        add("LSTM forward, bias, initial state, Y/Y_h/Y_c", "LSTM", () -> TestModels.opset(14).input("x", 3, 2, 4)
                .input("h0", 1, 2, 5).input("c0", 1, 2, 5).initRandom("W", 11, 1, 20, 4).initRandom("R", 12, 1, 20, 5)
                .initRandom("B", 13, 1, 40)
                .node("LSTM", in("x", "W", "R", "B", "", "h0", "c0"), in("Y", "Yh", "Yc"), attr("hidden_size", 5L))
                .output("Y").output("Yh").output("Yc"));
        add("LSTM bidirectional, peepholes, no bias, Y_h only", "LSTM", () -> TestModels.opset(14)
                .input("x", 4, 1, 3).initRandom("W", 21, 2, 12, 3).initRandom("R", 22, 2, 12, 3)
                .initRandom("P", 23, 2, 9)
                .node("LSTM", in("x", "W", "R", "", "", "", "", "P"), in("", "Yh"), attr("hidden_size", 3L),
                        attr("direction", "bidirectional"))
                .output("Yh"));
        add("LSTM clip", "LSTM", () -> lstmClip(0));
        add("GRU forward, bias, Y and Y_h", "GRU", () -> TestModels.opset(14).input("x", 3, 2, 4)
                .input("h0", 1, 2, 5).initRandom("W", 41, 1, 15, 4).initRandom("R", 42, 1, 15, 5)
                .initRandom("B", 43, 1, 30)
                .node("GRU", in("x", "W", "R", "B", "", "h0"), in("Y", "Yh"), attr("hidden_size", 5L))
                .output("Y").output("Yh"));
        add("GRU reverse, linear_before_reset", "GRU", () -> TestModels.opset(14).input("x", 4, 1, 3)
                .initRandom("W", 51, 1, 12, 3).initRandom("R", 52, 1, 12, 4).initRandom("B", 53, 1, 24)
                .node("GRU", in("x", "W", "R", "B"), in("Y", "Yh"), attr("hidden_size", 4L),
                        attr("direction", "reverse"), attr("linear_before_reset", 1L))
                .output("Y").output("Yh"));

        add("ReduceProd axis 1 keepdims 0", "ReduceProd", () -> TestModels.opset(13).input("x", 2, 5, 3)
                .op("ReduceProd", "y", in("x"), ints("axes", 1), attr("keepdims", 0L)).output("y"));
        add("ReduceProd opset 18 every axis", "ReduceProd", () -> TestModels.opset(18).input("x", 2, 3)
                .op("ReduceProd", "y", in("x")).output("y"));
        add("ReduceProd opset 18 axes input -1", "ReduceProd", () -> TestModels.opset(18).input("x", 3, 4)
                .initLongs("axes", -1).op("ReduceProd", "y", in("x", "axes")).output("y"));

        add("TopK k=3 largest, last axis, values and indices", "TopK", () -> TestModels.opset(13).input("x", 2, 6)
                .initLongs("k", 3).node("TopK", in("x", "k"), in("v", "i"))
                .op("Cast", "fi", in("i"), attr("to", 1L)).output("v").output("fi"));
        add("TopK k=2 smallest, axis 0", "TopK", () -> TestModels.opset(13).input("x", 5, 3)
                .initLongs("k", 2).node("TopK", in("x", "k"), in("v", "i"), attr("axis", 0L), attr("largest", 0L))
                .op("Cast", "fi", in("i"), attr("to", 1L)).output("v").output("fi"));

        add("GatherElements by run-time TopK indices", "GatherElements", () -> TestModels.opset(13)
                .input("x", 3, 5).input("z", 3, 5).initLongs("k", 2).node("TopK", in("z", "k"), in("v", "i"))
                .op("GatherElements", "y", in("x", "i"), attr("axis", 1L)).output("y"));
        add("GatherElements by run-time ArgMax indices, axis 0", "GatherElements", () -> TestModels.opset(13)
                .input("x", 4, 3).input("z", 4, 3).op("ArgMax", "i", in("z"), attr("axis", 0L))
                .op("GatherElements", "y", in("x", "i"), attr("axis", 0L)).output("y"));
        add("GatherElements constant indices, negative index", "GatherElements", () -> TestModels.opset(13)
                .input("x", 2, 4).initTensor(intTensor("i", 7, new int[] {2, 3}, 3, -1, 0, 1, 1, -4))
                .op("GatherElements", "y", in("x", "i"), attr("axis", 1L)).output("y"));

        add("QuantizeLinear/DequantizeLinear uint8 zero point 128", "QuantizeLinear", () -> TestModels.opset(13)
                .input("x", 2, 6).init("s", new int[0], 0.02f).initTensor(intTensor("zp", 2, new int[0], 128))
                .op("QuantizeLinear", "q", in("x", "s", "zp")).op("DequantizeLinear", "y", in("q", "s", "zp"))
                .output("y"));
        add("QuantizeLinear int8 per-axis, integers out", "QuantizeLinear", () -> TestModels.opset(13)
                .input("x", 2, 3, 2).init("s", new int[] {3}, 0.01f, 0.02f, 0.05f)
                .initTensor(intTensor("zp", 3, new int[] {3}, 0, -5, 7))
                .op("QuantizeLinear", "q", in("x", "s", "zp"), attr("axis", 1L))
                .op("Cast", "y", in("q"), attr("to", 1L)).output("y"));
        add("DequantizeLinear int8 weights per channel, MatMul", "DequantizeLinear", () -> TestModels.opset(13)
                .input("x", 2, 3).initTensor(intTensor("w", 3, new int[] {3, 2}, 12, -7, 127, -128, 3, 40))
                .init("s", new int[] {2}, 0.01f, 0.03f).initTensor(intTensor("zp", 3, new int[] {2}, 1, -2))
                .op("DequantizeLinear", "wf", in("w", "s", "zp"), attr("axis", 1L)).op("MatMul", "y", in("x", "wf"))
                .output("y"));
        add("MatMulInteger of a quantized activation", "MatMulInteger", () -> TestModels.opset(13)
                .input("x", 2, 3).init("s", new int[0], 0.02f).initTensor(intTensor("zp", 2, new int[0], 128))
                .op("QuantizeLinear", "q", in("x", "s", "zp"))
                .initTensor(intTensor("w", 2, new int[] {3, 4}, 0, 255, 17, 128, 130, 90, 200, 1, 64, 128, 129, 7))
                .initTensor(intTensor("wzp", 2, new int[0], 128))
                .op("MatMulInteger", "acc", in("q", "w", "zp", "wzp")).op("Cast", "y", in("acc"), attr("to", 1L))
                .output("y"));
        add("QLinearMatMul uint8", "QLinearMatMul", () -> TestModels.opset(13).input("x", 2, 4)
                .init("s", new int[0], 0.02f).initTensor(intTensor("zp", 2, new int[0], 128))
                .op("QuantizeLinear", "q", in("x", "s", "zp"))
                .initTensor(intTensor("w", 2, new int[] {4, 3}, 0, 255, 17, 128, 130, 90, 200, 1, 64, 128, 129, 7))
                .init("ws", new int[0], 0.004f).initTensor(intTensor("wzp", 2, new int[0], 120))
                .init("ys", new int[0], 0.05f).initTensor(intTensor("yzp", 2, new int[0], 100))
                .op("QLinearMatMul", "qy", in("q", "s", "zp", "w", "ws", "wzp", "ys", "yzp"))
                .op("DequantizeLinear", "y", in("qy", "ys", "yzp")).output("y"));
        add("QLinearConv int8 per-channel weights, bias", "QLinearConv", () -> TestModels.opset(13)
                .input("x", 1, 2, 5, 5).init("s", new int[0], 0.02f).initTensor(intTensor("zp", 3, new int[0], 0))
                .op("QuantizeLinear", "q", in("x", "s", "zp"))
                .initTensor(intTensor("w", 3, new int[] {3, 2, 2, 2}, 10, -20, 30, -40, 50, -60, 70, -80, 90, -100,
                        110, -120, 127, -128, 5, 6, -7, 8, 9, -10, 11, 12, -13, 14))
                // scales whose ratios are not short decimals: at an exact tie (acc * s_x * s_w / s_y = k + 1/2)
                // ONNX Runtime's int8 requantization rounds up where the spec's (and zkscope's) half-to-even rounds
                .init("ws", new int[] {3}, 0.011f, 0.023f, 0.0057f).initTensor(intTensor("wzp", 3, new int[] {3}, 0, 0, 0))
                .init("ys", new int[0], 0.037f).initTensor(intTensor("yzp", 3, new int[0], -3))
                .initTensor(intTensor("b", 6, new int[] {3}, 100, -2000, 350))
                .op("QLinearConv", "qy", in("q", "s", "zp", "w", "ws", "wzp", "ys", "yzp", "b"),
                        ints("pads", 1, 1, 1, 1))
                .op("DequantizeLinear", "y", in("qy", "ys", "yzp")).output("y"));
        add("Size of the input, folded", "Size", () -> TestModels.opset(13).input("x", 2, 3)
                .op("Size", "n", in("x")).op("Cast", "nf", in("n"), attr("to", 1L)).op("Mul", "y", in("x", "nf"))
                .output("y"));
        add("Clip with a run-time min (dynamic range floor)", "Clip", () -> TestModels.opset(13).input("x", 2, 5)
                .op("ReduceMax", "m", in("x"), attr("keepdims", 0L)).init("r", new int[0], 1.5f)
                .op("Sub", "lo", in("m", "r")).op("Clip", "y", in("x", "lo")).output("y"));
        add("Clip with a run-time max and a constant min", "Clip", () -> TestModels.opset(13).input("x", 2, 5)
                .input("z", 1).init("lo", new int[0], -1f).op("Clip", "y", in("x", "lo", "z")).output("y"));
        add("Clip with a run-time min and an infinite max", "Clip", () -> TestModels.opset(13).input("x", 2, 5)
                .input("z", 1).init("hi", new int[0], Float.POSITIVE_INFINITY).op("Clip", "y", in("x", "z", "hi"))
                .output("y"));
        add("ConvInteger of a quantized activation", "ConvInteger", () -> TestModels.opset(13)
                .input("x", 1, 1, 4, 4).init("s", new int[0], 0.02f).initTensor(intTensor("zp", 2, new int[0], 128))
                .op("QuantizeLinear", "q", in("x", "s", "zp"))
                .initTensor(intTensor("w", 2, new int[] {2, 1, 2, 2}, 0, 255, 17, 128, 130, 90, 200, 1))
                .initTensor(intTensor("wzp", 2, new int[0], 128))
                .op("ConvInteger", "acc", in("q", "w", "zp", "wzp")).op("Cast", "y", in("acc"), attr("to", 1L))
                .output("y"));
    }

    /**
     * An LSTM with clip 0.8 in layout 0 (X [3, 2, 4]) or layout 1 (X [2, 3, 4], batch first; ONNX Runtime refuses
     * layout 1, so the test compares it with layout 0 on transposed inputs).
     */
    public static TestModels lstmClip(int layout) {
        return TestModels.opset(14).input("x", layout == 0 ? 3 : 2, layout == 0 ? 2 : 3, 4)
                .initRandom("W", 31, 1, 16, 4).initRandom("R", 32, 1, 16, 4).initRandom("B", 33, 1, 32)
                .node("LSTM", in("x", "W", "R", "B"), in("Y", "Yh"), attr("hidden_size", 4L),
                        attr("layout", (long) layout), attr("clip", 0.8f))
                .output("Y").output("Yh");
    }

    /** An LSTM with a non-default activation list, for the refusal test. */
    public static TestModels lstmWithActivations() {
        return TestModels.opset(14).input("x", 2, 1, 3).initRandom("W", 1, 1, 8, 3).initRandom("R", 2, 1, 8, 2)
                .node("LSTM", in("x", "W", "R"), in("Y"), attr("hidden_size", 2L),
                        strings("activations", "Relu", "Tanh", "Tanh"))
                .output("Y");
    }

    /** {@link #ifModel} for other tests: If(cond) on x with then x * 1.5 + 0.25 and else x - 3. */
    public static TestModels ifModelPublic(TestModels outer, String cond) {
        return ifModel(outer, cond);
    }

    /** An If whose condition is computed from the input's values at run time. */
    public static TestModels ifRunTime() {
        return ifModel(TestModels.opset(13).input("x", 2, 3).init("zero", new int[0], 0f)
                .op("ReduceSum", "sum", in("x")).op("Greater", "cond", in("sum", "zero")), "cond");
    }
}
