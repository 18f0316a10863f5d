package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.batch.TaskSpan;
import dev.zkscope.onnx.OnnxImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Cluster view's batch: proved in this JVM with a span per proof; Spark asked for without Spark on the class path. */
class ClusterRunTest {
    static ModelSession mlp() throws Exception {
        Path model = Path.of("../samples/mlp.onnx");
        return new ModelSession(model, new OnnxImporter().load(model), List.of(), null);
    }

    @Test
    void batchInThisJvm_reportsOneSpanPerProof_onOneLane() throws Exception {
        ClusterRun run = new ClusterRun(mlp(), ModelSettings.defaults().withPreset("testing"), "none", 3);
        List<TaskSpan> spans = new ArrayList<>();
        assertThat(run.run(spans::add)).isEqualTo("this JVM");
        assertThat(spans).hasSize(3);
        assertThat(spans).extracting(TaskSpan::index).containsExactly(0, 1, 2);
        assertThat(spans).extracting(TaskSpan::label).containsExactly("input-000", "input-001", "input-002");
        for (int i = 0; i < spans.size(); i++) {
            TaskSpan s = spans.get(i);
            assertThat(s.kind()).isEqualTo("proof");
            assertThat(s.millis()).isPositive();
            if (i > 0) {
                assertThat(s.startMillis()).isGreaterThanOrEqualTo(spans.get(i - 1).endMillis());
            }
        }
        Map<String, List<TaskSpan>> lanes = ClusterView.Timeline.lanes(spans);
        assertThat(lanes).containsOnlyKeys("local");
    }

    @Test
    void sparkWithoutTheClusterModule_saysHowToGetIt() throws Exception {
        ClusterRun run = new ClusterRun(mlp(), ModelSettings.defaults().withPreset("testing"), "local[2]", 1);
        assertThatThrownBy(() -> run.run(s -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on the app's class path")
                .hasMessageContaining("prove-batch MODEL --inputs FILE --out DIR --spark local[2]");
        assertThatThrownBy(() -> new ClusterRun(mlp(), ModelSettings.defaults(), "none", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
