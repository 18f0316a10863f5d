package dev.zkscope.plonk;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.AuditSupportTest.Forge;
import dev.zkscope.plonk.AuditSupportTest.Hooks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotient-row attack on zero knowledge (issue 10, finding 1), run from public data only.
 *
 * <p>At every FRI query point x a proof opens the quotient tree's row, from which anyone computes
 * Q'(x) = sum_j x^(jm) Q_j'(x). If that were the true quotient Q(x), then C(x) = Z_H(x) Q(x) would be known, and C is
 * a combination of the trace at x (opened) and at x omega (never opened): every query would hand out one more linear
 * relation among the next-row values of the columns the constraints read at the next row (the running sum Z, and
 * advice such as {@code a2} below). Together with the openings those relations outnumber the blinding rows, so some
 * public combination of a proof's values depends on the private rows alone and tells two witnesses apart.
 *
 * <p>The circuit: a1 = a0^2 with a1 copied to the public instance, so a0 = 3 and a0 = -3 have the same public values;
 * a0 is copied from row 0 to row 1 (so the running sum of the copy argument depends on it); with {@code nextRowGate}
 * also a2(omega X) = a0(X), an advice column read at the next row. The attacker solves for that combination and
 * checks which witness it matches. The prover's randomised quotient (Q' = Q + S(omega X) with S random, see
 * {@link ArgumentLayout}) must make it match neither, over many proofs; the positive control, the same prover with S forced
 * to zero through the audit forge, must be caught in every proof (so the attack is real and this test can fail).
 */
class AuditQuotientRowTest {
    static final ProofParameters P = ProofParameters.testing();

    record Setup(ProvingKey pk, Witness w0, Witness w1) { }

