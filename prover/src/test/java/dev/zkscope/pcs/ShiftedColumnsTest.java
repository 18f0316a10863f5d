package dev.zkscope.pcs;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.poly.Cancel;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Columns that are another column plus a constant (a key's identity columns) or a constant are committed without their
 * own transforms; the commitment, coefficients and extension must be those of transforming every column, including
 * for columns that are a shift everywhere but one row (which must not be taken for one).
 */
class ShiftedColumnsTest {
    static final int LOG_N = 8;

    @Test
    void shiftedAndConstantColumns_commitAsIfEachWereTransformed() {
        int n = 1 << LOG_N;
        SplittableRandom rnd = new SplittableRandom(11);
        long[] a = FriPcsTest.randomColumn(rnd, n);
        long[] s0 = FriPcsTest.randomColumn(rnd, n);
        long[] s1 = FriPcsTest.randomColumn(rnd, n);
        long[] almost = shifted(a, 5);
        almost[n - 1] = Goldilocks.add(almost[n - 1], 1);
        long[] almostConst = new long[n];
        java.util.Arrays.fill(almostConst, 9);
        almostConst[0] = 8;
        long[] wraps = shifted(a, Goldilocks.neg(3));
        long[] zeros = new long[n];
        long[] sevens = new long[n];
        java.util.Arrays.fill(sevens, 7);
        // identity-like columns interleaved with sigma-like ones, as a key lays them out
        long[][] cols = {a, s0, shifted(a, n), s1, shifted(a, 2L * n), almost, almostConst, zeros, sevens, wraps,
                shifted(sevens, 1)};
        FriPcs.Shifted rel = FriPcs.Shifted.of(evals(cols));
        assertThat(rel.base()).containsExactly(0, 1, 0, 3, 0, 5, 6, -1, -1, 9, -1);
        for (long cache : new long[] {Long.MAX_VALUE, 0}) {
            FriConfig plain = new FriConfig(LOG_N, 2, 6, 4, 2, 1, false);
            FriPcs pcs = new FriPcs(plain, null, Cancel.NEVER, cache);
            Pcs.ProverData fast = pcs.commitPreprocessed(evals(cols));
            Coeffs[] cf = new Coeffs[cols.length];
            for (int c = 0; c < cols.length; c++) {
                cf[c] = Ntt.interpolate(new Evals(cols[c].clone(), 1));
            }
            Pcs.ProverData ref = new FriPcs(plain, FriPcsTest.randomness(1), Cancel.NEVER, cache).commit(cf);
            assertThat(fast.commitment().root()).isEqualTo(ref.commitment().root());
            for (int c = 0; c < cols.length; c++) {
                assertThat(fast.coeffs(c)).as("coefficients of column %d", c).isEqualTo(ref.coeffs(c));
                for (int j = 0; j < 1 << plain.logBlowup(); j++) {
                    assertThat(fast.coset(c, j)).as("column %d coset %d", c, j).isEqualTo(ref.coset(c, j));
                }
            }
        }
    }

    private static long[] shifted(long[] v, long d) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Goldilocks.add(v[i], Goldilocks.reduce(d));
        }
        return out;
    }

    private static Evals[] evals(long[][] cols) {
        Evals[] out = new Evals[cols.length];
        for (int c = 0; c < cols.length; c++) {
            out[c] = new Evals(cols[c].clone(), 1);
        }
        return out;
    }
}
