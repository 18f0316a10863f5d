package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Violation;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.gadget.InputGadget;
import dev.zkscope.compile.gadget.LinearGadget;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceLayoutTest {
    private static Geometry g() {
        return new Geometry(4, false, 4, 4, 1);
    }

    @Test
    void constants_areSharedAndConstrained() {
        TraceLayout l = new TraceLayout(g());
        l.beginLayer("x", "Input");
        Cell[] in = InputGadget.placePrivate(l, 2, "input");
        l.beginLayer("add", "Add");
        Cell seven = l.constant(7);
        assertThat(l.constant(7)).isEqualTo(seven);
        Cell[] y = LinearGadget.placeLinear(l, in, new Cell[]{seven, seven}, 1, 1, 0);
        TraceLayout.Built b = l.build("c", 4, 3, 20);
        Witness w = l.fill(b.circuit(), t -> {
            t.set(in[0], 1);
            t.set(in[1], 2);
        }).toWitness();
        assertThat(Checker.check(b.circuit(), w)).isEmpty();
        assertThat(Goldilocks.toSigned(w.advice()[y[1].column().index()][y[1].row()])).isEqualTo(9);
        // the constant's cell cannot hold anything else
        w.advice()[seven.column().index()][seven.row()] = 8;
        List<Violation> v = Checker.check(b.circuit(), w);
        assertThat(v).anyMatch(x -> x instanceof Violation.GateFailure && ((Violation.GateFailure) x).gate().startsWith("const"));
        assertThat(b.ledger().layer("constants").rows()).isEqualTo(1);
    }

    @Test
    void heightCoversRowsTablesAndReservedRows_andRegionsMerge() {
        TraceLayout l = new TraceLayout(g());
        l.beginLayer("in", "Input");
        InputGadget.placePrivate(l, 6 * 30, "input");
        l.beginLayer("in2", "Input");
        InputGadget.placePrivate(l, 6, "input");
        TraceLayout.Built b = l.build("c", 10, 3, 20);
        // 31 rows + 10 reserved -> 64
        assertThat(b.circuit().logN()).isEqualTo(6);
        assertThat(b.circuit().usableRows()).isEqualTo(54);
        assertThat(b.circuit().regions()).hasSize(2);
        TraceLayout big = new TraceLayout(g());
        big.beginLayer("big", "Input");
        InputGadget.placePrivate(big, 6 * 600, "input");
        assertThatThrownBy(() -> big.build("c", 10, 3, 8)).isInstanceOf(CompileException.class)
                .hasMessageContaining("2^9").hasMessageContaining("innerCols");
    }
}
