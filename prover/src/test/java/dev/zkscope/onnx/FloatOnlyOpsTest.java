package dev.zkscope.onnx;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.quant.Quantizer;
import dev.zkscope.quant.Target;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Ops that real exports use for masks and selections (Where, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not,
 * Expand, Trilu): each checked against ONNX Runtime like {@link OrtConformanceTest} (boolean results cast back to
 * float, as ORT returns bools), quantized and compiled on run-time values (witness checks clean and equals the
 * quantized evaluator), and folded to a constant at import when their inputs are constants (a causal mask).
 */
class FloatOnlyOpsTest {
    static final List<OpCases.Case> CASES = List.of(
            new OpCases.Case("Where(Less(a, b), a, b) = elementwise min", () -> TestModels.opset(13).input("a", 2, 3)
                    .input("b", 3).op("Less", "c", in("a", "b")).op("Where", "y", in("c", "a", "b")).output("y"), -2, 2),
            new OpCases.Case("Where broadcast, constant branch", () -> TestModels.opset(13).input("a", 2, 1, 4)
                    .init("k", new int[] {1}, -1e4f).op("Greater", "c", in("a", "k")).op("Where", "y", in("c", "k", "a"))
                    .output("y"), -2, 2),
            new OpCases.Case("Equal on integers, Cast to float", () -> TestModels.opset(13).input("a", 2, 5).input("b", 5)
                    .op("Cast", "ai", in("a"), attr("to", 7L)).op("Cast", "bi", in("b"), attr("to", 7L))
                    .op("Equal", "e", in("ai", "bi")).op("Cast", "y", in("e"), attr("to", 1L)).output("y"), -2, 2),
            new OpCases.Case("LessOrEqual, GreaterOrEqual, Not", () -> TestModels.opset(13).input("a", 3, 4).input("b", 4)
                    .op("LessOrEqual", "le", in("a", "b")).op("GreaterOrEqual", "ge", in("a", "b"))
                    .op("Not", "nge", in("ge")).op("Cast", "y1", in("le"), attr("to", 1L))
                    .op("Cast", "y2", in("nge"), attr("to", 1L)).output("y1").output("y2"), -2, 2),
            new OpCases.Case("Expand to a constant shape", () -> TestModels.opset(13).input("a", 3, 1)
                    .initLongs("s", 2, 1, 4).op("Expand", "y", in("a", "s")).output("y"), -2, 2),
            new OpCases.Case("Trilu lower, k = 1", () -> TestModels.opset(14).input("a", 2, 3, 4).initLongs("k", 1)
                    .op("Trilu", "y", in("a", "k"), attr("upper", 0L)).output("y"), -2, 2),
            new OpCases.Case("Trilu upper, default k", () -> TestModels.opset(14).input("a", 4, 3)
                    .op("Trilu", "y", in("a")).output("y"), -2, 2));

    @TestFactory
    Stream<DynamicTest> floatEvaluator_matchesOnnxRuntime() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> OrtConformanceTest.check(c)));
    }

    /** The one case the quantizer still refuses: integer arithmetic on the data path (Cast to int64). */
    static final String REFUSED = "Equal on integers, Cast to float";

    @TestFactory
    Stream<DynamicTest> quantizer_compilesEachCase_orRefusesByName() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Graph g = c.model().get().load();
            if (c.name().equals(REFUSED)) {
                assertThatThrownBy(() -> new Quantizer(g, 8, 8).build(Target.RESOURCES, null))
                        .isInstanceOf(UnsupportedModelException.class)
                        .hasMessageContaining("Cast to an integer type");
                return;
            }
            java.util.Random r = new java.util.Random(3);
            List<List<dev.zkscope.ir.Tensor>> calib = new java.util.ArrayList<>();
            for (int k = 0; k < 4; k++) {
                calib.add(g.inputs().stream().map(v -> {
                    double[] d = new double[v.size()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = -2 + 4 * r.nextDouble();
                    }
                    return dev.zkscope.ir.Tensor.of(v.shape(), d);
                }).collect(java.util.stream.Collectors.toList()));
            }
            dev.zkscope.quant.QuantizedGraph q = dev.zkscope.quant.Calibrator.calibrate(g, calib,
                    dev.zkscope.quant.QuantOptions.fixed(7, 7)).graph();
            dev.zkscope.compile.CompiledModel cm = dev.zkscope.compile.ModelCompiler.compile(q,
                    dev.zkscope.compile.CompileOptions.defaults().withInputAbsMax(2));
            List<dev.zkscope.ir.Tensor> in = calib.get(0);
            long[] x = in.stream().flatMapToLong(t -> java.util.Arrays.stream(
                    dev.zkscope.quant.QTensor.quantize(t, q.inputScale()).data())).toArray();
            var res = new dev.zkscope.quant.QuantizedEvaluator(q).run(in);
            var w = cm.witness(x);
            assertThat(cm.check(w.witness())).isEmpty();
            assertThat(w.output()).containsExactly(res.outputs().stream().flatMapToLong(t -> java.util.Arrays.stream(
                    t.data())).toArray());
        }));
    }

    @Test
    void constantMask_foldsAtImport() throws Exception {
        // mask = Where(Less(row, col), -1e4, 0) from constants, added to the data: only the Add remains.
        Graph g = TestModels.opset(13).input("x", 2, 2).init("row", new int[] {2, 1}, 0, 1).init("col", new int[] {1, 2}, 0, 1)
                .init("neg", new int[] {1}, -1e4f).init("zero", new int[] {1}, 0f)
                .op("Less", "lt", in("row", "col")).op("Where", "mask", in("lt", "neg", "zero"))
                .op("Add", "y", in("x", "mask")).output("y").load();
        assertThat(g.nodes()).hasSize(1);
        assertThat(g.nodes().get(0).op()).isEqualTo(new Op.Binary(Op.BinaryKind.ADD));
        assertThat(g.weights().get("mask").data()).containsExactly(0, -1e4, 0, 0);
    }

    @Test
    void expand_withRunTimeShape_isAnUnsupportedNode() throws Exception {
        Graph g = TestModels.opset(13).input("a", 3, 1).input("s", 2).op("Expand", "y", in("a", "s")).output("y").load();
        assertThat(g.unsupported()).hasSize(1);
        assertThat(((Op.Unsupported) g.unsupported().get(0).op()).reason()).contains("run time");
    }
}
