package dev.zkscope.segment;

import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.Salts;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;
import dev.zkscope.hash.Poseidon2;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.PhaseListener;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Proves a whole model segment by segment and assembles the bundle: evaluates the model once on the quantized input
 * (the boundary values every segment takes), draws a fresh secret salt per boundary, commits every segment's link
 * columns and draws the link challenge from their roots (the first pass), proves each segment with
 * {@link SegmentProver} (one after another: peak heap follows the largest segment, not the model), keeps each finished
 * segment on disk ({@link PartsStore}) so that a failed, cancelled or killed run resumes where it stopped, then
 * assembles the key bundle and the proof bundle and verifies the bundle as a verifier would.
 */
public final class SegmentedProof {
    private SegmentedProof() {}

    /** Called as segments start and finish (from the proving thread). */
    public interface Progress {
        Progress NONE = new Progress() { };

        default void segmentStarted(SegmentPlan plan, int index) { }

        /** The first pass starts: every segment's link columns are committed before the link challenge is drawn. */
        default void linksCommitting(SegmentPlan plan) { }

        /** The first pass ended after {@code nanos}: the link challenge is drawn. */
        default void linksCommitted(SegmentPlan plan, long nanos) { }

        default void segmentFinished(SegmentPlan plan, SegmentProver.Proved proved) { }
    }

    /**
     * What to prove.
     *
     * @param model      the model's layer IR
     * @param plan       its cuts
     * @param ctx        visibility, parameters, output scale
     * @param input      the quantized input
     * @param inputSalt  salt of a hashed model input (null: fresh)
     * @param outputSalt salt of a hashed model output (null: fresh)
     * @param partsDir   where finished segments are kept
     * @param resume     continue from the segments in partsDir made for the same model, settings, input and cuts
     */
    public record Request(QModel model, SegmentPlan plan, SegmentProver.Context ctx, long[] input, long[] inputSalt,
                          long[] outputSalt, Path partsDir, boolean resume) {
    }

    /**
     * A proved model.
     *
     * @param plan        the cuts
     * @param parts       every segment, in order (resumed ones without measurements)
     * @param keys        the key bundle
     * @param bundle      the proof bundle's bytes
     * @param verdict     the bundle verified as a verifier does
     * @param totalNanos  wall time of the whole run
     * @param resumedFrom segments read back from an earlier run
     * @param linkCommitNanos the first pass: every segment's link columns committed, before the link challenge
     */
    public record Result(SegmentPlan plan, List<SegmentProver.Proved> parts, KeyBundle keys, byte[] bundle,
                         BundleVerifier.Result verdict, long totalNanos, int resumedFrom, long linkCommitNanos) {
        /** The model's output (signed integers, from the last segment). */
        public long[] output() {
            return parts.get(parts.size() - 1).output();
        }
    }

    /**
     * Proves the segments a run still needs: in the calling thread one after another (the default), or elsewhere,
     * such as the tasks of a Spark job (module {@code cluster}). Each segment's {@link SegmentProver.Job} is plain
     * data; a runner proves it with {@link SegmentProver#prove} on a model made the same way as the driver's.
     */
    public interface Runner {
        /**
         * Proves every job once and hands each proved segment to {@code sink} on the calling thread, in any order, as
         * it arrives; returns when all are handed over. An error of the model or the input is thrown as it is; a
         * runner on a cluster retries what a lost worker was running.
         *
         * @param runStartMillis the run's start (wall clock): the measures' {@code startNanos} count from it
         */
        void prove(SegmentPlan plan, List<SegmentProver.Job> jobs, long runStartMillis, Sink sink);
    }

    /** Where a {@link Runner} hands its segments. */
    public interface Sink {
        /** Segment {@code index} started proving (optional: a runner may not know). */
        void started(int index);

        /** A proved segment; its output is checked against the driver's evaluation of the model. */
        void accept(SegmentProver.Proved proved);
    }

    public static Result run(Request r, PhaseListener listener, CostModel cost, BooleanSupplier cancelled,
                             Progress progress) {
        return run(r, listener, cost, cancelled, progress, null);
    }

    /**
     * As {@link #run(Request, PhaseListener, CostModel, BooleanSupplier, Progress)}, the segments proved by
     * {@code runner} (null: in this thread). Everything else is the driver's: the model's evaluation (only the
     * boundary values travel, in the jobs), the salts, the parts kept for --resume, the bundle and its verification.
     */
    public static Result run(Request r, PhaseListener listener, CostModel cost, BooleanSupplier cancelled,
                             Progress progress, Runner runner) {
        return run(r, null, listener, cost, cancelled, progress, runner);
    }

