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
        List<Long> heap = new ArrayList<>();
        PhaseListener l = new PhaseListener() {
            public void phaseStarted(String phase) { started.add(phase); }
            public void phaseFinished(String phase, long nanos) {
                assertThat(nanos).isPositive();
                finished.add(phase);
            }

            @Override
            public void phaseFinished(String phase, long nanos, long usedHeapBytes) {
                heap.add(usedHeapBytes);
                phaseFinished(phase, nanos);
            }
        };
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p, l);
        Proof proof = ProofSystem.prove(pk, inst.witness(), l);
        assertThat(started).containsExactly("keygen", "witness commit", "permutation", "lookups", "quotient", "openings", "fri");
        assertThat(finished).isEqualTo(started);
        assertThat(heap).hasSize(started.size()).allMatch(b -> b > 0);
        assertThat(proof.sizeBytes()).isEqualTo(proof.toBytes().length).isPositive();
        java.util.Map<String, Integer> sections = proof.sectionSizes();
        assertThat(sections.keySet()).containsExactly("header", "commitments", "openings", "fri", "queries", "merkle");
        assertThat(sections.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(proof.sizeBytes());
        assertThat(sections.values()).allMatch(v -> v > 0);
        assertThat(sections.get("commitments")).isEqualTo(3 * 32);
        int h = sections.get("header");
        assertThat(java.util.Arrays.copyOfRange(proof.toBytes(), h, h + 32)).isEqualTo(proof.roots[ArgumentLayout.ADVICE]);
        int f = h + sections.get("commitments") + sections.get("openings");
        assertThat(proof.toBytes()[f]).isEqualTo((byte) proof.opening.friRoots().length);
        assertThat(p.maxConstraintDegree()).isEqualTo(5);
    }
}
