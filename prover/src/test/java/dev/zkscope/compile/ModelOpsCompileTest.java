package dev.zkscope.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OpCases;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ops real exports use beyond the CNN and transformer sets (ConvTranspose, Einsum, Resize, ArgMax/ArgMin,
 * LogSoftmax, ReduceMin/L1/L2/SumSquare/LogSumExp, Instance/GroupNormalization), on their {@link OpCases}: the
 * quantized outputs stay close to the float ones (fidelity), the witness checks clean, and a witness in which any
 * output cell of the op is wrong by one is rejected (cheating witness). Wiring ops (nearest Resize) have no cells of
 * their own: their outputs are their inputs' cells under copy constraints.
 */
class ModelOpsCompileTest {
    private static final Set<Class<? extends Op>> OPS = Set.of(Op.ConvTranspose.class, Op.Einsum.class,
            Op.Resize.class, Op.ArgExtreme.class, Op.LogSoftmax.class, Op.GroupNorm.class, Op.Reduce.class, Op.Mod.class);

    private static boolean mine(Node n) {
        if (n.op() instanceof Op.Reduce r) {
            return switch (r.reduce()) {
                case MIN, L1, L2, SUM_SQUARE, LOG_SUM_EXP -> true;
                default -> false;
            };
        }
        return OPS.contains(n.op().getClass()) && !(n.op() instanceof Op.Resize rs && !rs.linear());
    }

    @TestFactory
    Stream<DynamicTest> newOps_fidelityCleanWitnessAndCheatingWitnessRejected() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (OpCases.Case c : OpCases.CASES) {
            Graph probe = c.model().get().load();
            if (probe.nodes().stream().noneMatch(ModelOpsCompileTest::mine)) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(20);
        return tests.stream();
    }

