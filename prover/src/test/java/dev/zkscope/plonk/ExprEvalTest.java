package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotient's block evaluator (scratch arrays reused per thread and depth, columns and constants read in place as
 * right operands) agrees with the checker's row-by-row {@link Expr#evaluate} on random expression trees, rotations
 * that wrap around the domain included, and on blocks evaluated one after another by the same thread (a stale scratch
 * array would carry values over).
 */
class ExprEvalTest {
    private static final int COLS = 4;

    @TestFactory
    Stream<DynamicTest> block_equals_rowByRowEvaluation() {
        return Property.forAll("block = evaluate", 0x5E65EEDL, 60, r -> {
            int logN = 3 + r.nextInt(6);
            int n = 1 << logN;
            long[][] fixed = randomColumns(r, n);
            long[][] advice = randomColumns(r, n);
            ExprEval.Columns cols = c -> c.kind() == dev.zkscope.circuit.ColumnKind.FIXED ? fixed[c.index()] : advice[c.index()];
            Expr e = random(r, 1 + r.nextInt(7));
            for (int round = 0; round < 3; round++) {
                int from = r.nextInt(n);
                int len = 1 + r.nextInt(n - from);
                long[] out = new long[len];
                java.util.Arrays.fill(out, 12345);
                ExprEval.block(e, cols, 1, 1, n - 1, from, len, out);
                for (int k = 0; k < len; k++) {
                    int row = from + k;
                    long want = e.evaluate((c, rot) -> (c.kind() == dev.zkscope.circuit.ColumnKind.FIXED ? fixed : advice)
                            [c.index()][(row + rot) & (n - 1)]);
                    assertThat(out[k]).as("row %d of %s", row, e).isEqualTo(want);
                }
            }
        });
    }

    private static long[][] randomColumns(SplittableRandom r, int n) {
        long[][] c = new long[COLS][n];
        for (long[] col : c) {
            for (int i = 0; i < n; i++) {
                col[i] = Goldilocks.reduce(r.nextLong());
            }
        }
        return c;
    }

    /** A random tree of the given depth budget over fixed and advice columns at rotations 0 and 1, and constants. */
    private static Expr random(SplittableRandom r, int depth) {
        int kind = depth <= 0 ? r.nextInt(2) : r.nextInt(5);
        switch (kind) {
            case 0:
                return new Expr.Const(Goldilocks.reduce(r.nextLong()));
            case 1:
                return new Expr.Var(r.nextBoolean() ? Column.fixed(r.nextInt(COLS)) : Column.advice(r.nextInt(COLS)),
                        r.nextInt(2));
            case 2:
                return new Expr.Sum(random(r, depth - 1), random(r, depth - 1));
            case 3:
                return new Expr.Product(random(r, depth - 1), random(r, depth - 1));
            default:
                return new Expr.Neg(random(r, depth - 1));
        }
    }
}
