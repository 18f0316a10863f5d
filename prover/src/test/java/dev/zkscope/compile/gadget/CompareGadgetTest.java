package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompareGadgetTest {
    private static final long[] U = {5, -5, 0, 100, -100, 7};
    private static final long[] V = {3, 3, 0, -100, 100, 7};

    @Test
    void maxMinRelu_validWitness() {
        Harness h = new Harness(Harness.small());
        Cell[] u = h.inputs(U.length);
        Cell[] v = h.inputs(V.length);
        h.layer("cmp", "Max");
        Cell[] max = new Cell[U.length];
        Cell[] min = new Cell[U.length];
        Cell[] relu = new Cell[U.length];
        Cell[] clipLo = new Cell[U.length];
        for (int i = 0; i < U.length; i++) {
            max[i] = CompareGadget.place(h.layout, u[i], v[i], CompareGadget.Kind.MAX, 200);
            min[i] = CompareGadget.place(h.layout, u[i], v[i], CompareGadget.Kind.MIN, 200);
            relu[i] = CompareGadget.placeConst(h.layout, u[i], 0, CompareGadget.Kind.MAX, 100);
            clipLo[i] = CompareGadget.placeConst(h.layout, u[i], -6, CompareGadget.Kind.MAX, 106);
        }
        assertThat(h.run(DotGadgetTest.concat(u, v), concat(U, V))).isEmpty();
        for (int i = 0; i < U.length; i++) {
            assertThat(h.value(max[i])).isEqualTo(Math.max(U[i], V[i]));
            assertThat(h.value(min[i])).isEqualTo(Math.min(U[i], V[i]));
            assertThat(h.value(relu[i])).isEqualTo(Math.max(U[i], 0));
            assertThat(h.value(clipLo[i])).isEqualTo(Math.max(U[i], -6));
        }
        assertThat(h.built.circuit().maxGateDegree()).isLessThanOrEqualTo(3);
    }

    @Test
    void relu_claimingNegativeIsPositive_fails() {
        Geometry g = Harness.small();
        Harness h = new Harness(g);
        Cell[] u = h.inputs(1);
        h.layer("relu", "Relu");
        Cell y = CompareGadget.placeConst(h.layout, u[0], 0, CompareGadget.Kind.MAX, 100);
        assertThat(h.run(u, new long[]{-5})).isEmpty();
        assertThat(h.value(y)).isEqualTo(0);
        int row = y.row();
        int o = g.operandCol();
        // claim b = 1 and y = u = -5: cmp_diff needs the decomposition to equal D = -5, which no limbs in range give
        List<Violation> v = h.tamperedSet(new Cell[]{new Cell(Column.advice(o + 2), row), y},
                new long[]{1, -5});
        assertThat(v).isNotEmpty();
        assertThat(v).allMatch(x -> x.region().layer().equals("relu"));
        // even with limbs matching D = -5 as a field element, the limbs leave their tables
        long fieldMinus5 = -5;
        List<Violation> v2 = h.tamperedSet(new Cell[]{new Cell(Column.advice(o + 2), row), y, new Cell(Column.advice(0), row)},
                new long[]{1, -5, fieldMinus5});
        assertThat(v2).anyMatch(x -> x instanceof Violation.LookupFailure);
    }

    @Test
    void max_wrongOutput_fails() {
        Harness h = new Harness(Harness.small());
        Cell[] u = h.inputs(2);
        h.layer("max", "Max");
        Cell y = CompareGadget.place(h.layout, u[0], u[1], CompareGadget.Kind.MAX, 50);
        assertThat(h.run(u, new long[]{4, 9})).isEmpty();
        assertThat(h.tampered(y, -5)).isNotEmpty();
    }

    @Test
    void twoSlotsPerRow_chainedMaxAndTamperedSecondSlot() {
        Geometry g = new Geometry(10, false, 4, 4, 1);
        assertThat(g.compareSlots()).isEqualTo(2);
        Harness h = new Harness(g);
        Cell[] x = h.inputs(5);
        h.layer("maxpool", "MaxPool");
        CompareGadget.Packer p = new CompareGadget.Packer(h.layout, CompareGadget.Kind.MAX, false, 0, 200);
        Cell m = x[0];
        for (int i = 1; i < 5; i++) {
            m = p.add(m, x[i]);
        }
        long[] vals = {3, -7, 12, 12, -100};
        assertThat(h.run(x, vals)).isEmpty();
        assertThat(h.value(m)).isEqualTo(12);
        assertThat(h.built.ledger().layer("maxpool").rows()).isEqualTo(2);
        // the second comparison sits in slot 1 of the first row
        Cell second = new Cell(Column.advice(g.operandCol() + 7), m.row() - 1);
        assertThat(h.tampered(second, 1)).isNotEmpty().allMatch(v -> v.region().layer().equals("maxpool"));
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
