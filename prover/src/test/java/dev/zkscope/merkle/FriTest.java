package dev.zkscope.merkle;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.fri.Fri;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Ntt;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FRI's commit phase on a 256-point codeword (degree &lt; 64 at rate 1/4), folded twice by 4 down to a final
 * polynomial of 4 coefficients: the layer count and sizes follow the parameters, every leaf of every layer folds to
 * the next layer's value (the last to the final polynomial), and a codeword of degree 64, one more than the bound,
 * or of random values, is refused.
 */
class FriTest {
    private static final int[] ROUNDS = {2, 2};
    private static final int LOG_FINAL = 2;

    static long[] randomCoeffs(SplittableRandom r, int n) {
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            c[i] = Goldilocks.reduce(r.nextLong());
        }
        return c;
    }

    static long[] lde(long[] c, int logBlowup) {
        return Ntt.lde(new Coeffs(c), logBlowup, Goldilocks.GENERATOR).v();
    }

    @Test
    void commit_layersFollowTheParameters_andEveryLeafFoldsToTheNextLayer() {
        SplittableRandom r = new SplittableRandom(3);
        long[] re = lde(randomCoeffs(r, 64), 2);
        long[] im = lde(randomCoeffs(r, 64), 2);
        Fri.Committed fc = Fri.commit(re, im, Goldilocks.GENERATOR, ROUNDS, LOG_FINAL, new Transcript("t"));
        assertThat(fc.trees).hasSize(ROUNDS.length);
        assertThat(fc.trees[0].depth()).isEqualTo(6); // 256 values in leaves of 4: 64 leaves
        assertThat(fc.trees[1].depth()).isEqualTo(4); // 64 values: 16 leaves
        assertThat(fc.finalPoly).hasSize(1 << LOG_FINAL);

        Transcript t = new Transcript("t");
        long shift = Goldilocks.GENERATOR;
        int size = re.length;
        for (int round = 0; round < ROUNDS.length; round++) {
            t.absorb(fc.trees[round].root());
            Fp2 beta = t.challengeExt();
            int m = size >>> ROUNDS[round];
            long omega = Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(size));
            for (int j = 0; j < m; j++) {
                long x = Goldilocks.mul(shift, Goldilocks.pow(omega, j));
                Fp2 folded = Fri.foldLeaf(fc.leaf(round, j), ROUNDS[round], Goldilocks.inv(x), beta);
                Fp2 next;
                if (round + 1 < ROUNDS.length) {
                    int mNext = m >>> ROUNDS[round + 1];
                    long[] leaf = fc.leaf(round + 1, j % mNext);
                    next = new Fp2(leaf[2 * (j / mNext)], leaf[2 * (j / mNext) + 1]);
                } else {
                    next = Fri.evalFinal(fc.finalPoly, Goldilocks.pow(x, 1L << ROUNDS[round]));
                }
                assertThat(folded).as("round %d, leaf %d", round, j).isEqualTo(next);
            }
            shift = Goldilocks.pow(shift, 1L << ROUNDS[round]);
            size = m;
        }
    }

    @Test
    void commit_refusesACodewordOneDegreeTooHigh() {
        SplittableRandom r = new SplittableRandom(5);
        long[] c = new long[128];
        System.arraycopy(randomCoeffs(r, 64), 0, c, 0, 64);
        c[64] = 1; // degree 64: the 256-point codeword at rate 1/4 must have degree < 64
        long[] re = lde(c, 1);
        long[] im = lde(randomCoeffs(r, 64), 2);
        assertThatThrownBy(() -> Fri.commit(re, im, Goldilocks.GENERATOR, ROUNDS, LOG_FINAL, new Transcript("t")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("degree < 4");
    }

    @Test
    void commit_refusesRandomValues() {
        SplittableRandom r = new SplittableRandom(4);
        long[] v0 = randomCoeffs(r, 256);
        long[] v1 = randomCoeffs(r, 256);
        assertThatThrownBy(() -> Fri.commit(v0, v1, Goldilocks.GENERATOR, ROUNDS, LOG_FINAL, new Transcript("t")))
                .isInstanceOf(IllegalStateException.class);
    }
}