    /**
     * As {@link #run(Request, PhaseListener, CostModel, BooleanSupplier, Progress, Runner)}, with the model's
     * evaluation on the request's input already made ({@link WarmUp#tensors()}: {@code r.model().evaluate(r.input())};
     * null evaluates it here).
     */
    public static Result run(Request r, long[][] evaluated, PhaseListener listener, CostModel cost,
                             BooleanSupplier cancelled, Progress progress, Runner runner) {
        long t0 = System.nanoTime();
        long t0Millis = System.currentTimeMillis();
        SegmentPlan plan = r.plan();
        int n = plan.count();
        QModel model = r.model();
        long[] bounds = model.bounds();
        long[][] tensors = evaluated != null ? evaluated : listener.timed("evaluate", () -> model.evaluate(r.input()));
        PartsStore store = new PartsStore(r.partsDir());
        PartsStore.Manifest fresh = manifest(r, null);
        PartsStore.Manifest manifest;
        Optional<PartsStore.Manifest> old = r.resume() ? store.readManifest() : Optional.empty();
        if (old.isPresent()) {
            if (!old.get().sameRun(fresh)) {
                throw new BadInputException("--resume: the segments in " + r.partsDir() + " were proved for another "
                        + "model, settings, input or cuts; remove that directory, or prove without --resume");
            }
            manifest = old.get();
        } else {
            store.clear();
            manifest = fresh;
            store.writeManifest(manifest);
        }
        LinkTable table = LinkTable.of(plan);
        if (manifest.boundarySalts().size() != table.boundaries()) {
            throw new BadInputException("--resume: the run in " + r.partsDir() + " has " + manifest.boundarySalts().size()
                    + " boundary salts, the plan " + table.boundaries() + " boundaries; remove that directory");
        }
        SegmentProver.Proved[] done = new SegmentProver.Proved[n];
        long[][] expected = new long[n][];
        // The first pass: every segment's link columns committed (their roots, from the run's secret seeds), then the
        // link challenge drawn from all the roots. A resumed run computes the same roots from the same seeds and salts.
        long pass0 = System.nanoTime();
        if (n > 1) {
            progress.linksCommitting(plan);
        }
        SegmentProver.Job[] pending = new SegmentProver.Job[n];
        int[] heights = new int[n];
        List<byte[]> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((cancelled != null && cancelled.getAsBoolean()) || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("cancelled while committing the segments' link columns (segment "
                        + (i + 1) + " of " + n + ")");
            }
            pending[i] = job(plan, table, manifest, i, SegmentProver.inputOf(tensors, plan.segment(i)));
            SegmentProver.Precommitted pc = n == 1 ? null
                    : SegmentProver.precommit(model, bounds, plan, r.ctx(), pending[i]);
            heights[i] = pc == null ? 0 : pc.logN();
            roots.add(pc == null ? new byte[0] : pc.root());
        }
        long[] gamma = n == 1 ? null : LinkChallenge.derive(r.ctx().model(), heights, roots);
        long linkCommitNanos = System.nanoTime() - pass0;
        if (n > 1) {
            progress.linksCommitted(plan, linkCommitNanos);
        }
        List<SegmentProver.Job> jobs = new ArrayList<>();
        int resumed = 0;
        for (int i = 0; i < n; i++) {
            SegmentPlan.Segment s = plan.segment(i);
            expected[i] = SegmentProver.outputOf(tensors, s);
            Optional<SegmentProver.Proved> kept = r.resume() ? store.readPart(i) : Optional.empty();
            if (kept.isPresent() && java.util.Arrays.equals(kept.get().output(), expected[i])) {
                done[i] = kept.get();
                resumed++;
                progress.segmentFinished(plan, kept.get());
                continue;
            }
            jobs.add(gamma == null ? pending[i] : pending[i].withLinks(gamma, roots.get(i)));
        }
        Sink sink = new Sink() {
            @Override
            public void started(int index) {
                progress.segmentStarted(plan, index);
            }

            @Override
            public void accept(SegmentProver.Proved p) {
                int i = p.index();
                if (i < 0 || i >= n || done[i] != null) {
                    throw new IllegalStateException("a runner handed segment " + (i + 1) + " twice or out of range");
                }
                SegmentProver.requireOutput(plan, p, expected[i]);
                store.writePart(p);
                done[i] = p;
                progress.segmentFinished(plan, p);
            }
        };
        // In this thread, each segment's predicted time is corrected by the segments proved before it in this run, the
        // first by the last run of the same model, settings and plan under this calibration.
        String factorKey = cost == null ? null : RunFactors.key(fresh.fingerprint(), cost);
        RunCorrection correction = new RunCorrection(factorKey == null ? 1 : RunFactors.factor(factorKey));
        Runner here = runner != null ? runner : (pl, js, startMillis, out) -> {
            for (SegmentProver.Job job : js) {
                int i = job.index();
                if ((cancelled != null && cancelled.getAsBoolean()) || Thread.currentThread().isInterrupted()) {
                    long finished = java.util.Arrays.stream(done).filter(java.util.Objects::nonNull).count();
                    throw new CancellationException("cancelled before " + pl.describe(i) + "; " + finished
                            + " finished segment(s) are kept in " + r.partsDir() + " (prove --resume continues from "
                            + "them)");
                }
                out.started(i);
                SegmentProver.Proved p = SegmentProver.prove(model, bounds, pl, r.ctx(), job, listener, cost,
                        correction.factor(), cancelled, t0);
                if (p.measure().prediction() != null) {
                    correction.add(p.measure().uncorrectedPredictedSeconds(), p.measure().proveNanos() / 1e9);
                }
                out.accept(p);
            }
        };
        if (!jobs.isEmpty()) {
            here.prove(plan, List.copyOf(jobs), t0Millis, sink);
        }
        if (factorKey != null && correction.segments() > 0) {
            RunFactors.record(factorKey, correction.factor());
        }
        List<SegmentProver.Proved> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (done[i] == null) {
                throw new IllegalStateException("the runner returned without " + plan.describe(i));
            }
            parts.add(done[i]);
        }
        List<KeyBundle.Entry> entries = new ArrayList<>();
        for (SegmentProver.Proved p : parts) {
            entries.add(p.key());
        }
        KeyBundle keys = new KeyBundle(r.ctx().model(), entries, table);
        List<VerifyingKey> vks;
        byte[] keysDigest;
        try {
            vks = keys.keys();
            keysDigest = keys.digest();
        } catch (dev.zkscope.api.ArtifactFiles.FormatException e) {
            throw new IllegalStateException("a segment key does not decode: " + e.getMessage(), e);
        }
        Bundle bundle = assemble(keys, vks, keysDigest, parts);
        byte[] bytes = bundle.encode();
        BundleVerifier.Result verdict = listener.timed("verify", () -> BundleVerifier.verify(keys, vks, bytes));
        return new Result(plan, parts, keys, bytes, verdict, System.nanoTime() - t0, resumed, linkCommitNanos);
    }

    /**
     * Proves the plan's smallest segment once and discards the proof, so that the segments proved next run as the
     * cost model predicts them, on a warm JVM: a calibration proof alone leaves the model circuits' own paths cold
     * (the Poseidon2 link gates' constant products, multi-column lookups), and the first segment of a run measured
     * 43-50% over its prediction (LeNet-5's and ResNet-8's, 2026-12-05). Fresh salts, the run's real input values;
     * nothing of it is kept.
     */
    public static WarmUp warmUp(Request r, BooleanSupplier cancelled) {
        SegmentPlan plan = r.plan();
        int k = 0;
        for (int i = 1; i < plan.count(); i++) {
            if (plan.segment(i).estimatedRows() < plan.segment(k).estimatedRows()) {
                k = i;
            }
        }
        long t0 = System.nanoTime();
        long[][] tensors = r.model().evaluate(r.input());
        LinkTable.Site site = LinkTable.of(plan).site(k);
        SecureRandom rnd = new SecureRandom();
        long[][] in = new long[k == 0 ? 1 : site.inFromSegment().length][];
        long[][] out = new long[k == plan.count() - 1 ? 1 : site.outSizes().length][];
        for (long[][] salts : new long[][][] {in, out}) {
            for (int j = 0; j < salts.length; j++) {
                salts[j] = Salts.fresh(rnd);
            }
        }
        byte[] seed = new byte[32];
        rnd.nextBytes(seed);
        SegmentProver.Job job = new SegmentProver.Job(k, SegmentProver.inputOf(tensors, plan.segment(k)), in, out,
                seed, plan.count() == 1 ? null : new long[] {Goldilocks.fromSigned(rnd.nextLong() >>> 1), 1}, null);
        SegmentProver.prove(r.model(), r.model().bounds(), plan, r.ctx(), job, PhaseListener.NONE, null, cancelled,
                t0);
        return new WarmUp(k, (System.nanoTime() - t0) / 1e9, tensors);
    }

    /**
     * What {@link #warmUp} did: the segment it proved, the seconds it took, and the model's evaluation on the
     * request's input, which {@link #run(Request, long[][], PhaseListener, CostModel, BooleanSupplier, Progress,
     * Runner)} takes instead of evaluating the model again.
     */
    public record WarmUp(int segment, double seconds, long[][] tensors) { }

    /** Removes the finished segments kept for --resume (once the bundle is written): they hold secret salts. */
    public static void clearParts(Path partsDir) {
        new PartsStore(partsDir).clear();
    }

    /**
     * The job of segment i: its input values and its salts (per input group, the salt of the boundary it comes from;
     * per output group, the salt of the boundary it makes; the model's own at the ends).
     */
    public static SegmentProver.Job job(SegmentPlan plan, LinkTable table, PartsStore.Manifest manifest, int i,
                                        long[] input) {
        LinkTable.Site site = table.site(i);
        long[][] in;
        if (i == 0) {
            in = new long[][] {manifest.inputSalt()};
        } else {
            int[] fs = site.inFromSegment();
            int[] fg = site.inFromGroup();
            in = new long[fs.length][];
            for (int h = 0; h < fs.length; h++) {
                in[h] = manifest.boundarySalts().get(table.boundary(fs[h], fg[h]));
            }
        }
        long[][] out;
        if (i == plan.count() - 1) {
            out = new long[][] {manifest.outputSalt()};
        } else {
            out = new long[site.outSizes().length][];
            for (int g = 0; g < out.length; g++) {
                out[g] = manifest.boundarySalts().get(table.boundary(i, g));
            }
        }
        return new SegmentProver.Job(i, input, in, out, seed(manifest, i));
    }

    /**
     * Segment i's secret seed for its committed link columns' randomness: SHA-256 of the run's boundary salts (fresh
     * per run, kept with the finished segments for --resume) and i, so a resumed run commits the same columns to the
     * same roots, and no two runs share a seed.
     */
    static byte[] seed(PartsStore.Manifest manifest, int i) {
        MessageDigest md = Hashing.newDigest();
        md.update("zkscope segment link seed".getBytes(StandardCharsets.UTF_8));
        for (long[] salt : manifest.boundarySalts()) {
            md.update(PartsStore.sha256(salt));
        }
        md.update(PartsStore.sha256(manifest.outputSalt()));
        md.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
        return md.digest();
    }

    /** The bundle of proved segments: header from the keys, one link per boundary (its producer's fingerprint). */
    public static Bundle assemble(KeyBundle keys, List<VerifyingKey> vks, byte[] keysDigest,
                                  List<SegmentProver.Proved> parts) {
        List<Bundle.Part> bp = new ArrayList<>();
        List<long[]> links = new ArrayList<>();
        LinkTable table = keys.links();
        for (int i = 0; i < parts.size(); i++) {
            SegmentProver.Proved p = parts.get(i);
            bp.add(new Bundle.Part(p.logN(), p.key().usedRows(), vks.get(i).circuitDigest(), p.publicValues(),
                    p.proof()));
            for (int g = 0; g < table.site(i).outSizes().length; g++) {
                links.add(BundleVerifier.linkAt(p.publicValues(), table.outAt(i, p.key().keyFile(), g)));
            }
        }
        return new Bundle(keys.model(), keysDigest, bp, links);
    }

    /** The run's manifest with fresh salts (or the request's salts for the model's input and output). */
    private static PartsStore.Manifest manifest(Request r, Void unused) {
        SecureRandom rnd = new SecureRandom();
        SegmentPlan plan = r.plan();
        int[][] cuts = new int[plan.count()][];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = new int[] {plan.segment(i).fromStep(), plan.segment(i).toStep()};
        }
        List<long[]> salts = new ArrayList<>();
        for (int b = LinkTable.of(plan).boundaries(); b > 0; b--) {
            salts.add(Salts.fresh(rnd));
        }
        return new PartsStore.Manifest(fingerprint(r), PartsStore.sha256(r.input()), cuts,
                r.inputSalt() != null ? r.inputSalt() : Salts.fresh(rnd),
                r.outputSalt() != null ? r.outputSalt() : Salts.fresh(rnd), salts);
    }

    /** SHA-256 of the model's layer IR (its steps' layers, tensor sizes, weights) and the settings. */
    static byte[] fingerprint(Request r) {
        MessageDigest md = Hashing.newDigest();
        QModel m = r.model();
        StringBuilder sb = new StringBuilder(m.name()).append('|').append(m.tensorCount()).append('|')
                .append(r.ctx()).append('|').append(r.plan().logBudget());
        for (SegmentPlan.Segment s : r.plan().segments()) {
            if (s.isPart()) {
                // the parts of a split layer share their steps: their output ranges tell them apart
                sb.append("|part:").append(s.index()).append(':').append(s.partFrom()).append(':').append(s.partTo());
            }
        }
        for (Step s : m.steps()) {
            sb.append('|').append(s.layer()).append(':').append(s.size());
        }
        md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        md.update(PartsStore.sha256(ModelCompiler.weightsMessage(m)));
        // the salts of a hashed model input/output given by the caller are part of what is proved
        if (r.inputSalt() != null) {
            md.update(PartsStore.sha256(r.inputSalt()));
        }
        if (r.outputSalt() != null) {
            md.update(PartsStore.sha256(r.outputSalt()));
        }
        return md.digest();
    }

    /** A digest in hex, as the CLI prints commitments. */
    public static String hex(long[] digest) {
        return digest == null ? null : Poseidon2.hex(digest);
    }

    static long canonical(long signed) {
        return Goldilocks.fromSigned(signed);
    }
}
