package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchInput;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.BatchProver;
import dev.zkscope.batch.BatchRunner;
import dev.zkscope.batch.LocalBatchRunner;
import dev.zkscope.batch.TaskSpan;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.profile.PhaseListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A batch of the open model's sample inputs proved on the chosen cluster, for the Cluster view: in this JVM, or on
 * Apache Spark when the {@code cluster} module is on the class path (found through {@link ServiceLoader}, never
 * referenced: the app runs without Spark, and then says how to get it). Each proof is reported as a {@link TaskSpan}
 * as it arrives, for the timeline by executor.
 *
 * @param master null or "none" for this JVM, else a Spark master URL (local[N], local[*], spark://HOST:PORT)
 * @param count  how many of the model's sample inputs (its test set, or the calibration samples) to prove
 */
record ClusterRun(ModelSession session, ModelSettings settings, String master, int count) {
    ClusterRun {
        if (count < 1) {
            throw new IllegalArgumentException("a batch proves at least one input, got " + count);
        }
    }

    boolean onSpark() {
        return master != null && !master.isBlank() && !master.strip().equals("none");
    }

    /** Whether Spark (zkscope's cluster module) is on the class path: found through {@link ServiceLoader}. */
    static boolean sparkAvailable() {
        for (BatchRunner.Provider p : ServiceLoader.load(BatchRunner.Provider.class)) {
            if (p.name().equals("spark")) {
                return true;
            }
        }
        return false;
    }

    /** The runner: this JVM, or Spark's (an {@link IllegalStateException} saying how to get it when it is missing). */
    BatchRunner runner(PrintWriter log) {
        if (!onSpark()) {
            return new LocalBatchRunner();
        }
        for (BatchRunner.Provider p : ServiceLoader.load(BatchRunner.Provider.class)) {
            if (p.name().equals("spark")) {
                return p.create(master.strip(), log);
            }
        }
        throw new IllegalStateException("Apache Spark is not on the app's class path (zkscope's cluster module): "
                + "choose \"none\" to prove in this JVM, or prove on Spark from the command line with "
                + "'./zkscope prove-batch MODEL --inputs FILE --out DIR --spark " + master.strip() + "'");
    }

    /** Proves the batch; {@code onTask} hears each proof (on this thread) as it arrives. Returns the runner's name. */
    String run(Consumer<TaskSpan> onTask) throws Exception {
        BatchRunner runner = runner(new PrintWriter(new StringWriter()));
        InputFiles.Samples samples = Analyzer.samples(session.file(), session.graph());
        List<List<Tensor>> all = samples.inputs();
        List<BatchInput> inputs = new ArrayList<>();
        for (int i = 0; i < Math.min(count, all.size()); i++) {
            inputs.add(BatchInput.of(String.format("input-%03d", i), samples.describe() + " #" + i, all.get(i)));
        }
        BatchJob job = new BatchJob(Pipeline.modelName(session.file()), session.file().getFileName().toString(),
                Files.readAllBytes(session.file()), new ImportOptions(settings.batch()), settings.pipelineSettings(),
                all, null);
        byte[] jobBytes = job.encode();
        BatchProver prover = BatchProver.of(job, PhaseListener.NONE);
        BatchProver.share(jobBytes, prover);
        int[] n = {0};
        runner.run(new BatchRunner.Plan(job, jobBytes, prover), inputs, p -> onTask.accept(TaskSpan.of(n[0]++, p)));
        return runner.describe();
    }
}
