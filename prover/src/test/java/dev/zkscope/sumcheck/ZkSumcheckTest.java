package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.testing.Property;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zero-knowledge sumcheck: complete, sound against edited proofs, and simulatable. The simulator test is exact:
 * for two witnesses with the same sum and any masks used with the second, it constructs masks for the first that give
 * the byte-identical transcript (an affine bijection of the masks, so the two transcript distributions are equal);
 * the positive control shows the unmasked transcripts of the two witnesses differ.
 */
class ZkSumcheckTest {
    /** eq(tau, .) public, then masked tables: the three shapes the backend runs (dot, ReLU-like, LogUp layer). */
    static final Sumcheck.Form DOT = Sumcheck.Form.product(0, 1);
    static final Sumcheck.Form RELU = new Sumcheck.Form(new int[][] {{0, 1}, {0, 1, 1}, {0, 2}, {0, 1, 3}},
            new Fp2[] {Fp2.of(3), Fp2.of(5).neg(), Fp2.of(7), Fp2.of(11)});
    static final Sumcheck.Form LOGUP = LogUpGkr.form(Fp2.of(13));

    static boolean[] maskedFor(Sumcheck.Form f, boolean eqFirst) {
        int n = 0;
        for (int[] t : f.terms()) {
            for (int j : t) {
                n = Math.max(n, j + 1);
            }
        }
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        if (eqFirst) {
            b[0] = false;
        }
        return b;
    }

    static long[][] tables(SplittableRandom r, int count, int m, Fp2[] tau) {
        long[][] t = new long[count][];
        for (int j = 0; j < count; j++) {
            t[j] = Ext.lift(SumcheckTest.randomBase(r, 1 << m));
        }
        if (tau != null) {
            t[0] = Mle.eqTable(tau);
        }
        return t;
    }

    /** The whole verifier side: rounds, then the form at the finals (public eq evaluated here). */
    static void verifyAll(Sumcheck.Form form, boolean[] masked, Fp2 claim, int m, ZkSumcheck.Proof p, Fp2[] tau,
                          ZkSumcheck.Masks masks, long[][] tabs, Transcript tr) {
        int d = ZkSumcheck.degree(form, masked);
        ZkSumcheck.Reduced red = ZkSumcheck.verify(claim, m, d, p, tr);
        Fp2[] f = p.finals().clone();
        if (tau != null && !f[0].equals(Mle.eq(tau, red.point()))) {
            throw new SumcheckException("the public table's final value is not eq(tau, r)");
        }
        if (!form.evaluate(f).equals(red.claim())) {
            throw new SumcheckException("final check fails");
        }
        // what the caller checks against commitments: the masked finals and g(r)
        for (int t = 0; t < masked.length; t++) {
            if (masked[t]) {
                Fp2 want = Mle.evaluate(tabs[t], red.point()).add(ZkSumcheck.evalMaskAt(masks.z()[t], red.point()));
                if (!want.equals(p.finals()[t])) {
                    throw new SumcheckException("masked final value of table " + t + " is not the committed one");
                }
            }
        }
        if (!ZkSumcheck.maskAt(masks.g(), red.point()).equals(p.maskAtPoint())) {
            throw new SumcheckException("g(r) is not the committed mask's value");
        }
    }

    @TestFactory
    Stream<DynamicTest> complete_forTheBackendsThreeShapes() {
        return Property.forAll("zk sumcheck complete", 0x2C5CL, 30, r -> {
            int m = 1 + r.nextInt(6);
            int shape = r.nextInt(3);
            Sumcheck.Form form = shape == 0 ? DOT : shape == 1 ? RELU : LOGUP;
            Fp2[] tau = shape == 0 ? null : new Fp2[] {};
            if (tau != null) {
                tau = new Fp2[m];
                for (int i = 0; i < m; i++) {
                    tau[i] = SumcheckTest.randomExt(r);
                }
            }
            boolean[] masked = maskedFor(form, tau != null);
            long[][] tabs = tables(r, masked.length, m, tau);
            Fp2 claim = SumcheckTest.bruteSum(form, tabs);
            int d = ZkSumcheck.degree(form, masked);
            ZkSumcheck.Masks masks = ZkSumcheck.Masks.random(m, d, masked, new Random(r.nextLong()));
            ZkSumcheck.Result res = ZkSumcheck.prove(form, tabs, masked, masks, new Transcript("t"));
            verifyAll(form, masked, claim, m, res.proof(), tau, masks, tabs, new Transcript("t"));
        });
    }

