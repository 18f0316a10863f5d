package dev.zkscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchInput;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.BatchModelException;
import dev.zkscope.batch.BatchOutcome;
import dev.zkscope.batch.BatchProver;
import dev.zkscope.batch.BatchRunner;
import dev.zkscope.cli.Main;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prove-batch on embedded Spark (local[2]) through the CLI, resumption, and a model error failing the job at once. */
class SparkBatchTest {
    static final Path SAMPLES = Path.of("..", "samples");

    record Run(int code, String out, String err) { }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void proveBatch_onLocalSpark_writesVerifiableProofsAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("batch");
        Run r = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs",
                SAMPLES.resolve("mlp.testset.json").toString(), "--limit", "6", "--out", out.toString(),
                "--preset", "testing", "--spark", "local[2]");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("6 to prove on Spark local[2]").contains("proved 6 input(s)");
        assertThat(r.err()).contains("proved 6/6 (100%)");

        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(m.get("proofs")).hasSize(6);
        Set<String> ids = new HashSet<>();
        for (JsonNode e : m.get("proofs")) {
            ids.add(e.get("id").asText());
            assertThat(e.get("executor").asText()).isEqualTo("driver@127.0.0.1");
            assertThat(e.get("input_sha256").asText()).hasSize(64);
            assertThat(e.get("output")).hasSize(10);
            assertThat(e.get("peak_heap_bytes").asLong()).isPositive();
        }
        assertThat(ids).hasSize(6);
        assertThat(m.get("runs").get(0).get("runner").asText()).isEqualTo("Spark local[2]");

        Run v = cli("verify-batch", out.toString());
        assertThat(v.code()).as(v.out() + v.err()).isEqualTo(0);
        assertThat(v.out()).contains("verified: 6 of 6 proofs of model mlp accepted, 0 rejected");

        // A rerun with two more inputs proves only those two.
        Run again = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs",
                SAMPLES.resolve("mlp.testset.json").toString(), "--limit", "8", "--out", out.toString(),
                "--preset", "testing", "--spark", "local[2]");
        assertThat(again.code()).as(again.err()).isEqualTo(0);
        assertThat(again.out()).contains("2 to prove on Spark local[2], 6 already proved");
        assertThat(cli("verify-batch", out.toString(), "--json").out()).contains("\"accepted\":8");
    }

    /**
     * An input outside the circuit's input domain fails the job at once, with the model's error, on a context that
     * would retry a thrown task four times: the task returns the error as a value, no attempt is ever retried.
     */
    @Test
    void modelError_failsTheJobAtOnce_withoutRetries() throws Exception {
        Path model = SAMPLES.resolve("mlp.onnx");
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> cal = InputFiles.readSamples(SAMPLES.resolve("mlp.testset.json"), g);
        Pipeline.Settings settings = Pipeline.Settings.defaults().withParams(ProofParameters.testing());
        BatchJob job = new BatchJob("mlp", "mlp.onnx", Files.readAllBytes(model), ImportOptions.defaults(), settings,
                cal.subList(0, 20), null);
        byte[] jobBytes = job.encode();
        BatchProver prover = BatchProver.of(job, PhaseListener.NONE);
        List<BatchInput> inputs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inputs.add(BatchInput.of("ok-" + i, "test", cal.get(i)));
        }
        double[] far = new double[64];
        java.util.Arrays.fill(far, 100.0);
        inputs.add(1, BatchInput.of("far", "test", List.of(Tensor.of(g.inputs().get(0).shape(), far))));

        SparkConf conf = new SparkConf().setMaster("local[1,4]").setAppName("fail-fast")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        AtomicInteger started = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<BatchOutcome.Proved> proved = new ArrayList<>();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart t) {
                    started.incrementAndGet();
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd t) {
                    if (!t.taskInfo().successful()) {
                        failed.incrementAndGet();
                    }
                }
            });
            SparkBatchRunner runner = new SparkBatchRunner("local[1,4]", null);
            assertThatThrownBy(() -> runner.run(sc, new BatchRunner.Plan(job, jobBytes, prover), inputs, proved::add))
                    .isInstanceOf(BatchModelException.class)
                    .hasMessageContaining("input far (test) cannot be proved")
                    .hasMessageContaining("outside the circuit's input domain");
        }
        // One executor slot runs the tasks in order: the first proved, the second failed; the job stopped there.
        assertThat(proved).extracting(BatchOutcome.Proved::id).containsExactly("ok-0");
        assertThat(failed.get()).as("no task failed, so none was retried").isZero();
        assertThat(started.get()).as("no task attempt beyond one per input").isLessThanOrEqualTo(inputs.size());
    }

    @Test
    void badMasterUrl_isAUsageError(@TempDir Path dir) {
        Run r = cli("prove-batch", SAMPLES.resolve("mlp.onnx").toString(), "--inputs",
                SAMPLES.resolve("mlp.input.json").toString(), "--out", dir.toString(), "--spark", "yarn");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--spark yarn: expected local[*], local[N] or spark://HOST:PORT");
    }
}
