package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DotGadgetTest {

    private static final long[] X = {3, -7, 11, 2, 0, 5, -1, 9, 4};

    @Test
    void fixedWeights_validWitness_computesDotProducts() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("gemm", "Gemm");
        // output 0 uses all 9 inputs (3 rows of 4), output 1 uses 3 of them (1 row)
        long[] w0 = {1, -2, 3, -4, 5, -6, 7, -8, 9};
        long[] w1 = {10, 20, -30};
        Cell[] outs = DotGadget.placeFixed(h.layout, List.of(in, new Cell[]{in[8], in[0], in[3]}),
                List.of(w0, w1), new long[]{100, -5});
        assertThat(h.run(in, X)).isEmpty();
        long e0 = 100;
        for (int i = 0; i < 9; i++) {
            e0 += X[i] * w0[i];
        }
        assertThat(h.value(outs[0])).isEqualTo(e0);
        assertThat(h.value(outs[1])).isEqualTo(-5 + 10 * 4 + 20 * 3 - 30 * 2);
        assertThat(h.built.circuit().maxGateDegree()).isLessThanOrEqualTo(3);
    }

    @Test
    void fixedWeights_tamperedOutput_failsDotGate() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("gemm", "Gemm");
        Cell[] outs = DotGadget.placeFixed(h.layout, List.<Cell[]>of(in), List.of(new long[]{1, 1, 1, 1, 1, 1, 1, 1, 1}),
                new long[]{0});
        assertThat(h.run(in, X)).isEmpty();
        List<Violation> v = h.tampered(outs[0], 1);
        assertThat(v).isNotEmpty();
        assertThat(v).allMatch(x -> x.region().layer().equals("gemm"));
        assertThat(v.get(0).describe()).contains("dot");
    }

    @Test
    void fixedWeights_tamperedCopiedInput_failsCopy() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("gemm", "Gemm");
        Cell[] outs = DotGadget.placeFixed(h.layout, List.<Cell[]>of(in), List.of(new long[]{1, 2, 3, 4, 5, 6, 7, 8, 9}),
                new long[]{0});
        assertThat(h.run(in, X)).isEmpty();
        // change the input cell: the dot row still holds the old copy, so the copy constraint breaks
        List<Violation> v = h.tampered(in[2], 1);
        assertThat(v).anyMatch(x -> x instanceof Violation.CopyFailure);
    }

    @Test
    void privateWeights_validAndInvalid() {
        Geometry g = new Geometry(3, true, 4, 4, 1);
        Harness h = new Harness(g);
        Cell[] in = h.inputs(5);
        Cell[] w = h.inputs(6);
        Cell[] bias = h.inputs(1);
        h.layer("matmul", "MatMul");
        Cell[] outs = DotGadget.placePrivate(h.layout,
                List.of(new Cell[]{in[0], in[1], in[2], in[3], in[4]}, new Cell[]{in[4]}),
                List.of(new Cell[]{w[0], w[1], w[2], w[3], w[4]}, new Cell[]{w[5]}), new Cell[]{bias[0], null});
        Cell[] all = concat(concat(in, w), bias);
        long[] vals = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5, 7, 1000};
        assertThat(h.run(all, vals)).isEmpty();
        assertThat(h.value(outs[0])).isEqualTo(1000 - 1 - 4 - 9 - 16 - 25);
        assertThat(h.value(outs[1])).isEqualTo(35);
        assertThat(h.tampered(outs[1], -1)).isNotEmpty();
        // a different private weight used inside the dot row than the committed weight cell
        assertThat(h.tampered(w[5], 1)).anyMatch(x -> x instanceof Violation.CopyFailure);
    }

    @Test
    void sum_validAndInvalid() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("pool", "AveragePool");
        Cell[] outs = DotGadget.placeSum(h.layout, List.<Cell[]>of(in), new long[]{0});
        assertThat(h.run(in, X)).isEmpty();
        assertThat(h.value(outs[0])).isEqualTo(3 - 7 + 11 + 2 + 5 - 1 + 9 + 4);
        assertThat(h.tampered(outs[0], 3)).isNotEmpty();
    }

    static Cell[] concat(Cell[] a, Cell[] b) {
        Cell[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
