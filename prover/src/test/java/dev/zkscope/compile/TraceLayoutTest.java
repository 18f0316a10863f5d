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
    /**
     * Shared fixed lanes: the dot weights and the comparison constant are one column, and each gate reads its own
     * gadget's value in its own rows; build refuses a trace where two kinds' lane readers are on in one row, or a lane
     * holds a value no gate reads.
     */
    @Test
    void sharedLanes_oneColumnForTwoKinds_andBuildRejectsARowTheyShare() {
        TraceLayout l = new TraceLayout(g());
        l.beginLayer("x", "Input");
        l.gate("w", () -> l.selector("w").times(dev.zkscope.circuit.Column.advice(0).cur()
                .minus(l.fixedExpr("dot_w0"))));
        l.gate("c", () -> l.selector("c").times(dev.zkscope.circuit.Column.advice(1).cur()
                .minus(l.fixedExpr("cmp_k"))));
        assertThat(l.fixed("dot_w0")).isEqualTo(l.fixed("cmp_k")).isEqualTo(l.fixed("lane0"));
        assertThat(l.fixed("dot_w1")).isNotEqualTo(l.fixed("dot_w0"));
        assertThat(l.fixedNames()).contains("lane0").doesNotContain("dot_w0", "cmp_k");
        assertThat(l.fixedIndexOf("cmp_k")).isEqualTo(l.fixed("lane0"));
        assertThat(l.fixedIndexOf("dot_w7")).isEqualTo(-1);
        assertThat(l.fixedLabels().get(l.fixed("lane0"))).isEqualTo("lane0 (cmp_k, dot_w0)");
        assertThat(l.fixedLabels().get(l.fixed("q_w"))).isEqualTo("q_w");
        int r0 = l.allocRows(2, "test");
        l.enable("w", r0);
        l.setFixed("dot_w0", r0, 5);
        l.enable("c", r0 + 1);
        l.setFixed("cmp_k", r0 + 1, -3);
        TraceLayout.Built b = l.build("lanes", 4, 3, 20);
        int lane = l.fixed("lane0");
        assertThat(Goldilocks.toSigned(b.circuit().fixed()[lane][r0])).isEqualTo(5);
        assertThat(Goldilocks.toSigned(b.circuit().fixed()[lane][r0 + 1])).isEqualTo(-3);
        long[][] a = new long[b.circuit().numAdvice()][b.circuit().n()];
        a[0][r0] = 5;
        a[1][r0 + 1] = Goldilocks.fromSigned(-3);
        assertThat(Checker.check(b.circuit(), new Witness(a, new long[][] {new long[b.circuit().n()]}))).isEmpty();
        a[1][r0 + 1] = 5; // the comparison row reads its own -3, not the weight
        assertThat(Checker.check(b.circuit(), new Witness(a, new long[][] {new long[b.circuit().n()]}))).isNotEmpty();

        TraceLayout both = laneReaders(true);
        int r = both.allocRows(1, "test");
        both.enable("w", r);
        both.enable("c", r);
        both.setFixed("dot_w0", r, 5);
        assertThatThrownBy(() -> both.build("lanes", 4, 3, 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lane0").hasMessageContaining("dot").hasMessageContaining("compare");

        TraceLayout stray = laneReaders(false);
        int s0 = stray.allocRows(2, "test");
        stray.enable("w", s0);
        stray.setFixed("cmp_k", s0 + 1, 4);
        assertThatThrownBy(() -> stray.build("lanes", 4, 3, 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no gate reads");

        // a weight written into a comparison row, where only the comparison gate reads the lane
        TraceLayout wrong = laneReaders(true);
        int w0 = wrong.allocRows(2, "test");
        wrong.enable("w", w0);
        wrong.setFixed("dot_w0", w0, 5);
        wrong.enable("c", w0 + 1);
        wrong.setFixed("dot_w0", w0 + 1, 7);
        assertThatThrownBy(() -> wrong.build("lanes", 4, 3, 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds a dot value where compare gates read it");

        // a lane set by column index: its writer's kind is unknown
        TraceLayout byIndex = laneReaders(false);
        int i0 = byIndex.allocRows(1, "test");
        byIndex.enable("w", i0);
        byIndex.setFixed(byIndex.fixed("dot_w0"), i0, 5);
        assertThatThrownBy(() -> byIndex.build("lanes", 4, 3, 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("by column index");
        TraceLayout byRef = laneReaders(false);
        int f0 = byRef.allocRows(1, "test");
        byRef.enable("w", f0);
        byRef.setFixed(byRef.fixedRef("dot_w0"), f0, 5);
        assertThat(byRef.build("lanes", 4, 3, 20).circuit().fixed()[byRef.fixed("dot_w0")][f0]).isEqualTo(5);

        TraceLayout hidden = new TraceLayout(g());
        hidden.beginLayer("x", "Input");
        dev.zkscope.circuit.Expr k = hidden.fixedExpr("cmp_k"); // read outside the gate: its kind is not recorded
        hidden.gate("c", () -> hidden.selector("c").times(k));
        int h0 = hidden.allocRows(1, "test");
        hidden.enable("c", h0);
        hidden.setFixed("cmp_k", h0, 4);
        assertThatThrownBy(() -> hidden.build("lanes", 4, 3, 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not by its name");
    }

    /** A layout with a gate "w" reading dot_w0 and, with {@code compare}, a gate "c" reading cmp_k: one lane. */
    private static TraceLayout laneReaders(boolean compare) {
        TraceLayout l = new TraceLayout(g());
        l.beginLayer("x", "Input");
        l.gate("w", () -> l.selector("w").times(l.fixedExpr("dot_w0")));
        if (compare) {
            l.gate("c", () -> l.selector("c").times(l.fixedExpr("cmp_k")));
        }
        return l;
    }
}
