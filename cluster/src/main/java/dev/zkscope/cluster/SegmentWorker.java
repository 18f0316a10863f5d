package dev.zkscope.cluster;

import dev.zkscope.batch.BatchJob;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.WitnessException;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentSetup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The executor's half of a segmented proof on Spark: the model rebuilt once per JVM from the job's bytes (imported,
 * calibrated on the same inputs and lowered to the layer IR, as the driver did: {@link SegmentSetup#of}), checked
 * against the driver's by a digest of the layer IR, and one segment proved per call with {@link SegmentProver#prove}.
 * The segment's compile and keygen run on the executor: a proving key is far larger than the model it comes from.
 */
final class SegmentWorker {
    private SegmentWorker() {}

    private static final Object LOCK = new Object();
    private static String cachedJob;
    private static SegmentSetup cached;

    /** This JVM's model of the job {@code jobBytes}: the one it has, else rebuilt (replacing the one kept). */
    static SegmentSetup forJob(byte[] jobBytes) throws ModelLoadException {
        String digest = sha256(jobBytes);
        synchronized (LOCK) {
            if (!digest.equals(cachedJob)) {
                cached = null;
                cachedJob = null;
                BatchJob job = BatchJob.decode(jobBytes);
                Graph g = job.graph();
                g.requireSupported("proving");
                cached = SegmentSetup.of(job.name(), g, job.calibration(), job.settings(), PhaseListener.NONE);
                cachedJob = digest;
            }
            return cached;
        }
    }

    /** Makes the driver's own model this JVM's model of the job (Spark's embedded mode: nothing is rebuilt). */
    static void share(byte[] jobBytes, SegmentSetup setup) {
        synchronized (LOCK) {
            cachedJob = sha256(jobBytes);
            cached = setup;
        }
    }

    /**
     * A digest of what a segment's circuit is made from: the layer IR (its steps' layers and sizes, every tensor's
     * bound, the weights) and the proving context (visibility, parameters, output scale). Equal on every JVM that
     * rebuilt the same model; a worker running another zkscope, or whose calibration came out otherwise, differs.
     */
    static String modelDigest(SegmentSetup s) {
        MessageDigest md = newSha256();
        QModel m = s.model();
        StringBuilder sb = new StringBuilder(m.name()).append('|').append(m.tensorCount()).append('|')
                .append(s.context());
        for (Step st : m.steps()) {
            sb.append('|').append(st.layer()).append(':').append(st.size());
        }
        md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(8);
        for (long v : m.bounds()) {
            md.update(b.clear().putLong(v).array());
        }
        for (long v : ModelCompiler.weightsMessage(m)) {
            md.update(b.clear().putLong(v).array());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Proves one segment on this JVM's model of the job. An error of the model or the input (the model does not
     * load or rebuilds otherwise than on the driver, a constraint violation, an unsupported op) is a {@link
     * SegmentOutcome.Failed}; anything else (out of memory, a lost worker) is thrown for Spark to retry.
     */
    static SegmentOutcome prove(byte[] jobBytes, String expectedDigest, SegmentPlan plan, SegmentProver.Job job,
                                long runStartMillis, String executor, int attempt) {
        long startMillis = System.currentTimeMillis();
        // the run's start on this JVM's monotonic clock, so that the segment's start is on the driver's run clock
        long runStart = System.nanoTime() - (startMillis - runStartMillis) * 1_000_000L;
        SegmentSetup setup;
        try {
            setup = forJob(jobBytes);
        } catch (ModelLoadException | RuntimeException e) {
            return new SegmentOutcome.Failed(job.index(), "the worker " + executor + " cannot rebuild the model: "
                    + e.getMessage(), executor);
        }
        String digest = modelDigest(setup);
        if (!digest.equals(expectedDigest)) {
            return new SegmentOutcome.Failed(job.index(), "the worker " + executor + " rebuilt the model as "
                    + digest.substring(0, 16) + "..., the driver as " + expectedDigest.substring(0, 16) + "...: it runs "
                    + "another zkscope build (or calibrated differently); run the same zkscope on every node", executor);
        }
        try {
            SegmentProver.Proved p = SegmentProver.prove(setup.model(), setup.model().bounds(), plan,
                    setup.context(), job, PhaseListener.NONE, null, null, runStart);
            return SegmentOutcome.Proved.of(p, executor, attempt, startMillis, System.currentTimeMillis());
        } catch (BadInputException | CompileException | WitnessException | UnsupportedModelException
                 | IllegalStateException | IllegalArgumentException e) {
            // IllegalStateException: SegmentProver's constraint violations, which every retry would repeat
            return new SegmentOutcome.Failed(job.index(), plan.describe(job.index()) + ": " + e.getMessage(), executor);
        }
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(newSha256().digest(data));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
