package dev.zkscope.plonk;

import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.AuditSupportTest.Forge;
import dev.zkscope.plonk.AuditSupportTest.Hooks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static dev.zkscope.plonk.AuditSupportTest.rejection;
import static dev.zkscope.plonk.AuditSupportTest.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Out-of-domain openings, DEEP and FRI under attack. Each attack first makes the constraint identity at z hold (by
 * lying about an opened value, or by committing a quotient that is not a polynomial of the right degree), so that the
 * only remaining defence is the binding of openings to commitments: the DEEP quotient, FRI's folding checks, the
 * final polynomial and the per-column degree bound. The preset here has 16 queries (and no grinding, for speed) so
 * that FRI's detection is essentially certain, not luck.
 */
class AuditOodFriTest {
    static final ProofParameters P = new ProofParameters("audit-fri", 2, 16, 0, 2, 2, true);
    static final int LOG_N = 8;
    static TestCircuits.Instance inst;
    static ProvingKey pk;
    static Witness badGate;

    @BeforeAll
    static void setUp() {
        inst = TestCircuits.random(401, LOG_N, P.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), P);
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.mulRows().get(1);
        adv[2][row] = Goldilocks.add(adv[2][row], 1);
        badGate = new Witness(adv, inst.witness().instance());
        assertThat(pk.layout.qLog).as("quotient coset = LDE coset, used by the attacks below").isEqualTo(P.logBlowup());
        assertThat(pk.layout.friConfig().rounds().length).isGreaterThanOrEqualTo(2);
    }

    static Fp2 parseFp2(String s) {
        if (!s.startsWith("(")) {
            return Fp2.of(Long.parseUnsignedLong(s));
        }
        String[] parts = s.substring(1, s.length() - 2).split(" \\+ ");
        return new Fp2(Long.parseUnsignedLong(parts[0]), Long.parseUnsignedLong(parts[1]));
    }

    /** Runs the verifier on a first attempt to read (Z_H(z) Q(z), C(z)) from its quotient identity failure. */
    static Fp2[] identitySides(Proof first) {
        return identitySides(pk, inst.witness().instance(), first);
    }

    static Fp2[] identitySides(ProvingKey key, long[][] instance, Proof first) {
        VerifyError e = rejection(verify(key, instance, first));
        assertThat(e).isInstanceOf(VerifyError.QuotientIdentityFails.class);
        VerifyError.QuotientIdentityFails q = (VerifyError.QuotientIdentityFails) e;
        return new Fp2[] {parseFp2(q.expected()), parseFp2(q.actual())};
    }

    /** Sum_j z^(jm) Q_j(z) from the claimed chunk openings. */
    static Fp2 chunkSum(Forge f, Fp2[] ez) {
        int qo = f.lay.offset(ArgumentLayout.QUOTIENT);
        Fp2 zm = f.z.pow(f.lay.chunkLen);
        Fp2 zp = Fp2.ONE;
        Fp2 q = Fp2.ZERO;
        for (int j = 0; j < f.lay.numChunks; j++) {
            q = q.add(zp.mul(AuditSupportTest.combine(ez[qo + 2 * j], ez[qo + 2 * j + 1])));
            zp = zp.mul(f.z.pow(f.lay.chunkLen));
        }
        return q;
    }

    /**
     * Forges a proof of a bad witness whose openings satisfy the identity at z by a lie on quotient chunk 0 (its
     * real part); {@code extra} adds further adversarial choices (FRI).
     */
    static Proof lieOnQuotientChunk(Function<Fp2[], Hooks> extra) {
        Proof first = new Forge(pk, 5, extra.apply(null)).prove(badGate);
        Fp2 acc = identitySides(first)[1];
        return new Forge(pk, 5, extra.apply(new Fp2[] {acc})).prove(badGate);
    }

    /** S(z omega), the randomised quotient's mask (zero without zero knowledge): the identity is on Q' - S(omega X). */
    static Fp2 mask(Forge f, Fp2[] ezw) {
        if (f.lay.quotientMask < 0) {
            return Fp2.ZERO;
        }
        int so = f.lay.offset(ArgumentLayout.AUX) + f.lay.quotientMask;
        return AuditSupportTest.combine(ezw[so], ezw[so + 1]);
    }

    static void lieSoIdentityHolds(Forge f, Fp2[] ez, Fp2[] ezw, Fp2 acc) {
        Fp2 target = acc.mul(f.z.pow(f.n).sub(Fp2.ONE).inv()).add(mask(f, ezw));
        int qo = f.lay.offset(ArgumentLayout.QUOTIENT);
        ez[qo] = ez[qo].add(target.sub(chunkSum(f, ez)));
    }

    /** The lie passes the identity; FRI, run honestly on the resulting (non-low-degree) DEEP quotient, rejects. */
    @Test
    void oodLie_onQuotientChunk_isCaughtByFri() {
        Proof p = lieOnQuotientChunk(acc -> new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                if (acc != null) {
                    lieSoIdentityHolds(f, ez, ezw, acc[0]);
                }
            }
        });
        VerifyError e = rejection(verify(pk, badGate.instance(), p));
        assertThat(e).isInstanceOfAny(VerifyError.FriFoldMismatch.class, VerifyError.FriFinalPolyMismatch.class);
    }

    /** Same lie, but FRI is run on the true (low-degree) DEEP quotient: the first-layer check against the openings fails. */
    @Test
    void oodLie_withLowDegreeFirstLayer_isCaughtByTheDeepCheck() {
        Proof p = lieOnQuotientChunk(acc -> new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                if (acc != null) {
                    lieSoIdentityHolds(f, ez, ezw, acc[0]);
                }
            }

            @Override
            void friLayer(Forge f, int round, long[] re, long[] im) {
                if (acc != null && round == 0) {
                    f.deep(f.trueEz, f.trueEzw, re, im);
                }
            }
        });
        assertThat(rejection(verify(pk, badGate.instance(), p))).isInstanceOf(VerifyError.DeepValueMismatch.class);
    }

    /** Same lie, a consistent first layer, and a second layer replaced by the zero polynomial: the fold check fails. */
    @Test
    void oodLie_withFabricatedSecondLayer_isCaughtByTheFoldCheck() {
        Proof p = lieOnQuotientChunk(acc -> new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                if (acc != null) {
                    lieSoIdentityHolds(f, ez, ezw, acc[0]);
                }
            }

            @Override
            void friLayer(Forge f, int round, long[] re, long[] im) {
                if (acc != null && round == 1) {
                    Arrays.fill(re, 0);
                    Arrays.fill(im, 0);
                }
            }
        });
        VerifyError e = rejection(verify(pk, badGate.instance(), p));
        assertThat(e).isInstanceOf(VerifyError.FriFoldMismatch.class);
        assertThat(((VerifyError.FriFoldMismatch) e).round()).isEqualTo(1);
    }

    /**
     * The lie on a rotation opening: the running sum at z omega is moved so that the transition constraint absorbs
     * the failing gate. The z omega openings are bound by their own DEEP term, so FRI rejects.
     */
    @Test
    void oodLie_onRunningSumAtZOmega_isCaughtByFri() {
        Proof first = new Forge(pk, 6, new Hooks()).prove(badGate);
        Fp2[] sides = identitySides(first);
        Proof p = new Forge(pk, 6, new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                int g = f.circuit.gates().size();
                Fp2 aTransition = f.alpha.pow(g + 2);
                Fp2 activeZ = f.lay.computedAt(f.z)[f.lay.active - f.lay.numFixedAll];
                Fp2 delta = sides[0].sub(sides[1]).mul(aTransition.mul(activeZ).inv());
                int zc = f.lay.offset(ArgumentLayout.AUX) + f.zColumn();
                ezw[zc] = ezw[zc].add(delta);
            }
        }).prove(badGate);
        VerifyError e = rejection(verify(pk, badGate.instance(), p));
        assertThat(e).isInstanceOfAny(VerifyError.FriFoldMismatch.class, VerifyError.FriFinalPolyMismatch.class);
    }

    /**
     * The canonical quotient cheat: commit C/Z_H itself (not a polynomial for a bad witness) as quotient chunk 0 and
     * open it at z to exactly C(z)/Z_H(z). The identity holds at z; the chunk is far from degree &lt; n, so FRI rejects.
     */
    @Test
    void nonPolynomialQuotient_isCaughtByFri() {
        Function<Fp2[], Hooks> hooks = acc -> new Hooks() {
            @Override
            void quotientCoeffs(Forge f, long[][] qc) {
                for (int c = 0; c < 2 * f.lay.numChunks; c++) {
                    Arrays.fill(qc[c], 0);
                }
            }

            @Override
            void quotientLde(Forge f, long[][] qLde) {
                qLde[0] = f.qValsRe.clone();
                qLde[1] = f.qValsIm.clone();
            }

            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                if (acc != null) {
                    int qo = f.lay.offset(ArgumentLayout.QUOTIENT);
                    ez[qo] = acc[0].mul(f.z.pow(f.n).sub(Fp2.ONE).inv()).add(mask(f, ezw));
                    ez[qo + 1] = Fp2.ZERO;
                }
            }
        };
        Proof first = new Forge(pk, 8, hooks.apply(null)).prove(badGate);
        Fp2 acc = identitySides(first)[1];
        Proof p = new Forge(pk, 8, hooks.apply(new Fp2[] {acc})).prove(badGate);
        VerifyError e = rejection(verify(pk, badGate.instance(), p));
        assertThat(e).isNotInstanceOf(VerifyError.QuotientIdentityFails.class);
        assertThat(e).isInstanceOfAny(VerifyError.FriFoldMismatch.class, VerifyError.FriFinalPolyMismatch.class);
    }

    /**
     * The per-column degree bound: with a valid witness, commit the whole quotient (degree ~ (d-1) n) as chunk 0 and
     * open it truthfully. The identity holds exactly at z, but the chunk exceeds degree n, which the verifier must
     * not accept (otherwise chunking would not bound anything).
     */
    @Test
    void quotientChunkOfTooHighDegree_isRejected() {
        Proof p = new Forge(pk, 10, new Hooks() {
            @Override
            void quotientCoeffs(Forge f, long[][] qc) {
                for (int c = 0; c < 2 * f.lay.numChunks; c++) {
                    Arrays.fill(qc[c], 0);
                }
            }

            @Override
            void quotientLde(Forge f, long[][] qLde) {
                qLde[0] = f.qValsRe.clone();
                qLde[1] = f.qValsIm.clone();
            }

            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                int qo = f.lay.offset(ArgumentLayout.QUOTIENT);
                Fp2[] re = AuditSupportTest.horner2(f.qCoeffRe, f.z, f.zw);
                Fp2[] im = AuditSupportTest.horner2(f.qCoeffIm, f.z, f.zw);
                ez[qo] = re[0];
                ez[qo + 1] = im[0];
                ezw[qo] = re[1];
                ezw[qo + 1] = im[1];
            }
        }).prove(inst.witness());
        long highest = 0;
        Forge probe = new Forge(pk, 10, new Hooks());
        probe.prove(inst.witness());
        for (int i = 0; i < probe.qCoeffRe.length; i++) {
            if (probe.qCoeffRe[i] != 0 || probe.qCoeffIm[i] != 0) {
                highest = i;
            }
        }
        assertThat(highest).as("the honest quotient's degree exceeds one chunk").isGreaterThanOrEqualTo(pk.layout.n);
        VerifyError e = rejection(verify(pk, inst.witness().instance(), p));
        assertThat(e).isNotInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    /**
     * Edge configuration: no zero knowledge, u = n (the running sum wraps cyclically, first and last are row 0) and
     * a final polynomial as long as the trace (no folding round: the DEEP quotient meets the final polynomial
     * directly). The honest forge verifies; the OOD lie and a lookup cheat with an offset running sum are rejected.
     */
    @Test
    void edgeConfiguration_noFoldingAndCyclicRunningSum() {
        ProofParameters p = new ProofParameters("audit-edge", 2, 16, 0, 2, 3, false);
        TestCircuits.Instance e = TestCircuits.random(402, 3, 0);
        ProvingKey key = ProofSystem.keygen(e.circuit(), p);
        assertThat(key.layout.friConfig().rounds()).isEmpty();
        assertThat(key.layout.u).isEqualTo(key.layout.n);
        assertThat(verify(key, e.witness().instance(), new Forge(key, 1, new Hooks()).prove(e.witness())).accepted()).isTrue();

        long[][] adv = TestCircuits.copy(e.witness().advice());
        int row = e.mulRows().get(0);
        adv[2][row] = Goldilocks.add(adv[2][row], 1);
        Witness bad = new Witness(adv, e.witness().instance());
        Fp2 acc = identitySides(key, bad.instance(), new Forge(key, 2, new Hooks()).prove(bad))[1];
        Proof lie = new Forge(key, 2, new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                lieSoIdentityHolds(f, ez, ezw, acc);
            }
        }).prove(bad);
        assertThat(rejection(verify(key, bad.instance(), lie))).isInstanceOf(VerifyError.FriFinalPolyMismatch.class);

        adv = TestCircuits.copy(e.witness().advice());
        int lr = e.lookupRows().get(0);
        adv[1][lr] = 1000;
        adv[2][lr] = 1000 * 1000;
        Witness badLookup = new Witness(adv, e.witness().instance());
        Proof offset = new Forge(key, 3, new Hooks() {
            @Override
            void aux(Forge f, long[][] aux) {
                int zc = f.zColumn();
                // Cyclic: the sum over all n rows is S != 0, so no Z satisfies every transition; shifting Z by a
                // constant (to start at -S) still leaves row 0's first/last and the wrap-around transition failing.
                Fp2 s = Fp2.ZERO;
                for (int r = 0; r < f.n; r++) {
                    for (int g = 0; g < f.lay.groups.size(); g++) {
                        s = s.add(new Fp2(aux[2 * g][r], aux[2 * g + 1][r]));
                    }
                }
                assertThat(s).isNotEqualTo(Fp2.ZERO);
                for (int r = 0; r < f.n; r++) {
                    Fp2 v = new Fp2(aux[zc][r], aux[zc + 1][r]).sub(s);
                    aux[zc][r] = v.c0();
                    aux[zc + 1][r] = v.c1();
                }
            }
        }).prove(badLookup);
        assertThat(rejection(verify(key, badLookup.instance(), offset))).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    /**
     * A lie on one opened column at z, solved so that the constraint identity holds: the identity is affine in the
     * value, so two probing runs (value v and v + 1, same commitments, hence the same z) give its slope.
     */
    static Proof lieOn(ProvingKey key, Witness bad, long seed, int column) {
        List<Fp2> zs = new ArrayList<>();
        Function<Fp2, Hooks> shifted = d -> new Hooks() {
            @Override
            void openings(Forge f, Fp2[] ez, Fp2[] ezw) {
                zs.add(f.z);
                ez[column] = ez[column].add(d);
            }
        };
        Fp2[] s0 = identitySides(key, bad.instance(), new Forge(key, seed, shifted.apply(Fp2.ZERO)).prove(bad));
        Fp2[] s1 = identitySides(key, bad.instance(), new Forge(key, seed, shifted.apply(Fp2.ONE)).prove(bad));
        assertThat(zs.get(1)).as("same z in both probes").isEqualTo(zs.get(0));
        // rhs - acc is affine in the value (the column may sit on either side of the identity).
        Fp2 diff0 = s0[0].sub(s0[1]);
        Fp2 slope = s1[0].sub(s1[1]).sub(diff0);
        assertThat(slope).as("column " + column + " enters the identity").isNotEqualTo(Fp2.ZERO);
        Fp2 d = diff0.neg().mul(slope.inv());
        return new Forge(key, seed, shifted.apply(d)).prove(bad);
    }

    /**
     * Lies that switch a constraint off at z: on a gate's selector and on a witness cell (broken gate), and on the
     * proof system's own fixed column sigma and on a lookup's multiplicity (input outside its table). (The columns
     * last, active and the labels are not opened since format 5: the verifier computes them.)
     * Fixed columns are bound to the key's root, advice to the prover's commitment, both through DEEP and FRI.
     */
    @Test
    void oodLie_onSelectorsWitnessAndSystemColumns_isCaught() {
        ArgumentLayout lay = pk.layout;
        int fo = lay.offset(ArgumentLayout.FIXED);
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(0);
        adv[1][row] = TestCircuits.TABLE + 3;
        adv[2][row] = (TestCircuits.TABLE + 3) * (TestCircuits.TABLE + 3);
        Witness badLookup = new Witness(adv, inst.witness().instance());
        Object[][] cases = {
                {badGate, fo, "mul gate selector"},
                {badGate, lay.globalAdvice(2), "advice a2"},
                {badLookup, fo + lay.sigmaColumn(0), "sigma of equality column 0"},
                {badLookup, lay.globalAdvice(inst.circuit().numAdvice()), "multiplicities of lookup 0"},
        };
        long seed = 50;
        for (Object[] c : cases) {
            Witness w = (Witness) c[0];
            Proof p = lieOn(pk, w, seed++, (Integer) c[1]);
            VerifyError e = rejection(verify(pk, w.instance(), p));
            assertThat(e).as((String) c[2]).isInstanceOfAny(VerifyError.FriFoldMismatch.class,
                    VerifyError.FriFinalPolyMismatch.class, VerifyError.DeepValueMismatch.class);
        }
    }

    /** The same OOD lie under blowup 8 (quotient coset smaller than the extension), arity 2^3 with a remainder round. */
    @Test
    void oodLie_withQuotientCosetSmallerThanExtension_isCaught() {
        ProofParameters wide = new ProofParameters("audit-wide", 3, 16, 0, 3, 1, true);
        TestCircuits.Instance w = TestCircuits.random(403, wide.minLogN(), wide.reservedRows());
        ProvingKey wk = ProofSystem.keygen(w.circuit(), wide);
        assertThat(wk.layout.qLog).isLessThan(wide.logBlowup());
        assertThat(wk.layout.friConfig().rounds()).startsWith(3).endsWith(2);
        long[][] adv = TestCircuits.copy(w.witness().advice());
        int row = w.mulRows().get(0);
        adv[2][row] = Goldilocks.add(adv[2][row], 1);
        Witness bad = new Witness(adv, w.witness().instance());
        for (int column : new int[] {wk.layout.globalAdvice(2), wk.layout.offset(ArgumentLayout.QUOTIENT)}) {
            VerifyError e = rejection(verify(wk, bad.instance(), lieOn(wk, bad, 60 + column, column)));
            assertThat(e).isInstanceOfAny(VerifyError.FriFoldMismatch.class, VerifyError.FriFinalPolyMismatch.class,
                    VerifyError.DeepValueMismatch.class);
        }
    }
}
