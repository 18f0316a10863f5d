package dev.zkscope.circuit;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker's block evaluation (parallel blocks of rows on primitive arrays, lookups by open addressing) finds exactly
 * the violations a row-by-row walk of the same constraints finds: random circuits of several blocks (so rotations
 * cross block boundaries and wrap), random trees of sums, products, negations and constants, lookups of arity 1-3,
 * witnesses tampered in a few cells (or not at all).
 */
class CheckerBlocksTest {
    static final int LOG_N = 13;

    static Expr randomExpr(SplittableRandom r, int depth, int numFixed, int numAdvice) {
        if (depth == 0 || r.nextInt(4) == 0) {
            return switch (r.nextInt(3)) {
                case 0 -> new Expr.Const(r.nextInt(5));
                case 1 -> new Expr.Var(Column.fixed(r.nextInt(numFixed)), r.nextInt(2));
                default -> new Expr.Var(Column.advice(r.nextInt(numAdvice)), r.nextInt(2));
            };
        }
        return switch (r.nextInt(4)) {
            case 0 -> new Expr.Sum(randomExpr(r, depth - 1, numFixed, numAdvice), randomExpr(r, depth - 1, numFixed, numAdvice));
            case 1 -> new Expr.Product(randomExpr(r, depth - 1, numFixed, numAdvice), randomExpr(r, depth - 1, numFixed, numAdvice));
            case 2 -> new Expr.Neg(randomExpr(r, depth - 1, numFixed, numAdvice));
            default -> new Expr.Sum(randomExpr(r, depth - 1, numFixed, numAdvice), new Expr.Var(Column.advice(r.nextInt(numAdvice)), 0));
        };
    }

    /** Violations as (kind, name, row) strings, in order. */
    static List<String> keys(List<Violation> vs) {
        List<String> out = new ArrayList<>();
        for (Violation v : vs) {
            if (v instanceof Violation.GateFailure g) {
                out.add("gate " + g.gate() + " " + g.row() + " " + g.value() + " " + g.cells());
            } else if (v instanceof Violation.LookupFailure l) {
                out.add("lookup " + l.lookup() + " " + l.row() + " " + l.input());
            } else {
                out.add(v.toString());
            }
        }
        return out;
    }

    /** The row-by-row reference: every gate on every row, every lookup input row against the set of table rows. */
    static List<String> reference(Circuit c, Witness w) {
        List<String> out = new ArrayList<>();
        int n = c.n();
        int[] row = {0};
        Expr.RowValues rv = (col, rot) -> w.value(c, col, (row[0] + rot) & (n - 1));
        for (Gate g : c.gates()) {
            for (int r = 0; r < n; r++) {
                row[0] = r;
                long v = g.poly().evaluate(rv);
                if (v != 0) {
                    java.util.Map<String, Long> cells = new java.util.LinkedHashMap<>();
                    for (Expr.Var var : g.poly().variables()) {
                        cells.put(var.column() + (var.rotation() == 1 ? "'" : ""),
                                Goldilocks.toSigned(rv.value(var.column(), var.rotation())));
                    }
                    out.add("gate " + g.name() + " " + r + " " + Goldilocks.toSigned(v) + " " + cells);
                }
            }
        }
        for (Lookup l : c.lookups()) {
            Set<List<Long>> table = new HashSet<>();
            for (int r = 0; r < c.usableRows(); r++) {
                row[0] = r;
                List<Long> t = new ArrayList<>();
                for (Expr e : l.table()) {
                    t.add(e.evaluate(rv));
                }
                table.add(t);
            }
            for (int r = 0; r < c.usableRows(); r++) {
                row[0] = r;
                List<Long> t = new ArrayList<>();
                List<Long> shown = new ArrayList<>();
                for (Expr e : l.inputs()) {
                    long v = e.evaluate(rv);
                    t.add(v);
                    shown.add(Goldilocks.toSigned(v));
                }
                if (!table.contains(t)) {
                    out.add("lookup " + l.name() + " " + r + " " + shown);
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> blockChecks_findExactlyTheRowByRowViolations() {
        return Property.forAll("checker blocks", 0x5EEDC4EC, 12, r -> {
            int n = 1 << LOG_N;
            int numFixed = 4;
            int numAdvice = 4;
            long[][] fixed = new long[numFixed][n];
            for (int row = 0; row < n; row++) {
                fixed[0][row] = row % 7 == 0 ? 0 : 1;
                fixed[1][row] = row % 64;
                fixed[2][row] = (row * 3) % 64;
                // a selector zero over whole blocks of rows (the checker skips a product's other factor there)
                fixed[3][row] = (row >= 1500 && row < 2600) || (row >= 7000 && row < 7100) ? 1 : 0;
            }
            long[][] advice = new long[numAdvice][n];
            for (long[] col : advice) {
                for (int row = 0; row < n; row++) {
                    col[row] = r.nextInt(64);
                }
            }
            List<Gate> gates = new ArrayList<>();
            for (int g = 0; g < 3; g++) {
                gates.add(new Gate("g" + g, randomExpr(r, 4, numFixed, numAdvice)));
            }
            gates.add(new Gate("selected", new Expr.Product(Column.fixed(3).cur(), randomExpr(r, 4, numFixed, numAdvice))));
            // A gate that holds on a valid witness: s * (a2 - a2) once tampering is absent (two reads of one cell).
            gates.add(new Gate("zero", Column.fixed(0).cur().times(Column.advice(2).cur().minus(Column.advice(3).next()))));
            for (int row = 0; row < n; row++) {
                advice[3][(row + 1) & (n - 1)] = advice[2][row];
            }
            List<Lookup> lookups = List.of(
                    new Lookup("range64", List.of(Column.advice(0).cur()), List.of(Column.fixed(1).cur())),
                    new Lookup("pair", List.of(Column.advice(1).cur(), Column.advice(1).cur().times(3)),
                            List.of(Column.fixed(1).cur(), Column.fixed(2).cur())),
                    new Lookup("triple", List.of(Column.advice(0).cur(), Column.advice(1).next(), Column.advice(2).cur()),
                            List.of(Column.fixed(1).cur(), Column.fixed(2).cur(), Column.fixed(1).next())));
            int usable = n - 1 - r.nextInt(20);
            Circuit c = new Circuit("blocks", LOG_N, usable, numAdvice, 0, fixed, gates, lookups, List.of(),
                    List.of(new Region("all", "test", 0, usable)));
            if (r.nextBoolean()) {
                for (int k = r.nextInt(6); k > 0; k--) {
                    int col = r.nextInt(numAdvice);
                    int row = r.nextBoolean() ? r.nextInt(n) : (1024 * r.nextInt(8) + 1023 + r.nextInt(2)) & (n - 1);
                    advice[col][row] = r.nextInt(200);
                }
            }
            Witness w = new Witness(advice, new long[0][]);
            assertThat(keys(Checker.check(c, w))).isEqualTo(reference(c, w));
        });
    }
}
