package dev.zkscope.plonk;

import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cancel asked for in the middle of a phase stops the proof inside that phase (in its NTTs), not at its end. */
class CancelWithinPhaseTest {
    @Test
    void cancelDuringAPhase_stopsInsideIt() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(21, 10, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        for (String phase : new String[] {"witness commit", "lookups", "quotient"}) {
            List<String> started = new ArrayList<>();
            List<String> finished = new ArrayList<>();
            PhaseListener l = new PhaseListener() {
                volatile boolean cancel;

                public void phaseStarted(String name) {
                    started.add(name);
                    cancel |= name.equals(phase);
                }

                public void phaseFinished(String name, long nanos) {
                    finished.add(name);
                }

                @Override
                public boolean cancelRequested() {
                    return cancel;
                }
            };
            assertThatThrownBy(() -> ProofSystem.prove(pk, inst.witness(), l)).as(phase)
                    .isInstanceOf(CancellationException.class)
                    .satisfies(t -> assertThat(message(t)).contains("cancelled within"));
            assertThat(started).as(phase).endsWith(phase);
            assertThat(finished).as(phase).doesNotContain(phase);
        }
        // and the same key proves normally afterwards
        Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), proof.toBytes()).accepted()).isTrue();
    }

    /** The message of a cancellation or of its cause (one thrown on a pool thread is re-created without one). */
    private static String message(Throwable t) {
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    @Test
    void interruptedThread_stopsBeforeTheFirstPhase() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(22, 6, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE))
                    .isInstanceOf(CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
