package dev.zkscope.batch;

/**
 * One task of a job on a cluster, as a timeline shows it: which segment or input, on which executor, when. The same
 * record serves the proofs of a batch ({@link BatchOutcome.Proved} carries the same fields) and the segments of a
 * segmented proof, so that one view draws both.
 *
 * @param kind        "segment" or "proof"
 * @param index       the task's position in its job (the segment, or the input's position in the batch)
 * @param label       what it proved ("segment 2 of 5", an input id)
 * @param executor    where ("driver@127.0.0.1" in Spark's embedded mode, "ID@HOST" on a cluster, "local" in a plain JVM)
 * @param attempt     0, or the retry that produced it
 * @param startMillis wall-clock start (epoch milliseconds)
 * @param endMillis   wall-clock end
 */
public record TaskSpan(String kind, int index, String label, String executor, int attempt, long startMillis,
                       long endMillis) {
    public TaskSpan {
        if (endMillis < startMillis) {
            throw new IllegalArgumentException("a task ends before it starts: " + startMillis + " > " + endMillis);
        }
    }

    /** The span of a batch proof. */
    public static TaskSpan of(int index, BatchOutcome.Proved p) {
        return new TaskSpan("proof", index, p.id(), p.executor(), p.attempt(), p.startMillis(), p.endMillis());
    }

    public long millis() {
        return endMillis - startMillis;
    }
}
