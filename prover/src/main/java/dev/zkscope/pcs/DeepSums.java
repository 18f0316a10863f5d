package dev.zkscope.pcs;

import dev.zkscope.field.Fp2;

import java.util.stream.IntStream;

import static dev.zkscope.field.Goldilocks.add;
import static dev.zkscope.field.Goldilocks.mul;

/**
 * The DEEP quotient's column sums in coefficient form: for each set of points m, S_m = sum over the columns g opened
 * at exactly those points of alpha^g f_g, as the real and imaginary parts of its n coefficients. The columns have
 * base-field coefficients, so each part is a base-field linear combination: 2 products per coefficient and column,
 * where summing the columns' values on the extension costs 2 per extension point (2^logBlowup times more) and, for
 * a batch that does not keep its extension, a transform per column and coset besides.
 */
final class DeepSums {
    /** Coefficients per parallel block: the block's sums stay in cache while every column streams past them. */
    private static final int BLOCK = 1 << 11;

    private DeepSums() {}

    /**
     * out[m][0] and out[m][1]: the real and imaginary coefficients of S_m for each used mask m (null otherwise).
     *
     * @param coeffs per column, its coefficients (at most n)
     * @param masks  per column, the set of points it is opened at
     * @param ap     the batching powers: column g's weight is ap[g]
     */
    static long[][][] combine(long[][] coeffs, int[] masks, Fp2[] ap, boolean[] used, int n) {
        int numMasks = used.length;
        long[][][] out = new long[numMasks][][];
        for (int m = 0; m < numMasks; m++) {
            if (used[m]) {
                out[m] = new long[][] {new long[n], new long[n]};
            }
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            int from = blk * BLOCK;
            int to = Math.min(n, from + BLOCK);
            for (int g = 0; g < coeffs.length; g++) {
                long[] c = coeffs[g];
                int end = Math.min(to, c.length);
                if (end <= from) {
                    continue;
                }
                long a0 = ap[g].c0();
                long a1 = ap[g].c1();
                long[] r = out[masks[g]][0];
                long[] im = out[masks[g]][1];
                for (int t = from; t < end; t++) {
                    long v = c[t];
                    r[t] = add(r[t], mul(a0, v));
                    im[t] = add(im[t], mul(a1, v));
                }
            }
        });
        return out;
    }
}
