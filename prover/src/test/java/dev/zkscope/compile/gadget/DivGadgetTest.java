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

class DivGadgetTest {
    private static final long[] X = {0, 1, 7, 8, 9, -1, -8, -9, 255, -256, 1000, -1000};

    @Test
    void rescale_validWitness_matchesFixedPoint() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("rescale", "Rescale");
        Cell[] out = DivGadget.place(h.layout, in, 16, 100, "rescale");
        assertThat(h.run(in, X)).isEmpty();
        for (int i = 0; i < X.length; i++) {
            assertThat(h.value(out[i])).isEqualTo(FixedPoint.rescale(X[i], 4));
        }
    }

    @Test
    void rescale_quotientOffByOneWithRemainderOutOfRange_fails() {
        Geometry g = Harness.small();
        Harness h = new Harness(g);
        Cell[] in = h.inputs(X.length);
        h.layer("rescale", "Rescale");
        Cell[] out = DivGadget.place(h.layout, in, 16, 100, "rescale");
        assertThat(h.run(in, X)).isEmpty();
        // x = 7: honest y = 0, r = 15. Cheat: y = -1, r = 31 (= 15 + 16): the div gate still holds, the limbs cannot
        int row = out[2].row();
        long y = -1;
        long r = 31;
        long off = 1L << (Limbs.bitsFor(100));
        List<Violation> v = h.tamperedSet(new Cell[]{out[2], limb(0, row), limb(1, row), limb(2, row), limb(3, row)},
                new long[]{y, r & 15, r >> 4, (y + off) & 15, (y + off) >> 4});
        assertThat(v).isNotEmpty();
        assertThat(v).allMatch(x -> x.region().layer().equals("rescale"));
        assertThat(v).anyMatch(x -> x instanceof Violation.LookupFailure);
    }

    @Test
    void rescale_fieldWrappedQuotient_fails() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(X.length);
        h.layer("rescale", "Rescale");
        Cell[] out = DivGadget.place(h.layout, in, 16, 100, "rescale");
        assertThat(h.run(in, X)).isEmpty();
        // keep r, change y: only the y bound catches a quotient that is not the honest one
        assertThat(h.tampered(out[4], 1)).isNotEmpty();
    }

    @Test
    void divideByThree_validAndRemainderTooLarge() {
        Geometry g = new Geometry(4, false, 4, 5, 2);
        Harness h = new Harness(g);
        Cell[] in = h.inputs(X.length);
        h.layer("mean", "ReduceMean");
        Cell[] out = DivGadget.place(h.layout, in, 3, 400, "div");
        assertThat(h.run(in, X)).isEmpty();
        for (int i = 0; i < X.length; i++) {
            assertThat(h.value(out[i])).isEqualTo(FixedPoint.divRound(X[i], 3));
        }
        // x = 8: honest y = 3, r = 0 (8 + 1 = 9). Cheat: y = 2, r = 3 fits 2 bits but is not < 3
        int row = out[3].row();
        long y = 2;
        long r = 3;
        long off = 1L << (Limbs.bitsFor(400));
        long yo = y + off;
        List<Violation> v = h.tamperedSet(new Cell[]{out[3], limb(0, row), limb(1, row), limb(2, row), limb(3, row),
                limb(0, row + 1), limb(1, row + 1)}, new long[]{y, r & 31, r >> 5, yo & 31, yo >> 5, 31, 0});
        assertThat(v).isNotEmpty();
    }

    @Test
    void quotientBeyondItsBound_isWitnessError() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(1);
        h.layer("rescale", "Rescale");
        DivGadget.place(h.layout, in, 16, 10, "rescale");
        assertThatThrownBy(() -> h.run(in, new long[]{16 * 100}))
                .isInstanceOf(WitnessException.class).hasMessageContaining("rescale").hasMessageContaining("100");
    }

    private static Cell limb(int col, int row) {
        return new Cell(Column.advice(col), row);
    }
}
