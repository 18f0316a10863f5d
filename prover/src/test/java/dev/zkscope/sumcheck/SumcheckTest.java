package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.testing.Property;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SumcheckTest {
    static long[] randomBase(SplittableRandom r, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = Goldilocks.reduce(r.nextLong());
        }
        return v;
    }

    static Fp2 randomExt(SplittableRandom r) {
        return new Fp2(Goldilocks.reduce(r.nextLong()), Goldilocks.reduce(r.nextLong()));
    }

    /** The sum over the hypercube computed directly. */
    static Fp2 bruteSum(Sumcheck.Form form, long[][] tabs) {
        int n = Ext.len(tabs[0]);
        Fp2 s = Fp2.ZERO;
        for (int i = 0; i < n; i++) {
            Fp2[] vals = new Fp2[tabs.length];
            for (int j = 0; j < tabs.length; j++) {
                vals[j] = Ext.get(tabs[j], i);
            }
            s = s.add(form.evaluate(vals));
        }
        return s;
    }

    @Test
    void eqTable_matchesEqAndEvaluationMatchesFolding() {
        SplittableRandom r = new SplittableRandom(1);
        Fp2[] z = {randomExt(r), randomExt(r), randomExt(r)};
        long[] t = Mle.eqTable(z);
        for (int x = 0; x < 8; x++) {
            Fp2[] bits = {Fp2.of(x & 1), Fp2.of((x >> 1) & 1), Fp2.of((x >> 2) & 1)};
            assertThat(Ext.get(t, x)).isEqualTo(Mle.eq(z, bits));
        }
        long[] f = randomBase(r, 8);
        assertThat(Mle.evaluateBase(f, z)).isEqualTo(Ext.dotBase(f, t));
        // on a Boolean point the extension is the table
        assertThat(Mle.evaluateBase(f, new Fp2[] {Fp2.ONE, Fp2.ZERO, Fp2.ONE})).isEqualTo(Fp2.of(f[5]));
    }

    @TestFactory
    Stream<DynamicTest> sumcheck_completeAndFinalClaimIsTheFormAtThePoint() {
        return Property.forAll("sumcheck_complete", 0x5C1L, 12, r -> {
            int m = 1 + r.nextInt(r.nextBoolean() ? 6 : 14);
            int n = 1 << m;
            long[][] tabs = {Ext.lift(randomBase(r, n)), Ext.lift(randomBase(r, n)), Ext.lift(randomBase(r, n))};
            Sumcheck.Form form = new Sumcheck.Form(new int[][] {{0, 1, 2}, {1, 2}, {0}},
                    new Fp2[] {Fp2.ONE, randomExt(r), randomExt(r)});
            Fp2 claim = bruteSum(form, tabs);
            Sumcheck.Result res = Sumcheck.prove(form, tabs, new Transcript("t"));
            Sumcheck.Reduced red = Sumcheck.verify(claim, m, 3, res.proof(), res.finalValues(), new Transcript("t"));
            assertThat(red.point()).containsExactly(res.point());
            for (int j = 0; j < 3; j++) {
                assertThat(res.finalValues()[j]).isEqualTo(Mle.evaluate(tabs[j], res.point()));
            }
            assertThat(form.evaluate(res.finalValues())).isEqualTo(red.claim());
        });
    }

    @Test
    void sumcheck_rejectsWrongClaimAndTamperedRounds() {
        SplittableRandom r = new SplittableRandom(7);
        int m = 5;
        long[][] tabs = {Ext.lift(randomBase(r, 32)), Ext.lift(randomBase(r, 32))};
        Sumcheck.Form form = Sumcheck.Form.product(0, 1);
        Fp2 claim = bruteSum(form, tabs);
        Sumcheck.Result res = Sumcheck.prove(form, tabs, new Transcript("t"));
        assertThatThrownBy(() -> Sumcheck.verify(claim.add(Fp2.ONE), m, 2, res.proof(), res.finalValues(), new Transcript("t")))
                .isInstanceOf(SumcheckException.class).hasMessageContaining("round 0");
        for (int k = 0; k < m; k++) {
            for (int t = 0; t < 3; t++) {
                Fp2[][] rounds = res.proof().rounds().clone();
                rounds[k] = rounds[k].clone();
                rounds[k][t] = rounds[k][t].add(Fp2.ONE);
                SumcheckProof bad = new SumcheckProof(rounds);
                boolean rejected;
                try {
                    Sumcheck.Reduced red = Sumcheck.verify(claim, m, 2, bad, res.finalValues(), new Transcript("t"));
                    // a changed last round or a changed g(2) passes the sums, but not the final evaluation check
                    rejected = !form.evaluate(res.finalValues()).equals(red.claim());
                } catch (SumcheckException e) {
                    rejected = true;
                }
                assertThat(rejected).as("round %d value %d", k, t).isTrue();
            }
        }
        assertThatThrownBy(() -> Sumcheck.verify(claim, m + 1, 2, res.proof(), res.finalValues(), new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
    }
}
