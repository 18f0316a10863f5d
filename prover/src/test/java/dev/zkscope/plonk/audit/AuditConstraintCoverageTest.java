package dev.zkscope.plonk;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.circuit.Violation;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.AuditSupportTest.Forge;
import dev.zkscope.plonk.AuditSupportTest.Hooks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiConsumer;

import static dev.zkscope.plonk.AuditSupportTest.rejection;
import static dev.zkscope.plonk.AuditSupportTest.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Constraint coverage of the LogUp / permutation running sum, the blinding rows and the public values. Each attack
 * takes a witness whose log-derivative sum does not vanish (a lookup input outside its table, or a broken copy) and
 * rearranges the helper columns and the running sum Z so that exactly one aux constraint is violated, on one row:
 * that constraint alone must make the verifier reject. Together they show that first * Z, last * Z, the transition
 * and each group's helper constraint are all in the identity, and that nothing placed in the blinding rows counts.
 */
class AuditConstraintCoverageTest {
    static final ProofParameters P = ProofParameters.testing();
    static TestCircuits.Instance inst;
    static ProvingKey pk;
    static Witness badLookup;
    static Witness badCopy;

    @BeforeAll
    static void setUp() {
        inst = TestCircuits.random(501, 5, P.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), P);
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(1);
        long x = TestCircuits.TABLE + 5;
        adv[1][row] = x;
        adv[2][row] = x * x;
        badLookup = new Witness(adv, inst.witness().instance());
        assertThat(Checker.check(inst.circuit(), badLookup)).isNotEmpty().allMatch(v -> v instanceof Violation.LookupFailure);
        adv = TestCircuits.copy(inst.witness().advice());
        Copy c = inst.breakableCopies().get(inst.breakableCopies().size() - 1);
        adv[c.b().column().index()][c.b().row()] = Goldilocks.add(adv[c.b().column().index()][c.b().row()], 1);
        badCopy = new Witness(adv, inst.witness().instance());
        assertThat(Checker.check(inst.circuit(), badCopy)).hasSize(1).allMatch(v -> v instanceof Violation.CopyFailure);
    }

    static Fp2 z(long[][] aux, int zc, int r) {
        return new Fp2(aux[zc][r], aux[zc + 1][r]);
    }

    static void setZ(long[][] aux, int zc, int r, Fp2 v) {
        aux[zc][r] = v.c0();
        aux[zc + 1][r] = v.c1();
    }

    /** Forges with an aux rearrangement; asserts the imbalance S = Z(u) was nonzero and the verifier rejects. */
    static void assertRejected(Witness bad, String what, BiConsumer<Forge, long[][]> rearrange) {
        Fp2[] imbalance = new Fp2[1];
        Proof p = new Forge(pk, 21, new Hooks() {
            @Override
            void aux(Forge f, long[][] aux) {
                imbalance[0] = z(aux, f.zColumn(), f.u);
                rearrange.accept(f, aux);
            }
        }).prove(bad);
        assertThat(imbalance[0]).as("the bad witness leaves a log-derivative imbalance").isNotEqualTo(Fp2.ZERO);
        assertThat(rejection(verify(pk, bad.instance(), p))).as(what).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    /** Z starts at -S instead of 0 so that it ends at 0: only first * Z fails (row 0). */
    static void startOffset(Forge f, long[][] aux) {
        int zc = f.zColumn();
        Fp2 s = z(aux, zc, f.u);
        for (int r = 0; r <= f.u; r++) {
            setZ(aux, zc, r, z(aux, zc, r).sub(s));
        }
    }

    /** Z honest (ends at S); the blinding rows carry -S in a helper and continue the sum back to zero, cyclically. */
    static void wrapThroughBlindingRows(Forge f, long[][] aux) {
        int zc = f.zColumn();
        Fp2 s = z(aux, zc, f.u);
        for (int r = f.u; r < f.n; r++) {
            for (int c = 0; c < zc; c++) {
                aux[c][r] = 0;
            }
            if (r > f.u) {
                setZ(aux, zc, r, Fp2.ZERO);
            }
        }
        Fp2 negS = s.neg();
        aux[0][f.u] = negS.c0();
        aux[1][f.u] = negS.c1();
    }

    /** A helper value lies on one active row by -S, and Z follows the lying helpers to end at 0. */
    static void helperLie(Forge f, long[][] aux) {
        int zc = f.zColumn();
        Fp2 s = z(aux, zc, f.u);
        int row = 3;
        Fp2 h = new Fp2(aux[0][row], aux[1][row]).sub(s);
        aux[0][row] = h.c0();
        aux[1][row] = h.c1();
        Fp2 acc = Fp2.ZERO;
        for (int r = 0; r < f.u; r++) {
            for (int g = 0; g < f.lay.groups.size(); g++) {
                acc = acc.add(new Fp2(aux[2 * g][r], aux[2 * g + 1][r]));
            }
            setZ(aux, zc, r + 1, acc);
        }
        assertThat(z(aux, zc, f.u)).isEqualTo(Fp2.ZERO);
    }

    /** Only Z(u) is set to 0: the transition of the last active row fails. */
    static void jumpAtLastRow(Forge f, long[][] aux) {
        setZ(aux, f.zColumn(), f.u, Fp2.ZERO);
    }

    @Test
    void runningSum_eachAuxConstraintAloneRejectsALookupCheat() {
        assertRejected(badLookup, "honest aux (last * Z)", (f, aux) -> { });
        assertRejected(badLookup, "first * Z", AuditConstraintCoverageTest::startOffset);
        assertRejected(badLookup, "last * Z, blinding rows closing the cycle", AuditConstraintCoverageTest::wrapThroughBlindingRows);
        assertRejected(badLookup, "helper constraint", AuditConstraintCoverageTest::helperLie);
        assertRejected(badLookup, "transition", AuditConstraintCoverageTest::jumpAtLastRow);
    }

    @Test
    void runningSum_eachAuxConstraintAloneRejectsACopyCheat() {
        assertRejected(badCopy, "honest aux (last * Z)", (f, aux) -> { });
        assertRejected(badCopy, "first * Z", AuditConstraintCoverageTest::startOffset);
        assertRejected(badCopy, "last * Z, blinding rows closing the cycle", AuditConstraintCoverageTest::wrapThroughBlindingRows);
        assertRejected(badCopy, "helper constraint", AuditConstraintCoverageTest::helperLie);
        assertRejected(badCopy, "transition", AuditConstraintCoverageTest::jumpAtLastRow);
    }

    /**
     * Lookups and the permutation share one running sum. With shared challenges a prover could cancel a broken copy
     * by multiplicities (including "negative", i.e. p - 1) on table rows that hold the cells' labels: lookup l's
     * tuple (l, t) compresses like the permutation's (v, label). The attack below balances exactly when
     * (beta', gamma') = (beta, gamma) (checked), and must be rejected with the independent challenges.
     */
    @Test
    void lookupAndPermutation_cannotCancelEachOther() {
        int logN = 6;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), a1 = Column.advice(1), a2 = Column.advice(2);
        Column q = Column.fixed(0), t = Column.fixed(1);
        long[][] fixed = new long[2][n];
        int r1 = 3, r2 = 5;
        // Labels of (a0, r1) and (a0, r2), equality column 0: k_0 omega^r with k_0 = 1 (format 5's computed labels).
        long id1 = Goldilocks.pow(Goldilocks.rootOfUnity(logN), r1);
        long id2 = Goldilocks.pow(Goldilocks.rootOfUnity(logN), r2);
        fixed[1][1] = id1;
        fixed[1][2] = id2;
        List<Lookup> lookups = List.of(
                new Lookup("l0", List.of(q.cur().times(a1.cur())), List.of(t.cur())),
                new Lookup("l1", List.of(q.cur().times(a2.cur())), List.of(t.cur())));
        List<Gate> gates = List.of(new Gate("g", q.cur().times(a1.cur().minus(a2.cur()))));
        Circuit c = new Circuit("cancel", logN, u, 3, 0, fixed, gates, lookups,
                List.of(new Copy(new Cell(a0, r1), new Cell(a0, r2))), List.of());
        ProvingKey key = ProofSystem.keygen(c, P);
        long[][] adv = new long[3][n];
        adv[0][r1] = 0; // tag of lookup l0
        adv[0][r2] = 1; // tag of lookup l1: the copy is broken
        Witness bad = new Witness(adv, new long[0][]);
        assertThat(Checker.check(c, bad)).hasSize(1).allMatch(v -> v instanceof Violation.CopyFailure);
        long minusOne = Goldilocks.P - 1;
        Forge forge = new Forge(key, 31, new Hooks() {
            @Override
            void advice(Forge f, long[][] advice) {
                long[] m0 = advice[3];
                long[] m1 = advice[4];
                m0[1] = Goldilocks.add(m0[1], 1);
                m0[2] = Goldilocks.add(m0[2], minusOne);
                m1[2] = Goldilocks.add(m1[2], 1);
                m1[1] = Goldilocks.add(m1[1], minusOne);
            }
        });
        Proof p = forge.prove(bad);
        // The attack is exact against shared challenges ...
        ArgumentLayout.Challenges real = forge.ch;
        forge.ch = new ArgumentLayout.Challenges(real.betaL(), real.gammaL(), real.betaL(), real.gammaL());
        assertThat(totalSum(forge)).isEqualTo(Fp2.ZERO);
        forge.ch = real;
        assertThat(totalSum(forge)).isNotEqualTo(Fp2.ZERO);
        // ... and rejected with independent ones.
        assertThat(rejection(verify(key, bad.instance(), p))).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    static Fp2 totalSum(Forge f) {
        Fp2 s = Fp2.ZERO;
        for (int k = 0; k < f.lay.fractions.size(); k++) {
            for (int r = 0; r < f.u; r++) {
                s = s.add(f.fraction(k, r));
            }
        }
        return s;
    }

    /**
     * Tag separation between lookups: an input of lookup l0 outside l0's table but inside l1's table, credited by a
     * multiplicity on l1's table row, would balance without the tags; with them it is rejected.
     */
    @Test
    void lookupTags_keepTablesApart() {
        int logN = 5;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), a1 = Column.advice(1);
        Column q0 = Column.fixed(0), q1 = Column.fixed(1), t0 = Column.fixed(2), t1 = Column.fixed(3);
        long[][] fixed = new long[4][n];
        for (int r = 0; r < 8; r++) {
            fixed[2][r] = r;          // t0: 0..7
            fixed[3][r] = r == 0 ? 0 : 100 + r; // t1: 0, 101..107
        }
        fixed[0][4] = 1; // l0 live on row 4
        List<Lookup> lookups = List.of(
                new Lookup("l0", List.of(q0.cur().times(a0.cur())), List.of(t0.cur())),
                new Lookup("l1", List.of(q1.cur().times(a1.cur())), List.of(t1.cur())));
        Circuit c = new Circuit("tags", logN, u, 2, 0, fixed, List.of(), lookups, List.of(), List.of());
        ProvingKey key = ProofSystem.keygen(c, P);
        long[][] adv = new long[2][n];
        adv[0][4] = 103; // in t1, not in t0
        Witness bad = new Witness(adv, new long[0][]);
        assertThat(Checker.check(c, bad)).hasSize(1).allMatch(v -> v instanceof Violation.LookupFailure);
        Proof p = new Forge(key, 33, new Hooks() {
            @Override
            void advice(Forge f, long[][] advice) {
                advice[3][3] = Goldilocks.add(advice[3][3], 1); // l1's multiplicity on its row holding 103
            }
        }).prove(bad);
        assertThat(rejection(verify(key, bad.instance(), p))).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    /** A public value tied to the witness only by a copy constraint (no gate reads it) is enforced. */
    @Test
    void copyConstraintOnInstanceCell_isEnforced() {
        int logN = 5;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), a1 = Column.advice(1), i0 = Column.instance(0), q = Column.fixed(0);
        long[][] fixed = new long[1][n];
        fixed[0][1] = 1;
        Circuit c = new Circuit("pubcopy", logN, u, 2, 1, fixed,
                List.of(new Gate("sq", q.cur().times(a0.cur().times(a0.cur()).minus(a1.cur())))), List.of(),
                List.of(new Copy(new Cell(i0, 0), new Cell(a0, 1))), List.of());
        ProvingKey key = ProofSystem.keygen(c, P);
        long[][] adv = new long[2][n];
        long[][] pub = new long[1][n];
        adv[0][1] = 12;
        adv[1][1] = 144;
        pub[0][0] = 12;
        Witness good = new Witness(adv, pub);
        assertThat(verify(key, pub, new Forge(key, 41, new Hooks()).prove(good)).accepted()).isTrue();
        long[][] pub2 = new long[1][n];
        pub2[0][0] = 13; // the claimed public value differs from the witness cell it is copied to
        Witness bad = new Witness(adv, pub2);
        assertThat(Checker.check(c, bad)).hasSize(1).allMatch(v -> v instanceof Violation.CopyFailure);
        assertRejectedForKey(key, bad, AuditConstraintCoverageTest::startOffset);
        assertRejectedForKey(key, bad, (f, aux) -> { });
    }

    static void assertRejectedForKey(ProvingKey key, Witness bad, BiConsumer<Forge, long[][]> rearrange) {
        Proof p = new Forge(key, 43, new Hooks() {
            @Override
            void aux(Forge f, long[][] aux) {
                rearrange.accept(f, aux);
            }
        }).prove(bad);
        assertThat(rejection(verify(key, bad.instance(), p))).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    /** Copy cycles may not reach the blinding rows (where nothing is enforced). */
    @Test
    void copyIntoReservedRows_isRefusedByKeygen() {
        int logN = 5;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Circuit c = new Circuit("late-copy", logN, u, 1, 0, new long[0][], List.of(), List.of(),
                List.of(new Copy(new Cell(Column.advice(0), 0), new Cell(Column.advice(0), u))), List.of());
        assertThatThrownBy(() -> ProofSystem.keygen(c, P)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * FINDING (low, defence in depth): lookups are enforced only on the usable rows [0, u), but nothing rejects a
     * circuit whose lookup is live on a reserved row, and the mock prover (Checker), documented as "a clean check
     * means an honest proof verifies", checks lookups on all n rows. A circuit with a live lookup on a reserved row
     * gets a range check that the Checker enforces and the verifier does not: here a proof of a witness the Checker
     * rejects verifies. The compiler keeps reserved rows empty, so no shipped circuit is affected today.
     */
    @Test
    void lookupLiveOnReservedRow_isEitherRefusedOrEnforced() {
        ProofParameters p = P.withZeroKnowledge(false);
        int logN = 3;
        int n = 1 << logN;
        int u = n - 2;
        Column a0 = Column.advice(0), q = Column.fixed(0), t = Column.fixed(1);
        long[][] fixed = new long[2][n];
        for (int r = 0; r < 4; r++) {
            fixed[1][r] = r;
        }
        fixed[0][n - 1] = 1; // the range check is live on reserved row n - 1
        Circuit c = new Circuit("late-lookup", logN, u, 1, 0, fixed, List.of(),
                List.of(new Lookup("range", List.of(q.cur().times(a0.cur())), List.of(t.cur()))), List.of(), List.of());
        long[][] adv = new long[1][n];
        adv[0][n - 1] = 1000;
        Witness w = new Witness(adv, new long[0][]);
        // Fixed after the audit: keygen refuses a circuit whose lookup reads the reserved rows, naming it.
        assertThatThrownBy(() -> ProofSystem.keygen(c, p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lookup 'range' is live at row " + (n - 1));
    }

    /**
     * FINDING (low, completeness): the Checker builds each lookup table from all n rows, the proof system from rows
     * [0, u) only. A witness whose input matches a table entry placed on a reserved row passes the Checker, and the
     * honest prover then refuses it (the claim "a clean check means an honest proof verifies" does not hold).
     */
    @Test
    void checkerAndProver_agreeOnTableRows() {
        int logN = 5;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), q = Column.fixed(0), t = Column.fixed(1);
        long[][] fixed = new long[2][n];
        fixed[1][u + 1] = 99; // a table entry on a reserved row
        fixed[0][2] = 1;
        Circuit c = new Circuit("late-table", logN, u, 1, 0, fixed, List.of(),
                List.of(new Lookup("t", List.of(q.cur().times(a0.cur())), List.of(t.cur()))), List.of(), List.of());
        long[][] adv = new long[1][n];
        adv[0][2] = 99;
        Witness w = new Witness(adv, new long[0][]);
        // Fixed after the audit: the Checker reads tables from rows [0, u) like the proof system, so both refuse.
        assertThat(Checker.check(c, w)).hasSize(1).allMatch(v -> v instanceof Violation.LookupFailure);
        ProvingKey key = ProofSystem.keygen(c, P);
        // The honest prover may refuse the witness, but only with its documented error naming the lookup (any other
        // exception is a crash and fails this test); the proof is then forced through, and either way only a typed
        // verifier rejection counts.
        Proof proof;
        try {
            proof = ProofSystem.prove(key, w, PhaseListener.NONE);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("the prover's refusal").contains("lookup t");
            proof = ProofSystem.proveUnchecked(key, w);
        }
        assertThat(rejection(verify(key, w.instance(), proof))).as("the verifier must reject what the Checker rejects")
                .isNotNull();
    }

    /** The same table-on-a-reserved-row input, forced through with a multiplicity on that reserved row, is rejected. */
    @Test
    void tableEntryOnReservedRow_doesNotCountForTheVerifier() {
        int logN = 5;
        int n = 1 << logN;
        int u = n - P.reservedRows();
        Column a0 = Column.advice(0), q = Column.fixed(0), t = Column.fixed(1);
        long[][] fixed = new long[2][n];
        fixed[1][u + 1] = 99;
        fixed[0][2] = 1;
        Circuit c = new Circuit("late-table", logN, u, 1, 0, fixed, List.of(),
                List.of(new Lookup("t", List.of(q.cur().times(a0.cur())), List.of(t.cur()))), List.of(), List.of());
        ProvingKey key = ProofSystem.keygen(c, P);
        long[][] adv = new long[1][n];
        adv[0][2] = 99;
        Witness w = new Witness(adv, new long[0][]);
        Proof proof = new Forge(key, 45, new Hooks() {
            @Override
            void advice(Forge f, long[][] advice) {
                advice[1][f.u + 1] = 1; // multiplicity of the reserved-row entry
            }

            @Override
            void aux(Forge f, long[][] aux) {
                // The table fraction on the reserved row, as the helper value there; Z still sums active rows only.
                Fp2 h = f.fraction(1, f.u + 1);
                int g = 0;
                while (!f.lay.groups.get(g).contains(1)) {
                    g++;
                }
                aux[2 * g][f.u + 1] = h.c0();
                aux[2 * g + 1][f.u + 1] = h.c1();
            }
        }).prove(w);
        assertThat(rejection(verify(key, w.instance(), proof))).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }
}
