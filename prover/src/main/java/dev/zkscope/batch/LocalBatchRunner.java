package dev.zkscope.batch;

import java.util.List;

/**
 * Proves a batch in this JVM, one input after the other (the prover itself uses every core), with the driver's own
 * prover: no Spark, no serialisation.
 */
public final class LocalBatchRunner implements BatchRunner {
    /** The executor name of proofs made in a plain JVM. */
    public static final String EXECUTOR = "local";

    @Override
    public void run(Plan plan, List<BatchInput> inputs, Sink sink) throws Exception {
        String key = plan.prover().keySha256();
        for (BatchInput in : inputs) {
            BatchOutcome o = plan.prover().prove(in, key, EXECUTOR, 0);
            if (o instanceof BatchOutcome.Failed f) {
                throw new BatchModelException(f);
            }
            sink.accept((BatchOutcome.Proved) o);
        }
    }

    @Override
    public String describe() {
        return "this JVM";
    }
}
