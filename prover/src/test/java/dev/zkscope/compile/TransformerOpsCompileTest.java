package dev.zkscope.compile;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Witness;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ops a transformer export needs beyond the CNN set: Gather from an embedding by run-time token ids (int64 input,
 * scale 0), Div by a run-time value (decomposed LayerNorm), Where with a constant condition (a causal mask). Each
 * compiles, its witness equals the quantized evaluator and checks clean, and a wrong witness value is caught.
 */
class TransformerOpsCompileTest {
    private record Built(Graph g, QuantizedGraph q, CompiledModel cm) {}

    private static Built build(TestModels tm, List<List<Tensor>> calib) throws Exception {
        Graph g = tm.load();
        QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.fixed(7, 7)).graph();
        CompiledModel cm = ModelCompiler.compile(q, CompileOptions.defaults().withInputAbsMax(4));
        return new Built(g, q, cm);
    }

    private static long[] quantized(Built b, List<Tensor> in) {
        List<long[]> parts = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            parts.add(QTensor.quantize(in.get(i), b.g().inputs().get(i).isInteger() ? 0 : b.q().inputScale()).data());
        }
        return parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    }

    /** Witness of one input; asserts it equals the evaluator node by node and checks clean. */
    private static Witness honest(Built b, List<Tensor> in) {
        QuantizedEvaluator.Result res = new QuantizedEvaluator(b.q()).run(in);
        Map<String, long[]> ref = new LinkedHashMap<>();
        for (Node n : b.g().nodes()) {
            QTensor t = res.values().get(n.outputs().get(0));
            if (t != null) {
                ref.put(n.name(), t.data());
            }
        }
        var w = b.cm().witness(quantized(b, in), ref);
        assertThat(b.cm().check(w.witness())).isEmpty();
        assertThat(w.output()).containsExactly(res.outputs().get(0).data());
        return w.witness();
    }

    private static String last(Graph g) {
        return g.nodes().get(g.nodes().size() - 1).name();
    }

    private static Tensor ids(long... v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return Tensor.of(new int[] {1, v.length}, d);
    }

    private static TestModels embedding() {
        return TestModels.opset(13).typedInput("ids", 7, 1, 4).initRandom("E", 3, 6, 3)
                .node("Gather", in("E", "ids"), in("y"), attr("axis", 0L)).output("y");
    }

    @Test
    void gatherByTokenIds_compilesChecksClean_andWrongValueIsCaught() throws Exception {
        Built b = build(embedding(), List.of(List.of(ids(0, 1, 2, 3)), List.of(ids(5, 4, 0, 5))));
        Witness w = honest(b, List.of(ids(5, 0, 3, 3)));
        for (Cell c : b.cm().nodeCells(last(b.g()))) {
            assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("output cell %s", c).isNotEmpty();
        }
    }

    @Test
    void gatherByTokenIds_outOfRangeIndexIsRefused() throws Exception {
        Built b = build(embedding(), List.of(List.of(ids(0, 1, 2, 3))));
        assertThatThrownBy(() -> new QuantizedEvaluator(b.q()).run(List.of(ids(6, 0, 0, 0))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("outside [0, 6)");
        assertThatThrownBy(() -> b.cm().witness(new long[] {0, 6, 0, 0}))
                .isInstanceOf(WitnessException.class);
        assertThatThrownBy(() -> b.cm().witness(new long[] {-1, 0, 0, 0}))
                .isInstanceOf(WitnessException.class);
    }

    @Test
    void gatherByTokenIds_matchesTheTableExactly() throws Exception {
        Built b = build(embedding(), List.of(List.of(ids(0, 1, 2, 3))));
        QTensor y = new QuantizedEvaluator(b.q()).run(List.of(ids(2, 2, 5, 0))).outputs().get(0);
        double[] e = b.g().weights().get("E").data();
        int[] idx = {2, 2, 5, 0};
        for (int p = 0; p < 4; p++) {
            for (int j = 0; j < 3; j++) {
                assertThat(y.data()[p * 3 + j]).isEqualTo(Math.round(Math.scalb(e[idx[p] * 3 + j], 7)));
            }
        }
    }

    @Test
    void integerInputReadByArithmetic_isRefusedWithTheReason() throws Exception {
        Graph g = TestModels.opset(13).typedInput("ids", 7, 1, 4).initRandom("c", 1, 1, 4)
                .op("Cast", "f", in("ids"), attr("to", 1L)).op("Add", "y", in("f", "c")).output("y").load();
        assertThatThrownBy(() -> Calibrator.calibrate(g, List.of(List.of(ids(0, 1, 2, 3))), QuantOptions.fixed(7, 7)))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("indices of a Gather");
    }

    private static List<Tensor> pair(Random r, double lo, double hi) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            double[] d = new double[6];
            for (int i = 0; i < 6; i++) {
                d[i] = lo + r.nextDouble() * (hi - lo);
            }
            out.add(Tensor.of(new int[] {2, 3}, d));
        }
        return out;
    }

    @Test
    void divisionByRunTimeValue_compilesChecksClean_andWrongQuotientIsCaught() throws Exception {
        TestModels tm = TestModels.opset(13).input("a", 2, 3).input("b", 2, 3).op("Div", "y", in("a", "b")).output("y");
        Random r = new Random(3);
        List<List<Tensor>> calib = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            calib.add(pair(r, 0.5, 3));
        }
        Built b = build(tm, calib);
        List<Tensor> in = pair(r, 0.5, 3);
        Witness w = honest(b, in);
        QTensor y = new QuantizedEvaluator(b.q()).run(in).outputs().get(0);
        for (int i = 0; i < 6; i++) {
            double want = in.get(0).data()[i] / in.get(1).data()[i];
            assertThat(Math.abs(y.data()[i] / 128.0 - want)).isLessThan(0.1);
        }
        for (Cell c : b.cm().nodeCells(last(b.g()))) {
            assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("quotient cell %s", c).isNotEmpty();
            assertThat(b.cm().check(CheatingWitness.offBy(w, c, -1))).as("quotient cell %s", c).isNotEmpty();
        }
    }

    @Test
    void divisionByNonPositiveRunTimeValue_isRefused() throws Exception {
        TestModels tm = TestModels.opset(13).input("a", 2, 3).input("b", 2, 3).op("Div", "y", in("a", "b")).output("y");
        Random r = new Random(4);
        Built b = build(tm, List.of(pair(r, 0.5, 3)));
        List<Tensor> in = pair(r, 0.5, 3);
        double[] d = in.get(1).data().clone();
        d[2] = -1;
        List<Tensor> bad = List.of(in.get(0), Tensor.of(new int[] {2, 3}, d));
        assertThatThrownBy(() -> new QuantizedEvaluator(b.q()).run(bad)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("not positive");
    }

    @Test
    void whereWithConstantMask_isWiring_andWrongValueDownstreamIsCaught() throws Exception {
        float[] mask = {1, 0, 0, 1, 1, 0};
        TestModels tm = TestModels.opset(13).input("x", 2, 3).init("m", new int[] {2, 3}, mask)
                .init("fill", new int[] {1}, -3f).init("one", new int[] {1}, 1f)
                .op("Cast", "c", in("m"), attr("to", 9L))
                .op("Where", "w", in("c", "x", "fill")).op("Mul", "y", in("w", "one")).output("y");
        Random r = new Random(7);
        List<List<Tensor>> calib = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            calib.add(List.of(pair(r, -2, 2).get(0)));
        }
        Built b = build(tm, calib);
        List<Tensor> in = List.of(pair(r, -2, 2).get(0));
        Witness w = honest(b, in);
        QTensor y = new QuantizedEvaluator(b.q()).run(in).outputs().get(0);
        for (int i = 0; i < 6; i++) {
            long want = mask[i] != 0 ? Math.round(Math.scalb(in.get(0).data()[i], 7)) : -3 * 128;
            assertThat(y.data()[i]).isEqualTo(want);
        }
        for (Cell c : b.cm().nodeCells(last(b.g()))) {
            assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("output cell %s", c).isNotEmpty();
        }
    }
    @Test
    void comparisonsLogicAndRunTimeWhere_compileCheckClean_andEveryWrongValueIsCaught() throws Exception {
        TestModels tm = TestModels.opset(13).input("x", 2, 3).input("y", 2, 3)
                .init("zero", new int[] {1}, 0f).init("two", new int[] {1}, 2f)
                .op("Less", "c1", in("x", "y")).op("Greater", "c2", in("x", "zero"))
                .op("Equal", "c3", in("c1", "c2")).op("Not", "n2", in("c2")).op("Or", "c4", in("c1", "n2"))
                .op("LessOrEqual", "le", in("x", "y")).op("GreaterOrEqual", "ge", in("x", "y"))
                .op("Xor", "c5", in("c3", "le")).op("And", "c6", in("c5", "c4"))
                .op("Where", "w1", in("c6", "x", "y")).op("Where", "w2", in("ge", "x", "two"))
                .op("Cast", "f4", in("c4"), attr("to", 1L)).op("Add", "s1", in("w1", "w2"))
                .op("Add", "out", in("s1", "f4")).output("out");
        Random r = new Random(11);
        List<List<Tensor>> calib = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            calib.add(pair(r, -2, 2));
        }
        Built b = build(tm, calib);
        for (int trial = 0; trial < 3; trial++) {
            List<Tensor> in = pair(r, -2, 2);
            Witness w = honest(b, in);
            double[] want = new dev.zkscope.ir.FloatEvaluator(b.g()).run(in).get(0).data();
            QTensor got = new QuantizedEvaluator(b.q()).run(in).outputs().get(0);
            for (int i = 0; i < want.length; i++) {
                assertThat(Math.abs(got.data()[i] / 128.0 - want[i])).as("element %d", i).isLessThan(0.02);
            }
            if (trial == 0) {
                for (Node n : b.g().nodes()) {
                    for (Cell c : b.cm().nodeCells(n.name())) {
                        assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("node %s cell %s", n.name(), c)
                                .isNotEmpty();
                    }
                }
            }
        }
    }

    @Test
    void logicOnNonBooleans_isRefusedWithTheReason() throws Exception {
        Graph g = TestModels.opset(13).input("x", 2, 3).op("Not", "y", in("x")).output("y").load();
        assertThatThrownBy(() -> Calibrator.calibrate(g, List.of(List.of(pair(new Random(1), -1, 1).get(0))),
                QuantOptions.fixed(7, 7))).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("not a boolean");
    }
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tableUnaries_wrongOutputIsCaught() {
        return java.util.stream.Stream.of("Floor", "Ceil", "Round", "Softplus", "Elu", "Selu", "Celu", "Mish", "Sin",
                "Cos", "Sqrt", "Reciprocal").map(op -> org.junit.jupiter.api.DynamicTest.dynamicTest(op, () -> {
            boolean positive = op.equals("Sqrt") || op.equals("Reciprocal");
            TestModels tm = TestModels.opset(op.equals("Mish") ? 18 : 13).input("x", 2, 3)
                    .op(op, "y", in("x")).output("y");
            Random r = new Random(op.hashCode());
            List<List<Tensor>> calib = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                calib.add(List.of(pair(r, positive ? 0.5 : -2, 2).get(0)));
            }
            Built b = build(tm, calib);
            Witness w = honest(b, calib.get(0));
            for (Cell c : b.cm().nodeCells(last(b.g()))) {
                assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("%s output cell %s", op, c).isNotEmpty();
            }
        }));
    }
    @Test
    void cumSum_wrongRunningSumIsCaught() throws Exception {
        TestModels tm = TestModels.opset(14).input("x", 2, 3).initLongs("a", 1)
                .op("CumSum", "y", in("x", "a"), attr("exclusive", 1L)).output("y");
        Random r = new Random(21);
        List<List<Tensor>> calib = List.of(List.of(pair(r, -2, 2).get(0)), List.of(pair(r, -2, 2).get(0)));
        Built b = build(tm, calib);
        Witness w = honest(b, calib.get(0));
        QTensor y = new QuantizedEvaluator(b.q()).run(calib.get(0)).outputs().get(0);
        assertThat(y.data()[0]).isZero();
        assertThat(y.data()[3]).isZero();
        int tampered = 0;
        for (Cell c : b.cm().nodeCells(last(b.g()))) {
            if (c.column().kind() == dev.zkscope.circuit.ColumnKind.ADVICE) {
                assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("running sum cell %s", c).isNotEmpty();
                tampered++;
            }
        }
        assertThat(tampered).isGreaterThanOrEqualTo(4);
    }
}
