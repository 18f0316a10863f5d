package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.Arrays;
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

    /** Rows per block of the fast evaluation (a task of the parallel checks). */
    private static final int BLOCK = 1 << 10;

    /**
     * The rows in [0, rows) where {@code test} finds a violation, ascending: blocks of rows evaluated in parallel on
     * primitive arrays ({@link RowBlocks}), each block's failing rows collected, then concatenated in order.
     */
    private static int[] failingRows(Circuit circuit, Witness witness, int rows, BlockTest test) {
        int block = Math.min(BLOCK, Math.max(1, rows));
        int blocks = (rows + block - 1) / block;
        int[][] found = new int[blocks][];
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * block;
            int count = Math.min(block, rows - from);
            found[b] = test.failing(new RowBlocks(circuit, witness, block), from, count);
        });
        int total = 0;
        for (int[] f : found) {
            total += f.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] f : found) {
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length;
        }
        return out;
    }

    /** The failing rows of one block, ascending. */
    @FunctionalInterface
    private interface BlockTest {
        int[] failing(RowBlocks eval, int from, int count);
    }

    private static final int[] NONE = new int[0];

    private static void checkGates(Circuit circuit, Witness witness, List<Violation> out) {
        RowReader reader = new RowReader(circuit, witness);
        for (Gate g : circuit.gates()) {
            int[] bad = failingRows(circuit, witness, circuit.n(), (ev, from, count) -> {
                long[] v = new long[count];
                ev.eval(g.poly(), from, count, v);
                int[] rows = NONE;
                int k = 0;
                for (int i = 0; i < count; i++) {
                    if (v[i] != 0) {
                        if (k == rows.length) {
                            rows = Arrays.copyOf(rows, Math.max(4, 2 * k));
                        }
                        rows[k++] = from + i;
                    }
                }
                return Arrays.copyOf(rows, k);
            });
            Set<Expr.Var> vars = null;
            for (int row : bad) {
                // The violation is described by the row-by-row walk, as before (the fast path only finds the rows).
                reader.row = row;
                long v = g.poly().evaluate(reader);
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

    /** The values of expressions on rows [0, rows): values[i][r] = exprs[i] at row r. */
    private static long[][] values(Circuit circuit, Witness witness, List<Expr> exprs, int rows) {
        long[][] out = new long[exprs.size()][rows];
        int block = Math.min(BLOCK, Math.max(1, rows));
        int blocks = (rows + block - 1) / block;
        java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> {
            RowBlocks ev = new RowBlocks(circuit, witness, block);
            int from = b * block;
            int count = Math.min(block, rows - from);
            long[] tmp = new long[block];
            for (int i = 0; i < out.length; i++) {
                ev.eval(exprs.get(i), from, count, tmp);
                System.arraycopy(tmp, 0, out[i], from, count);
            }
        });
        return out;
    }

    /**
     * The set of a table's tuples (rows of column arrays), by open addressing on row indices: no object per row.
     * Only rows with distinct tuples are stored.
     */
    private static final class TupleSet {
        private final long[][] cols;
        private final int[] slots;
        private final int mask;

        TupleSet(long[][] cols, int rows) {
            this.cols = cols;
            int cap = Integer.highestOneBit(Math.max(4, rows) * 2 - 1) << 1;
            this.slots = new int[cap];
            this.mask = cap - 1;
            for (int r = 0; r < rows; r++) {
                int s = (int) hash(cols, r) & mask;
                while (slots[s] != 0 && !same(cols, slots[s] - 1, cols, r)) {
                    s = (s + 1) & mask;
                }
                if (slots[s] == 0) {
                    slots[s] = r + 1;
                }
            }
        }

        boolean contains(long[][] q, int r) {
            int s = (int) hash(q, r) & mask;
            while (slots[s] != 0) {
                if (same(cols, slots[s] - 1, q, r)) {
                    return true;
                }
                s = (s + 1) & mask;
            }
            return false;
        }

        private static long hash(long[][] cols, int r) {
            long h = 0x9E3779B97F4A7C15L;
            for (long[] c : cols) {
                h = (h ^ c[r]) * 0xBF58476D1CE4E5B9L;
                h ^= h >>> 31;
            }
            return h ^ (h >>> 29);
        }

        private static boolean same(long[][] a, int ra, long[][] b, int rb) {
            for (int i = 0; i < a.length; i++) {
                if (a[i][ra] != b[i][rb]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static void checkLookups(Circuit circuit, Witness witness, List<Violation> out) {
        RowReader reader = new RowReader(circuit, witness);
        int u = circuit.usableRows();
        for (Lookup l : circuit.lookups()) {
            int arity = l.arity();
            // Lookups are argued over the circuit's rows [0, usableRows) only (the rest hold the prover's blinding), so
            // tables are read from, and inputs checked on, exactly those rows, as the proof system does.
            TupleSet table = new TupleSet(values(circuit, witness, l.table(), u), u);
            long[][] in = values(circuit, witness, l.inputs(), u);
            int[] bad = failingRows(circuit, witness, u, (ev, from, count) -> {
                int[] rows = NONE;
                int k = 0;
                for (int r = from; r < from + count; r++) {
                    if (!table.contains(in, r)) {
                        if (k == rows.length) {
                            rows = Arrays.copyOf(rows, Math.max(4, 2 * k));
                        }
                        rows[k++] = r;
                    }
                }
                return Arrays.copyOf(rows, k);
            });
            for (int row : bad) {
                reader.row = row;
                List<Long> shown = new ArrayList<>(arity);
                for (int i = 0; i < arity; i++) {
                    shown.add(Goldilocks.toSigned(l.inputs().get(i).evaluate(reader)));
                }
                out.add(new Violation.LookupFailure(l.name(), row, circuit.regionOf(row), shown));
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
