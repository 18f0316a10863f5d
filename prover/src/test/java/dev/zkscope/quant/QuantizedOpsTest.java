package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.OpCases;
import dev.zkscope.onnx.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Quantized semantics of every op: close to float at a fine scale, and exact integer results on hand examples. */
class QuantizedOpsTest {
    private static List<List<Tensor>> inputs(Graph g, OpCases.Case c, int count, long seed) {
        Random r = new Random(seed);
        List<List<Tensor>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<Tensor> one = new ArrayList<>();
            for (Graph.Value v : g.inputs()) {
                double[] d = new double[v.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = c.lo() + r.nextDouble() * (c.hi() - c.lo());
                }
                one.add(Tensor.of(v.shape(), d));
            }
            out.add(one);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> quantizedOp_tracksFloatAtScale12() {
        return OpCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Graph g = c.model().get().load();
            List<List<Tensor>> calib = inputs(g, c, 8, 1);
            Calibrator.Calibration cal;
            try {
                cal = Calibrator.calibrate(g, calib, QuantOptions.fixed(12, 12));
            } catch (UnsupportedModelException e) {
                // Ops without a fixed-point form must say so by name; only these do.
                assertThat(c.name()).containsAnyOf("Pow tensor exponent");
                return;
            }
            FloatEvaluator fe = new FloatEvaluator(g);
            QuantizedEvaluator qe = new QuantizedEvaluator(cal.graph(), QuantizedEvaluator.RangeMode.CLAMP);
            for (List<Tensor> in : inputs(g, c, 3, 2)) {
                List<Tensor> f = fe.run(in);
                List<Tensor> q = qe.run(in).dequantizedOutputs();
                for (int o = 0; o < f.size(); o++) {
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    double err = 0;
                    for (int i = 0; i < f.get(o).size(); i++) {
                        lo = Math.min(lo, f.get(o).get(i));
                        hi = Math.max(hi, f.get(o).get(i));
                        err = Math.max(err, Math.abs(f.get(o).get(i) - q.get(o).get(i)));
                    }
                    assertThat(err).as("max |float - fixed| of output %d", o).isLessThanOrEqualTo(0.01 * Math.max(1, hi - lo));
                }
            }
        }));
    }

    @Test
    void gemm_rescalesAccumulatorHalfUp() throws Exception {
        // y = x·W + b with s = sp = 2: x = [0.75, -0.5] -> [3, -2]; W = [[0.5], [0.25]] -> [[2], [1]]; b = 0.125 at
        // scale 4 -> 2. acc = 3·2 + (-2)·1 + 2 = 6; out = rescale(6, 2) = floor((6 + 2) / 4) = 2, i.e. 0.5.
        Graph g = TestModels.opset(13).input("x", 1, 2).init("w", new int[] {2, 1}, 0.5f, 0.25f)
                .init("b", new int[] {1}, 0.125f).op("Gemm", "y", TestModels.in("x", "w", "b")).output("y").load();
        QuantizedGraph q = new Quantizer(g, 2, 2).build(Target.RESOURCES, null);
        QNode n = q.nodes().get(0);
        assertThat(n.param("W").data()).containsExactly(2, 1);
        assertThat(n.param("B").data()).containsExactly(2);
        assertThat(n.param("B").scale()).isEqualTo(4);
        assertThat(n.shift()).isEqualTo(2);
        QuantizedEvaluator.Result r = new QuantizedEvaluator(q).run(List.of(Tensor.of(new int[] {1, 2}, new double[] {0.75, -0.5})));
        assertThat(r.outputs().get(0).data()).containsExactly(2);
    }

    @Test
    void softmax_isExpTableThenDivRound() throws Exception {
        Graph g = TestModels.opset(13).input("x", 1, 3).op("Softmax", "y", TestModels.in("x")).output("y").load();
        int s = 4;
        QuantizedGraph q = new Quantizer(g, s, s).build(Target.RESOURCES, java.util.Map.of(g.nodes().get(0).name(),
                new long[] {-64, 0}));
        long[] x = {16, 0, -8};
        long[] e = new long[3];
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            e[i] = FixedPoint.quantize(Math.exp((x[i] - 16) / 16.0), s);
            sum += e[i];
        }
        QuantizedEvaluator.Result r = new QuantizedEvaluator(q).runQuantized(List.of(new QTensor(new int[] {1, 3}, x, s)));
        for (int i = 0; i < 3; i++) {
            assertThat(r.outputs().get(0).data()[i]).isEqualTo(FixedPoint.divRound(e[i] * 16, sum));
        }
    }

    @Test
    void tableInputOutsideRange_isRejectedNamingNodeAndValue() throws Exception {
        Graph g = TestModels.opset(13).input("x", 1, 2).op("Sigmoid", "y", TestModels.in("x")).output("y").load();
        QuantizedGraph q = new Quantizer(g, 4, 4).build(Target.RESOURCES, java.util.Map.of(g.nodes().get(0).name(),
                new long[] {-32, 32}));
        QuantizedEvaluator strict = new QuantizedEvaluator(q);
        assertThat(strict.run(List.of(Tensor.of(new int[] {1, 2}, new double[] {1.0, -2.0}))).outputs().get(0).data())
                .containsExactly(FixedPoint.tableValue(x -> 1 / (1 + Math.exp(-x)), 16, 4, 4),
                        FixedPoint.tableValue(x -> 1 / (1 + Math.exp(-x)), -32, 4, 4));
        assertThatThrownBy(() -> strict.run(List.of(Tensor.of(new int[] {1, 2}, new double[] {3.0, 0}))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("y_node").hasMessageContaining("48");
        QuantizedEvaluator.Result clamped = new QuantizedEvaluator(q, QuantizedEvaluator.RangeMode.CLAMP)
                .run(List.of(Tensor.of(new int[] {1, 2}, new double[] {3.0, 0})));
        assertThat(clamped.clampedLookups()).isEqualTo(1);
    }

    @Test
    void everyIntermediateTensorIsReturned() throws Exception {
        Graph g = TestModels.opset(13).input("x", 1, 4).initRandom("w", 1, 4, 3).op("MatMul", "h", TestModels.in("x", "w"))
                .op("Relu", "y", TestModels.in("h")).output("y").load();
        QuantizedGraph q = new Quantizer(g, 6, 6).build(Target.RESOURCES, null);
        QuantizedEvaluator.Result r = new QuantizedEvaluator(q).run(List.of(Tensor.of(new int[] {1, 4},
                new double[] {0.1, -0.2, 0.3, 0.4})));
        assertThat(r.values()).containsKeys("x", "h", "y");
        long[] h = r.values().get("h").data();
        long[] y = r.values().get("y").data();
        for (int i = 0; i < h.length; i++) {
            assertThat(y[i]).isEqualTo(Math.max(0, h[i]));
        }
    }
}
