package dev.zkscope.cluster;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.batch.TaskSpan;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.SegmentedProof;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.PrintWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The segments of one model as one Spark job: one task per segment, so that a lost executor costs only the segments
 * it was proving. The driver has already evaluated the model on the quantized input (integer evaluation, cheap beside
 * proving) and drawn the salts: each task carries only its {@link SegmentProver.Job} (the boundary values entering
 * the segment and its two salts). The job's bytes (model, settings, calibration inputs) and the plan are broadcast;
 * each executor rebuilds the model once ({@link SegmentWorker}) and checks it against the driver's by digest, then
 * compiles, keys and proves its segment. No trace, witness or key ever crosses the network; a task returns its proof,
 * public values, key file and boundary output ({@link SegmentOutcome}), which the driver checks against its own
 * evaluation, keeps for --resume and assembles into the same bundle the single-JVM prover writes.
 *
 * <p>Faults as in {@link SparkBatchRunner}: the result handler sees each partition once, whatever the retries; a task
 * that fails for an error of the model returns it as a value, and the driver cancels the job on the first one and
 * throws it (no retries); any other failure (an executor lost, out of memory) is retried by Spark.
 */
public final class SparkSegmentRunner implements SegmentedProof.Runner {
    private final SparkBatchRunner spark;
    private final byte[] jobBytes;
    private final String modelDigest;
    private final Consumer<TaskSpan> onTask;
    private final JavaSparkContext given;

    /**
     * @param master   local[*], local[N] or spark://HOST:PORT
     * @param jobBytes the model as a {@link dev.zkscope.batch.BatchJob}, made with the settings and calibration
     *                 inputs {@code driver} was made with
     * @param driver   the driver's model (shared with the tasks in embedded mode, else the reference of the digest)
     * @param onTask   hears every finished task on the driver's thread (null: nobody)
     */
    public SparkSegmentRunner(String master, PrintWriter log, byte[] jobBytes, SegmentSetup driver,
                              Consumer<TaskSpan> onTask) {
        this(new SparkBatchRunner(master, log), jobBytes, driver, onTask, null);
    }

    private SparkSegmentRunner(SparkBatchRunner spark, byte[] jobBytes, SegmentSetup driver, Consumer<TaskSpan> onTask,
                               JavaSparkContext given) {
        this.spark = spark;
        this.jobBytes = jobBytes.clone();
        this.modelDigest = SegmentWorker.modelDigest(driver);
        this.onTask = onTask == null ? t -> { } : onTask;
        this.given = given;
        if (spark.isLocal()) {
            SegmentWorker.share(this.jobBytes, driver);
        }
    }

    /** A runner on an existing context (tests share one, and set its retries). */
    static SparkSegmentRunner on(JavaSparkContext sc, byte[] jobBytes, SegmentSetup driver, Consumer<TaskSpan> onTask) {
        return new SparkSegmentRunner(new SparkBatchRunner(sc.master(), null), jobBytes, driver, onTask, sc);
    }

    public String describe() {
        return spark.describe();
    }

    @Override
    public void prove(SegmentPlan plan, List<SegmentProver.Job> jobs, long runStartMillis, SegmentedProof.Sink sink) {
        if (given != null) {
            run(given, plan, jobs, runStartMillis, sink);
            return;
        }
        try (JavaSparkContext sc = new JavaSparkContext(spark.conf("zkscope prove " + plan.model()
                + " (" + plan.count() + " segments)"))) {
            sc.setLogLevel("WARN");
            run(sc, plan, jobs, runStartMillis, sink);
        }
    }

