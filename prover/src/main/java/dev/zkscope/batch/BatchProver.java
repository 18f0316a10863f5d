package dev.zkscope.batch;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Commitments;
import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.ModelViolation;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.compile.Salts;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.FixedPoint;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Proves the inputs of one batch job in one JVM: the job decoded, the model compiled and the proving key derived once
 * (then kept for every later input of the job in this JVM), each input proved with fresh salts for what it hashes,
 * verified, and returned as a proof file's bytes with its times and heap.
 *
 * <p>A JVM keeps the prover of the last job it saw ({@link #forJob}): the tasks of a batch that land on one Spark
 * executor derive the key once between them, and in a plain JVM (or Spark's embedded {@code local} mode) the driver's
 * own prover is reused ({@link #share}), so the key is derived exactly once.
 */
public final class BatchProver {
    private final Pipeline.Prepared prepared;
    private final ProvingKey pk;
    private final byte[] verifyingKey;
    private final String keySha256;
    private final long[] weightsSalt;
    private final SecureRandom random = new SecureRandom();

    private BatchProver(Pipeline.Prepared prepared, ProvingKey pk, long[] weightsSalt) {
        this.prepared = prepared;
        this.pk = pk;
        this.verifyingKey = pk.verifyingKey().toBytes();
        this.keySha256 = sha256(verifyingKey);
        this.weightsSalt = weightsSalt;
    }

    /** Compiles the job's model and derives its proving key (as the "keygen" phase of {@code listener}). */
    public static BatchProver of(BatchJob job, PhaseListener listener) throws ModelLoadException {
        Pipeline.Prepared p = job.prepare();
        // As Pipeline.Prepared derives it: hashed weights are bound by the digest the circuit publishes, and the
        // statement (what a verifier prints) is bound into the key's digest.
        ProvingKey pk = ProofSystem.keygen(p.compiled().circuit(), p.settings().params(), List.of(), p.statement(),
                listener);
        return new BatchProver(p, pk, job.weightsSalt());
    }

    private static final Object LOCK = new Object();
    private static String cachedJob;
    private static BatchProver cached;

    /**
     * The prover of the job whose bytes are {@code jobBytes}: the one this JVM already has for it, else a new one
     * (which replaces the one kept). Concurrent callers for one job wait for a single derivation.
     */
    public static BatchProver forJob(byte[] jobBytes) throws ModelLoadException {
        String digest = sha256(jobBytes);
        synchronized (LOCK) {
            if (!digest.equals(cachedJob)) {
                cached = null;
                cachedJob = null;
                BatchProver p = of(BatchJob.decode(jobBytes), PhaseListener.NONE);
                cached = p;
                cachedJob = digest;
            }
            return cached;
        }
    }

    /** Makes {@code prover} this JVM's prover of the job {@code jobBytes}, so that {@link #forJob} reuses it. */
    public static void share(byte[] jobBytes, BatchProver prover) {
        synchronized (LOCK) {
            cachedJob = sha256(jobBytes);
            cached = prover;
        }
    }

    public Pipeline.Prepared prepared() {
        return prepared;
    }

    public VerifyingKey verifyingKey() {
        return pk.verifyingKey();
    }

    /** The verifying key's bytes ({@link VerifyingKey#toBytes()}). */
    public byte[] verifyingKeyBytes() {
        return verifyingKey.clone();
    }

    /** SHA-256 (hex) of the verifying key's bytes: equal on every JVM that derived the same key. */
    public String keySha256() {
        return keySha256;
    }

    /** The verifying-key file of this batch (as {@code zkscope prove} writes it). */
    public ArtifactFiles.KeyFile keyFile() {
        return new ArtifactFiles.KeyFile(prepared.name(), prepared.compiled().publicLayout().inputCount(),
                prepared.compiled().model().outputShape(), prepared.quantized().outputScale(), verifyingKeyBytes(),
                prepared.hashedBits());
    }

    /**
     * Proves one input. An error of the model or the input (outside the circuit's input domain, a constraint
     * violation, an unsupported op) is a {@link BatchOutcome.Failed}, as is a key other than {@code expectedKey} (the
     * driver's); anything else (out of memory, a bug) is thrown, for the caller to retry or report.
     *
     * @param expectedKey the SHA-256 of the verifying key the driver derived
     * @param executor    who proves, for the manifest
     * @param attempt     the task's attempt number
     */
    public BatchOutcome prove(BatchInput in, String expectedKey, String executor, int attempt) {
        long start = System.currentTimeMillis();
        long t0 = System.nanoTime();
        if (!keySha256.equals(expectedKey)) {
            return new BatchOutcome.Failed(in.id(), in.source(), "the worker " + executor + " derived verifying key "
                    + keySha256.substring(0, 16) + "..., the driver " + expectedKey.substring(0, 16) + "...: it runs "
                    + "another zkscope build (or calibrated differently); run the same zkscope on every node", executor);
        }
        try {
            long[] q = Pipeline.quantizeInput(prepared, in.values());
            Salts salts;
            synchronized (random) {
                salts = new Salts(weightsSalt != null ? weightsSalt : Salts.fresh(random), Salts.fresh(random),
                        Salts.fresh(random));
            }
            ModelWitness w = prepared.compiled().witness(q, salts);
            List<ModelViolation> violations = prepared.compiled().check(w.witness());
            if (!violations.isEmpty()) {
                return new BatchOutcome.Failed(in.id(), in.source(), violations.size() + " constraint violation(s) in "
                        + "the witness; first: " + violations.get(0), executor);
            }
            long t1 = System.nanoTime();
            Proof proof;
            long peak;
            try (HeapSampler heap = new HeapSampler(10).start()) {
                proof = ProofSystem.prove(pk, w.witness(), PhaseListener.NONE);
                peak = heap.peakNow();
            }
            long t2 = System.nanoTime();
            byte[] bytes = proof.toBytes();
            VerifyResult vr = ProofSystem.verify(pk.verifyingKey(), w.instance(), bytes);
            long t3 = System.nanoTime();
            if (!vr.accepted()) {
                throw new IllegalStateException("the fresh proof of input " + in.id() + " did not verify: " + vr);
            }
            byte[] file = ArtifactFiles.encode(new ArtifactFiles.ProofFile(prepared.name(), w.publicValues(), bytes));
            Commitments c = Commitments.of(prepared.compiled().publicLayout(), w.publicValues());
            double[] output = null;
            if (c.output() == null) {
                long[] o = w.output();
                output = new double[o.length];
                int scale = prepared.quantized().outputScale();
                for (int i = 0; i < o.length; i++) {
                    output[i] = FixedPoint.dequantize(o[i], scale);
                }
            }
            return new BatchOutcome.Proved(in.id(), in.source(), in.sha256(), file, output,
                    c.output() == null ? null : Commitments.hex(c.output()), t1 - t0, t2 - t1, t3 - t2,
                    System.nanoTime() - t0, peak, executor, attempt, start, System.currentTimeMillis());
        } catch (BadInputException | WitnessException | CompileException | UnsupportedModelException
                 | Pipeline.ConstraintViolationException e) {
            return new BatchOutcome.Failed(in.id(), in.source(), String.valueOf(e.getMessage()), executor);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
