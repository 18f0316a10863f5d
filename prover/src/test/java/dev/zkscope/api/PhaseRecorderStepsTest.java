package dev.zkscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.SyntheticCircuits;
import dev.zkscope.profile.PhaseListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The prover reports steps inside its phases (each column batch's commitment, each FRI folding round, grinding, the
 * queries) and the recorder nests each under the phase it ran in: the flame chart's events.
 */
class PhaseRecorderStepsTest {

    @Test
    void stepsNestUnderThePhaseTheyRanIn() {
        ProofParameters p = ProofParameters.testing();
        SyntheticCircuits.Instance inst = SyntheticCircuits.mix(10, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        List<String> forwarded = new ArrayList<>();
        PhaseListener downstream = new PhaseListener() {
            @Override public void phaseStarted(String phase) { }
            @Override public void phaseFinished(String phase, long nanos) { }
            @Override public void step(String name, long start, long nanos) {
                forwarded.add(name);
            }
        };
        PhaseRecorder rec = new PhaseRecorder(downstream, null, System.nanoTime());
        ProofSystem.prove(pk, inst.witness(), rec);

        Map<String, ProveRun.Phase> phases = rec.timeline().stream()
                .collect(Collectors.toMap(ProveRun.Phase::name, Function.identity(), (a, b) -> a));
        List<ProveRun.Phase> steps = rec.steps();
        assertThat(rec.timeline()).allSatisfy(ph -> assertThat(ph.parent()).isNull());
        assertThat(steps).isNotEmpty().allSatisfy(s -> {
            assertThat(s.parent()).as(s.name()).isNotNull();
            ProveRun.Phase parent = phases.get(s.parent());
            assertThat(parent).as("parent of " + s.name()).isNotNull();
            // Inside its parent's interval (both measured on the same clock, the step strictly within the phase).
            assertThat(s.startNanos()).as(s.name()).isGreaterThanOrEqualTo(parent.startNanos());
            assertThat(s.startNanos() + s.nanos()).as(s.name())
                    .isLessThanOrEqualTo(parent.startNanos() + parent.nanos());
        });
        // 16 advice columns and the lookup's multiplicities: one batch, committed in the witness round.
        assertThat(parentOf(steps, "commit 17 advice columns")).isEqualTo("witness commit");
        assertThat(steps.stream().filter(s -> s.name().startsWith("commit") && s.name().contains("LogUp helper"))
                .map(ProveRun.Phase::parent)).containsExactly("lookups");
        assertThat(steps.stream().filter(s -> s.name().contains("quotient chunk")).map(ProveRun.Phase::parent))
                .containsExactly("quotient");
        List<ProveRun.Phase> fri = steps.stream().filter(s -> s.name().startsWith("FRI round")).toList();
        assertThat(fri).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s.parent()).isEqualTo("fri"));
        // Round r folds the domain round r-1 left: 2^(logN + log blowup) down to the final polynomial's domain.
        int from = 10 + p.logBlowup();
        for (int i = 0; i < fri.size(); i++) {
            assertThat(fri.get(i).name()).startsWith("FRI round " + (i + 1) + ": 2^" + from + " to 2^");
            int to = Integer.parseInt(fri.get(i).name().substring(fri.get(i).name().lastIndexOf('^') + 1));
            assertThat(to).isLessThan(from);
            from = to;
        }
        assertThat(parentOf(steps, "DEEP quotient")).isEqualTo("fri");
        assertThat(steps.stream().filter(s -> s.name().endsWith("queries")).map(ProveRun.Phase::parent))
                .containsExactly("fri");
        // The rounds follow each other in order inside the fri phase.
        for (int i = 1; i < fri.size(); i++) {
            assertThat(fri.get(i).startNanos()).isGreaterThanOrEqualTo(fri.get(i - 1).startNanos() + fri.get(i - 1).nanos());
        }
        // Every step reaches the listener the recorder wraps (the app's live view).
        assertThat(forwarded).containsExactlyElementsOf(steps.stream().map(ProveRun.Phase::name).toList());
    }

    @Test
    void aStepOutsideAnyPhaseHasNoParent() {
        PhaseRecorder rec = new PhaseRecorder(PhaseListener.NONE, null, 0);
        rec.step("loose", 5, 7);
        rec.phaseStarted("outer");
        rec.phaseStarted("inner");
        rec.step("in inner", 10, 1);
        rec.phaseFinished("inner", 3);
        rec.step("in outer", 20, 1);
        rec.phaseFinished("outer", 30);
        assertThat(rec.steps()).extracting(ProveRun.Phase::name, ProveRun.Phase::parent, ProveRun.Phase::startNanos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("loose", null, 5L),
                        org.assertj.core.groups.Tuple.tuple("in inner", "inner", 10L),
                        org.assertj.core.groups.Tuple.tuple("in outer", "outer", 20L));
    }

    private static String parentOf(List<ProveRun.Phase> steps, String name) {
        return steps.stream().filter(s -> s.name().equals(name)).map(ProveRun.Phase::parent).findFirst().orElse("none");
    }
}
