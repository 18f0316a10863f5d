package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batched zero-knowledge opening: complete, every edited part rejected, and simulatable (exact test). */
class ZkOpeningTest {
    static final PcsParams P = PcsParams.testing();

    static void check(TensorPcs.Commitment c, Fp2[][] pts, Fp2[] vals, ZkOpening.Proof pr) {
        Transcript tv = new Transcript("z");
        c.absorbInto(tv);
        ZkOpening.verify(c, pts, vals, pr, P, tv);
    }

    @Test
    void opensSeveralPointsAtOnceAndRejectsEditedParts() {
        int m = 10;
        SplittableRandom r = new SplittableRandom(7);
        long[] f = SumcheckTest.randomBase(r, 1 << m);
        TensorPcs.Committed c = TensorPcs.commitHiding(f, P, new Random(3), ZkOpening.blindRows(m, P));
        Fp2[][] pts = {TensorPcsHidingTest.point(r, m), TensorPcsHidingTest.point(r, m), TensorPcsHidingTest.point(r, m)};
        Fp2[] vals = new Fp2[3];
        for (int i = 0; i < 3; i++) {
            vals[i] = Mle.evaluateBase(f, pts[i]);
        }
        Transcript tp = new Transcript("z");
        c.commitment().absorbInto(tp);
        ZkOpening.Proof pr = ZkOpening.prove(c, pts, P, tp);
        check(c.commitment(), pts, vals, pr);
        // a wrong value; two values swapped
        assertThatThrownBy(() -> check(c.commitment(), pts, new Fp2[] {vals[0], vals[1].add(Fp2.ONE), vals[2]}, pr))
                .isInstanceOf(SumcheckException.class);
        assertThatThrownBy(() -> check(c.commitment(), pts, new Fp2[] {vals[1], vals[0], vals[2]}, pr))
                .isInstanceOf(SumcheckException.class);
        // B~(tau), every round value, the final value and weight
        assertThatThrownBy(() -> check(c.commitment(), pts, vals, new ZkOpening.Proof(pr.blockAtTau().add(Fp2.ONE),
                pr.rounds(), pr.value(), pr.weight(), pr.opening()))).isInstanceOf(SumcheckException.class);
        for (int k = 0; k < pr.rounds().rounds().length; k++) {
            for (int x = 0; x < 3; x++) {
                Fp2[][] rounds = pr.rounds().rounds().clone();
                rounds[k] = rounds[k].clone();
                rounds[k][x] = rounds[k][x].add(Fp2.ONE);
                ZkOpening.Proof bad = new ZkOpening.Proof(pr.blockAtTau(), new SumcheckProof(rounds), pr.value(),
                        pr.weight(), pr.opening());
                assertThatThrownBy(() -> check(c.commitment(), pts, vals, bad)).isInstanceOf(SumcheckException.class);
            }
        }
        assertThatThrownBy(() -> check(c.commitment(), pts, vals, new ZkOpening.Proof(pr.blockAtTau(), pr.rounds(),
                pr.value().add(Fp2.ONE), pr.weight(), pr.opening()))).isInstanceOf(SumcheckException.class);
        assertThatThrownBy(() -> check(c.commitment(), pts, vals, new ZkOpening.Proof(pr.blockAtTau(), pr.rounds(),
                pr.value(), pr.weight().add(Fp2.ONE), pr.opening()))).isInstanceOf(SumcheckException.class);
        // a commitment to other data
        long[] g = f.clone();
        g[5] = Goldilocks.add(g[5], 1);
        TensorPcs.Committed c2 = TensorPcs.commitHiding(g, P, new Random(3), ZkOpening.blindRows(m, P));
        assertThatThrownBy(() -> check(c2.commitment(), pts, vals, pr)).isInstanceOf(SumcheckException.class);
        // too few blinding rows
        TensorPcs.Commitment fewer = new TensorPcs.Commitment(c.commitment().root(), m, 2);
        assertThatThrownBy(() -> check(fewer, pts, vals, pr)).isInstanceOf(SumcheckException.class)
                .hasMessageContaining("blinding rows");
    }

    /** Everything the opening shows at fixed challenges, as base-field values (the claimed values excluded). */
    static long[] view(long[] f, long[] omega, int blind, Challenges ch) {
        TensorPcs.Committed c = TensorPcs.commit(f, P, new TensorPcsHidingTest.Scripted(omega), blind);
        return view(c, f, ch);
    }

    /** What the opening of the committed table {@code f} shows at fixed challenges (the claimed values excluded). */
    static long[] view(TensorPcs.Committed c, long[] f, Challenges ch) {
        Fp2[][] pts = ch.pts();
        Fp2[] tau = ch.tau();
        Fp2[] coeffs = ch.coeffs();
        Fp2[] rs = ch.rs();
        Fp2 gamma = ch.gamma();
        int[] qs = ch.qs();
        int m = tau.length;
        long[] block = new long[1 << m];
        long[] b = c.blindingBlock();
        System.arraycopy(b, 0, block, 0, b.length);
        java.util.List<Fp2> out = new java.util.ArrayList<>();
        out.add(Mle.evaluateBase(block, tau));
        long[] pPrime = new long[2 << m];
        System.arraycopy(f, 0, pPrime, 0, 1 << m);
        System.arraycopy(block, 0, pPrime, 1 << m, 1 << m);
        long[][] cur = {Ext.lift(pPrime), ZkOpening.weights(pts, coeffs, tau)};
        Fp2[] star = new Fp2[m + 1];
        for (int k = 0; k <= m; k++) {
            out.addAll(Arrays.asList(Sumcheck.roundPoly(Sumcheck.Form.product(0, 1), cur, 2)));
            star[m - k] = rs[k];
            cur = new long[][] {Mle.fold(cur[0], rs[k]), Mle.fold(cur[1], rs[k])};
        }
        out.add(Ext.get(cur[0], 0));
        long[] v = TensorPcs.evalVector(c, star);
        long[] u = TensorPcs.proximityVector(c, gamma);
        int w = c.code.length;
        long[] res = new long[2 * out.size() + v.length + u.length + qs.length * w];
        int at = 0;
        for (Fp2 x : out) {
            res[at++] = x.c0();
            res[at++] = x.c1();
        }
        System.arraycopy(v, 0, res, at, v.length);
        at += v.length;
        System.arraycopy(u, 0, res, at, u.length);
        at += u.length;
        for (int q = 0; q < qs.length; q++) {
            System.arraycopy(TensorPcs.column(c, qs[q]), 0, res, at + q * w, w);
        }
        return res;
    }