    private void run(JavaSparkContext sc, SegmentPlan plan, List<SegmentProver.Job> jobs, long runStartMillis,
                     SegmentedProof.Sink sink) {
        Broadcast<byte[]> job = sc.broadcast(jobBytes);
        Broadcast<SegmentPlan> cuts = sc.broadcast(plan);
        JavaRDD<SegmentProver.Job> rdd = sc.parallelize(jobs, jobs.size());
        List<Object> partitions = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            partitions.add(i);
        }
        // Events for the driver's thread: a task's start (its partition) and each partition's outcome.
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        SparkListener starts = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart t) {
                if (t.taskInfo().attemptNumber() == 0) {
                    events.add(t.taskInfo().index());
                }
            }
        };
        sc.sc().addSparkListener(starts);
        SimpleFutureAction<BoxedUnit> future = sc.sc().submitJob(rdd.rdd(),
                new ProveTask(job, cuts, modelDigest, runStartMillis),
                scala.jdk.javaapi.CollectionConverters.asScala(partitions).toList(),
                new Collect(events), new SparkBatchRunner.Done());
        int received = 0;
        try {
            while (received < jobs.size()) {
                Object e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    if (future.isCompleted() && events.isEmpty()) {
                        future.get(); // throws the job's failure
                        throw new IllegalStateException("the Spark job ended with " + received + " of "
                                + jobs.size() + " segments");
                    }
                    continue;
                }
                if (e instanceof Integer partition) {
                    if (partition >= 0 && partition < jobs.size()) {
                        sink.started(jobs.get(partition).index());
                    }
                    continue;
                }
                received++;
                if (e instanceof SegmentOutcome.Failed f) {
                    throw new BadInputException(plan.describe(f.index()) + " cannot be proved (on " + f.executor()
                            + "): " + f.message());
                }
                SegmentOutcome.Proved p = (SegmentOutcome.Proved) e;
                SegmentProver.Proved proved = p.toProved();
                onTask.accept(new TaskSpan("segment", p.index(), "segment " + (p.index() + 1) + " of "
                        + plan.count(), p.executor(), p.attempt(), p.startMillis(), p.endMillis()));
                sink.accept(proved);
            }
            future.get();
        } catch (org.apache.spark.SparkException ex) {
            throw new IllegalStateException("the Spark job failed: " + SparkBatchRunner.rootMessage(ex), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while the segments were proving");
        } catch (ArtifactFiles.FormatException ex) {
            throw new IllegalStateException("a segment's key file came back damaged: " + ex.getMessage(), ex);
        } finally {
            if (!future.isCompleted()) {
                future.cancel();
            }
            sc.sc().removeSparkListener(starts);
            job.destroy();
            cuts.destroy();
        }
    }

    /** One task: proves the segment of its partition on this executor's model of the job. */
    static final class ProveTask extends AbstractFunction1<Iterator<SegmentProver.Job>, SegmentOutcome>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> job;
        private final Broadcast<SegmentPlan> plan;
        private final String modelDigest;
        private final long runStartMillis;

        ProveTask(Broadcast<byte[]> job, Broadcast<SegmentPlan> plan, String modelDigest, long runStartMillis) {
            this.job = job;
            this.plan = plan;
            this.modelDigest = modelDigest;
            this.runStartMillis = runStartMillis;
        }

        @Override
        public SegmentOutcome apply(Iterator<SegmentProver.Job> it) {
            SegmentProver.Job j = it.next();
            if (it.hasNext()) {
                throw new IllegalStateException("a partition of a segmented proof holds one segment");
            }
            SparkEnv env = SparkEnv.get();
            String executor = env.executorId() + "@" + env.blockManager().blockManagerId().host();
            TaskContext tc = TaskContext.get();
            int attempt = tc == null ? 0 : tc.attemptNumber();
            return SegmentWorker.prove(job.value(), modelDigest, plan.value(), j, runStartMillis, executor, attempt);
        }
    }

    /** The driver's end of the job: each partition's outcome, once, into the queue that {@link #run} reads. */
    static final class Collect extends AbstractFunction2<Object, SegmentOutcome, BoxedUnit> {
        private final LinkedBlockingQueue<Object> events;

        Collect(LinkedBlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public BoxedUnit apply(Object partition, SegmentOutcome outcome) {
            events.add(outcome);
            return BoxedUnit.UNIT;
        }
    }
}
