package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinearGadgetTest {
    private static final long[] A = {1, 2, 3, -4, 5, 6, 7};
    private static final long[] B = {10, -20, 30, 40, 0, -1, 2};

    @Test
    void addSubAffineMul_validWitness() {
        Harness h = new Harness(Harness.small());
        Cell[] a = h.inputs(A.length);
        Cell[] b = h.inputs(B.length);
        h.layer("ew", "Add");
        Cell[] add = LinearGadget.placeLinear(h.layout, a, b, 1, 1, 0);
        Cell[] sub = LinearGadget.placeLinear(h.layout, a, b, 1, -1, 0);
        Cell[] aff = LinearGadget.placeLinear(h.layout, a, null, 3, 0, -7);
        Cell[] mul = LinearGadget.placeMul(h.layout, a, b);
        assertThat(h.run(DotGadgetTest.concat(a, b), CompareGadgetTest.concat(A, B))).isEmpty();
        for (int i = 0; i < A.length; i++) {
            assertThat(h.value(add[i])).isEqualTo(A[i] + B[i]);
            assertThat(h.value(sub[i])).isEqualTo(A[i] - B[i]);
            assertThat(h.value(aff[i])).isEqualTo(3 * A[i] - 7);
            assertThat(h.value(mul[i])).isEqualTo(A[i] * B[i]);
        }
    }

    @Test
    void tamperedOutputs_fail() {
        Harness h = new Harness(Harness.small());
        Cell[] a = h.inputs(A.length);
        Cell[] b = h.inputs(B.length);
        h.layer("ew", "Mul");
        Cell[] aff = LinearGadget.placeLinear(h.layout, a, null, 3, 0, -7);
        Cell[] mul = LinearGadget.placeMul(h.layout, a, b);
        assertThat(h.run(DotGadgetTest.concat(a, b), CompareGadgetTest.concat(A, B))).isEmpty();
        assertThat(h.tampered(aff[6], 1)).isNotEmpty();
        assertThat(h.tampered(mul[3], 1)).isNotEmpty().allMatch(v -> v.region().layer().equals("ew"));
    }
}
