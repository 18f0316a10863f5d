package dev.zkscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.TaskSpan;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.segment.BundleVerifier;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.SegmentedProof;
import dev.zkscope.segment.Segmenter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segmented proof on a standalone master and two workers started as separate JVMs: the worker whose executor has
 * just started a segment is killed (with that executor) while segments remain. The lost segment is retried on the
 * other executor; every segment reaches the driver exactly once (the driver's sink refuses a second copy of a
 * segment), and the bundle verifies under the key bundle, with the same key bundle as one JVM's run of the same plan.
 */
class StandaloneSegmentFaultTest {
    @Test
    @Timeout(value = 900)
    void workerKilledWhileSegmentsRun_bundleVerifies_nothingLostOrDuplicated(@TempDir Path dir) throws Exception {
        Path model = SparkBatchTest.SAMPLES.resolve("cnn_bn_pool.onnx");
        Graph g = new OnnxImporter().load(model);
        List<List<Tensor>> cal = InputFiles.readSamples(SparkBatchTest.SAMPLES.resolve("cnn_bn_pool.testset.json"), g)
                .subList(0, 8);
        Pipeline.Settings settings = Pipeline.Settings.defaults().withParams(ProofParameters.testing());
        SegmentSetup setup = SegmentSetup.of("cnn_bn_pool", g, cal, settings, PhaseListener.NONE);
        byte[] jobBytes = new BatchJob("cnn_bn_pool", "cnn_bn_pool.onnx", Files.readAllBytes(model),
                ImportOptions.defaults(), settings, cal, null).encode();
        Segmenter.Measured measured = Segmenter.measure(setup.model(), setup.settings().compile(),
                setup.settings().params(), PhaseListener.NONE);
        // A cut before every layer: one segment per layer, so that segments remain to be proved when a worker dies.
        int layers = measured.layers().size();
        SegmentPlan plan = Segmenter.planWithCuts(measured, IntStream.range(1, layers).toArray(), 13);
        int n = plan.count();
        assertThat(n).as("segments").isGreaterThanOrEqualTo(6);
        long[] input = setup.quantizeInput(cal.get(0));

        // What must come back: each segment once, in whatever order and on whichever executor.
        Map<Integer, Integer> finished = new ConcurrentHashMap<>();
        List<TaskSpan> spans = new CopyOnWriteArrayList<>();
        Set<String> returnedBy = ConcurrentHashMap.newKeySet();
        AtomicInteger failedTasks = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        List<String> killedExecutor = Collections.synchronizedList(new ArrayList<>());

        try (StandaloneCluster cluster = new StandaloneCluster(dir, 2, 768)) {
            SparkConf conf = new SparkBatchRunner(cluster.url(), null).conf("segment fault test")
                    .set("spark.executor.memory", "512m").set("spark.executor.cores", "1").set("spark.cores.max", "2");
            SegmentedProof.Result result;
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                sc.setLogLevel("ERROR");
                sc.sc().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskStart(SparkListenerTaskStart t) {
                        // Both executors have returned a segment, and this one starts a segment with at least one
                        // more after it: kill its worker (and the executor) while the segment runs.
                        String exec = t.taskInfo().executorId();
                        int remaining = n - finished.size();
                        if (returnedBy.size() == 2 && remaining >= 3 && t.taskInfo().attemptNumber() == 0
                                && killed.compareAndSet(false, true)) {
                            killedExecutor.add(exec);
                            // At once: the task has been launched on the executor when its start is heard, and a
                            // one-layer segment can finish within a fixed wait on a fast spell (a 400 ms wait saw no
                            // task fail in CI, 2026-12-06).
                            Thread k = new Thread(() -> {
                                try {
                                    int w = cluster.workerOf(exec);
                                    cluster.killWorker(w < 0 ? 1 : w);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }, "kill-worker");
                            k.setDaemon(true);
                            k.start();
                        }
                    }

                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd t) {
                        if (!t.taskInfo().successful()) {
                            failedTasks.incrementAndGet();
                        }
                    }
                });
                SparkSegmentRunner runner = SparkSegmentRunner.on(sc, jobBytes, setup, span -> {
                    spans.add(span);
                    returnedBy.add(span.executor());
                });
                result = SegmentedProof.run(new SegmentedProof.Request(setup.model(), plan, setup.context(), input,
                        null, null, dir.resolve("out.bundle.parts"), false), PhaseListener.NONE, null, null,
                        new SegmentedProof.Progress() {
                            @Override
                            public void segmentFinished(SegmentPlan p, SegmentProver.Proved proved) {
                                finished.merge(proved.index(), 1, Integer::sum);
                            }
                        }, runner);
            }
            assertThat(killed.get()).as("a worker was killed while segments ran").isTrue();
            assertThat(returnedBy).as("executors that returned segments").hasSizeGreaterThanOrEqualTo(2);
            // nothing lost, nothing duplicated
            assertThat(finished).hasSize(n);
            assertThat(finished.values()).allMatch(c -> c == 1);
            assertThat(spans).hasSize(n);
            assertThat(spans.stream().map(TaskSpan::index).distinct().count()).isEqualTo(n);
            assertThat(result.parts()).extracting(SegmentProver.Proved::index)
                    .containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
            // the killed executor's running segment failed and was proved again on the other executor
            assertThat(failedTasks.get()).as("the killed executor's running segment failed").isPositive();
            assertThat(spans).as("a segment proved by a retry").anyMatch(s -> s.attempt() > 0);
            assertThat(spans.stream().filter(s -> s.attempt() > 0))
                    .allMatch(s -> !s.executor().startsWith(killedExecutor.get(0) + "@"));
            // the bundle verifies as `zkscope verify` checks it, and its output is the model's
            assertThat(result.verdict().accepted()).as("bundle verdict").isTrue();
            List<VerifyingKey> vks = result.keys().keys();
            assertThat(BundleVerifier.verify(result.keys(), vks, result.bundle()).accepted()).isTrue();
            // the keys the executors derived are the ones this JVM derives for the same plan, and the output its
            SegmentedProof.Result here = SegmentedProof.run(new SegmentedProof.Request(setup.model(), plan,
                    setup.context(), input, null, null, dir.resolve("here.bundle.parts"), false), PhaseListener.NONE,
                    null, null, SegmentedProof.Progress.NONE);
            assertThat(result.keys().encode()).isEqualTo(here.keys().encode());
            assertThat(result.output()).isEqualTo(here.output());
            // a flipped byte in the last segment is rejected
            byte[] bad = result.bundle().clone();
            bad[bad.length - 100] ^= 0x20;
            assertThat(BundleVerifier.verify(result.keys(), vks, bad).accepted()).isFalse();
        }
    }
}
