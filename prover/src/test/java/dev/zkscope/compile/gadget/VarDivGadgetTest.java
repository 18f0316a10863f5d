package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.quant.FixedPoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VarDivGadgetTest {
    private static Geometry g() {
        return new Geometry(4, false, 4, 6, 1);
    }

    private static final long[] NUM = {0, 7, 64, 100, -9, 255, 1};
    private static final long[] DEN = {1, 2, 3, 7, 4, 255, 1};

    @Test
    void softmaxDivision_validWitness() {
        Harness h = new Harness(g());
        Cell[] n = h.inputs(NUM.length);
        Cell[] d = h.inputs(DEN.length);
        h.layer("softmax", "Softmax");
        Cell[] y = VarDivGadget.place(h.layout, n, d, 256, 255);
        assertThat(h.run(DotGadgetTest.concat(n, d), CompareGadgetTest.concat(NUM, DEN))).isEmpty();
        for (int i = 0; i < NUM.length; i++) {
            assertThat(h.value(y[i])).isEqualTo(FixedPoint.divRound(NUM[i], DEN[i]));
        }
    }

    @Test
    void quotientOffByOne_fails() {
        Harness h = new Harness(g());
        Cell[] n = h.inputs(NUM.length);
        Cell[] d = h.inputs(DEN.length);
        h.layer("softmax", "Softmax");
        Cell[] y = VarDivGadget.place(h.layout, n, d, 256, 255);
        assertThat(h.run(DotGadgetTest.concat(n, d), CompareGadgetTest.concat(NUM, DEN))).isEmpty();
        // 100 / 7: y = 14, r = 100 + 3 - 98 = 5. Cheat y = 13, r = 12 >= 7: the first rows' limbs hold 12, but
        // d - 1 - r = -6 has no decomposition
        int row = y[3].row();
        List<Violation> v = h.tamperedSet(new Cell[]{y[3], new Cell(Column.advice(0), row)}, new long[]{13, 12});
        assertThat(v).isNotEmpty().allMatch(x -> x.region().layer().equals("softmax"));
        // a wrong half divisor (h = floor(d/2) is what makes the rounding half up)
        int o = g().operandCol();
        assertThat(h.tampered(new Cell(Column.advice(o + 3), row), 1)).isNotEmpty();
    }

    @Test
    void nonPositiveDivisor_isWitnessError() {
        Harness h = new Harness(g());
        Cell[] n = h.inputs(1);
        Cell[] d = h.inputs(1);
        h.layer("softmax", "Softmax");
        VarDivGadget.place(h.layout, n, d, 256, 255);
        assertThatThrownBy(() -> h.run(new Cell[]{n[0], d[0]}, new long[]{5, 0}))
                .isInstanceOf(WitnessException.class).hasMessageContaining("softmax").hasMessageContaining("0");
    }
}
