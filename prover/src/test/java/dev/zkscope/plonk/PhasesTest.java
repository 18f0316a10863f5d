package dev.zkscope.plonk;

import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PhasesTest {
    @Test
    void prove_reportsEveryNamedPhaseInOrder() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(5, 6, p.reservedRows());
        List<String> started = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        PhaseListener l = new PhaseListener() {
            public void phaseStarted(String phase) { started.add(phase); }
            public void phaseFinished(String phase, long nanos) {
                assertThat(nanos).isPositive();
                finished.add(phase);
            }
        };
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, l);
        Proof proof = ProofSystem.prove(pk, inst.witness(), l);
        assertThat(started).containsExactly("keygen", "witness commit", "permutation", "lookups", "quotient", "openings", "fri");
        assertThat(finished).isEqualTo(started);
        assertThat(proof.sizeBytes()).isEqualTo(proof.toBytes().length).isPositive();
    }
}
