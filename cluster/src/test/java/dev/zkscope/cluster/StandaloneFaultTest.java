package dev.zkscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchInput;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.BatchOutcome;
import dev.zkscope.batch.BatchProver;
import dev.zkscope.batch.BatchRunner;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone master and two workers as separate JVMs; one worker (with its executor) is killed while the batch's
 * tasks run. The batch still completes: every input proved exactly once, every proof verifies, and the killed
 * executor's running task was retried elsewhere.
 */
class StandaloneFaultTest {
    static final int INPUTS = 16;

    @Test
    @Timeout(value = 900)
    void workerKilledMidJob_costsOnlyItsTasks(@TempDir Path dir) throws Exception {
        Path model = SparkBatchTest.SAMPLES.resolve("mlp.onnx");
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> cal = InputFiles.readSamples(SparkBatchTest.SAMPLES.resolve("mlp.testset.json"), g);
        Pipeline.Settings settings = Pipeline.Settings.defaults().withParams(ProofParameters.testing());
        BatchJob job = new BatchJob("mlp", "mlp.onnx", Files.readAllBytes(model), ImportOptions.defaults(), settings,
                cal.subList(0, 20), null);
        byte[] jobBytes = job.encode();
        BatchProver prover = BatchProver.of(job, PhaseListener.NONE);
        List<BatchInput> inputs = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            inputs.add(BatchInput.of("in-" + i, "test row " + i, cal.get(i)));
        }

        try (StandaloneCluster cluster = new StandaloneCluster(dir, 2, 768)) {
            SparkBatchRunner runner = new SparkBatchRunner(cluster.url(), null);
            SparkConf conf = runner.conf("fault test").set("spark.executor.memory", "512m")
                    .set("spark.executor.cores", "1").set("spark.cores.max", "2");
            AtomicInteger failedTasks = new AtomicInteger();
            List<BatchOutcome.Proved> proved = new ArrayList<>();
            Set<String> executors = new HashSet<>();
            boolean[] killed = {false};
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                sc.setLogLevel("ERROR");
                sc.sc().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd t) {
                        if (!t.taskInfo().successful()) {
                            failedTasks.incrementAndGet();
                        }
                    }
                });
                runner.run(sc, new BatchRunner.Plan(job, jobBytes, prover), inputs, p -> {
                    proved.add(p);
                    executors.add(p.executor());
                    // Both executors are proving (each has returned a proof, and inputs remain): kill a worker.
                    if (!killed[0] && executors.size() == 2 && proved.size() >= 4) {
                        cluster.killWorker(1);
                        killed[0] = true;
                    }
                });
            }
            assertThat(killed[0]).as("a worker was killed while tasks ran").isTrue();
            assertThat(proved).hasSize(INPUTS);
            assertThat(proved.stream().map(BatchOutcome.Proved::id).distinct().count()).isEqualTo(INPUTS);
            assertThat(failedTasks.get()).as("the killed executor's running task failed and was retried").isPositive();
            assertThat(proved.stream().anyMatch(p -> p.attempt() > 0)).isTrue();
            ArtifactFiles.KeyFile kf = prover.keyFile();
            for (BatchOutcome.Proved p : proved) {
                ArtifactFiles.ProofFile pf = ArtifactFiles.decodeProof(p.proofFile());
                assertThat(ArtifactFiles.verify(kf, prover.verifyingKey(), pf).accepted()).as(p.id()).isTrue();
            }
        }
    }
}
