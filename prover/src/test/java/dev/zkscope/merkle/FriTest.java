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

class FriTest {
    static long[] lde(long[] c) {
        return Ntt.lde(new Coeffs(c), 2, Goldilocks.GENERATOR).v();
    }

    @Test
    void commit_foldsLowDegreeCodewordToItsFinalPolynomial() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 64;
        long[] c0 = new long[n];
        long[] c1 = new long[n];
        for (int i = 0; i < n; i++) {
            c0[i] = Goldilocks.reduce(r.nextLong());
            c1[i] = Goldilocks.reduce(r.nextLong());
        }
        Fri.Committed fc = Fri.commit(lde(c0), lde(c1), Goldilocks.GENERATOR, new int[] {2, 2}, 2, new Transcript("t"));
        assertThat(fc.finalPoly).hasSize(4);
        // Folding one leaf by hand equals the next layer's value: checked through a query at index 5.
        int size = 256, m = 64;
        long[] leaf = fc.leaf(0, 5);
        long x = Goldilocks.mul(Goldilocks.GENERATOR, Goldilocks.pow(Goldilocks.rootOfUnity(8), 5));
        Transcript t = new Transcript("t");
        t.absorb(fc.trees[0].root());
        Fp2 beta = t.challengeExt();
        Fp2 folded = Fri.foldLeaf(leaf, 2, Goldilocks.inv(x), beta);
        long[] next = fc.leaf(1, 5 % 16);
        assertThat(new Fp2(next[2 * (5 / 16)], next[2 * (5 / 16) + 1])).isEqualTo(folded);
        assertThat(size / m).isEqualTo(4);
    }

    @Test
    void commit_refusesHighDegreeCodeword() {
        SplittableRandom r = new SplittableRandom(4);
        long[] v0 = new long[256];
        long[] v1 = new long[256];
        for (int i = 0; i < 256; i++) {
            v0[i] = Goldilocks.reduce(r.nextLong());
            v1[i] = Goldilocks.reduce(r.nextLong());
        }
        assertThatThrownBy(() -> Fri.commit(v0, v1, Goldilocks.GENERATOR, new int[] {2, 2}, 2, new Transcript("t")))
                .isInstanceOf(IllegalStateException.class);
    }
}