    private static void check(OpCases.Case c) throws Exception {
        Graph g = c.model().get().load();
        Random r = new Random(c.name().hashCode());
        List<List<Tensor>> calib = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            calib.add(CheatingWitness.uniformInput(g, c.lo(), c.hi(), r));
        }
        QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.fixed(7, 7)).graph();
        CompiledModel cm = ModelCompiler.compile(q, CompileOptions.defaults()
                .withInputAbsMax(Math.max(Math.abs(c.lo()), Math.abs(c.hi()))));
        List<Tensor> in = calib.get(0);
        // fidelity: quantized (2^-7) against float
        QuantizedEvaluator.Result res = new QuantizedEvaluator(q).run(in);
        Tensor fl = new FloatEvaluator(g).run(in).get(0);
        Tensor qo = res.dequantizedOutputs().get(0);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double err = 0;
        for (int i = 0; i < fl.size(); i++) {
            lo = Math.min(lo, fl.get(i));
            hi = Math.max(hi, fl.get(i));
            err = Math.max(err, Math.abs(fl.get(i) - qo.get(i)));
        }
        boolean arg = g.nodes().stream().anyMatch(n -> n.op() instanceof Op.ArgExtreme);
        if (arg) {
            // an index: equal unless the two best values are within quantization error of each other
            assertThat(err).as("%s: argmax/argmin index differs", c.name()).isLessThanOrEqualTo(
                    nearTie(g, in) ? Double.MAX_VALUE : 0);
        } else {
            assertThat(err).as("%s: max |quantized - float| (outputs in [%s, %s])", c.name(), lo, hi)
                    .isLessThanOrEqualTo(0.06 * Math.max(1, hi - lo));
        }
        // honest witness
        ModelWitness w = CheatingWitness.honest(cm, g, q, res, in);
        assertThat(cm.check(w.witness())).as(c.name()).isEmpty();
        // cheating witness: every output cell of the op, off by one either way, is rejected
        int tampered = 0;
        for (Node n : g.nodes()) {
            if (!mine(n)) {
                continue;
            }
            Cell[] cells = cm.nodeCells(n.name());
            int step = Math.max(1, cells.length / 24);
            for (int i = 0; i < cells.length; i += step) {
                Cell cell = cells[i];
                if (cell.column().kind() != ColumnKind.ADVICE) {
                    continue;
                }
                long delta = i % 2 == 0 ? 1 : -1;
                assertThat(cm.check(CheatingWitness.offBy(w.witness(), cell, delta)))
                        .as("%s: node %s cell %s off by %d", c.name(), n.name(), cell, delta).isNotEmpty();
                tampered++;
            }
        }
        assertThat(tampered).as("%s: output cells tampered", c.name()).isGreaterThanOrEqualTo(1);
    }

    /** Whether some group's two best float values are within 2^-6 (quantization can reorder them). */
    private static boolean nearTie(Graph g, List<Tensor> in) {
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.ArgExtreme a) {
                Tensor x = in.get(0);
                int[] s = x.shape();
                int len = s[a.axis()];
                int inner = dev.zkscope.ir.Shapes.product(s, a.axis() + 1, s.length);
                int outer = dev.zkscope.ir.Shapes.product(s, 0, a.axis());
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        double[] v = new double[len];
                        for (int k = 0; k < len; k++) {
                            v[k] = x.get((o * len + k) * inner + i);
                        }
                        java.util.Arrays.sort(v);
                        if (v[len - 1] - v[len - 2] < 1.0 / 64 || (len > 1 && v[1] - v[0] < 1.0 / 64)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    @org.junit.jupiter.api.Test
    void stillRefusedOps_nameTheNodeTheOpAndWhatToDo() throws Exception {
        // DynamicQuantizeLinear picks its scale at run time; the plain RNN cell is not unrolled (LSTM and GRU are)
        Graph g = dev.zkscope.onnx.TestModels.opset(13).input("x", 2, 3)
                .node("DynamicQuantizeLinear", dev.zkscope.onnx.TestModels.in("x"),
                        dev.zkscope.onnx.TestModels.in("q", "qs", "qzp"))
                .output("q").load();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Calibrator.calibrate(g, List.of(List.of(
                        Tensor.zeros(new int[] {2, 3}))), QuantOptions.fixed(7, 7)))
                .isInstanceOf(dev.zkscope.ir.UnsupportedModelException.class)
                .hasMessageContaining("'q_node'").hasMessageContaining("DynamicQuantizeLinear")
                .hasMessageContaining("give it the float model");
        Graph t = dev.zkscope.onnx.TestModels.opset(14).input("x", 2, 1, 3).initRandom("W", 1, 1, 2, 3)
                .initRandom("R", 2, 1, 2, 2).node("RNN", dev.zkscope.onnx.TestModels.in("x", "W", "R"),
                        dev.zkscope.onnx.TestModels.in("y"), dev.zkscope.onnx.TestModels.attr("hidden_size", 2L))
                .output("y").load();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FloatEvaluator(t).run(List.of(
                        Tensor.zeros(new int[] {2, 1, 3}))))
                .hasMessageContaining("RNN").hasMessageContaining("unrolled");
    }

    @org.junit.jupiter.api.Test
    void modByADivisorNotExactInFixedPoint_isRefusedWithTheFix() throws Exception {
        Graph g = dev.zkscope.onnx.TestModels.opset(13).input("x", 2, 3).init("d", new int[] {1}, 0.3f)
                .op("Mod", "y", dev.zkscope.onnx.TestModels.in("x", "d"), dev.zkscope.onnx.TestModels.attr("fmod", 1L))
                .output("y").load();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Calibrator.calibrate(g, List.of(List.of(
                        Tensor.zeros(new int[] {2, 3}))), QuantOptions.fixed(7, 7)))
                .isInstanceOf(dev.zkscope.ir.UnsupportedModelException.class)
                .hasMessageContaining("'y_node'").hasMessageContaining("not a non-zero multiple of 2^-7");
    }
}
