package dev.zkscope.batch;

import java.util.List;

/**
 * Spreads the inputs of a batch over provers and hands every proof back, in the calling thread, as it arrives. The
 * first {@link BatchOutcome.Failed} stops the batch at once with a {@link BatchModelException} (a retry would fail the
 * same way); other failures (a worker lost, out of memory) are the runner's to retry.
 */
public interface BatchRunner {
    /** The batch to prove: the job, its bytes, and the driver's prover (whose key every proof must be under). */
    record Plan(BatchJob job, byte[] jobBytes, BatchProver prover) { }

    /** Receives each proof on the thread that called {@link #run}. */
    @FunctionalInterface
    interface Sink {
        void accept(BatchOutcome.Proved proved) throws Exception;
    }

    /**
     * Proves every input once; returns when all are handed to {@code sink}. An exception from {@code sink} stops the
     * batch and is thrown.
     */
    void run(Plan plan, List<BatchInput> inputs, Sink sink) throws Exception;

    /** How it proves, for people ("this JVM", "Spark local[2], 2 executors"). */
    String describe();

    /**
     * A runner on a distributed engine, found with {@link java.util.ServiceLoader} (the {@code cluster} module
     * provides Spark's), so that this module never needs the engine on its class path.
     */
    interface Provider {
        /** The engine's name, as the CLI option says it ("spark"). */
        String name();

        /**
         * A runner for a master URL ({@code local[*]}, {@code local[N]}, {@code spark://HOST:PORT}); a URL it cannot
         * use is an {@link IllegalArgumentException} saying why.
         */
        BatchRunner create(String master, java.io.PrintWriter log);

        /**
         * A runner of a segmented proof's segments on the same engine, one task per segment: each task rebuilds the
         * model from {@code jobBytes} (a {@link BatchJob}: the model's bytes, settings and calibration inputs, as
         * {@code driver} was made from) and proves its segment; only the boundary values and the salts travel with
         * it. {@code onTask} hears each finished task on the driver's thread (for progress and timelines).
         */
        default dev.zkscope.segment.SegmentedProof.Runner segments(String master, java.io.PrintWriter log,
                                                                   byte[] jobBytes,
                                                                   dev.zkscope.segment.SegmentSetup driver,
                                                                   java.util.function.Consumer<TaskSpan> onTask) {
            throw new UnsupportedOperationException(name() + " does not prove segments");
        }
    }
}
