package dev.zkscope.plonk;

import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Witness;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProofSystemTest {
    static ProofParameters test(boolean zk) {
        return ProofParameters.testing().withZeroKnowledge(zk);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
    void prove_honestProofVerifies_zkOn(int logN) {
        roundTrip(logN, true);
    }

    /** Below ProofParameters.minLogN() the FRI mask cannot hide what the queries reveal: refused, with the minimum. */
    @Test
    void zeroKnowledge_refusesATraceBelowItsMinimum() {
        ProofParameters p = test(true);
        assertThat(p.minLogN()).isEqualTo(5);
        TestCircuits.Instance inst = TestCircuits.random(4, 4, p.reservedRows());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProofSystem.keygen(inst.circuit(), p))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs at least 2^5");
        // Without zero knowledge nothing is masked, and the same size proves.
        TestCircuits.Instance plain = TestCircuits.random(4, 4, 0);
        ProvingKey pk = ProofSystem.keygen(plain.circuit(), test(false));
        assertThat(ProofSystem.verify(pk.verifyingKey(), plain.witness().instance(),
                ProofSystem.prove(pk, plain.witness(), PhaseListener.NONE).toBytes()).accepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 8, 10, 12, 13, 14})
    void prove_honestProofVerifies_zkOff(int logN) {
        roundTrip(logN, false);
    }

    @Test
    void prove_stopsWhenInterrupted() {
        ProofParameters p = test(true);
        TestCircuits.Instance inst = TestCircuits.random(3, 8, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        PhaseListener interruptAfterFirst = new PhaseListener() {
            public void phaseStarted(String phase) { }
            public void phaseFinished(String phase, long nanos) { Thread.currentThread().interrupt(); }
        };
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProofSystem.prove(pk, inst.witness(), interruptAfterFirst))
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }

    private static void roundTrip(int logN, boolean zk) {
        // An 8-row trace cannot hold the testing preset's 9 blinding rows; one query (6 rows) leaves 2 usable rows.
        ProofParameters p = logN == 3 && zk ? new ProofParameters("tiny-INSECURE", 2, 1, 0, 2, 0, true) : test(zk);
        TestCircuits.Instance inst = TestCircuits.random(1000 + logN, logN, p.reservedRows());
        assertThat(Checker.check(inst.circuit(), inst.witness())).isEmpty();
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        VerifyResult r = ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), proof.toBytes());
        assertThat(r).isEqualTo(new VerifyResult.Accepted());
    }
}
