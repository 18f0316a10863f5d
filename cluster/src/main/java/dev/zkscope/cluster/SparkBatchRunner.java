package dev.zkscope.cluster;

import dev.zkscope.batch.BatchInput;
import dev.zkscope.batch.BatchModelException;
import dev.zkscope.batch.BatchOutcome;
import dev.zkscope.batch.BatchProver;
import dev.zkscope.batch.BatchRunner;
import dev.zkscope.onnx.ModelLoadException;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.PrintWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A batch as one Spark job: one task per input, so that a lost executor costs only the inputs it was proving, and
 * every proof reaches the driver as its task ends.
 *
 * <p>The job's bytes (model, settings, calibration inputs) are broadcast once; each executor derives the circuit and
 * the proving key from them once ({@link BatchProver#forJob}) and checks that its verifying key is the driver's (the
 * key's SHA-256 travels with every task). The key is not shipped: it is a deterministic function of those bytes and
 * many times larger. Each task returns a {@link BatchOutcome}; the driver receives them through the job's result
 * handler (Spark calls it once per partition, whatever the retries), hands each proof to the sink on the calling
 * thread, and on the first {@link BatchOutcome.Failed} (an error of the model or the input, which a retry would only
 * repeat) cancels the job and throws at once. Tasks that fail otherwise (an executor lost, out of memory) are
 * retried by Spark ({@code spark.task.maxFailures}, 4 by default on a cluster).
 */
public final class SparkBatchRunner implements BatchRunner {
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?\\])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://[^\\s/:]+:[0-9]{1,5}(,[^\\s/:]+:[0-9]{1,5})*");

    private final String master;
    private final PrintWriter log;

    public SparkBatchRunner(String master, PrintWriter log) {
        if (!LOCAL.matcher(master).matches() && !STANDALONE.matcher(master).matches()) {
            throw new IllegalArgumentException("expected local[*], local[N] or spark://HOST:PORT, got '" + master + "'");
        }
        this.master = master;
        this.log = log;
    }

    /** Finds this runner for {@code --spark} through {@link java.util.ServiceLoader}. */
    public static final class Provider implements BatchRunner.Provider {
        @Override
        public String name() {
            return "spark";
        }

        @Override
        public BatchRunner create(String master, PrintWriter log) {
            return new SparkBatchRunner(master, log);
        }

        @Override
        public dev.zkscope.segment.SegmentedProof.Runner segments(String master, PrintWriter log, byte[] jobBytes,
                                                                  dev.zkscope.segment.SegmentSetup driver,
                                                                  java.util.function.Consumer<dev.zkscope.batch.TaskSpan> onTask) {
            return new SparkSegmentRunner(master, log, jobBytes, driver, onTask);
        }
    }

    @Override
    public String describe() {
        return "Spark " + master;
    }

    boolean isLocal() {
        return master.startsWith("local");
    }

    /** The configuration: no web UI (no fixed port), quiet, and on a cluster zkscope's jars shipped to executors. */
    SparkConf conf(String appName) {
        SparkConf c = new SparkConf().setMaster(master).setAppName(appName)
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        if (isLocal() || master.startsWith("spark://127.0.0.1:") || master.startsWith("spark://localhost:")) {
            c.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!isLocal()) {
            c.setJars(new String[] {SparkJvm.jarOf(BatchProver.class).toString(),
                    SparkJvm.jarOf(SparkBatchRunner.class).toString()});
        }
        return c;
    }

    @Override
    public void run(Plan plan, List<BatchInput> inputs, Sink sink) throws Exception {
        if (inputs.isEmpty()) {
            return;
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf("zkscope prove-batch " + plan.job().name()))) {
            sc.setLogLevel("WARN");
            run(sc, plan, inputs, sink);
        }
    }

    /** Runs the batch on an existing context (tests share one). */
    void run(JavaSparkContext sc, Plan plan, List<BatchInput> inputs, Sink sink) throws Exception {
        Broadcast<byte[]> job = sc.broadcast(plan.jobBytes());
        List<byte[]> encoded = new ArrayList<>(inputs.size());
        for (BatchInput in : inputs) {
            encoded.add(in.encode());
        }
        JavaRDD<byte[]> rdd = sc.parallelize(encoded, inputs.size());
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            partitions.add(i);
        }
        LinkedBlockingQueue<BatchOutcome> results = new LinkedBlockingQueue<>();
        SimpleFutureAction<BoxedUnit> future = sc.sc().submitJob(rdd.rdd(),
                new ProveTask(job, plan.prover().keySha256()),
                scala.jdk.javaapi.CollectionConverters.asScala(partitions).toList(),
                new Collect(results), new Done());
        int received = 0;
        try {
            while (received < inputs.size()) {
                BatchOutcome o = results.poll(100, TimeUnit.MILLISECONDS);
                if (o == null) {
                    if (future.isCompleted() && results.isEmpty()) {
                        future.get(); // throws the job's failure
                        throw new IllegalStateException("the Spark job ended with " + received + " of "
                                + inputs.size() + " results");
                    }
                    continue;
                }
                received++;
                if (o instanceof BatchOutcome.Failed f) {
                    throw new BatchModelException(f);
                }
                sink.accept((BatchOutcome.Proved) o);
            }
            future.get();
        } catch (org.apache.spark.SparkException e) {
            throw new IllegalStateException("the Spark job failed: " + rootMessage(e), e);
        } finally {
            if (!future.isCompleted()) {
                future.cancel();
            }
            job.destroy();
        }
    }

    static String rootMessage(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** One task: proves the inputs of its partition (one) on this executor's prover of the job. */
    static final class ProveTask extends AbstractFunction1<Iterator<byte[]>, BatchOutcome> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> job;
        private final String keySha256;

        ProveTask(Broadcast<byte[]> job, String keySha256) {
            this.job = job;
            this.keySha256 = keySha256;
        }

        @Override
        public BatchOutcome apply(Iterator<byte[]> it) {
            BatchInput in = BatchInput.decode(it.next());
            if (it.hasNext()) {
                throw new IllegalStateException("a partition of a batch holds one input");
            }
            SparkEnv env = SparkEnv.get();
            String executor = env.executorId() + "@" + env.blockManager().blockManagerId().host();
            TaskContext tc = TaskContext.get();
            int attempt = tc == null ? 0 : tc.attemptNumber();
            BatchProver prover;
            try {
                prover = BatchProver.forJob(job.value());
            } catch (ModelLoadException e) {
                return new BatchOutcome.Failed(in.id(), in.source(), "the worker cannot load the model: "
                        + e.getMessage(), executor);
            }
            return prover.prove(in, keySha256, executor, attempt);
        }
    }

    /** The driver's end of the job: each partition's outcome, once, into the queue that {@link #run} reads. */
    static final class Collect extends AbstractFunction2<Object, BatchOutcome, BoxedUnit> {
        private final LinkedBlockingQueue<BatchOutcome> results;

        Collect(LinkedBlockingQueue<BatchOutcome> results) {
            this.results = results;
        }

        @Override
        public BoxedUnit apply(Object partition, BatchOutcome outcome) {
            results.add(outcome);
            return BoxedUnit.UNIT;
        }
    }

    static final class Done extends AbstractFunction0<BoxedUnit> {
        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