    /**
     * The factored zero-check (eq(tau, .) never built; Gruen's split) gives the generic prover's proof and point, with
     * g(1) computed and with g(1) read off the round's claim, on the backend's eq-led shapes; the LogUp layer's form
     * (no eq factor in every term) falls back to the built table.
     */
    @TestFactory
    Stream<DynamicTest> factoredZeroCheck_givesTheGenericProof() {
        return Property.forAll("factored zero-check", 0x6E3AL, 30, r -> {
            int m = r.nextInt(7);
            int shape = r.nextInt(3);
            Sumcheck.Form form = shape == 0 ? RELU : shape == 1 ? zeroCheckForm(r) : LOGUP;
            Fp2[] tau = new Fp2[m];
            for (int i = 0; i < m; i++) {
                tau[i] = SumcheckTest.randomExt(r);
            }
            boolean[] masked = maskedFor(form, true);
            long[][] tabs = tables(r, masked.length, m, tau);
            Fp2 claim = SumcheckTest.bruteSum(form, tabs);
            int d = ZkSumcheck.degree(form, masked);
            ZkSumcheck.Masks masks = ZkSumcheck.Masks.random(m, d, masked, new Random(r.nextLong()));
            ZkSumcheck.Result want = ZkSumcheck.prove(form, tabs, masked, masks, new Transcript("t"));
            long[][] noEq = tabs.clone();
            noEq[0] = null;
            for (Fp2 c : new Fp2[] {null, claim}) {
                ZkSumcheck.Result got = ZkSumcheck.prove(form, noEq, masked, masks, new Transcript("t"), tau, c);
                assertThat(got.point()).containsExactly(want.point());
                assertThat(got.proof().finals()).containsExactly(want.proof().finals());
                assertThat(got.proof().maskSum()).isEqualTo(want.proof().maskSum());
                assertThat(got.proof().maskAtPoint()).isEqualTo(want.proof().maskAtPoint());
                for (int k = 0; k < m; k++) {
                    assertThat(got.proof().rounds().rounds()[k]).as("round %d, claim %s", k, c)
                            .containsExactly(want.proof().rounds().rounds()[k]);
                }
            }
            // a wrong claim changes the proof, which the verifier rejects
            if (m > 0 && shape != 2) {
                ZkSumcheck.Proof bad = ZkSumcheck.prove(form, noEq, masked, masks, new Transcript("t"), tau,
                        claim.add(Fp2.ONE)).proof();
                assertThatThrownBy(() -> verifyAll(form, masked, claim, m, bad, tau, masks, tabs, new Transcript("t")))
                        .isInstanceOf(SumcheckException.class);
            }
        });
    }

    /** eq (table 0) once in every term, then up to three of tables 1..3 (repeats allowed); coefficients 1, -1 or random. */
    static Sumcheck.Form zeroCheckForm(SplittableRandom r) {
        int nt = 1 + r.nextInt(4);
        int[][] terms = new int[nt][];
        Fp2[] coeffs = new Fp2[nt];
        for (int t = 0; t < nt; t++) {
            int[] term = new int[1 + r.nextInt(4)];
            for (int j = 1; j < term.length; j++) {
                term[j] = 1 + r.nextInt(3);
            }
            terms[t] = term;
            int c = r.nextInt(3);
            coeffs[t] = c == 0 ? Fp2.ONE : c == 1 ? Fp2.ONE.neg() : SumcheckTest.randomExt(r);
        }
        terms[0] = new int[] {0, 1, 2, 3}; // every table in some term
        return new Sumcheck.Form(terms, coeffs);
    }

