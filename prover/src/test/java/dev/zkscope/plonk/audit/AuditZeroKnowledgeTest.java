package dev.zkscope.plonk;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zero knowledge of the separately committed columns (the model's private weights) across proofs.
 *
 * <p>With a commitment seed, the committed columns' blinding rows and salts are the same in every proof, so every
 * proof opens the same polynomial W (degree &lt; n) at a fresh out-of-domain pair (z, z omega), in the clear among
 * the openings, plus at numQueries fresh rows of its extension. Each F_p2 opening of a base-field polynomial is two
 * F_p-linear equations in W's n coefficients, so about n / 4 proofs determine W, and W on the trace domain is the
 * weights. The n - u random blinding rows hide W for one proof only.
 */
class AuditZeroKnowledgeTest {

    @Disabled("FINDING: private committed columns are recoverable from ~n/4 proofs made with the same commitment seed")
    @Test
    void committedWeights_areNotRecoverableFromSeveralProofs() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(601, 4, p.reservedRows());
        int weightColumn = 1;
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(weightColumn), PhaseListener.NONE);
        Layout lay = pk.layout;
        int n = lay.n;
        byte[] seed = "the weights owner's secret seed".getBytes();
        int g = lay.globalAdvice(weightColumn);

        List<long[]> rows = new ArrayList<>();
        List<Long> rhs = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, seed);
            // What any verifier sees: the proof and the public values. Replay the transcript up to z.
            Transcript tr = new Transcript(ProofSystem.DOMAIN);
            tr.absorb(pk.vk.digestRef());
            ProofSystem.absorbInstance(tr, inst.witness().instance());
            tr.absorb(proof.roots[Layout.COMMITTED]);
            tr.absorb(proof.roots[Layout.ADVICE]);
            for (int i = 0; i < 4; i++) {
                tr.challengeExt();
            }
            tr.absorb(proof.roots[Layout.AUX]);
            tr.challengeExt();
            tr.absorb(proof.roots[Layout.QUOTIENT]);
            Fp2 z = ProofSystem.outOfDomainPoint(tr, n);
            Fp2 zw = z.mul(Goldilocks.rootOfUnity(lay.logN));
            addEquations(rows, rhs, z, proof.evalsZ[g], n);
            addEquations(rows, rhs, zw, proof.evalsZw[g], n);
        }
        long[] coeffs = solve(rows, rhs, n);
        assertThat(coeffs).as("the openings determine the committed polynomial").isNotNull();
        long w = Goldilocks.rootOfUnity(lay.logN);
        int recovered = 0;
        for (int r = 0; r < lay.u; r++) {
            long x = Goldilocks.pow(w, r);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = Goldilocks.add(Goldilocks.mul(v, x), coeffs[i]);
            }
            if (v == inst.witness().advice()[weightColumn][r]) {
                recovered++;
            }
        }
        assertThat(recovered).as("private weights recovered from public proofs").isZero();
    }

    /** W(x) = sum c_i x^i at x in F_p2: one equation per component. */
    static void addEquations(List<long[]> rows, List<Long> rhs, Fp2 x, Fp2 value, int n) {
        long[] re = new long[n];
        long[] im = new long[n];
        Fp2 xi = Fp2.ONE;
        for (int i = 0; i < n; i++) {
            re[i] = xi.c0();
            im[i] = xi.c1();
            xi = xi.mul(x);
        }
        rows.add(re);
        rhs.add(value.c0());
        rows.add(im);
        rhs.add(value.c1());
    }

    /** Gaussian elimination mod p; null unless the system has a unique solution. */
    static long[] solve(List<long[]> rows, List<Long> rhs, int n) {
        int m = rows.size();
        long[][] a = new long[m][n + 1];
        for (int i = 0; i < m; i++) {
            System.arraycopy(rows.get(i), 0, a[i], 0, n);
            a[i][n] = rhs.get(i);
        }
        int r = 0;
        for (int c = 0; c < n; c++) {
            int piv = -1;
            for (int i = r; i < m; i++) {
                if (a[i][c] != 0) {
                    piv = i;
                    break;
                }
            }
            if (piv < 0) {
                return null;
            }
            long[] t = a[piv];
            a[piv] = a[r];
            a[r] = t;
            long inv = Goldilocks.inv(a[r][c]);
            for (int j = c; j <= n; j++) {
                a[r][j] = Goldilocks.mul(a[r][j], inv);
            }
            for (int i = 0; i < m; i++) {
                if (i != r && a[i][c] != 0) {
                    long f = a[i][c];
                    for (int j = c; j <= n; j++) {
                        a[i][j] = Goldilocks.sub(a[i][j], Goldilocks.mul(f, a[r][j]));
                    }
                }
            }
            r++;
        }
        for (int i = n; i < m; i++) {
            if (a[i][n] != 0) {
                return null; // inconsistent: the openings are not of one polynomial
            }
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i][n];
        }
        return out;
    }

    /** Control: without a commitment seed each proof blinds afresh, and the same attack finds no consistent polynomial. */
    @Test
    void freshlyBlindedColumns_doNotDetermineOnePolynomial() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(602, 4, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(1), PhaseListener.NONE);
        Layout lay = pk.layout;
        int g = lay.globalAdvice(1);
        List<long[]> rows = new ArrayList<>();
        List<Long> rhs = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
            Transcript tr = new Transcript(ProofSystem.DOMAIN);
            tr.absorb(pk.vk.digestRef());
            ProofSystem.absorbInstance(tr, inst.witness().instance());
            tr.absorb(proof.roots[Layout.COMMITTED]);
            tr.absorb(proof.roots[Layout.ADVICE]);
            for (int i = 0; i < 4; i++) {
                tr.challengeExt();
            }
            tr.absorb(proof.roots[Layout.AUX]);
            tr.challengeExt();
            tr.absorb(proof.roots[Layout.QUOTIENT]);
            Fp2 z = ProofSystem.outOfDomainPoint(tr, lay.n);
            addEquations(rows, rhs, z, proof.evalsZ[g], lay.n);
            addEquations(rows, rhs, z.mul(Goldilocks.rootOfUnity(lay.logN)), proof.evalsZw[g], lay.n);
        }
        assertThat(solve(rows, rhs, lay.n)).isNull();
    }
}
