package dev.zkscope.pcs;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DEEP sums formed on the coefficients ({@link DeepSums}) give byte for byte the proof of the sums of every
 * column read on every coset (the computation before them), for kept and recomputed extensions, several sets of
 * opening points (a column at both points, at the first only, at the second only) and short coefficient columns.
 */
class DeepSumsTest {
    static final int LOG_N = CommittedBatches.LOG_N;

    static byte[] prove(FriConfig cfg, long ldeCacheBytes, boolean fromCosets, int[][] columns, long seed) {
        CommittedBatches c = CommittedBatches.of(cfg, ldeCacheBytes, seed);
        c.pcs().deepFromCosets = fromCosets;
        OpeningProof proof = c.open(columns);
        assertThat(c.verify(columns, proof)).isEmpty();
        return proof.toBytes();
    }

    @Test
    void coefficientSums_giveTheSameProofAsCosetSums() {
        int[][][] sets = {
            FriPcsTest.COLUMNS,
            {{0, 1, 3, 4, 5, 6}, {1, 2, 5}},
            {{0, 1, 2, 3, 4, 5, 6}, {0, 1, 2, 3, 4, 5, 6}},
        };
        for (FriConfig cfg : new FriConfig[] {
                new FriConfig(LOG_N, 3, 28, 2, 3, 6, true),
                new FriConfig(LOG_N, 1, 5, 0, 1, 0, false)}) {
            for (int[][] columns : sets) {
                for (long budget : new long[] {Long.MAX_VALUE, 0}) {
                    byte[] reference = prove(cfg, budget, true, columns, 11);
                    byte[] fast = prove(cfg, budget, false, columns, 11);
                    assertThat(fast).as("%s budget %d", cfg, budget).isEqualTo(reference);
                }
                // a different seed gives a different proof (the comparison is not of constants)
                assertThat(prove(cfg, 0, false, columns, 12)).isNotEqualTo(prove(cfg, 0, false, columns, 11));
            }
        }
    }

    @Test
    void combine_matchesTheDirectSum() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1 << 13;
        long[][] coeffs = {FriPcsTest.randomColumn(rnd, n), FriPcsTest.randomColumn(rnd, n - 5),
            FriPcsTest.randomColumn(rnd, n), FriPcsTest.randomColumn(rnd, 1)};
        int[] masks = {1, 3, 1, 2};
        boolean[] used = {false, true, true, true};
        Fp2[] ap = new Fp2[coeffs.length];
        for (int g = 0; g < ap.length; g++) {
            ap[g] = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
        }
        long[][][] out = DeepSums.combine(coeffs, masks, ap, used, n);
        assertThat(out[0]).isNull();
        for (int m = 1; m < 4; m++) {
            for (int t = 0; t < n; t++) {
                Fp2 want = Fp2.ZERO;
                for (int g = 0; g < coeffs.length; g++) {
                    if (masks[g] == m && t < coeffs[g].length) {
                        want = want.add(ap[g].mul(coeffs[g][t]));
                    }
                }
                assertThat(new Fp2(out[m][0][t], out[m][1][t])).isEqualTo(want);
            }
        }
    }
}
