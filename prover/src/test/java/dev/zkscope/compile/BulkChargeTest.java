package dev.zkscope.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.gadget.CompareGadget;
import dev.zkscope.compile.gadget.DivGadget;
import dev.zkscope.compile.gadget.InputGadget;
import dev.zkscope.compile.gadget.LinearGadget;
import dev.zkscope.compile.gadget.LookupGadget;
import dev.zkscope.compile.gadget.RescaleGadget;
import dev.zkscope.compile.gadget.VarDivGadget;
import dev.zkscope.plonk.ConstraintSystem;
import dev.zkscope.testing.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A counting layout charges the rows of the per-element gadgets in bulk ({@link TraceLayout#repeat}): the first
 * element or row is placed cell by cell, the others are charged as it was. On random geometries, sizes and operands
 * (inputs, shared constants, a cell used twice), the counted ledger, constraint system and placements equal the filled
 * layout's, which places every cell; and the bulk rows cannot be touched afterwards.
 */
class BulkChargeTest {
    private static Geometry randomGeometry(SplittableRandom r) {
        return new Geometry(1 + r.nextInt(8), r.nextBoolean(), 2 * (1 + r.nextInt(8)), 2 + r.nextInt(19),
                1 + r.nextInt(4));
    }

    /** Operand cells: mostly inputs, some shared constants, some repeated. */
    private static Cell[] operands(TraceLayout l, Cell[] inputs, SplittableRandom r, int n) {
        Cell[] c = new Cell[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(10);
            c[i] = pick == 0 ? l.constant(r.nextInt(5)) : pick == 1 && i > 0 ? c[i - 1] : inputs[r.nextInt(inputs.length)];
        }
        return c;
    }

    /** Places the same gadgets (drawn from {@code seed}) in a layout: an input layer, then one step of each gadget. */
    private static TraceLayout place(TraceLayout l, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        l.beginLayer("in", "Input");
        l.beginStep(0);
        Cell[] inputs = InputGadget.placePrivate(l, 1 + r.nextInt(20), "input");
        List<BiConsumer<TraceLayout, SplittableRandom>> gadgets = new ArrayList<>();
        Geometry g = l.geometry();
        gadgets.add((t, q) -> {
            long d = q.nextBoolean() ? 1L << (1 + q.nextInt(4)) : 3 + q.nextInt(20);
            DivGadget.place(t, operands(t, inputs, q, 1 + q.nextInt(30)), d, 1 + q.nextInt(1000), "div");
        });
        gadgets.add((t, q) -> {
            int k = 1 + q.nextInt(4);
            long maxOut = 1 + q.nextInt(200);
            if (RescaleGadget.fits(g, k, maxOut)) {
                RescaleGadget.place(t, operands(t, inputs, q, 1 + q.nextInt(30)), k, maxOut);
            }
        });
        gadgets.add((t, q) -> {
            int n = 1 + q.nextInt(30);
            VarDivGadget.place(t, operands(t, inputs, q, n), operands(t, inputs, q, n), 1 + q.nextInt(500),
                    1 + q.nextInt(500));
        });
        gadgets.add((t, q) -> {
            int n = 1 + q.nextInt(40);
            boolean twoSided = q.nextBoolean();
            LinearGadget.placeLinear(t, operands(t, inputs, q, n), twoSided ? operands(t, inputs, q, n) : null,
                    q.nextInt(3) - 1, twoSided ? q.nextInt(3) - 1 : 0, q.nextBoolean() ? 0 : q.nextInt(9) - 4);
        });
        gadgets.add((t, q) -> {
            int n = 1 + q.nextInt(40);
            LinearGadget.placeMul(t, operands(t, inputs, q, n), operands(t, inputs, q, n));
        });
        gadgets.add((t, q) -> {
            Tables.FunctionTable table = t.tables().function("sq" + q.nextInt(2), "square", x -> x * x, -50, 50);
            LookupGadget.place(t, operands(t, inputs, q, 1 + q.nextInt(40)), table);
        });
        gadgets.add((t, q) -> {
            boolean constant = q.nextBoolean();
            CompareGadget.Packer p = new CompareGadget.Packer(t, q.nextBoolean() ? CompareGadget.Kind.MAX
                    : CompareGadget.Kind.MIN, constant, constant ? q.nextInt(5) - 2 : 0, 1 + q.nextInt(300));
            Cell[] us = operands(t, inputs, q, 1 + q.nextInt(30));
            Cell last = null;
            for (Cell u : us) {
                // an output may feed a later comparison of the same packer
                Cell v = constant ? null : last != null && q.nextBoolean() ? last : inputs[q.nextInt(inputs.length)];
                last = p.add(u, v);
            }
        });
        int steps = 1 + r.nextInt(6);
        for (int s = 0; s < steps; s++) {
            l.beginLayer("layer" + s, "Op");
            l.beginStep(1 + s);
            gadgets.get(r.nextInt(gadgets.size())).accept(l, r);
            if (r.nextBoolean()) {
                // a second gadget in the same step, after the bulk rows
                gadgets.get(r.nextInt(gadgets.size())).accept(l, r);
            }
        }
        return l;
    }

    @TestFactory
    Stream<DynamicTest> bulkCharges_equalTheFilledLayout() {
        return Property.forAll("bulkCharges", 0xB01CL, 300, r -> {
            Geometry g = randomGeometry(r);
            long seed = r.nextLong();
            TraceLayout filled;
            try {
                filled = place(new TraceLayout(g), seed);
            } catch (CompileException e) {
                // a range check wider than the geometry's limbs: counting refuses it the same way
                assertThatThrownBy(() -> place(TraceLayout.counting(g), seed)).isInstanceOf(CompileException.class)
                        .hasMessage(e.getMessage());
                return;
            }
            TraceLayout counted = place(TraceLayout.counting(g), seed);
            TraceLayout.Built f = filled.build("t", 3, 4, 30);
            TraceLayout.Built c = counted.build("t", 3, 4, 30);
            assertThat(c.ledger()).isEqualTo(f.ledger());
            ConstraintSystem fs = ConstraintSystem.of(f.circuit());
            assertThat(c.system().gates()).isEqualTo(fs.gates());
            assertThat(c.system().lookups()).isEqualTo(fs.lookups());
            assertThat(c.system().equalityColumns()).isEqualTo(fs.equalityColumns());
            assertThat(c.system().numFixed()).isEqualTo(fs.numFixed());
            assertThat(counted.fixedNames()).isEqualTo(filled.fixedNames());
            assertThat(counted.rows()).isEqualTo(filled.rows());
        });
    }

    @Test
    void rowsChargedInBulk_cannotBeTouchedAfterwards() {
        TraceLayout l = TraceLayout.counting(new Geometry(4, false, 4, 4, 2));
        l.beginLayer("in", "Input");
        l.beginStep(0);
        Cell[] in = InputGadget.placePrivate(l, 5, "input");
        l.beginLayer("div", "Div");
        l.beginStep(1);
        Cell[] out = DivGadget.place(l, in, 16, 100, "rescale");
        // the first element's row was placed cell by cell; the others were charged in bulk
        assertThat(l.advice(out[0].column().index(), out[0].row())).isEqualTo(out[0]);
        assertThatThrownBy(() -> l.advice(out[3].column().index(), out[3].row()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("charged in bulk");
        assertThatThrownBy(() -> l.setFixed("div_d", out[2].row(), 16))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("charged in bulk");
        // a later step's rows are fresh again
        l.beginStep(2);
        int row = l.allocRows(1, "x");
        l.advice(0, row);
    }

    @Test
    void aChargeIsRepeatedOnlyInItsLayer_andOnlyByCountingLayouts() {
        TraceLayout l = TraceLayout.counting(new Geometry(4, false, 4, 4, 2));
        l.beginLayer("a", "Op");
        l.beginStep(0);
        TraceLayout.Tally t = l.tally();
        int row = l.allocRows(3, "x");
        l.advice(0, row);
        TraceLayout.Tally charge = l.since(t);
        l.repeat(charge, 2, row + 1, 2);
        assertThatThrownBy(() -> l.repeat(charge, 1, row + 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already charged in bulk");
        l.beginLayer("b", "Op");
        int next = l.allocRows(1, "x");
        assertThatThrownBy(() -> l.repeat(charge, 1, next, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another layer");
        assertThatThrownBy(() -> l.since(t)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another layer");
        assertThat(l.build("t", 3, 4, 20).ledger().layer("a").adviceCells()).isEqualTo(3);
        TraceLayout filled = new TraceLayout(new Geometry(4, false, 4, 4, 2));
        assertThatThrownBy(filled::tally).isInstanceOf(IllegalStateException.class);
    }
}
