package dev.zkscope.circuit;

import java.util.ArrayList;
import java.util.List;

/**
 * A complete Plonkish circuit: shape, fixed column values and constraints. Immutable by contract: the arrays are not
 * copied for speed (a fixed column of a 2^20-row circuit is 8 MiB) and nobody may write to them after construction.
 *
 * @param name        human-readable name (the model), part of the circuit digest
 * @param logN        the trace has {@code n = 1 << logN} rows
 * @param usableRows  rows [0, usableRows) belong to the circuit; the rest are reserved for the prover (blinding)
 *                    and must have every selector off
 * @param numAdvice   number of advice columns
 * @param numInstance number of instance columns
 * @param fixed       fixed column values, {@code fixed[c][row]}, canonical field elements, each of length n
 * @param gates       polynomial constraints
 * @param lookups     lookup arguments
 * @param copies      copy constraints
 * @param regions     labelled row ranges (layer, gadget) for reporting
 */
public record Circuit(String name, int logN, int usableRows, int numAdvice, int numInstance, long[][] fixed,
                      List<Gate> gates, List<Lookup> lookups, List<Copy> copies, List<Region> regions) {

    public Circuit {
        if (logN < 1 || logN > 28) {
            throw new IllegalArgumentException("logN must be in [1, 28], got " + logN);
        }
        int n = 1 << logN;
        if (usableRows < 0 || usableRows > n) {
            throw new IllegalArgumentException("usable rows " + usableRows + " outside [0, " + n + "]");
        }
        for (int c = 0; c < fixed.length; c++) {
            if (fixed[c].length != n) {
                throw new IllegalArgumentException("fixed column " + c + " has " + fixed[c].length + " rows, expected " + n);
            }
        }
        gates = List.copyOf(gates);
        lookups = List.copyOf(lookups);
        copies = List.copyOf(copies);
        regions = List.copyOf(regions);
        for (Gate g : gates) {
            checkColumns(g.poly(), "gate " + g.name(), fixed.length, numAdvice, numInstance);
        }
        for (Lookup l : lookups) {
            for (Expr e : l.inputs()) {
                checkColumns(e, "lookup " + l.name(), fixed.length, numAdvice, numInstance);
            }
            for (Expr e : l.table()) {
                checkColumns(e, "lookup " + l.name(), fixed.length, numAdvice, numInstance);
            }
        }
        for (Copy c : copies) {
            checkCell(c.a(), n, fixed.length, numAdvice, numInstance);
            checkCell(c.b(), n, fixed.length, numAdvice, numInstance);
        }
    }

    public int n() {
        return 1 << logN;
    }

    public int numFixed() {
        return fixed.length;
    }

    /** The largest gate degree (at least 1). */
    public int maxGateDegree() {
        int d = 1;
        for (Gate g : gates) {
            d = Math.max(d, g.degree());
        }
        return d;
    }

    /** How many columns of a kind the circuit has. */
    public int columns(ColumnKind kind) {
        return limit(kind, fixed.length, numAdvice, numInstance);
    }

    /** The columns that take part in copy constraints, in a stable order. */
    public List<Column> equalityColumns() {
        // Marks per kind and index, then the marked columns in Column's order (kind, then index): a model's millions of
        // copies name a few hundred columns, which a sorted set would compare on every insertion.
        ColumnKind[] kinds = ColumnKind.values();
        boolean[][] seen = new boolean[kinds.length][];
        for (ColumnKind k : kinds) {
            seen[k.ordinal()] = new boolean[columns(k)];
        }
        for (Copy c : copies) {
            Column a = c.a().column();
            Column b = c.b().column();
            seen[a.kind().ordinal()][a.index()] = true;
            seen[b.kind().ordinal()][b.index()] = true;
        }
        List<Column> cols = new ArrayList<>();
        for (ColumnKind k : kinds) {
            boolean[] s = seen[k.ordinal()];
            for (int i = 0; i < s.length; i++) {
                if (s[i]) {
                    cols.add(new Column(k, i));
                }
            }
        }
        return cols;
    }

    /** The region containing a row, or null. Regions may nest; the last (innermost, most specific) one wins. */
    public Region regionOf(int row) {
        Region found = null;
        for (Region r : regions) {
            if (r.contains(row)) {
                found = r;
            }
        }
        return found;
    }

    private static int limit(ColumnKind kind, int numFixed, int numAdvice, int numInstance) {
        return switch (kind) {
            case FIXED -> numFixed;
            case ADVICE -> numAdvice;
            case INSTANCE -> numInstance;
        };
    }

    private static void checkColumns(Expr e, String where, int numFixed, int numAdvice, int numInstance) {
        for (Expr.Var v : e.variables()) {
            if (v.column().index() >= limit(v.column().kind(), numFixed, numAdvice, numInstance)) {
                throw new IllegalArgumentException(where + " reads column " + v.column() + " which does not exist");
            }
        }
    }

    private static void checkCell(Cell c, int n, int numFixed, int numAdvice, int numInstance) {
        if (c.row() >= n || c.column().index() >= limit(c.column().kind(), numFixed, numAdvice, numInstance)) {
            throw new IllegalArgumentException("copy constraint names cell " + c + " outside the trace");
        }
    }
}