    /** The fixed challenges of a simulation: two opening points, tau, the combination, the rounds', gamma, queries. */
    record Challenges(Fp2[][] pts, Fp2[] tau, Fp2[] coeffs, Fp2[] rs, Fp2 gamma, int[] qs) {
        static Challenges draw(SplittableRandom r, int m, TensorPcs.Shape s) {
            Fp2[][] pts = {TensorPcsHidingTest.point(r, m), TensorPcsHidingTest.point(r, m)};
            Fp2[] tau = TensorPcsHidingTest.point(r, m);
            Fp2[] coeffs = TensorPcsHidingTest.point(r, 2);
            Fp2[] rs = TensorPcsHidingTest.point(r, m + 1);
            Fp2 gamma = SumcheckTest.randomExt(r);
            int[] qs = new int[P.queries()];
            for (int q = 0; q < qs.length; q++) {
                qs[q] = r.nextInt(s.code());
            }
            return new Challenges(pts, tau, coeffs, rs, gamma, qs);
        }
    }

    /** What an opening shows of a table committed with the given randomness (the challenges fixed). */
    interface View {
        long[] of(long[] table, long[] omega);
    }

    /**
     * {@code a + delta} with {@code delta} changed in its first 4 entries so that its multilinear extension is zero at
     * every point: a second table with the same claims as {@code a}, and zero wherever {@code delta} was.
     */
    static long[] sameClaims(long[] a, long[] delta, Fp2[][] pts) {
        int size = a.length;
        int free = 4;
        long[] d = delta.clone();
        Arrays.fill(d, 0, free, 0);
        long[] rhs = new long[2 * pts.length];
        for (int i = 0; i < pts.length; i++) {
            Fp2 e = Mle.evaluateBase(d, pts[i]);
            rhs[2 * i] = Goldilocks.neg(e.c0());
            rhs[2 * i + 1] = Goldilocks.neg(e.c1());
        }
        long[][] cols = new long[free][];
        for (int j = 0; j < free; j++) {
            cols[j] = new long[2 * pts.length];
            long[] unit = new long[size];
            unit[j] = 1;
            for (int i = 0; i < pts.length; i++) {
                Fp2 e = Mle.evaluateBase(unit, pts[i]);
                cols[j][2 * i] = e.c0();
                cols[j][2 * i + 1] = e.c1();
            }
        }
        long[] sol = TensorPcsHidingTest.solve(cols, rhs);
        assertThat(sol).isNotNull();
        System.arraycopy(sol, 0, d, 0, free);
        long[] b = new long[size];
        for (int i = 0; i < size; i++) {
            b[i] = Goldilocks.add(a[i], d[i]);
        }
        for (Fp2[] z : pts) {
            assertThat(Mle.evaluateBase(b, z)).isEqualTo(Mle.evaluateBase(a, z));
        }
        assertThat(b).isNotEqualTo(a);
        return b;
    }

    /**
     * The randomness (n base values) under which table {@code a}'s opening shows exactly {@code target}, or null when
     * there is none. The view is affine in the randomness, so this solves one linear system over its unit vectors.
     */
    static long[] randomnessShowing(View view, long[] a, long[] target, int n) {
        long[] base = view.of(a, new long[n]);
        long[] zero = new long[a.length];
        long[][] basis = new long[n][];
        for (int i = 0; i < n; i++) {
            long[] e = new long[n];
            e[i] = 1;
            basis[i] = view.of(zero, e);
        }
        long[] diff = new long[target.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = Goldilocks.sub(target[i], base[i]);
        }
        return TensorPcsHidingTest.solve(basis, diff);
    }

    @Test
    void simulator_twoDataVectorsWithTheSameClaimsShowTheSame() {
        int m = 8;
        SplittableRandom r = new SplittableRandom(11);
        TensorPcs.Shape s = TensorPcs.shape(m, P);
        int blind = ZkOpening.blindRows(m, P);
        Challenges ch = Challenges.draw(r, m, s);
        long[] a = SumcheckTest.randomBase(r, 1 << m);
        long[] b = sameClaims(a, SumcheckTest.randomBase(r, 1 << m), ch.pts());
        View view = (t, omega) -> view(t, omega, blind, ch);
        int n = TensorPcsHidingTest.randomness(m, P, blind);
        long[] target = view.of(b, SumcheckTest.randomBase(r, n));
        long[] omegaA = randomnessShowing(view, a, target, n);
        assertThat(omegaA).as("randomness for a that shows b's opening").isNotNull();
        assertThat(view(a, omegaA, blind, ch)).isEqualTo(target);
    }
}
