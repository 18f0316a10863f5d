package dev.zkscope.plonk;

import dev.zkscope.plonk.AuditSupportTest.Forge;
import dev.zkscope.plonk.AuditSupportTest.Hooks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.zkscope.plonk.AuditSupportTest.rejection;
import static dev.zkscope.plonk.AuditSupportTest.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fiat-Shamir completeness. For every item the prover sends, a prover that leaves it out of its transcript (so that
 * it could choose the item after seeing the challenges that follow) must be rejected: the verifier absorbs each item
 * itself, so its challenges differ. If the verifier also skipped an item, the forged proof (valid in every other
 * respect) would be accepted and this test would fail.
 */
class AuditFiatShamirTest {
    static final ProofParameters P = ProofParameters.testing();
    static TestCircuits.Instance inst;
    static ProvingKey pk;
    static ProvingKey pkCommitted;

    @BeforeAll
    static void setUp() {
        inst = TestCircuits.random(301, 5, P.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), P);
        pkCommitted = ProofSystem.keygen(inst.circuit(), P, List.of(1), PhaseListener.NONE);
    }

    private static Proof forgeSkipping(ProvingKey key, String item) {
        return new Forge(key, 7, new Hooks() {
            @Override
            boolean absorb(String what) {
                return !what.equals(item);
            }
        }).prove(inst.witness());
    }

    @Test
    void everyTranscriptItem_isBoundBeforeTheChallengesThatFollowIt() {
        List<String> items = new ArrayList<>(List.of("digest", "instance", "advice", "aux", "quotient", "evalsZ",
                "evalsZw", "final"));
        for (int r = 0; r < pk.layout.friConfig().rounds().length; r++) {
            items.add("fri" + r);
        }
        assertThat(pk.layout.friConfig().rounds().length).isGreaterThan(0);
        // Sanity: the same forge with nothing skipped verifies (so each rejection is due to the skipped item).
        assertThat(verify(pk, inst.witness().instance(), forgeSkipping(pk, "nothing")).accepted()).isTrue();
        for (String item : items) {
            VerifyError e = rejection(verify(pk, inst.witness().instance(), forgeSkipping(pk, item)));
            assertThat(e).as(item).isNotInstanceOf(VerifyError.MalformedProof.class);
        }
        // The separately committed columns' root (the public commitment) is bound too.
        assertThat(verify(pkCommitted, inst.witness().instance(), forgeSkipping(pkCommitted, "nothing")).accepted()).isTrue();
        rejection(verify(pkCommitted, inst.witness().instance(), forgeSkipping(pkCommitted, "committed")));
    }

    /**
     * The public values enter the transcript: a proof made for one instance vector, whose transcript absorbed another
     * (i.e. a proof replayed for different public values, even values at rows no gate reads) is rejected.
     */
    @Test
    void publicValues_areBound_evenWhereNoConstraintReadsThem() {
        long[][] pub = TestCircuits.copy(inst.witness().instance());
        // Row 2 is a lookup row: no gate or copy reads the instance column there.
        assertThat(pub[0][2]).isZero();
        Proof honest = new Forge(pk, 9, new Hooks()).prove(inst.witness());
        assertThat(verify(pk, pub, honest).accepted()).isTrue();
        pub[0][2] = 12345;
        rejection(verify(pk, pub, honest));
        // Trailing zeros are the same public values (the verifier pads to n rows), so this one must still verify...
        long[][] shorter = {java.util.Arrays.copyOf(inst.witness().instance()[0], pk.layout.u)};
        assertThat(verify(pk, shorter, honest).accepted()).isTrue();
    }

    /**
     * The grinding nonce is absorbed before the query indices are drawn: another nonce that also satisfies the
     * proof of work moves the queries, so the openings of the original proof no longer match.
     */
    @Test
    void grindingNonce_isCheckedAndBoundBeforeQueries() {
        Proof honest = new Forge(pk, 11, new Hooks()).prove(inst.witness());
        assertThat(verify(pk, inst.witness().instance(), honest).accepted()).isTrue();
        int grindFailures = 0;
        int laterFailures = 0;
        for (long nonce = 0; nonce < 24; nonce++) {
            if (nonce == honest.opening.powNonce()) {
                continue;
            }
            Proof p = honest.with(honest.params, honest.circuitDigest, honest.opening.withNonce(nonce));
            VerifyError e = rejection(verify(pk, inst.witness().instance(), p));
            if (e instanceof VerifyError.GrindingInvalid) {
                grindFailures++;
            } else {
                laterFailures++;
                assertThat(e).isInstanceOf(VerifyError.MerkleProofInvalid.class);
            }
        }
        assertThat(grindFailures).as("nonces failing the proof of work").isPositive();
        assertThat(laterFailures).as("valid-work nonces, rejected because the queries moved").isPositive();
    }

    /** A prover that opens positions of its choosing instead of the transcript's is caught by the Merkle paths. */
    @Test
    void queryPositions_areTheVerifiers() {
        Proof p = new Forge(pk, 13, new Hooks() {
            @Override
            int queryIndex(Forge f, int q, int idx) {
                return (idx + 1) % f.bigN;
            }
        }).prove(inst.witness());
        assertThat(rejection(verify(pk, inst.witness().instance(), p))).isInstanceOf(VerifyError.MerkleProofInvalid.class);
    }
}
