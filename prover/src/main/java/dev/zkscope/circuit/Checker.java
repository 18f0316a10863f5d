package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mock prover: evaluates every gate on every row, every lookup input against its table, and every copy
 * constraint, on a filled trace, and returns all violations (a valid witness gives none). It shares the
 * constraint definitions with the prover ({@link Expr#evaluate}), so a clean check means an honest proof verifies.
 */
public final class Checker {
    private Checker() {}

    /** All violations of {@code witness} against {@code circuit}, in the order gates, lookups, copies. */
    public static List<Violation> check(Circuit circuit, Witness witness) {
        witness.requireShape(circuit);
        List<Violation> out = new ArrayList<>();
        checkCanonical(circuit, witness, out);
        checkGates(circuit, witness, out);
        checkLookups(circuit, witness, out);
        checkCopies(circuit, witness, out);
        return out;
    }

    private static void checkCanonical(Circuit circuit, Witness w, List<Violation> out) {
        for (int c = 0; c < w.advice().length; c++) {
            long[] col = w.advice()[c];
            for (int r = 0; r < col.length; r++) {
                if (!Goldilocks.isCanonical(col[r])) {
                    out.add(new Violation.NonCanonical(new Cell(Column.advice(c), r), circuit.regionOf(r), col[r]));
                }
            }
        }
        for (int c = 0; c < w.instance().length; c++) {
            long[] col = w.instance()[c];
            for (int r = 0; r < col.length; r++) {
                if (!Goldilocks.isCanonical(col[r])) {
                    out.add(new Violation.NonCanonical(new Cell(Column.instance(c), r), circuit.regionOf(r), col[r]));
                }
            }
        }
    }

    /** Reads cells of one row, with rotation 1 wrapping cyclically as in the polynomial identity. */
    private static final class RowReader implements Expr.RowValues {
        private final Circuit circuit;
        private final Witness witness;
        private final int n;
        int row;

        RowReader(Circuit circuit, Witness witness) {
            this.circuit = circuit;
            this.witness = witness;
            this.n = circuit.n();
        }

        @Override
        public long value(Column column, int rotation) {
            return witness.value(circuit, column, (row + rotation) & (n - 1));
        }
    }

    private static void checkGates(Circuit circuit, Witness witness, List<Violation> out) {
        RowReader reader = new RowReader(circuit, witness);
        for (Gate g : circuit.gates()) {
            Set<Expr.Var> vars = null;
            for (int row = 0; row < circuit.n(); row++) {
                reader.row = row;
                long v = g.poly().evaluate(reader);
                if (v != 0) {
                    if (vars == null) {
                        vars = g.poly().variables();
                    }
                    Map<String, Long> cells = new LinkedHashMap<>();
                    for (Expr.Var var : vars) {
                        cells.put(var.column() + (var.rotation() == 1 ? "'" : ""),
                                Goldilocks.toSigned(reader.value(var.column(), var.rotation())));
                    }
                    out.add(new Violation.GateFailure(g.name(), row, circuit.regionOf(row), Goldilocks.toSigned(v), cells));
                }
            }
        }
    }

    private record Tuple(long[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple t && Arrays.equals(values, t.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    private static void checkLookups(Circuit circuit, Witness witness, List<Violation> out) {
        RowReader reader = new RowReader(circuit, witness);
        for (Lookup l : circuit.lookups()) {
            int arity = l.arity();
            // Lookups are argued over the circuit's rows [0, usableRows) only (the rest hold the prover's blinding), so
            // tables are read from, and inputs checked on, exactly those rows, as the proof system does.
            Set<Tuple> table = new HashSet<>();
            for (int row = 0; row < circuit.usableRows(); row++) {
                reader.row = row;
                long[] t = new long[arity];
                for (int i = 0; i < arity; i++) {
                    t[i] = l.table().get(i).evaluate(reader);
                }
                table.add(new Tuple(t));
            }
            for (int row = 0; row < circuit.usableRows(); row++) {
                reader.row = row;
                long[] t = new long[arity];
                for (int i = 0; i < arity; i++) {
                    t[i] = l.inputs().get(i).evaluate(reader);
                }
                if (!table.contains(new Tuple(t))) {
                    List<Long> shown = new ArrayList<>(arity);
                    for (long x : t) {
                        shown.add(Goldilocks.toSigned(x));
                    }
                    out.add(new Violation.LookupFailure(l.name(), row, circuit.regionOf(row), shown));
                }
            }
        }
    }

    private static void checkCopies(Circuit circuit, Witness witness, List<Violation> out) {
        for (Copy c : circuit.copies()) {
            long a = witness.value(circuit, c.a().column(), c.a().row());
            long b = witness.value(circuit, c.b().column(), c.b().row());
            if (a != b) {
                out.add(new Violation.CopyFailure(c.a(), c.b(), circuit.regionOf(c.b().row()),
                        Goldilocks.toSigned(a), Goldilocks.toSigned(b)));
            }
        }
    }
}