    static Setup setup(boolean nextRowGate) {
        int logN = P.minLogN();
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), a1 = Column.advice(1), a2 = Column.advice(2), i0 = Column.instance(0);
        Column qSq = Column.fixed(0), qNext = Column.fixed(1);
        long[][] fixed = new long[2][n];
        fixed[0][0] = 1;
        fixed[1][0] = nextRowGate ? 1 : 0;
        List<Gate> gates = new ArrayList<>();
        gates.add(new Gate("square", qSq.cur().times(a0.cur().times(a0.cur()).minus(a1.cur()))));
        if (nextRowGate) {
            gates.add(new Gate("next", qNext.cur().times(a2.next().minus(a0.cur()))));
        }
        List<Copy> copies = List.of(new Copy(new Cell(a1, 0), new Cell(i0, 0)), new Copy(new Cell(a0, 0), new Cell(a0, 1)));
        Circuit c = new Circuit("square-sign", logN, u, 3, 1, fixed, gates, List.of(), copies, List.of());
        ProvingKey pk = ProofSystem.keygen(c, P);
        return new Setup(pk, witness(n, 3, nextRowGate), witness(n, Goldilocks.P - 3, nextRowGate));
    }

    static Witness witness(int n, long a0, boolean nextRowGate) {
        long[][] adv = new long[3][n];
        adv[0][0] = a0;
        adv[0][1] = a0;
        adv[1][0] = 9;
        if (nextRowGate) {
            adv[2][1] = a0;
        }
        long[][] inst = new long[1][n];
        inst[0][0] = 9;
        return new Witness(adv, inst);
    }

    /** What the attacker computes from one proof: a combination of its values and what it predicts under each witness. */
    record Attack(boolean found, long value, long predicted0, long predicted1) {
        boolean distinguishes() {
            return found && value == predicted0 && value != predicted1;
        }
    }

    /** The private polynomials the attack solves for: Z's two parts, and a2 when a gate reads it at the next row. */
    record Unknown(int global, int firstBlindingRow, long[] valuesUnder0, long[] valuesUnder1) { }

    static Attack attack(Setup s, Proof proof, boolean nextRowGate) {
        ProvingKey pk = s.pk();
        ArgumentLayout lay = pk.layout;
        int n = lay.n;
        long[][] instance = s.w0().instance();
        AuditZeroKnowledgeTest.Replay rp = AuditZeroKnowledgeTest.replay(pk, instance, proof);
        int zc = 2 * lay.groups.size();
        long[][] z0 = runningSum(pk, s.w0(), rp.ch());
        long[][] z1 = runningSum(pk, s.w1(), rp.ch());
        List<Unknown> unknowns = new ArrayList<>();
        unknowns.add(new Unknown(lay.globalAux(zc), lay.u + 1, z0[0], z1[0]));
        unknowns.add(new Unknown(lay.globalAux(zc + 1), lay.u + 1, z0[1], z1[1]));
        if (nextRowGate) {
            unknowns.add(new Unknown(lay.globalAdvice(2), lay.u, s.w0().advice()[2], s.w1().advice()[2]));
        }
        int dims = unknowns.size() * n;
        List<long[]> eqs = new ArrayList<>();
        List<Long> vals = new ArrayList<>();
        Fp2[] ez = proof.evalsZ();
        Fp2[] ezw = proof.evalsZw();
        for (int k = 0; k < unknowns.size(); k++) {
            Unknown uk = unknowns.get(k);
            addPoint(eqs, vals, dims, k * n, n, rp.z(), new Fp2[] {ez[uk.global()]}, new Fp2[] {Fp2.ONE});
            if (ezw[uk.global()] != null) {
                addPoint(eqs, vals, dims, k * n, n, rp.zw(), new Fp2[] {ezw[uk.global()]}, new Fp2[] {Fp2.ONE});
            }
        }
        Fp2[][] inst = new Fp2[instance.length][2];
        long omegaLde = Goldilocks.rootOfUnity(lay.logLde);
        long omegaN = Goldilocks.rootOfUnity(lay.logN);
        for (int q = 0; q < rp.queries().length; q++) {
            long x = Goldilocks.mul(Goldilocks.GENERATOR, Goldilocks.pow(omegaLde, rp.queries()[q]));
            Fp2[] cur = new Fp2[lay.totalColumns];
            int g = 0;
            for (int t : lay.openedTrees()) {
                for (long v : AuditSupportTest.queriedRow(proof, lay, q, t)) {
                    cur[g++] = Fp2.of(v);
                }
            }
            // The opened rows: one base-field equation per unknown polynomial.
            for (int k = 0; k < unknowns.size(); k++) {
                long[] row = new long[dims];
                lagrangeRow(row, k * n, n, x);
                eqs.add(row);
                vals.add(cur[unknowns.get(k).global()].c0());
            }
            // The quotient row: C(x) = Z_H(x) Q'(x) if Q' were the true quotient. C is affine in the next-row values,
            // so C(x) - C(x)|next=0 = sum_k c_k P_k(x omega), with c_k read off by setting one next-row value to 1.
            for (int c = 0; c < instance.length; c++) {
                inst[c][0] = Verifier.lagrange(instance[c], Fp2.of(x), n);
                inst[c][1] = Verifier.lagrange(instance[c], Fp2.of(Goldilocks.mul(x, omegaN)), n);
            }
            Fp2[] next = new Fp2[lay.totalColumns];
            Arrays.fill(next, Fp2.ZERO);
            Fp2 c0 = Verifier.combination(lay, pk.vk.constraintSystem(), Fp2.of(x), cur, next, inst, rp.ch(), rp.alpha());
            Fp2 zh = Fp2.of(Goldilocks.sub(Goldilocks.pow(x, n), 1));
            Fp2 derived = zh.mul(Verifier.committedQuotient(lay, cur, Fp2.of(x))).sub(c0);
            Fp2[] coef = new Fp2[unknowns.size()];
            for (int k = 0; k < unknowns.size(); k++) {
                next[unknowns.get(k).global()] = Fp2.ONE;
                coef[k] = Verifier.combination(lay, pk.vk.constraintSystem(), Fp2.of(x), cur, next, inst, rp.ch(), rp.alpha())
                        .sub(c0);
                next[unknowns.get(k).global()] = Fp2.ZERO;
            }
            long y = Goldilocks.mul(x, omegaN);
            long[] re = new long[dims];
            long[] im = new long[dims];
            for (int k = 0; k < unknowns.size(); k++) {
                long[] l = new long[n];
                lagrangeRow(l, 0, n, y);
                for (int r = 0; r < n; r++) {
                    re[k * n + r] = Goldilocks.mul(coef[k].c0(), l[r]);
                    im[k * n + r] = Goldilocks.mul(coef[k].c1(), l[r]);
                }
            }
            eqs.add(re);
            vals.add(derived.c0());
            eqs.add(im);
            vals.add(derived.c1());
        }
        // Combinations lambda of the equations that cancel every blinding row.
        List<long[]> onBlinding = new ArrayList<>();
        for (int k = 0; k < unknowns.size(); k++) {
            for (int r = unknowns.get(k).firstBlindingRow(); r < n; r++) {
                long[] col = new long[eqs.size()];
                for (int j = 0; j < eqs.size(); j++) {
                    col[j] = eqs.get(j)[k * n + r];
                }
                onBlinding.add(col);
            }
        }
        for (long[] lambda : AuditZeroKnowledgeTest.nullSpace(onBlinding, eqs.size())) {
            long value = 0;
            long p0 = 0;
            long p1 = 0;
            for (int j = 0; j < eqs.size(); j++) {
                value = Goldilocks.add(value, Goldilocks.mul(lambda[j], vals.get(j)));
            }
            for (int k = 0; k < unknowns.size(); k++) {
                Unknown uk = unknowns.get(k);
                for (int r = 0; r < uk.firstBlindingRow(); r++) {
                    long w = 0;
                    for (int j = 0; j < eqs.size(); j++) {
                        w = Goldilocks.add(w, Goldilocks.mul(lambda[j], eqs.get(j)[k * n + r]));
                    }
                    p0 = Goldilocks.add(p0, Goldilocks.mul(w, uk.valuesUnder0()[r]));
                    p1 = Goldilocks.add(p1, Goldilocks.mul(w, uk.valuesUnder1()[r]));
                }
            }
            if (p0 != p1) {
                return new Attack(true, value, p0, p1);
            }
        }
        return new Attack(false, 0, 0, 0);
    }

    /** An F_p2 observation sum_k coef_k P(x) at a point x: two base-field equations on P's row values. */
    static void addPoint(List<long[]> eqs, List<Long> vals, int dims, int at, int n, Fp2 x, Fp2[] value, Fp2[] coef) {
        long[] re = new long[dims];
        long[] im = new long[dims];
        long w = Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(n));
        Fp2 zn = x.pow(n).sub(Fp2.ONE).mul(Goldilocks.inv(n));
        long wi = 1;
        for (int r = 0; r < n; r++) {
            Fp2 l = x.sub(Fp2.of(wi)).inv().mul(wi).mul(zn).mul(coef[0]);
            re[at + r] = l.c0();
            im[at + r] = l.c1();
            wi = Goldilocks.mul(wi, w);
        }
        eqs.add(re);
        vals.add(value[0].c0());
        eqs.add(im);
        vals.add(value[0].c1());
    }

    /** L_r(x) for the rows r of H at a base-field point x outside H: P(x) = sum_r L_r(x) P(omega^r). */
    static void lagrangeRow(long[] out, int at, int n, long x) {
        long w = Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(n));
        long zn = Goldilocks.mul(Goldilocks.sub(Goldilocks.pow(x, n), 1), Goldilocks.inv(n));
        long wi = 1;
        for (int r = 0; r < n; r++) {
            out[at + r] = Goldilocks.mul(Goldilocks.mul(wi, zn), Goldilocks.inv(Goldilocks.sub(x, wi)));
            wi = Goldilocks.mul(wi, w);
        }
    }

    /** The running sum Z on rows [0, u] (its two base parts) as the prover builds it for a witness and challenges. */
    static long[][] runningSum(ProvingKey pk, Witness w, ArgumentLayout.Challenges ch) {
        ArgumentLayout lay = pk.layout;
        int n = lay.n;
        long[][] z = new long[2][n];
        Fp2 acc = Fp2.ZERO;
        for (int r = 0; r < lay.u; r++) {
            int row = r;
            Expr.RowValues rv = (col, rot) -> {
                int at = (row + rot) & (n - 1);
                switch (col.kind()) {
                    case FIXED: return pk.fixedAll[col.index()][at];
                    case ADVICE: return col.index() < w.advice().length ? w.advice()[col.index()][at] : 0;
                    default: return w.instance()[col.index()][at];
                }
            };
            for (ArgumentLayout.Fraction f : lay.fractions) {
                Fp2 beta = f.perm() ? ch.betaP() : ch.betaL();
                Fp2 gamma = f.perm() ? ch.gammaP() : ch.gammaL();
                Fp2 d = beta;
                Fp2 gp = Fp2.ONE;
                for (Expr e : f.tuple()) {
                    d = d.sub(gp.mul(e.evaluate(rv)));
                    gp = gp.mul(gamma);
                }
                acc = acc.add(d.inv().mul(f.num().evaluate(rv)));
            }
            z[0][r + 1] = acc.c0();
            z[1][r + 1] = acc.c1();
        }
        return z;
    }

    /** The old quotient: the same prover (the audit forge) with the mask S forced to zero, so Q'(x) = Q(x). */
    static Proof unmasked(Setup s, Witness w, long seed) {
        return new Forge(s.pk(), seed, new Hooks() {
            @Override
            void aux(Forge f, long[][] aux) {
                Arrays.fill(aux[f.lay.quotientMask], 0);
                Arrays.fill(aux[f.lay.quotientMask + 1], 0);
            }
        }).prove(w);
    }

    @ParameterizedTest(name = "next-row advice gate: {0}")
    @ValueSource(booleans = {false, true})
    void quotientRow_withoutTheMask_tellsTheWitnessesApart_everyProof(boolean nextRowGate) {
        Setup s = setup(nextRowGate);
        for (int k = 0; k < 8; k++) {
            Proof p = unmasked(s, s.w0(), 900 + k);
            assertThat(AuditSupportTest.verify(s.pk(), s.w0().instance(), p).accepted()).isTrue();
            Attack a = attack(s, p, nextRowGate);
            assertThat(a.distinguishes()).as("control proof %d: the attack must work on Q'(x) = Q(x)", k).isTrue();
        }
    }

    @ParameterizedTest(name = "next-row advice gate: {0}")
    @ValueSource(booleans = {false, true})
    void quotientRow_ofTheRandomisedQuotient_revealsNeitherWitness(boolean nextRowGate) {
        Setup s = setup(nextRowGate);
        int found = 0;
        for (int k = 0; k < 16; k++) {
            Witness w = k % 2 == 0 ? s.w0() : s.w1();
            Proof p = ProofSystem.prove(s.pk(), w, PhaseListener.NONE);
            assertThat(ProofSystem.verify(s.pk().verifyingKey(), w.instance(), p.toBytes()).accepted()).isTrue();
            Attack a = attack(s, p, nextRowGate);
            if (!a.found()) {
                continue; // the proof's query points gave no usable combination (e.g. two queries on one row)
            }
            found++;
            assertThat(a.value == a.predicted0 || a.value == a.predicted1)
                    .as("proof %d of witness %d: the combination matches a witness", k, k % 2).isFalse();
        }
        // The attack finds its combination in almost every proof (so the check above is not vacuous): only its value
        // is noise. A proof whose random queries collide can leave the attacker without a combination, hence not 16.
        assertThat(found).isGreaterThanOrEqualTo(12);
    }

    /**
     * The attacker's combination, over 48 proofs of one witness: its value minus the value the witness predicts is
     * S's contribution and must look uniform in F_p (never zero; top three bits spread over eight buckets, chi-square
     * below 24.3, the 0.1% point at 7 degrees of freedom).
     */
    @ParameterizedTest(name = "next-row advice gate: {0}")
    @ValueSource(booleans = {false, true})
    void quotientRow_residualsAreUniformAcrossProofsOfOneWitness(boolean nextRowGate) {
        Setup s = setup(nextRowGate);
        int proofs = 48;
        int[] buckets = new int[8];
        int tested = 0;
        for (int k = 0; k < proofs; k++) {
            Proof p = ProofSystem.prove(s.pk(), s.w0(), PhaseListener.NONE);
            Attack a = attack(s, p, nextRowGate);
            if (!a.found()) {
                continue; // no usable combination in this proof's openings (colliding queries): nothing to measure
            }
            tested++;
            long residual = Goldilocks.sub(a.value(), a.predicted0());
            assertThat(residual).as("proof %d", k).isNotZero();
            buckets[(int) (Long.divideUnsigned(residual, Long.divideUnsigned(Goldilocks.P, 8) + 1))]++;
        }
        assertThat(tested).as("proofs the attack could test").isGreaterThanOrEqualTo(proofs * 3 / 4);
        double expected = tested / 8.0;
        double chi2 = 0;
        for (int b : buckets) {
            chi2 += (b - expected) * (b - expected) / expected;
        }
        assertThat(chi2).as("buckets %s", Arrays.toString(buckets)).isLessThan(24.3);
    }
}
