package dev.zkscope.plonk;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zero knowledge of the separately committed columns (the model's private weights) across proofs.
 *
 * <p>If the committed columns' blinding rows were the same in every proof (an earlier version offered a commitment
 * seed so that the root would be reproducible), every proof would open the same polynomial W (degree &lt; n) at a
 * fresh out-of-domain pair (z, z omega), in the clear among the openings, plus at numQueries fresh rows of its
 * extension. Each F_p2 opening of a base-field polynomial is two F_p-linear equations in W's n coefficients, so about
 * n / 4 proofs would determine W, and W on the trace domain is the weights: the n - u random blinding rows hide W for
 * one proof only. The prover therefore blinds every column afresh in every proof, and this attack must find nothing.
 */
class AuditZeroKnowledgeTest {

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

    /**
     * Five proofs of the same witness give 20 linear equations in W's 16 coefficients; since each proof blinds the
     * committed column afresh they are equations about five different polynomials and have no common solution. The
     * same equations, evaluated on one fixed polynomial, do determine it (so a regression to reused blinding fails).
     */
    @Test
    void freshlyBlindedColumns_doNotDetermineOnePolynomial() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(602, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(1), PhaseListener.NONE);
        ArgumentLayout lay = pk.layout;
        int g = lay.globalAdvice(1);
        List<long[]> rows = new ArrayList<>();
        List<Long> rhs = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
            Transcript tr = new Transcript(ProofSystem.DOMAIN);
            tr.absorb(pk.vk.digestRef());
            ProofSystem.absorbInstance(tr, inst.witness().instance());
            tr.absorb(proof.roots[ArgumentLayout.COMMITTED]);
            tr.absorb(proof.roots[ArgumentLayout.ADVICE]);
            for (int i = 0; i < 4; i++) {
                tr.challengeExt();
            }
            tr.absorb(proof.roots[ArgumentLayout.AUX]);
            tr.challengeExt();
            tr.absorb(proof.roots[ArgumentLayout.QUOTIENT]);
            Fp2 z = ProofSystem.outOfDomainPoint(tr, lay.n);
            addEquations(rows, rhs, z, proof.evalsZ()[g], lay.n);
            if (proof.evalsZw()[g] != null) {
                addEquations(rows, rhs, z.mul(Goldilocks.rootOfUnity(lay.logN)), proof.evalsZw()[g], lay.n);
            }
        }
        for (int k = 0; rows.size() < lay.n + 8 && k < 24; k++) {
            // More proofs when the column is opened at z only.
            Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
            Replay rp = replay(pk, inst.witness().instance(), proof);
            addEquations(rows, rhs, rp.z(), proof.evalsZ()[g], lay.n);
        }
        assertThat(rows.size()).isGreaterThanOrEqualTo(lay.n);
        assertThat(solve(rows, rhs, lay.n)).as("private committed column recoverable from public proofs").isNull();

        // Control: the attack works on a polynomial opened the same way in every proof.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        long[] w = new long[lay.n];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextLong() >>> 1; // canonical: below 2^63 < p
        }
        List<Long> same = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            long re = 0;
            long im = 0;
            for (int j = 0; j < lay.n; j++) {
                re = Goldilocks.add(re, Goldilocks.mul(rows.get(i)[j], w[j]));
                im = Goldilocks.add(im, Goldilocks.mul(rows.get(i + 1)[j], w[j]));
            }
            same.add(re);
            same.add(im);
        }
        assertThat(solve(rows, same, lay.n)).containsExactly(w);
    }

    /** The query positions and z of a proof, by replaying the verifier's transcript (public data only). */
    record Replay(Fp2 z, Fp2 zw, int[] queries, ArgumentLayout.Challenges ch, Fp2 alpha) { }

    static Replay replay(ProvingKey pk, long[][] instance, Proof proof) {
        ArgumentLayout lay = pk.layout;
        Transcript tr = new Transcript(ProofSystem.DOMAIN);
        tr.absorb(pk.vk.digestRef());
        ProofSystem.absorbInstance(tr, instance);
        if (lay.present(ArgumentLayout.COMMITTED)) {
            tr.absorb(proof.roots[ArgumentLayout.COMMITTED]);
        }
        tr.absorb(proof.roots[ArgumentLayout.ADVICE]);
        ArgumentLayout.Challenges ch = new ArgumentLayout.Challenges(tr.challengeExt(), tr.challengeExt(), tr.challengeExt(),
                tr.challengeExt());
        tr.absorb(proof.roots[ArgumentLayout.AUX]);
        Fp2 alpha = tr.challengeExt();
        tr.absorb(proof.roots[ArgumentLayout.QUOTIENT]);
        Fp2 z = ProofSystem.outOfDomainPoint(tr, lay.n);
        for (Fp2[] atPoint : proof.opening.values()) {
            for (Fp2 v : atPoint) {
                tr.absorb(v);
            }
        }
        tr.challengeExt();
        for (byte[] r : proof.opening.friRoots()) {
            tr.absorb(r);
            tr.challengeExt();
        }
        for (Fp2 c : proof.opening.finalPoly()) {
            tr.absorb(c);
        }
        assertThat(tr.checkGrind(proof.opening.powNonce(), lay.params.grindingBits())).isTrue();
        int[] q = new int[proof.opening.queries().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = tr.challengeIndex(lay.logLde);
        }
        return new Replay(z, z.mul(Goldilocks.rootOfUnity(lay.logN)), q, ch, alpha);
    }

    /** Powers x^0..x^(n-1) as the F_p rows of the functionals "component of W(x)". */
    static void functionals(List<long[]> out, Fp2 x, int n) {
        long[] re = new long[n];
        long[] im = new long[n];
        Fp2 xi = Fp2.ONE;
        for (int i = 0; i < n; i++) {
            re[i] = xi.c0();
            im[i] = xi.c1();
            xi = xi.mul(x);
        }
        out.add(re);
        out.add(im);
    }

    static long dot(long[] a, long[] b) {
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            s = Goldilocks.add(s, Goldilocks.mul(a[i], b[i]));
        }
        return s;
    }

    /**
     * FINDING (zero knowledge): each blinded column is opened at z and z omega in F_p2 - four F_p values - and at
     * numQueries rows: numQueries + 4 linear functionals of its polynomial, against numQueries + 3 random blinding
     * rows (reservedRows() counts an F_p2 opening as one value). So every proof reveals one linear functional of
     * every advice column's private values: a combination lambda of the openings that cancels the blinding exists
     * and anyone can compute it. Private weights kept as ordinary (freshly blinded) advice are recovered after about
     * u proofs; here the advice column of a fixed witness is recovered from the public proofs alone.
     */
    @Test
    void freshlyBlindedAdvice_leaksNoLinearFunctional() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(603, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        int column = 0;
        // Fixed after the audit (reservedRows = numQueries + 5): no combination of a proof's openings cancels the
        // blinding any more, so no proof yields an equation on the private rows. Before the fix every proof did, and
        // u + 4 proofs determined the column.
        for (int k = 0; k < 4; k++) {
            Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
            assertThat(leak(pk, inst.witness().instance(), proof, column))
                    .as("a public combination of the openings that depends only on private rows").isNull();
        }
    }

    /** A nonzero vector x with A x = 0 for the rows of A (length m), or null if only the zero vector. */
    static long[] nullVector(List<long[]> rows, int m) {
        List<long[]> basis = nullSpace(rows, m);
        return basis.isEmpty() ? null : basis.get(0);
    }

    /** A basis of {lambda : A lambda = 0} for the rows of A (each of length m). */
    static List<long[]> nullSpace(List<long[]> rows, int m) {
        long[][] a = rows.stream().map(long[]::clone).toArray(long[][]::new);
        int k = a.length;
        int[] pivotCol = new int[k];
        boolean[] isPivot = new boolean[m];
        int r = 0;
        for (int c = 0; c < m && r < k; c++) {
            int piv = -1;
            for (int i = r; i < k; i++) {
                if (a[i][c] != 0) {
                    piv = i;
                    break;
                }
            }
            if (piv < 0) {
                continue;
            }
            long[] t = a[piv];
            a[piv] = a[r];
            a[r] = t;
            long inv = Goldilocks.inv(a[r][c]);
            for (int j = 0; j < m; j++) {
                a[r][j] = Goldilocks.mul(a[r][j], inv);
            }
            for (int i = 0; i < k; i++) {
                if (i != r && a[i][c] != 0) {
                    long f = a[i][c];
                    for (int j = 0; j < m; j++) {
                        a[i][j] = Goldilocks.sub(a[i][j], Goldilocks.mul(f, a[r][j]));
                    }
                }
            }
            pivotCol[r] = c;
            isPivot[c] = true;
            r++;
        }
        List<long[]> out = new ArrayList<>();
        for (int free = 0; free < m; free++) {
            if (isPivot[free]) {
                continue;
            }
            long[] x = new long[m];
            x[free] = 1;
            for (int i = 0; i < r; i++) {
                x[pivotCol[i]] = Goldilocks.neg(a[i][free]);
            }
            out.add(x);
        }
        return out;
    }

    /** A public linear functional of a column's private rows [0, u): sum onRows[r] * w[r] = value. */
    record Leak(long[] onRows, long value) { }

    /**
     * From one proof and public data only: the openings of the column (z, z omega in F_p2, and the query rows) are
     * numQueries + 4 functionals of its polynomial; the n - u blinding rows span at most n - u of them, so some
     * combination lambda cancels the blinding and is a functional of the private rows alone.
     */
    static Leak leak(ProvingKey pk, long[][] instance, Proof proof, int column) {
        ArgumentLayout lay = pk.layout;
        int n = lay.n;
        int u = lay.u;
        int slot = lay.adviceSlot[column];
        int g = lay.globalAdvice(column);
        long[][] basis = new long[n][];
        for (int r = 0; r < n; r++) {
            long[] e = new long[n];
            e[r] = 1;
            basis[r] = dev.zkscope.poly.Ntt.interpolate(new dev.zkscope.poly.Evals(e, 1)).c();
        }
        long omegaLde = Goldilocks.rootOfUnity(lay.logLde);
        Replay rp = replay(pk, instance, proof);
        List<long[]> f = new ArrayList<>();
        List<Long> v = new ArrayList<>();
        functionals(f, rp.z(), n);
        v.add(proof.evalsZ()[g].c0());
        v.add(proof.evalsZ()[g].c1());
        if (proof.evalsZw()[g] != null) {
            functionals(f, rp.zw(), n);
            v.add(proof.evalsZw()[g].c0());
            v.add(proof.evalsZw()[g].c1());
        }
        for (int q = 0; q < rp.queries().length; q++) {
            long x = Goldilocks.mul(Goldilocks.GENERATOR, Goldilocks.pow(omegaLde, rp.queries()[q]));
            long[] row = new long[n];
            long xi = 1;
            for (int i = 0; i < n; i++) {
                row[i] = xi;
                xi = Goldilocks.mul(xi, x);
            }
            f.add(row);
            v.add(AuditSupportTest.queriedRow(proof, lay, q, lay.adviceTree[column])[slot]);
        }
        int m = f.size();
        List<long[]> mt = new ArrayList<>();
        for (int r = u; r < n; r++) {
            long[] col = new long[m];
            for (int j = 0; j < m; j++) {
                col[j] = dot(f.get(j), basis[r]);
            }
            mt.add(col);
        }
        long[] lambda = nullVector(mt, m);
        if (lambda == null) {
            return null;
        }
        long value = 0;
        for (int j = 0; j < m; j++) {
            value = Goldilocks.add(value, Goldilocks.mul(lambda[j], v.get(j)));
        }
        long[] onRows = new long[u];
        for (int r = 0; r < u; r++) {
            long s = 0;
            for (int j = 0; j < m; j++) {
                s = Goldilocks.add(s, Goldilocks.mul(lambda[j], dot(f.get(j), basis[r])));
            }
            onRows[r] = s;
        }
        // A combination that touches no private row is a relation among the openings themselves (e.g. two queries
        // that landed on the same position): it reveals nothing.
        boolean touchesPrivateRows = false;
        for (long x : onRows) {
            touchesPrivateRows |= x != 0;
        }
        return touchesPrivateRows ? new Leak(onRows, value) : null;
    }

    /**
     * The same leak as a distinguisher: two witnesses with the same public values (one lookup row holds another
     * table entry); a single proof tells a verifier which one the prover used.
     */
    @Test
    void oneProof_doesNotRevealWhichOfTwoWitnesses() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(604, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        long[][] other = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(0);
        other[1][row] = (other[1][row] + 1) % 4;
        other[2][row] = other[1][row] * other[1][row];
        dev.zkscope.circuit.Witness w1 = new dev.zkscope.circuit.Witness(other, inst.witness().instance());
        assertThat(dev.zkscope.circuit.Checker.check(inst.circuit(), w1)).isEmpty();
        Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        Leak leak = leak(pk, inst.witness().instance(), proof, 1);
        // Fixed after the audit: with numQueries + 4 random rows there is no blinding-free combination to test.
        assertThat(leak).as("a public combination of the openings that depends only on private rows").isNull();
        if (leak == null) {
            return;
        }
        long pred0 = 0;
        long pred1 = 0;
        for (int r = 0; r < pk.layout.u; r++) {
            pred0 = Goldilocks.add(pred0, Goldilocks.mul(leak.onRows()[r], inst.witness().advice()[1][r]));
            pred1 = Goldilocks.add(pred1, Goldilocks.mul(leak.onRows()[r], other[1][r]));
        }
        boolean distinguished = leak.value() == pred0 && leak.value() != pred1;
        assertThat(distinguished).as("the verifier learns which witness was used").isFalse();
    }
}
