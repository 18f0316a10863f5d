package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckerTest {
    /** 8 rows: f0 selects a0 * a1 = a2; lookup a0 in table f1 = 0..7; copy a2[0] = a0[1]. */
    static Circuit circuit() {
        long[][] fixed = new long[2][8];
        for (int r = 0; r < 8; r++) {
            fixed[0][r] = r < 4 ? 1 : 0;
            fixed[1][r] = r;
        }
        Column a0 = Column.advice(0), a1 = Column.advice(1), a2 = Column.advice(2);
        return new Circuit("t", 3, 8, 3, 0, fixed,
                List.of(new Gate("mul", Column.fixed(0).cur().times(a0.cur().times(a1.cur()).minus(a2.cur())))),
                List.of(new Lookup("range8", List.of(a0.cur()), List.of(Column.fixed(1).cur()))),
                List.of(new Copy(new Cell(a2, 0), new Cell(a0, 1))),
                List.of(new Region("layer1", "mul", 0, 4)));
    }

    static Witness valid() {
        long[][] a = new long[3][8];
        a[0] = new long[] {2, 6, 1, 3, 0, 0, 0, 0};
        a[1] = new long[] {3, 1, 5, 2, 0, 0, 0, 0};
        for (int r = 0; r < 8; r++) {
            a[2][r] = a[0][r] * a[1][r];
        }
        return new Witness(a, new long[0][]);
    }

    @Test
    void check_validWitnessHasNoViolations() {
        assertThat(Checker.check(circuit(), valid())).isEmpty();
    }

    @Test
    void check_reportsGateWithRowRegionAndCells() {
        Witness w = valid();
        w.advice()[2][3] = 7;
        List<Violation> vs = Checker.check(circuit(), w);
        assertThat(vs).hasSize(1);
        Violation.GateFailure g = (Violation.GateFailure) vs.get(0);
        assertThat(g.gate()).isEqualTo("mul");
        assertThat(g.row()).isEqualTo(3);
        assertThat(g.region().layer()).isEqualTo("layer1");
        assertThat(g.cells()).containsEntry("a0", 3L).containsEntry("a1", 2L).containsEntry("a2", 7L);
    }

    @Test
    void check_reportsLookupCopyAndNonCanonical() {
        Witness w = valid();
        w.advice()[0][5] = 9; // outside 0..7
        w.advice()[2][5] = 0;
        List<Violation> vs = Checker.check(circuit(), w);
        assertThat(vs).singleElement().isInstanceOf(Violation.LookupFailure.class);
        assertThat(((Violation.LookupFailure) vs.get(0)).row()).isEqualTo(5);

        Witness c = valid();
        c.advice()[0][1] = 5;
        c.advice()[2][1] = 5;
        assertThat(Checker.check(circuit(), c)).singleElement().isInstanceOf(Violation.CopyFailure.class);

        Witness nc = valid();
        nc.advice()[1][6] = Goldilocks.P;
        assertThat(Checker.check(circuit(), nc)).anyMatch(v -> v instanceof Violation.NonCanonical);
    }
}
