/**
 * Proving on Apache Spark: the batches of {@link dev.zkscope.batch} as Spark jobs ({@link
 * dev.zkscope.cluster.SparkBatchRunner}), embedded ({@code local[*]}) or on a standalone cluster
 * ({@code spark://HOST:PORT}). The prover module finds the runner through {@link java.util.ServiceLoader} when
 * {@code --spark} is given; nothing else in zkscope needs Spark on the class path. The JVM flags Spark needs on Java
 * 17 are {@link dev.zkscope.cluster.SparkJvm#FLAGS}, which the {@code ./zkscope} launcher passes.
 */
package dev.zkscope.cluster;
