package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's synthetic variants: the loaded model's shape, scaled in width or depth, importable and compilable. */
class ScaledVariantsTest {
    @Test
    void shapeOfSampleMlp_andVariantsScaleWidthOrDepth() throws Exception {
        Graph g = new OnnxImporter().load(AppFixture.sample("mlp"), ImportOptions.defaults());
        ScaledVariants.Shape s = ScaledVariants.shapeOf(g);
        assertThat(s.inputs()).isEqualTo(g.inputs().get(0).size());
        assertThat(s.width()).isPositive();

        ScaledVariants.Variant w2 = ScaledVariants.variant(s, ScaledVariants.Mode.WIDTH, 1, 1);
        assertThat(w2.widths().subList(1, w2.widths().size() - 1)).allMatch(x -> x == s.width() * 2);
        assertThat(w2.name()).contains("width x2", w2.describe());
        ScaledVariants.Variant d4 = ScaledVariants.variant(s, ScaledVariants.Mode.DEPTH, 2, 1);
        assertThat(d4.widths()).hasSize(4 + 2);

        Graph imported = new OnnxImporter().load(d4.model().toByteArray(), Path.of("v.onnx"), ImportOptions.defaults());
        assertThat(imported.nodes()).extracting(n -> n.opType()).containsOnly("Gemm", "Relu");
        assertThat(imported.nodes().stream().filter(n -> n.opType().equals("Gemm")).count()).isEqualTo(5);
        assertThat(ScaledVariants.name(s, ScaledVariants.Mode.DEPTH, 2)).isEqualTo(d4.name());
        ScaledVariants.Shape huge = new ScaledVariants.Shape(4096, 1024, 1, 10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScaledVariants.variant(huge,
                ScaledVariants.Mode.WIDTH, 3, 1)).hasMessageContaining("parameters");
        // Seeded: the same variant twice is the same model.
        assertThat(ScaledVariants.variant(s, ScaledVariants.Mode.DEPTH, 2, 1).model()).isEqualTo(d4.model());
    }

    @Test
    void widerVariantsCompileToMoreRows() throws Exception {
        ModelSession session = new ModelLoader(t -> t.length() * 7.0).load(AppFixture.sample("mlp"), 1);
        ModelSettings settings = ModelSettings.defaults().withPreset("testing");
        Analysis base = new Analyzer().analyze(session, settings);
        ScaledVariants.Shape s = ScaledVariants.shapeOf(session.graph());
        long prev = -1;
        for (int step : List.of(0, 1, 2)) {
            Analysis v = ProveViewModel.variant(base, s, ScaledVariants.Mode.WIDTH, step);
            assertThat(v.compiled()).isNotNull();
            assertThat(v.session().displayName()).startsWith("synthetic MLP");
            // The compiler may choose wider rows for wider layers; the advice cells grow with the width.
            assertThat(v.ledger().totalAdviceCells()).isGreaterThan(prev);
            prev = v.ledger().totalAdviceCells();
        }
    }
}
