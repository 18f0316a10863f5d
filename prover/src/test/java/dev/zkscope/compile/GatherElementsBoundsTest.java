package dev.zkscope.compile;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.circuit.Witness;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GatherElements with run-time indices out of range: ONNX Runtime refuses the index, and so do zkscope's float and
 * quantized evaluators (naming the node, the value and the valid range [-n, n - 1]); in the circuit the one-hot hit
 * count of every index is looked up in the one-entry table {1}, so a witness whose index matched no position (what an
 * out-of-range index gives) is rejected. The index is ArgMax(z) + offset, so the input decides whether it is in range.
 */
class GatherElementsBoundsTest {
    private static Graph model(long offset) throws Exception {
        return TestModels.opset(13).input("x", 3, 5).input("z", 3, 5).initLongs("off", offset)
                .op("ArgMax", "a", in("z"), attr("axis", 1L)).op("Add", "i", in("a", "off"))
                .op("GatherElements", "y", in("x", "i"), attr("axis", 1L)).output("y").load();
    }

    private static Tensor x() {
        double[] d = new double[15];
        for (int k = 0; k < d.length; k++) {
            d[k] = 0.25 * k - 1.5;
        }
        return Tensor.of(new int[] {3, 5}, d);
    }

    /** z whose row r has its maximum at column arg[r]. */
    private static Tensor z(int... arg) {
        double[] d = new double[15];
        for (int r = 0; r < 3; r++) {
            d[r * 5 + arg[r]] = 1;
        }
        return Tensor.of(new int[] {3, 5}, d);
    }

    @Test
    void inRangeIndices_positiveAndNegative_gatherTheRightElements() throws Exception {
        Tensor x = x();
        for (long off : new long[] {0, 2, -5, -3}) {
            Graph g = model(off);
            Tensor y = new FloatEvaluator(g).run(List.of(x, z(0, 1, 2))).get(0);
            for (int r = 0; r < 3; r++) {
                long i = r + off;
                int col = (int) (i < 0 ? i + 5 : i);
                assertThat(y.get(r)).as("offset %d row %d", off, r).isEqualTo(x.get(r * 5 + col));
            }
        }
    }

