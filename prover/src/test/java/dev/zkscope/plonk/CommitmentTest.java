package dev.zkscope.plonk;

import dev.zkscope.circuit.Witness;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Advice columns committed apart (the model's weights): the root is published with each proof and checked. */
class CommitmentTest {
    @Test
    void committedColumns_publishAFreshRootThatBindsTheProof() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(21, 6, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(1, 3), PhaseListener.NONE);
        Proof a = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        Proof b = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        // Salted and blinded afresh: two proofs of the same weights cannot be linked by their roots.
        assertThat(a.publicCommitment()).hasSize(32).isNotEqualTo(b.publicCommitment());
        long[][] pub = inst.witness().instance();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, a.toBytes()).accepted()).isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, a.toBytes(), a.publicCommitment()).accepted()).isTrue();

        // A proof checked against another proof's published root is refused with the typed reason.
        VerifyResult r = ProofSystem.verify(pk.verifyingKey(), pub, b.toBytes(), a.publicCommitment());
        assertThat(((VerifyResult.Rejected) r).error()).isInstanceOf(VerifyError.CommitmentMismatch.class);

        // Other column values give a proof that verifies on its own root only.
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(0);
        adv[1][row] = (adv[1][row] + 1) % 2; // stays in the table; keep (x, x^2) consistent
        adv[2][row] = adv[1][row] * adv[1][row];
        Witness w2 = new Witness(adv, inst.witness().instance());
        Proof d = ProofSystem.prove(pk, w2, PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, d.toBytes(), d.publicCommitment()).accepted()).isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, d.toBytes(), a.publicCommitment()).accepted()).isFalse();

        // The key records the committed columns: a proof from a key without them does not verify.
        ProvingKey plain = ProofSystem.keygen(inst.circuit(), p);
        assertThat(plain.verifyingKey().circuitDigestHex()).isNotEqualTo(pk.verifyingKey().circuitDigestHex());
        assertThat(ProofSystem.verify(plain.verifyingKey(), pub, a.toBytes()).accepted()).isFalse();
    }

    @Test
    void committedRoot_withoutZeroKnowledge_isReproducible() {
        // With zero knowledge off nothing is blinded, so the root is a plain function of the columns.
        ProofParameters p = ProofParameters.testing().withZeroKnowledge(false);
        TestCircuits.Instance inst = TestCircuits.random(23, 6, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(1), PhaseListener.NONE);
        Proof a = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        Proof b = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        assertThat(a.publicCommitment()).isEqualTo(b.publicCommitment());
        assertThat(ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), b.toBytes(), a.publicCommitment())
                .accepted()).isTrue();
    }

    /**
     * A seeded proof (the segments' first pass: roots before the shared link challenge) publishes exactly the root
     * precommit computed from the committed columns alone; another seed, or one committed value changed, gives
     * another root; the uncommitted columns and everything else stay random per proof.
     */
    @Test
    void seededCommitment_isTheRootPrecommitComputed_andOnlyThat() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(29, 6, p.reservedRows());
        List<Integer> committed = List.of(1, 3);
        byte[] seed = new byte[32];
        seed[0] = 7;
        long[][] adv = inst.witness().advice();
        long[][] only = new long[adv.length][];
        only[1] = adv[1];
        only[3] = adv[3];
        byte[] root = ProofSystem.precommit(inst.circuit(), p, committed, only, seed);
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, committed, PhaseListener.NONE);
        Proof a = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, seed);
        Proof b = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, seed);
        assertThat(a.publicCommitment()).isEqualTo(root).isEqualTo(b.publicCommitment());
        assertThat(ProofSystem.committedRoot(pk.verifyingKey(), a.toBytes())).isEqualTo(root);
        // the rest of the proof is random afresh
        assertThat(a.toBytes()).isNotEqualTo(b.toBytes());
        long[][] pub = inst.witness().instance();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, a.toBytes(), root).accepted()).isTrue();
        // another seed, or the columns' values changed, another root
        byte[] seed2 = seed.clone();
        seed2[31] = 1;
        assertThat(ProofSystem.precommit(inst.circuit(), p, committed, only, seed2)).isNotEqualTo(root);
        long[][] changed = new long[adv.length][];
        changed[1] = adv[1];
        changed[3] = adv[3].clone();
        changed[3][0] = dev.zkscope.field.Goldilocks.add(changed[3][0], 1);
        assertThat(ProofSystem.precommit(inst.circuit(), p, committed, changed, seed)).isNotEqualTo(root);
        // a proof of other committed values under the same seed does not publish the precommitted root
        long[][] adv2 = TestCircuits.copy(adv);
        int row = inst.lookupRows().get(0);
        adv2[1][row] = (adv2[1][row] + 1) % 2;
        adv2[2][row] = adv2[1][row] * adv2[1][row];
        Proof d = ProofSystem.prove(pk, new Witness(adv2, pub), PhaseListener.NONE, seed);
        assertThat(d.publicCommitment()).isNotEqualTo(root);
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, d.toBytes(), root).accepted()).isFalse();
        // bytes that are not a proof: no root
        assertThat(ProofSystem.committedRoot(pk.verifyingKey(), new byte[] {1, 2, 3})).isEmpty();
    }

    @Test
    void committedColumns_flippedBytesRejected() throws Exception {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(22, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(0), PhaseListener.NONE);
        byte[] proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
        VerifyingKey vk = VerifyingKey.fromBytes(pk.verifyingKey().toBytes());
        assertThat(ProofSystem.verify(vk, inst.witness().instance(), proof).accepted()).isTrue();
        java.util.stream.IntStream.range(0, proof.length).parallel().forEach(i -> { // every byte position
            byte[] b = proof.clone();
            b[i] ^= (byte) (1 << (i % 8));
            VerifyResult r = ProofSystem.verify(vk, inst.witness().instance(), b);
            assertThat(r.accepted()).as("byte %d", i).isFalse();
            assertThat(((VerifyResult.Rejected) r).error()).as("byte %d", i)
                    .isNotInstanceOf(VerifyError.InternalFailure.class);
        });
    }
}
