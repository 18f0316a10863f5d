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