    @Test
    void floatEvaluation_refusesAnIndexOutOfRange_namingNodeValueAndRange() throws Exception {
        Graph g = model(3);
        assertThatThrownBy(() -> new FloatEvaluator(g).run(List.of(x(), z(0, 1, 2))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("node '")
                .hasMessageContaining("IndexCheck").hasMessageContaining("GatherElements index 5 is out of range")
                .hasMessageContaining("[-5, 4]");
        Graph neg = model(-6);
        assertThatThrownBy(() -> new FloatEvaluator(neg).run(List.of(x(), z(0, 1, 2))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("index -6 is out of range");
    }

    @Test
    void gatherByRunTimeTokenIds_floatRefusesAnIdOutOfRange_namingNodeValueAndRange() throws Exception {
        Graph g = TestModels.opset(13).typedInput("ids", 7, 1, 3).initRandom("E", 3, 6, 2)
                .node("Gather", in("E", "ids"), in("y"), attr("axis", 0L)).output("y").load();
        Tensor ok = Tensor.of(new int[] {1, 3}, new double[] {0, -1, 5});
        Tensor y = new FloatEvaluator(g).run(List.of(ok)).get(0);
        double[] e = g.weights().get("E").data();
        assertThat(y.get(2)).isEqualTo(e[5 * 2]);
        assertThat(y.get(4)).isEqualTo(e[5 * 2]); // -1 is the last row
        Tensor bad = Tensor.of(new int[] {1, 3}, new double[] {0, 6, 1});
        assertThatThrownBy(() -> new FloatEvaluator(g).run(List.of(bad))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("node 'y_node' (Gather)").hasMessageContaining("Gather index 6 is out of range")
                .hasMessageContaining("[-6, 5]");
    }

    private record Built(Graph g, QuantizedGraph q, CompiledModel cm) {}

    /** Compiled, calibrated on z with maxima at columns {@code a} and {@code b} (indices in range). */
    private static Built build(long offset, int a, int b) throws Exception {
        Graph g = model(offset);
        QuantizedGraph q = Calibrator.calibrate(g, List.of(List.of(x(), z(a, b, a)), List.of(x(), z(b, a, b))),
                QuantOptions.fixed(7, 7)).graph();
        return new Built(g, q, ModelCompiler.compile(q, CompileOptions.defaults().withInputAbsMax(4)));
    }

    private static long[] flat(Built b, List<Tensor> in) {
        return CheatingWitness.quantizedInput(b.q(), in);
    }

    @Test
    void quantizedEvaluation_refusesAnIndexOutOfRange_andInRangeMatchesFloat() throws Exception {
        Built b = build(3, 0, 1);
        List<Tensor> ok = List.of(x(), z(1, 0, 1));
        Tensor f = new FloatEvaluator(b.g()).run(ok).get(0);
        Tensor q = new QuantizedEvaluator(b.q()).run(ok).dequantizedOutputs().get(0);
        for (int r = 0; r < 3; r++) {
            assertThat(q.get(r)).isEqualTo(f.get(r));
        }
        assertThatThrownBy(() -> new QuantizedEvaluator(b.q()).run(List.of(x(), z(0, 2, 0))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("IndexCheck")
                .hasMessageContaining("GatherElements index 5 is out of range").hasMessageContaining("[-5, 4]");
        Built neg = build(-6, 1, 2);
        assertThatThrownBy(() -> new QuantizedEvaluator(neg.q()).run(List.of(x(), z(0, 1, 0))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("index -6 is out of range");
        // negative indices in range count from the end, in fixed point too
        Built back = build(-4, 0, 1);
        List<Tensor> in = List.of(x(), z(1, 0, 1));
        Tensor fb = new FloatEvaluator(back.g()).run(in).get(0);
        Tensor qb = new QuantizedEvaluator(back.q()).run(in).dequantizedOutputs().get(0);
        for (int r = 0; r < 3; r++) {
            assertThat(qb.get(r)).isEqualTo(fb.get(r));
        }
    }

    @Test
    void circuit_acceptsTheHonestWitness_andCannotProveAnIndexThatMatchedNoPosition() throws Exception {
        Built b = build(3, 0, 1);
        List<Tensor> in = List.of(x(), z(1, 0, 1));
        QuantizedEvaluator.Result res = new QuantizedEvaluator(b.q()).run(in);
        Map<String, long[]> ref = new LinkedHashMap<>();
        for (Node n : b.g().nodes()) {
            QTensor t = res.values().get(n.outputs().get(0));
            if (t != null) {
                ref.put(n.name(), t.data());
            }
        }
        ModelWitness mw = b.cm().witness(flat(b, in), ref);
        Witness w = mw.witness();
        assertThat(b.cm().check(w)).isEmpty();
        assertThat(mw.output()).containsExactly(res.outputs().get(0).data());
        // an out-of-range input has no witness at all
        assertThatThrownBy(() -> b.cm().witness(flat(b, List.of(x(), z(0, 2, 0)))))
                .isInstanceOfAny(WitnessException.class, BadInputException.class);
        // The hit counts (the ReduceSum the IndexCheck reads): an index out of range matches no position, so its
        // count is 0; a witness claiming 0 (or 2) for any index fails the IndexCheck's lookup.
        Node check = b.g().nodes().stream().filter(n -> n.op() instanceof Op.IndexCheck).findFirst().orElseThrow();
        String hitsTensor = check.inputs().get(2);
        Node hits = b.g().nodes().stream().filter(n -> n.outputs().contains(hitsTensor)).findFirst().orElseThrow();
        Cell[] cells = b.cm().nodeCells(hits.name());
        assertThat(cells).hasSize(3);
        long one = 1L << b.q().inputScale();
        for (Cell c : cells) {
            assertThat(c.column().kind()).isEqualTo(ColumnKind.ADVICE);
            for (long delta : new long[] {-one, one}) {
                List<ModelViolation> v = b.cm().check(CheatingWitness.offBy(w, c, delta));
                assertThat(v).as("hit count %s %+d", c, delta)
                        .anyMatch(x -> x.node().equals(check.name()) && x.op().equals("IndexCheck"));
            }
        }
        // and the gathered output cannot be changed either
        for (Cell c : b.cm().nodeCells(check.name())) {
            if (c.column().kind() == ColumnKind.ADVICE) {
                assertThat(b.cm().check(CheatingWitness.offBy(w, c, 1))).as("output %s", c).isNotEmpty();
            }
        }
    }
}
