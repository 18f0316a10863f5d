package dev.zkscope.plonk;

import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.add;

/**
 * The LogUp running sum Z[i + 1] = Z[i] + sum_g h_g[i] over the active rows, column by column: the per-row sums of
 * the helpers are added a block of rows at a time (each helper column read in runs, blocks in parallel), then one
 * sequential prefix pass. The row-by-row loop it replaces read one value of every helper column per row (a cache
 * line each, 2 per group, for a hundred helper columns). Field addition is exact, so the values are the same.
 */
final class RunningSum {
    private static final int BLOCK = 1 << 12;

    private RunningSum() {}

    /**
     * Writes Z into aux[2 groups] (real) and aux[2 groups + 1] (imaginary) at rows 1..min(u, n - 1), from the helper
     * pairs aux[2g], aux[2g + 1], g &lt; groups, on rows [0, u); row 0 and the rows after u are left as they are.
     */
    static void fill(long[][] aux, int groups, int u, int n) {
        long[] zr = aux[2 * groups];
        long[] zi = aux[2 * groups + 1];
        long[] sr = new long[u];
        long[] si = new long[u];
        IntStream.range(0, (u + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            int from = b * BLOCK;
            int to = Math.min(u, from + BLOCK);
            for (int g = 0; g < groups; g++) {
                long[] hr = aux[2 * g];
                long[] hi = aux[2 * g + 1];
                for (int i = from; i < to; i++) {
                    sr[i] = add(sr[i], hr[i]);
                    si[i] = add(si[i], hi[i]);
                }
            }
        });
        long ar = 0;
        long ai = 0;
        for (int i = 0; i < u && i + 1 < n; i++) {
            ar = add(ar, sr[i]);
            ai = add(ai, si[i]);
            zr[i + 1] = ar;
            zi[i + 1] = ai;
        }
    }
}
