/**
 * Batches of inferences: many inputs of one model proved under one key, one proof file per input and a manifest.
 *
 * <p>The parts that every prover of a batch shares travel as bytes: {@link dev.zkscope.batch.BatchJob} (the model's
 * ONNX bytes, the settings, the calibration inputs, the weights' salt) and {@link dev.zkscope.batch.BatchInput} (one
 * input). Whoever proves (this JVM, or a Spark executor of the {@code cluster} module) decodes the job once, derives
 * the circuit and its proving key once ({@link dev.zkscope.batch.BatchProver}), checks that its verifying key is the
 * one the driver derived, and returns one {@link dev.zkscope.batch.BatchOutcome} per input. How the inputs are spread
 * over workers is a {@link dev.zkscope.batch.BatchRunner}: {@link dev.zkscope.batch.LocalBatchRunner} here, the Spark
 * runner in the {@code cluster} module, found through {@link java.util.ServiceLoader} only when asked for, so nothing
 * in this module needs Spark on the class path.
 */
package dev.zkscope.batch;
