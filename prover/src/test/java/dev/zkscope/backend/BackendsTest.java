package dev.zkscope.backend;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both backends behind the interface prove the same model's same output, and each proof verifies. */
class BackendsTest {
    @Test
    void bothBackends_proveTheSameOutput() throws Exception {
        Path model = Path.of("../samples/mlp.onnx");
        Graph g = new OnnxImporter().load(model);
        InputFiles.Samples s = InputFiles.calibrationSamples(g, model, null);
        Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(model), g, s.inputs().subList(0, 30),
                Pipeline.Settings.defaults().withParams(ProofParameters.testing()), PhaseListener.NONE);
        List<Tensor> input = s.inputs().get(1);
        Backend.Run plonk = Backends.byName("plonkish", "testing").run(p, input);
        Backend sc = Backends.byName("sumcheck", "testing");
        Backend.Run sum = sc.run(p, input);
        assertThat(plonk.accepted()).isTrue();
        assertThat(sum.accepted()).as(sum.verdict()).isTrue();
        assertThat(sum.output()).containsExactly(plonk.output());
        assertThat(sum.proofBytes()).isPositive();
        assertThat(sc.security()).contains("conjectured").contains("provable");
        assertThatThrownBy(() -> Backends.byName("groth16", null)).hasMessageContaining("plonkish, sumcheck");
    }
}
