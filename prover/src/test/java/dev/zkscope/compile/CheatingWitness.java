package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.quant.QTensor;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** What the op-lowering tests share: random inputs, the honest model witness, and a witness with one cell changed. */
final class CheatingWitness {
    private CheatingWitness() {
    }

    /** One input per graph input, each value uniform in [lo, hi). */
    static List<Tensor> uniformInput(Graph g, double lo, double hi, Random r) {
        List<Tensor> one = new ArrayList<>();
        for (Graph.Value v : g.inputs()) {
            double[] d = new double[v.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = lo + r.nextDouble() * (hi - lo);
            }
            one.add(Tensor.of(v.shape(), d));
        }
        return one;
    }

    /** The inputs quantized at the graph's input scale, concatenated in input order (what the compiler reads). */
    static long[] quantizedInput(QuantizedGraph q, List<Tensor> in) {
        return in.stream().flatMapToLong(t -> Arrays.stream(QTensor.quantize(t, q.inputScale()).data())).toArray();
    }

    /** The honest witness of {@code cm} on {@code in}, every node's values taken from the quantized evaluation. */
    static ModelWitness honest(CompiledModel cm, Graph g, QuantizedGraph q, QuantizedEvaluator.Result res,
                               List<Tensor> in) {
        Map<String, long[]> ref = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            QTensor t = res.values().get(n.outputs().get(0));
            if (t != null) {
                ref.put(n.name(), t.data());
            }
        }
        return cm.witness(quantizedInput(q, in), ref);
    }

    /** A copy of {@code w} with the advice cell {@code c} changed by {@code delta}. */
    static Witness offBy(Witness w, Cell c, long delta) {
        long[][] adv = new long[w.advice().length][];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = w.advice()[i].clone();
        }
        adv[c.column().index()][c.row()] = Goldilocks.add(adv[c.column().index()][c.row()], Goldilocks.fromSigned(delta));
        return new Witness(adv, w.instance());
    }
}
