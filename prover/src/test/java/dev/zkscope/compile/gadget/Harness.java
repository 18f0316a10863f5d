package dev.zkscope.compile.gadget;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Violation;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.Geometry;
import dev.zkscope.compile.TraceLayout;
import dev.zkscope.compile.Trace;
import dev.zkscope.field.Goldilocks;

import java.util.List;

/** Shared checks for gadget contract tests: place inputs, a gadget, build, fill, check; tamper and check again. */
final class Harness {
    final TraceLayout layout;
    TraceLayout.Built built;
    Trace trace;

    Harness(Geometry g) {
        layout = new TraceLayout(g);
        layout.beginLayer("inputs", "Input");
    }

    static Geometry small() {
        return new Geometry(4, false, 4, 4, 2);
    }

    /** {@code n} signed values in [-1000, 1000), as gadget tests feed them. */
    static long[] smallValues(java.util.SplittableRandom rnd, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextLong(-1000, 1000);
        }
        return v;
    }

    /** {@code n} field elements (a salt, a mask), drawn after whatever the test drew before. */
    static long[] fieldElements(java.util.SplittableRandom rnd, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return v;
    }

    Cell[] inputs(int count) {
        return InputGadget.placePrivate(layout, count, "input");
    }

    void layer(String name, String op) {
        layout.beginLayer(name, op);
    }

    /** Builds and fills with the given input values; returns the violations of the honest witness. */
    List<Violation> run(Cell[] ins, long[] values) {
        built = layout.build("test", 3, 4, 20);
        trace = layout.fill(built.circuit(), t -> {
            for (int i = 0; i < ins.length; i++) {
                t.set(ins[i], values[i]);
            }
        });
        return Checker.check(built.circuit(), trace.toWitness());
    }

    long value(Cell c) {
        return trace.get(c);
    }

    /** The violations after adding {@code delta} to one advice cell of the honest witness. */
    List<Violation> tampered(Cell cell, long delta) {
        Witness w = trace.toWitness();
        long[] col = w.advice()[cell.column().index()];
        col[cell.row()] = Goldilocks.add(col[cell.row()], Goldilocks.fromSigned(delta));
        return Checker.check(built.circuit(), w);
    }

    /** The violations after setting several advice cells to new signed values. */
    List<Violation> tamperedSet(Cell[] cells, long[] values) {
        Witness w = trace.toWitness();
        for (int i = 0; i < cells.length; i++) {
            w.advice()[cells[i].column().index()][cells[i].row()] = Goldilocks.fromSigned(values[i]);
        }
        return Checker.check(built.circuit(), w);
    }
}
