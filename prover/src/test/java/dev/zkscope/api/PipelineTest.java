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
}
