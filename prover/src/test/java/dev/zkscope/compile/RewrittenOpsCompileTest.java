package dev.zkscope.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.RewrittenOpCases;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ops the importer rewrites (If, LSTM, GRU, ReduceProd, TopK, GatherElements, the QDQ/QOperator ops), on their
 * {@link RewrittenOpCases}: calibrated and quantized at 2^-7, compiled, the honest witness checks clean, the quantized
 * outputs stay close to the float ones, and a witness in which a sampled advice cell of any node of the rewrite is off
 * by one is rejected (cheating witness).
 */
class RewrittenOpsCompileTest {
    @TestFactory
    Stream<DynamicTest> rewrittenOps_quantizeCompileAndRejectACheatingWitness() {
        return RewrittenOpCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /** Whether a node computes (has cells of its own) rather than moves data. */
    private static boolean computes(Node n) {
        return !(n.op() instanceof Op.Reshape || n.op() instanceof Op.Identity || n.op() instanceof Op.Transpose
                || n.op() instanceof Op.Concat || n.op() instanceof Op.Slice || n.op() instanceof Op.Split
                || n.op() instanceof Op.Cast || n.op() instanceof Op.Gather);
    }

    private static void check(RewrittenOpCases.Case c) throws Exception {
        Graph g = c.model().get().load();
        Random r = new Random(c.name().hashCode());
        List<List<Tensor>> calib = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            calib.add(CheatingWitness.uniformInput(g, c.lo(), c.hi(), r));
        }
        // A pre-quantized model's scales (0.02, 0.0057 ...) are multiplicative constants: at 2^-7 they would be
        // 10-20% off, so those cases keep constants at 2^-12 (activations stay at 2^-7).
        boolean qdq = c.opType().startsWith("Q") || c.opType().endsWith("Integer") || c.opType().startsWith("Deq");
        QuantizedGraph q = Calibrator.calibrate(g, calib, QuantOptions.fixed(7, qdq ? 12 : 7)).graph();
        CompiledModel cm = ModelCompiler.compile(q, CompileOptions.defaults()
                .withInputAbsMax(Math.max(Math.abs(c.lo()), Math.abs(c.hi()))));
        List<Tensor> in = calib.get(0);
        QuantizedEvaluator.Result res = new QuantizedEvaluator(q).run(in);
        List<Tensor> fl = new FloatEvaluator(g).run(in);
        boolean indices = c.opType().equals("TopK") || c.opType().equals("GatherElements");
        for (int o = 0; o < fl.size(); o++) {
            Tensor f = fl.get(o);
            Tensor qo = res.dequantizedOutputs().get(o);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            double err = 0;
            for (int i = 0; i < f.size(); i++) {
                lo = Math.min(lo, f.get(i));
                hi = Math.max(hi, f.get(i));
                err = Math.max(err, Math.abs(f.get(i) - qo.get(i)));
            }
            if (!indices) {
                // a product of 5 factors (ReduceProd) rescales 4 times; an unrolled LSTM runs 4 steps deep
                assertThat(err).as("%s: output %d max |quantized - float| (outputs in [%s, %s])", c.name(), o, lo, hi)
                        .isLessThanOrEqualTo(0.08 * Math.max(1, hi - lo));
            }
        }
        ModelWitness w = CheatingWitness.honest(cm, g, q, res, in);
        assertThat(cm.check(w.witness())).as(c.name()).isEmpty();
        int tampered = 0;
        boolean anyComputes = false;
        for (Node n : g.nodes()) {
            if (!computes(n)) {
                continue;
            }
            Cell[] cells;
            try {
                cells = cm.nodeCells(n.name());
            } catch (IllegalArgumentException deadNode) {
                continue; // its output feeds no graph output (TopK's values under GatherElements): not compiled
            }
            anyComputes = true;
            int step = Math.max(1, cells.length / 2);
            for (int i = 0; i < cells.length; i += step) {
                Cell cell = cells[i];
                if (cell.column().kind() != ColumnKind.ADVICE) {
                    continue;
                }
                long delta = i % 2 == 0 ? 1 : -1;
                assertThat(cm.check(CheatingWitness.offBy(w.witness(), cell, delta)))
                        .as("%s: node %s (%s) cell %s off by %d", c.name(), n.name(), n.op().kind(), cell, delta)
                        .isNotEmpty();
                tampered++;
            }
        }
        assertThat(tampered).as("%s: cells tampered", c.name()).isGreaterThanOrEqualTo(anyComputes ? 1 : 0);
    }
}
