package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Violation;
import dev.zkscope.compile.Tables;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.quant.FixedPoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupGadgetTest {
    private static long sigmoid(long x) {
        return FixedPoint.tableValue(v -> 1 / (1 + Math.exp(-v)), x, 4, 6);
    }

    private static long tanh(long x) {
        return FixedPoint.tableValue(Math::tanh, x, 4, 6);
    }

    @Test
    void twoTablesInOneArgument_validWitness() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(5);
        h.layer("act", "Sigmoid");
        Tables.FunctionTable sig = h.layout.tables().function("sigmoid", "sigmoid(s4->s6)", LookupGadgetTest::sigmoid, -40, 40);
        Tables.FunctionTable th = h.layout.tables().function("tanh", "tanh(s4->s6)", LookupGadgetTest::tanh, -30, 30);
        Cell[] ys = LookupGadget.place(h.layout, in, sig);
        Cell[] zs = LookupGadget.place(h.layout, in, th);
        long[] x = {-30, -3, 0, 17, 30};
        assertThat(h.run(in, x)).isEmpty();
        for (int i = 0; i < x.length; i++) {
            assertThat(h.value(ys[i])).isEqualTo(sigmoid(x[i]));
            assertThat(h.value(zs[i])).isEqualTo(tanh(x[i]));
        }
        assertThat(h.built.ledger().tables()).extracting(t -> t.size()).contains(81, 61);
    }

    @Test
    void wrongOutput_failsLookup() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(3);
        h.layer("act", "Tanh");
        Tables.FunctionTable th = h.layout.tables().function("tanh", "tanh(s4->s6)", LookupGadgetTest::tanh, -30, 30);
        Cell[] ys = LookupGadget.place(h.layout, in, th);
        assertThat(h.run(in, new long[]{-2, 5, 9})).isEmpty();
        List<Violation> v = h.tampered(ys[1], 1);
        assertThat(v).hasSize(1);
        assertThat(v.get(0)).isInstanceOf(Violation.LookupFailure.class);
        assertThat(v.get(0).region().layer()).isEqualTo("act");
    }

    @Test
    void inputOutsideTable_isWitnessErrorNamingLayerAndValue() {
        Harness h = new Harness(Harness.small());
        Cell[] in = h.inputs(2);
        h.layer("act/Sigmoid_3", "Sigmoid");
        Tables.FunctionTable sig = h.layout.tables().function("sigmoid", "sigmoid(s4->s6)", LookupGadgetTest::sigmoid, -40, 40);
        LookupGadget.place(h.layout, in, sig);
        assertThatThrownBy(() -> h.run(in, new long[]{3, 41}))
                .isInstanceOf(WitnessException.class)
                .hasMessageContaining("act/Sigmoid_3").hasMessageContaining("41");
    }
}
