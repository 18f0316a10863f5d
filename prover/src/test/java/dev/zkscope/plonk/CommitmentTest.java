package dev.zkscope.plonk;

import dev.zkscope.circuit.Witness;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Advice columns committed apart (the model's weights): the root is published, reproducible and checked. */
class CommitmentTest {
    @Test
    void committedColumns_publishReproducibleRootAndVerify() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(21, 6, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(1, 3), PhaseListener.NONE);
        byte[] seed = "weights owner secret".getBytes();
        Proof a = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, seed);
        Proof b = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, seed);
        assertThat(a.publicCommitment()).hasSize(32).isEqualTo(b.publicCommitment());
        assertThat(a.toBytes()).isNotEqualTo(b.toBytes()); // the rest is freshly blinded
        long[][] pub = inst.witness().instance();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, a.toBytes()).accepted()).isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, b.toBytes(), a.publicCommitment()).accepted()).isTrue();

        // Without the seed the root is fresh each time, so it no longer matches the published one.
        Proof c = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, c.toBytes()).accepted()).isTrue();
        VerifyResult r = ProofSystem.verify(pk.verifyingKey(), pub, c.toBytes(), a.publicCommitment());
        assertThat(((VerifyResult.Rejected) r).error()).isInstanceOf(VerifyError.CommitmentMismatch.class);

        // Other column values under the same seed give another root.
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(0);
        adv[1][row] = (adv[1][row] + 1) % 2; // stays in the table; keep (x, x^2) consistent
        adv[2][row] = adv[1][row] * adv[1][row];
        Witness w2 = new Witness(adv, inst.witness().instance());
        Proof d = ProofSystem.prove(pk, w2, PhaseListener.NONE, seed);
        assertThat(d.publicCommitment()).isNotEqualTo(a.publicCommitment());
        assertThat(ProofSystem.verify(pk.verifyingKey(), pub, d.toBytes(), a.publicCommitment()).accepted()).isFalse();

        // The key records the committed columns: a proof from a key without them does not verify.
        ProvingKey plain = ProofSystem.keygen(inst.circuit(), p);
        assertThat(plain.verifyingKey().circuitDigestHex()).isNotEqualTo(pk.verifyingKey().circuitDigestHex());
        assertThat(ProofSystem.verify(plain.verifyingKey(), pub, a.toBytes()).accepted()).isFalse();
    }

    @Test
    void committedColumns_flippedBytesRejected() throws Exception {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(22, 5, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, List.of(0), PhaseListener.NONE);
        byte[] proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE, new byte[] {1}).toBytes();
        VerifyingKey vk = VerifyingKey.fromBytes(pk.verifyingKey().toBytes());
        assertThat(ProofSystem.verify(vk, inst.witness().instance(), proof).accepted()).isTrue();
        for (int i = 0; i < 400; i++) {
            byte[] b = proof.clone();
            b[(int) ((long) i * b.length / 400)] ^= (byte) (1 << (i % 8));
            VerifyResult r = ProofSystem.verify(vk, inst.witness().instance(), b);
            assertThat(r.accepted()).isFalse();
            assertThat(((VerifyResult.Rejected) r).error()).isNotInstanceOf(VerifyError.InternalFailure.class);
        }
    }
}
