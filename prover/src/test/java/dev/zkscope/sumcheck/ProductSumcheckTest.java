package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The specialised batching-sumcheck prover gives the generic prover's proof, point, finals and transcript. */
class ProductSumcheckTest {
    static long[] randomExtTable(SplittableRandom r, int n) {
        long[] v = new long[2 * n];
        for (int i = 0; i < n; i++) {
            Ext.set(v, i, SumcheckTest.randomExt(r));
        }
        return v;
    }

    @Test
    void sameTranscriptAsTheGenericProver_twoHalvesAndOneTable() {
        SplittableRandom rnd = new SplittableRandom(7);
        // sizes below and above the parallel threshold (Mle.PARALLEL pairs per chunk)
        for (int m : new int[] {1, 2, 5, 9, 14}) {
            int h = 1 << (m - 1);
            long[] lo = SumcheckTest.randomBase(rnd, h);
            long[] hi = SumcheckTest.randomBase(rnd, h);
            long[] e = randomExtTable(rnd, 2 * h);
            long[] a = Arrays.copyOf(lo, 2 * h);
            System.arraycopy(hi, 0, a, h, h);
            Transcript t1 = new Transcript("product");
            Transcript t2 = new Transcript("product");
            Sumcheck.Result want = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {Ext.lift(a), e.clone()}, t1);
            Sumcheck.Result got = ProductSumcheck.prove(lo, 0, hi, 0, h, e.clone(), t2);
            check(m, want, got, t1, t2);
            // g(1) read off each round's claim (the true sum), and the first round over a zero tail
            int nz = Math.max(1, h / 2 + 1);
            long[] loT = Arrays.copyOf(Arrays.copyOf(lo, nz), h);
            long[] hiT = Arrays.copyOf(Arrays.copyOf(hi, nz), h);
            long[] aT = Arrays.copyOf(loT, 2 * h);
            System.arraycopy(hiT, 0, aT, h, h);
            Fp2 sum = Ext.dot(Ext.lift(aT), e);
            Transcript t5 = new Transcript("product");
            Transcript t6 = new Transcript("product");
            want = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {Ext.lift(aT), e.clone()}, t5);
            got = ProductSumcheck.prove(loT, 0, hiT, 0, h, nz, e.clone(), sum, t6);
            check(m, want, got, t5, t6);
            // one table holding both halves (the non-hiding opening)
            Transcript t3 = new Transcript("product");
            Transcript t4 = new Transcript("product");
            want = Sumcheck.prove(Sumcheck.Form.product(0, 1), new long[][] {Ext.lift(a), e.clone()}, t3);
            got = ProductSumcheck.prove(a, 0, a, h, h, e.clone(), t4);
            check(m, want, got, t3, t4);
        }
    }

    @Test
    void aWrongTableGivesAnotherProof() {
        SplittableRandom rnd = new SplittableRandom(8);
        int h = 64;
        long[] lo = SumcheckTest.randomBase(rnd, h);
        long[] hi = SumcheckTest.randomBase(rnd, h);
        long[] e = randomExtTable(rnd, 2 * h);
        Sumcheck.Result a = ProductSumcheck.prove(lo, 0, hi, 0, h, e.clone(), new Transcript("product"));
        hi[3] = dev.zkscope.field.Goldilocks.add(hi[3], 1);
        Sumcheck.Result b = ProductSumcheck.prove(lo, 0, hi, 0, h, e.clone(), new Transcript("product"));
        assertThat(b.proof().rounds()[0]).isNotEqualTo(a.proof().rounds()[0]);
    }

    private static void check(int m, Sumcheck.Result want, Sumcheck.Result got, Transcript t1, Transcript t2) {
        assertThat(got.proof().rounds().length).as("m=%d", m).isEqualTo(m);
        for (int k = 0; k < m; k++) {
            assertThat(got.proof().rounds()[k]).as("m=%d round %d", m, k).containsExactly(want.proof().rounds()[k]);
        }
        assertThat(got.point()).containsExactly(want.point());
        assertThat(got.finalValues()).containsExactly(want.finalValues());
        Fp2 c1 = t1.challengeExt();
        Fp2 c2 = t2.challengeExt();
        assertThat(c2).isEqualTo(c1);
    }
}
