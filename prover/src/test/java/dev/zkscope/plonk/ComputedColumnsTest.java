package dev.zkscope.plonk;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.poly.Evals;
import dev.zkscope.poly.Ntt;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof format 5: the permutation's cell labels id_c = k_c X and the row indicators active, first and last are
 * computed, not committed ({@link ArgumentLayout}). The prover's trace values of these columns and the verifier's
 * formulas must describe the same polynomials, the labels must be distinct (else the permutation argument would not
 * bind the copies) and sigma must permute exactly these labels.
 */
class ComputedColumnsTest {
    static final ProofParameters P = ProofParameters.testing();

    @Test
    void fixedTree_holdsTheCircuitsColumnsAndSigmaOnly() {
        TestCircuits.Instance inst = TestCircuits.random(31, 7, P.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), P);
        ArgumentLayout lay = pk.layout;
        int eq = lay.cs.equalityColumns().size();
        assertThat(eq).isPositive();
        assertThat(lay.widths[ArgumentLayout.FIXED]).isEqualTo(inst.circuit().numFixed() + eq);
        // The computed columns sit after the committed ones, on no tree, and are never opened.
        assertThat(lay.domainColumn).isEqualTo(lay.numFixedAll);
        assertThat(new int[] {lay.active, lay.first, lay.last})
                .containsExactly(lay.numFixedAll + 1, lay.numFixedAll + 2, lay.numFixedAll + 3);
        assertThat(lay.openings()[0]).hasSize(lay.totalColumns - 2); // all but the quotient mask S at z
        assertThat(pk.fixedAll.length).isEqualTo(lay.numFixedAll + ArgumentLayout.COMPUTED);
        long[][] computed = lay.computedTrace();
        for (int c = 0; c < ArgumentLayout.COMPUTED; c++) {
            assertThat(pk.fixedAll[lay.numFixedAll + c]).isEqualTo(computed[c]);
        }
    }

    /**
     * k_c H are disjoint cosets for every pair c, c' of at most 2^20 equality columns (the key's bound) at every
     * trace height up to 2^24: g^d lies in the subgroup of order 2^24 iff (g^d)^(2^24) = 1, checked for every d.
     */
    @Test
    void labelCosets_areDisjoint_uptoTheKeysBounds() {
        long y = Goldilocks.pow(Goldilocks.GENERATOR, 1L << VerifyingKey.MAX_LOG_N);
        long acc = 1;
        for (int d = 1; d < 1 << 20; d++) {
            acc = Goldilocks.mul(acc, y);
            if (acc == 1) {
                throw new AssertionError("g^" + d + " lies in the subgroup of order 2^" + VerifyingKey.MAX_LOG_N);
            }
        }
        assertThat(ArgumentLayout.labelCoset(0)).isEqualTo(1);
        assertThat(ArgumentLayout.labelCoset(3)).isEqualTo(Goldilocks.pow(Goldilocks.GENERATOR, 3));
    }

    @Test
    void labels_areDistinct_andSigmaPermutesThem() {
        TestCircuits.Instance inst = TestCircuits.random(32, 8, P.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), P);
        ArgumentLayout lay = pk.layout;
        int n = lay.n;
        int eq = lay.cs.equalityColumns().size();
        Set<Long> seen = new HashSet<>();
        long[] labels = new long[eq * n];
        long[] sigmas = new long[eq * n];
        for (int c = 0; c < eq; c++) {
            for (int r = 0; r < n; r++) {
                long id = lay.label(c, r);
                // The label is the value of k_c X on row r, which the fractions read.
                assertThat(id).isEqualTo(Goldilocks.mul(ArgumentLayout.labelCoset(c), pk.fixedAll[lay.domainColumn][r]));
                assertThat(seen.add(id)).as("label of column %d row %d is new", c, r).isTrue();
                labels[c * n + r] = id;
                sigmas[c * n + r] = pk.fixedAll[lay.sigmaColumn(c)][r];
            }
        }
        Arrays.sort(labels);
        Arrays.sort(sigmas);
        assertThat(sigmas).isEqualTo(labels);
        // Some copy actually moves a label (sigma is not the identity).
        boolean moved = false;
        for (int c = 0; c < eq && !moved; c++) {
            for (int r = 0; r < n && !moved; r++) {
                moved = pk.fixedAll[lay.sigmaColumn(c)][r] != lay.label(c, r);
            }
        }
        assertThat(moved).isTrue();
        // Many columns at a larger height: still distinct (64 columns x 2^10 rows).
        ArgumentLayout tall = ProofSystem.keygen(TestCircuits.random(33, 10, P.reservedRows()).circuit(), P).layout;
        Set<Long> all = new HashSet<>();
        for (int c = 0; c < 64; c++) {
            for (int r = 0; r < tall.n; r++) {
                assertThat(all.add(tall.label(c, r))).isTrue();
            }
        }
    }

    /** The verifier's closed forms at a point equal the interpolants of the prover's trace columns, with u &lt; n and u = n. */
    @Test
    void computedAt_equalsTheInterpolatedTraceColumns() {
        ProofParameters noZk = P.withZeroKnowledge(false);
        assertThat(noZk.reservedRows()).isZero();
        SplittableRandom rnd = new SplittableRandom(34);
        for (ProofParameters params : new ProofParameters[] {P, noZk}) {
            for (int logN : new int[] {7, 9}) {
                TestCircuits.Instance inst = TestCircuits.random(35 + logN, logN, params.reservedRows());
                ArgumentLayout lay = new ArgumentLayout(ConstraintSystem.of(inst.circuit()), params);
                assertThat(lay.u).isEqualTo(lay.n - params.reservedRows());
                long[][] trace = lay.computedTrace();
                for (int t = 0; t < 4; t++) {
                    Fp2 x = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
                    Fp2[] got = lay.computedAt(x);
                    for (int c = 0; c < ArgumentLayout.COMPUTED; c++) {
                        long[] coeffs = Ntt.interpolate(new Evals(trace[c], 1)).c();
                        Fp2 want = Fp2.ZERO;
                        for (int i = coeffs.length - 1; i >= 0; i--) {
                            want = want.mul(x).add(Fp2.of(coeffs[i]));
                        }
                        assertThat(got[c]).as("computed column %d, u = %d, n = %d", c, lay.u, lay.n).isEqualTo(want);
                    }
                }
            }
        }
    }

    /**
     * The copies are still enforced through the computed labels: a witness that breaks one copy (the cells stay
     * right for every gate and lookup) is rejected; with every copy kept it verifies.
     */
    @Test
    void brokenCopy_isRejected_throughComputedLabels() {
        TestCircuits.Instance inst = TestCircuits.random(36, 7, P.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), P);
        Proof ok = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), ok.toBytes()).accepted()).isTrue();
        for (Copy cp : inst.breakableCopies().subList(0, Math.min(3, inst.breakableCopies().size()))) {
            long[][] adv = TestCircuits.copy(inst.witness().advice());
            Cell b = cp.b();
            adv[b.column().index()][b.row()] = Goldilocks.add(adv[b.column().index()][b.row()], 1);
            Witness bad = new Witness(adv, inst.witness().instance());
            Proof p = ProofSystem.proveUnchecked(pk, bad);
            VerifyResult r = ProofSystem.verify(pk.verifyingKey(), bad.instance(), p.toBytes());
            assertThat(r.accepted()).as("copy %s", cp).isFalse();
        }
    }
}
