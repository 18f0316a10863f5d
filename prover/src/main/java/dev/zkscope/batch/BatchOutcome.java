package dev.zkscope.batch;

import java.io.Serializable;

/** What proving one input of a batch gave: a proof, or an error of the model or the input that no retry can fix. */
public sealed interface BatchOutcome extends Serializable permits BatchOutcome.Proved, BatchOutcome.Failed {
    /** The input's id. */
    String id();

    /**
     * A proof, verified where it was made.
     *
     * @param id              the input's id
     * @param source          where the input came from
     * @param inputSha256     the input's digest ({@link BatchInput#digest})
     * @param proofFile       the proof file's bytes ({@link dev.zkscope.api.ArtifactFiles#encode(
     *                        dev.zkscope.api.ArtifactFiles.ProofFile)})
     * @param output          the attested output, dequantized; null when the output is hashed
     * @param outputCommitment the output's public commitment (hex) when it is hashed, else null
     * @param witnessNanos    witness generation and the constraint check
     * @param proveNanos      the prover
     * @param verifyNanos     the verifier's check of the fresh proof
     * @param taskNanos       the whole task, decoding included
     * @param peakHeapBytes   the prover's JVM's peak used heap during the proof (shared by the proofs that JVM runs
     *                        at the same time)
     * @param executor        who proved it ("local" in a plain JVM; "executor ID@HOST" on Spark)
     * @param attempt         the task's attempt (0 the first time; more after a retry)
     * @param startMillis     wall-clock start (epoch milliseconds)
     * @param endMillis       wall-clock end
     */
    record Proved(String id, String source, String inputSha256, byte[] proofFile, double[] output,
                  String outputCommitment, long witnessNanos, long proveNanos, long verifyNanos, long taskNanos,
                  long peakHeapBytes, String executor, int attempt, long startMillis, long endMillis)
            implements BatchOutcome { }

    /**
     * The input cannot be proved for a reason in the model, the settings or the input itself (outside the circuit's
     * input domain, a constraint violation, a worker that derived another key): a retry would fail the same way, so
     * the batch stops at once with this message.
     */
    record Failed(String id, String source, String message, String executor) implements BatchOutcome { }
}