    @Test
    void everyEditedPartIsRejected() {
        SplittableRandom r = new SplittableRandom(5);
        int m = 4;
        Fp2[] tau = new Fp2[m];
        for (int i = 0; i < m; i++) {
            tau[i] = SumcheckTest.randomExt(r);
        }
        boolean[] masked = maskedFor(RELU, true);
        long[][] tabs = tables(r, masked.length, m, tau);
        Fp2 claim = SumcheckTest.bruteSum(RELU, tabs);
        int d = ZkSumcheck.degree(RELU, masked);
        ZkSumcheck.Masks masks = ZkSumcheck.Masks.random(m, d, masked, new Random(9));
        ZkSumcheck.Proof p = ZkSumcheck.prove(RELU, tabs, masked, masks, new Transcript("t")).proof();
        verifyAll(RELU, masked, claim, m, p, tau, masks, tabs, new Transcript("t"));
        // wrong claim
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim.add(Fp2.ONE), m, p, tau, masks, tabs, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
        // the mask's sum
        ZkSumcheck.Proof badSum = new ZkSumcheck.Proof(p.maskSum().add(Fp2.ONE), p.rounds(), p.finals(), p.maskAtPoint());
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, badSum, tau, masks, tabs, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
        // every value of every round
        for (int k = 0; k < m; k++) {
            for (int x = 0; x <= d; x++) {
                Fp2[][] rounds = p.rounds().rounds().clone();
                rounds[k] = rounds[k].clone();
                rounds[k][x] = rounds[k][x].add(Fp2.ONE);
                ZkSumcheck.Proof bad = new ZkSumcheck.Proof(p.maskSum(), new SumcheckProof(rounds), p.finals(), p.maskAtPoint());
                assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, bad, tau, masks, tabs, new Transcript("t")))
                        .as("round %d value %d", k, x).isInstanceOf(SumcheckException.class);
            }
        }
        // every final value, and two finals swapped
        for (int t = 0; t < p.finals().length; t++) {
            Fp2[] f = p.finals().clone();
            f[t] = f[t].add(Fp2.ONE);
            ZkSumcheck.Proof bad = new ZkSumcheck.Proof(p.maskSum(), p.rounds(), f, p.maskAtPoint());
            assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, bad, tau, masks, tabs, new Transcript("t")))
                    .as("final %d", t).isInstanceOf(SumcheckException.class);
        }
        Fp2[] sw = p.finals().clone();
        Fp2 tmp = sw[1];
        sw[1] = sw[2];
        sw[2] = tmp;
        ZkSumcheck.Proof swapped = new ZkSumcheck.Proof(p.maskSum(), p.rounds(), sw, p.maskAtPoint());
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, swapped, tau, masks, tabs, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
        // g(r)
        ZkSumcheck.Proof badG = new ZkSumcheck.Proof(p.maskSum(), p.rounds(), p.finals(), p.maskAtPoint().add(Fp2.ONE));
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, badG, tau, masks, tabs, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
        // a prover whose masks differ from the committed ones
        ZkSumcheck.Masks other = ZkSumcheck.Masks.random(m, d, masked, new Random(10));
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, p, tau, other, tabs, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
        // a wrong witness table proved honestly against the true claim
        long[][] wrong = tabs.clone();
        wrong[2] = wrong[2].clone();
        wrong[2][0] = dev.zkscope.field.Goldilocks.add(wrong[2][0], 1);
        ZkSumcheck.Proof pw = ZkSumcheck.prove(RELU, wrong, masked, masks, new Transcript("t")).proof();
        assertThatThrownBy(() -> verifyAll(RELU, masked, claim, m, pw, tau, masks, wrong, new Transcript("t")))
                .isInstanceOf(SumcheckException.class);
    }

    /** Challenges from a fixed list: the transcript as a function of the masks alone. */
    static ZkSumcheck.Channel fixed(Fp2[] challenges) {
        return new ZkSumcheck.Channel() {
            int i;

            @Override
            public void absorb(Fp2 v) { }

            @Override
            public Fp2 challenge() {
                return challenges[i++];
            }
        };
    }

    /** Every value the verifier sees, in order. */
    static Fp2[] transcript(ZkSumcheck.Proof p) {
        java.util.List<Fp2> v = new java.util.ArrayList<>();
        v.add(p.maskSum());
        for (Fp2[] h : p.rounds().rounds()) {
            v.addAll(Arrays.asList(h));
        }
        v.addAll(Arrays.asList(p.finals()));
        v.add(p.maskAtPoint());
        return v.toArray(new Fp2[0]);
    }

    @Test
    void simulator_anyTranscriptOfOneWitnessIsATranscriptOfAnotherWithTheSameSum() {
        for (Sumcheck.Form form : new Sumcheck.Form[] {DOT, RELU, LOGUP}) {
            SplittableRandom r = new SplittableRandom(form.terms().length);
            int m = 4;
            boolean eq = form != DOT;
            Fp2[] tau = null;
            if (eq) {
                tau = new Fp2[m];
                for (int i = 0; i < m; i++) {
                    tau[i] = SumcheckTest.randomExt(r);
                }
            }
            boolean[] masked = maskedFor(form, eq);
            int d = ZkSumcheck.degree(form, masked);
            long[][] a = tables(r, masked.length, m, tau);
            long[][] b = tables(r, masked.length, m, tau);
            // B's sum made equal to A's through one entry of a table the form reads linearly
            Fp2 target = SumcheckTest.bruteSum(form, a);
            b = equalise(form, b, form == DOT ? 1 : 2, target);
            assertThat(SumcheckTest.bruteSum(form, b)).isEqualTo(target);
            Fp2[] ch = new Fp2[m + 1];
            for (int i = 0; i < ch.length; i++) {
                ch[i] = SumcheckTest.randomExt(r);
            }
            Fp2 rho = ch[0];
            Fp2[] point = new Fp2[m];
            for (int k = 0; k < m; k++) {
                point[m - 1 - k] = ch[k + 1];
            }
            // positive control: without masks the two witnesses' transcripts differ
            ZkSumcheck.Masks zero = ZkSumcheck.Masks.zero(m, d, masked);
            assertThat(transcript(ZkSumcheck.prove(form, a, masked, zero, fixed(ch)).proof()))
                    .isNotEqualTo(transcript(ZkSumcheck.prove(form, b, masked, zero, fixed(ch)).proof()));

            ZkSumcheck.Masks mb = ZkSumcheck.Masks.random(m, d, masked, new Random(3));
            Fp2[] tb = transcript(ZkSumcheck.prove(form, b, masked, mb, fixed(ch)).proof());
            // the simulator: evaluation masks for A that give B's finals, then the round mask that gives B's rounds
            long[][] za = new long[masked.length][];
            Fp2 lambda0 = point[0].mul(Fp2.ONE.sub(point[0]));
            for (int t = 0; t < masked.length; t++) {
                if (!masked[t]) {
                    continue;
                }
                za[t] = mb.z()[t].clone();
                Fp2 shift = Mle.evaluate(b[t], point).sub(Mle.evaluate(a[t], point)).mul(lambda0.inv());
                Ext.set(za[t], 0, Ext.get(za[t], 0).add(shift));
            }
            Fp2[] fa = transcript(ZkSumcheck.prove(form, a, masked, new ZkSumcheck.Masks(zero.g(), za), fixed(ch)).proof());
            Fp2[] fb = transcript(ZkSumcheck.prove(form, b, masked, new ZkSumcheck.Masks(zero.g(), mb.z()), fixed(ch)).proof());
            // g_A = g_B + delta with L(delta) = (F_B - F_A) on every revealed value, L the mask's linear map
            int unknowns = m * (d + 1);
            Fp2[][] cols = new Fp2[unknowns][];
            long[][] zeroTabs = new long[masked.length][];
            for (int t = 0; t < masked.length; t++) {
                zeroTabs[t] = new long[2 << m];
            }
            ZkSumcheck.Masks zeroZ = new ZkSumcheck.Masks(zero.g(), zero.z());
            for (int u = 0; u < unknowns; u++) {
                long[][] g = new long[m][];
                for (int j = 0; j < m; j++) {
                    g[j] = new long[2 * (d + 1)];
                }
                g[u / (d + 1)][2 * (u % (d + 1))] = 1;
                cols[u] = transcript(ZkSumcheck.prove(form, zeroTabs, masked, new ZkSumcheck.Masks(g, zeroZ.z()), fixed(ch)).proof());
            }
            Fp2[] rhs = new Fp2[fa.length];
            for (int i = 0; i < rhs.length; i++) {
                rhs[i] = fb[i].sub(fa[i]);
            }
            Fp2[] delta = solve(cols, rhs);
            assertThat(delta).as("a mask for A giving B's transcript exists (%s)", form).isNotNull();
            long[][] ga = new long[m][];
            for (int j = 0; j < m; j++) {
                ga[j] = mb.g()[j].clone();
                for (int e = 0; e <= d; e++) {
                    Ext.set(ga[j], e, Ext.get(ga[j], e).add(delta[j * (d + 1) + e]));
                }
            }
            Fp2[] ta = transcript(ZkSumcheck.prove(form, a, masked, new ZkSumcheck.Masks(ga, za), fixed(ch)).proof());
            assertThat(ta).as("simulated transcript (%s)", form).isEqualTo(tb);
            assertThat(rho).isNotNull();
        }
    }

    /** Changes entry 0 of table j, which the form reads linearly, so that the form's sum becomes target. */
    static long[][] equalise(Sumcheck.Form form, long[][] t, int j, Fp2 target) {
        long[][] c = t.clone();
        c[j] = t[j].clone();
        Fp2[] ys = new Fp2[2];
        for (int x = 0; x < 2; x++) {
            c[j][0] = x;
            c[j][1] = 0;
            ys[x] = SumcheckTest.bruteSum(form, c);
        }
        Fp2 x = target.sub(ys[0]).mul(ys[1].sub(ys[0]).inv());
        c[j][0] = x.c0();
        c[j][1] = x.c1();
        return c;
    }

    /** Least-squares-free exact solve of sum_u delta_u cols[u] = rhs over F_p2; null if inconsistent. */
    static Fp2[] solve(Fp2[][] cols, Fp2[] rhs) {
        int n = cols.length;
        int rows = rhs.length;
        Fp2[][] aug = new Fp2[rows][n + 1];
        for (int i = 0; i < rows; i++) {
            for (int u = 0; u < n; u++) {
                aug[i][u] = cols[u][i];
            }
            aug[i][n] = rhs[i];
        }
        int[] pivotCol = new int[rows];
        Arrays.fill(pivotCol, -1);
        int row = 0;
        for (int col = 0; col < n && row < rows; col++) {
            int p = -1;
            for (int i = row; i < rows; i++) {
                if (!aug[i][col].equals(Fp2.ZERO)) {
                    p = i;
                    break;
                }
            }
            if (p < 0) {
                continue;
            }
            Fp2[] tmp = aug[p];
            aug[p] = aug[row];
            aug[row] = tmp;
            Fp2 inv = aug[row][col].inv();
            for (int k = col; k <= n; k++) {
                aug[row][k] = aug[row][k].mul(inv);
            }
            for (int i = 0; i < rows; i++) {
                if (i != row && !aug[i][col].equals(Fp2.ZERO)) {
                    Fp2 f = aug[i][col];
                    for (int k = col; k <= n; k++) {
                        aug[i][k] = aug[i][k].sub(f.mul(aug[row][k]));
                    }
                }
            }
            pivotCol[row] = col;
            row++;
        }
        for (int i = row; i < rows; i++) {
            if (!aug[i][n].equals(Fp2.ZERO)) {
                return null;
            }
        }
        Fp2[] x = new Fp2[n];
        Arrays.fill(x, Fp2.ZERO);
        for (int i = 0; i < row; i++) {
            x[pivotCol[i]] = aug[i][n];
        }
        return x;
    }
}
