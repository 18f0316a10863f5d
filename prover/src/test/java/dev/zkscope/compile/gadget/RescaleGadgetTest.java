package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Geometry;
import dev.zkscope.quant.FixedPoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RescaleGadgetTest {
    /** width 14 (10 inner columns), 4 range columns of 5-bit limbs: two slots of 2 limbs (10 bits) each. */
    private static Geometry g() {
        return new Geometry(10, false, 4, 5, 1);
    }

    private static final long[] X = {0, 1, 3, 4, 5, -1, -4, -5, 63, -64, 100};

    @Test
    void packedTwoPerRow_validWitness() {
        Harness h = new Harness(g());
        assertThat(g().rescaleSlots()).isEqualTo(2);
        Cell[] in = h.inputs(X.length);
        h.layer("rs", "Rescale");
        // k = 3, |y| <= 13: 3 remainder bits + 5 quotient bits = 8 <= 10
        assertThat(RescaleGadget.fits(g(), 3, 13)).isTrue();
        Cell[] out = RescaleGadget.place(h.layout, in, 3, 13);
        assertThat(h.run(in, X)).isEmpty();
        for (int i = 0; i < X.length; i++) {
            assertThat(h.value(out[i])).isEqualTo(FixedPoint.rescale(X[i], 3));
        }
        assertThat(h.built.ledger().layer("rs").rows()).isEqualTo((X.length + 1) / 2);
    }

    @Test
    void tooWide_doesNotFit() {
        assertThat(RescaleGadget.fits(g(), 6, 1000)).isFalse();
    }

    @Test
    void quotientPlusOneWithRemainderMinusEight_fails() {
        Harness h = new Harness(g());
        Cell[] in = h.inputs(X.length);
        h.layer("rs", "Rescale");
        Cell[] out = RescaleGadget.place(h.layout, in, 3, 13);
        assertThat(h.run(in, X)).isEmpty();
        // second slot of the first row: x = 1, y = 0, r = 5 (1 + 4). Cheat y = 1, r = -3: the limbs cannot hold it
        Cell y = out[1];
        assertThat(y.column().index()).isEqualTo(g().operandCol() + 3);
        List<Violation> v = h.tampered(y, 1);
        assertThat(v).isNotEmpty().allMatch(x -> x.region().layer().equals("rs"));
        // and changing the limbs so that the x equation holds breaks the y equation or a lookup
        int row = y.row();
        List<Violation> v2 = h.tamperedSet(new Cell[]{y, new Cell(Column.advice(2), row)}, new long[]{1, -3});
        assertThat(v2).isNotEmpty();
    }
}
