package dev.zkscope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.compile.ModelWitness;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.profile.PhaseListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The facade on the small MLP with the insecure test preset: phases, verdict, public output, cancellation. */
class PipelineTest {
    static Pipeline.Prepared prepared;
    static List<Tensor> input;

    @BeforeAll
    static void prepare() throws Exception {
        Path model = Path.of("../samples/mlp.onnx");
        Graph g = new OnnxImporter().load(model);
        InputFiles.Samples s = InputFiles.calibrationSamples(g, model, null);
        prepared = Pipeline.prepare(Pipeline.modelName(model), g, s.inputs().subList(0, 30),
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        input = s.inputs().get(0);
    }

    @Test
    void warmUp_provesBetweenTwoAndMaxTimes_derivesTheKey_andStopsOnCancel() {
        Pipeline.Prepared p = Pipeline.prepare("mlp", prepared.graph(), List.of(input),
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        List<ProveRun> runs = new ArrayList<>();
        List<Double> times = Pipeline.warmUp(p, input, 5, null, runs::add);
        assertThat(times).hasSizeBetween(2, 5).hasSameSizeAs(runs);
        assertThat(runs).allMatch(r -> r.verdict().accepted());
        assertThat(runs.get(0).keyReused()).isFalse();
        assertThat(runs.subList(1, runs.size())).allMatch(ProveRun::keyReused);
        assertThat(p.hasProvingKey()).isTrue();
        int k = times.size();
        if (k < 5) {
            // it stopped early: the last two were within the tolerance
            assertThat(Math.abs(times.get(k - 1) - times.get(k - 2)))
                    .isLessThanOrEqualTo(Pipeline.WARM_TOLERANCE * times.get(k - 2));
        }
        assertThat(Pipeline.warmUp(p, input, 1, null, null)).hasSize(1);
        assertThatThrownBy(() -> Pipeline.warmUp(p, input, 5, () -> true, null))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void prove_reportsEveryPhase_andTheVerifiedOutputIsTheQuantizedInference() {
        List<String> started = new ArrayList<>();
        PhaseListener l = new PhaseListener() {
            @Override public void phaseStarted(String phase) { started.add(phase); }
            @Override public void phaseFinished(String phase, long nanos) { }
        };
        ProveRun run = Pipeline.prove(prepared, input, l, null, null);
        assertThat(run.model()).isEqualTo("mlp");
        assertThat(run.verdict().accepted()).isTrue();
        assertThat(started).contains("witness", "check", "witness commit", "quotient", "fri", "verify");
        assertThat(run.phaseNanos().keySet()).containsAll(started);
        long[] expected = new dev.zkscope.quant.QuantizedEvaluator(prepared.quantized()).run(input).outputs().get(0).data();
        assertThat(run.output()).containsExactly(expected);
        assertThat(run.peakHeap()).isPositive();
        // the stored proof verifies again against the stored key and public values, and not against other values
        assertThat(ProofSystem.verify(run.verifyingKey(), ModelWitness.instanceOf(run.publicValues()), run.proof())
                .accepted()).isTrue();
        long[] other = run.publicValues().clone();
        other[0] ^= 1;
        assertThat(ProofSystem.verify(run.verifyingKey(), ModelWitness.instanceOf(other), run.proof()).accepted()).isFalse();
    }

    @Test
    void cancel_stopsAtAPhaseBoundary_andThePreparedModelStillProves() {
        AtomicInteger phases = new AtomicInteger();
        PhaseListener counting = new PhaseListener() {
            @Override public void phaseStarted(String phase) { phases.incrementAndGet(); }
            @Override public void phaseFinished(String phase, long nanos) { }
        };
        assertThatThrownBy(() -> Pipeline.prove(prepared, input, counting, null, () -> phases.get() >= 3))
                .isInstanceOf(CancellationException.class);
        assertThat(phases.get()).isEqualTo(3);
        assertThat(Pipeline.prove(prepared, input, PhaseListener.NONE, null, null).verdict().accepted()).isTrue();
    }

    @Test
    void proveTwice_derivesTheKeyOnce_andReportsTheTimelineAndTheWholeRunsHeap() {
        Pipeline.Prepared fresh = Pipeline.recompile(prepared, "mlp", prepared.settings().compile(), PhaseListener.NONE);
        assertThat(fresh.hasProvingKey()).isFalse();
        List<String> first = new ArrayList<>();
        ProveRun a = Pipeline.prove(fresh, input, startedInto(first), null, null);
        assertThat(first).containsSubsequence("witness", "check", "keygen", "witness commit", "fri", "verify");
        assertThat(a.keyReused()).isFalse();
        assertThat(a.keygenNanos()).isPositive();
        assertThat(fresh.hasProvingKey()).isTrue();

        List<String> second = new ArrayList<>();
        dev.zkscope.profile.HeapSampler heap = new dev.zkscope.profile.HeapSampler(5);
        ProveRun b = Pipeline.prove(fresh, input, startedInto(second), null, null, heap);
        assertThat(second).doesNotContain("keygen").contains("witness", "fri", "verify");
        assertThat(b.keyReused()).isTrue();
        assertThat(b.keygenNanos()).isZero();
        assertThat(b.phaseNanos()).doesNotContainKey("keygen");
        assertThat(b.verifyingKey()).isSameAs(a.verifyingKey());
        assertThat(b.verdict().accepted()).isTrue();
        // the timeline lists the phases in the order they ran, each starting after the previous one started
        assertThat(b.timeline()).extracting(ProveRun.Phase::name).containsExactlyElementsOf(second);
        for (int i = 1; i < b.timeline().size(); i++) {
            assertThat(b.timeline().get(i).startNanos()).isGreaterThanOrEqualTo(b.timeline().get(i - 1).startNanos());
        }
        assertThat(b.timeline()).allSatisfy(ph -> assertThat(ph.nanos()).isNotNegative());
        // the heap series covers the whole run and is the caller's sampler's
        assertThat(b.heapSamples()).isNotEmpty().isEqualTo(heap.samples());
        ProveRun.Phase last = b.timeline().get(b.timeline().size() - 1);
        assertThat(b.heapSamples().get(b.heapSamples().size() - 1).millis())
                .isGreaterThanOrEqualTo((long) Math.floor((last.startNanos() + last.nanos()) / 1e6) - 1);
        assertThat(b.peakHeap()).isPositive();
    }

    @Test
    void otherProofParameters_makeAnotherPrepared_withItsOwnKey() {
        Pipeline.Prepared zk = Pipeline.recompile(prepared, "mlp", prepared.settings().compile(), PhaseListener.NONE);
        ProveRun a = Pipeline.prove(zk, input, PhaseListener.NONE, null, null);
        Pipeline.Settings noZk = prepared.settings().withParams(prepared.settings().params().withZeroKnowledge(false));
        Pipeline.Prepared other = Pipeline.prepare("mlp", prepared.graph(), prepared.calibration(), List.of(), noZk,
                PhaseListener.NONE);
        assertThat(other.hasProvingKey()).isFalse();
        ProveRun b = Pipeline.prove(other, input, PhaseListener.NONE, null, null);
        assertThat(b.keyReused()).isFalse();
        assertThat(b.verifyingKey()).isNotSameAs(a.verifyingKey());
        assertThat(b.params().zeroKnowledge()).isFalse();
        assertThat(Pipeline.verify(b.verifyingKey(), b.publicValues(), b.proof()).accepted()).isTrue();
        assertThat(Pipeline.verify(a.verifyingKey(), b.publicValues(), b.proof()).accepted()).isFalse();
        assertThat(Pipeline.verify(other.verifyingKey(PhaseListener.NONE), a.publicValues(), a.proof()).accepted())
                .isFalse();
    }

    @Test
    void recompile_keepsTheCalibration_andPadsTheTrace() {
        int logN = prepared.compiled().circuit().logN();
        dev.zkscope.compile.CompileOptions o = prepared.settings().compile();
        Pipeline.Prepared padded = Pipeline.recompile(prepared, "mlp (padded)", new dev.zkscope.compile.CompileOptions(
                o.innerCols(), o.weights(), o.input(), o.output(), o.reservedRows(), o.rangeCols(), o.limbBits(), o.fnLanes(),
                logN + 1, Math.max(o.maxLogN(), logN + 1), o.inputAbsMax()), PhaseListener.NONE);
        assertThat(padded.name()).isEqualTo("mlp (padded)");
        assertThat(padded.quantized()).isSameAs(prepared.quantized());
        assertThat(padded.compiled().circuit().logN()).isEqualTo(logN + 1);
        assertThat(padded.hasProvingKey()).isFalse();
    }

    private static PhaseListener startedInto(List<String> started) {
        return new PhaseListener() {
            @Override public void phaseStarted(String phase) { started.add(phase); }
            @Override public void phaseFinished(String phase, long nanos) { }
        };
    }
}
