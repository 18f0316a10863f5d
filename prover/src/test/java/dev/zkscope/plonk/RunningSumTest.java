package dev.zkscope.plonk;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The column-wise running sum equals the row-by-row one it replaced, on every row, for u below n and u = n. */
class RunningSumTest {
    @Test
    void columnWise_equalsRowByRow() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{1 << 13, (1 << 13) - 37, 3}, {1 << 13, 1 << 13, 2}, {1 << 14, 9_000, 1}, {16, 16, 4}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int u = shape[1];
            int groups = shape[2];
            long[][] aux = new long[2 * groups + 2][n];
            for (int c = 0; c < 2 * groups; c++) {
                for (int i = 0; i < n; i++) {
                    aux[c][i] = Goldilocks.reduce(rnd.nextLong());
                }
            }
            // rows Z does not write keep their values
            for (int c = 2 * groups; c < aux.length; c++) {
                for (int i = 0; i < n; i++) {
                    aux[c][i] = rnd.nextInt(1000) + 1;
                }
            }
            long[][] want = new long[aux.length][];
            for (int c = 0; c < aux.length; c++) {
                want[c] = aux[c].clone();
            }
            long ar = 0;
            long ai = 0;
            for (int i = 0; i < u; i++) {
                for (int g = 0; g < groups; g++) {
                    ar = Goldilocks.add(ar, want[2 * g][i]);
                    ai = Goldilocks.add(ai, want[2 * g + 1][i]);
                }
                if (i + 1 < n) {
                    want[2 * groups][i + 1] = ar;
                    want[2 * groups + 1][i + 1] = ai;
                }
            }
            RunningSum.fill(aux, groups, u, n);
            for (int c = 0; c < aux.length; c++) {
                assertThat(aux[c]).as("n %d u %d column %d", n, u, c).isEqualTo(want[c]);
            }
            assertThat(aux[2 * groups][u == n ? n - 1 : u]).isNotZero();
        }
    }
}
