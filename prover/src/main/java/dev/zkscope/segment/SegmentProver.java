package dev.zkscope.segment;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.PhaseRecorder;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelViolation;
import dev.zkscope.compile.ModelWitness;
import dev.zkscope.compile.Salts;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Proves one segment of a plan, given its input values, its salts, its seed and the run's link challenge: compile,
 * keygen, witness, check, prove. The segment's circuit fingerprints what enters it (each input group, masked by its
 * boundary's salt) and what leaves it (each output group) at the link challenge gamma, in columns committed apart
 * ({@code LinkGadget}); gamma and the fingerprints are public values. The first segment takes the model's input and
 * the last gives the model's output at the model's own visibility. A first pass ({@link #precommit}) gives each
 * segment's committed root, from which the driver draws gamma ({@link LinkChallenge}); after that nothing here
 * depends on the other segments, so segments are proved in any order, in parallel or on other machines ({@link Job}
 * is plain data).
 */
public final class SegmentProver {
    private SegmentProver() {}

    /**
     * What proving segment {@code index} needs besides the model and the plan.
     *
     * @param index    the segment
     * @param input    its input values, concatenated in the plan's order (signed integers)
     * @param saltsIn  salts of its input groups, one per group (each its producer's boundary salt); for the first
     *                 segment one: the model input's salt
     * @param saltsOut salts of its output groups, one per boundary it makes; for the last segment one: the model
     *                 output's salt
     */
    public record Job(int index, long[] input, long[][] saltsIn, long[][] saltsOut, byte[] seed, long[] gamma,
                      byte[] linkRoot) implements Serializable {
        /** A job before the link challenge is drawn (what {@link #precommit} takes). */
        public Job(int index, long[] input, long[][] saltsIn, long[][] saltsOut, byte[] seed) {
            this(index, input, saltsIn, saltsOut, seed, null, null);
        }

        /** This job with the run's link challenge and the root its precommit computed. */
        public Job withLinks(long[] g, byte[] root) {
            return new Job(index, input, saltsIn, saltsOut, seed, g, root);
        }
    }

    /** What {@link #precommit} computed: the segment's trace height and its committed link columns' root. */
    public record Precommitted(int logN, byte[] root) {
    }

    /**
     * The first pass of a segmented proof, before the link challenge: compiles segment {@code job.index()}, fills its
     * witness (the link columns do not depend on gamma, so any stands in) and computes the root that its seeded proof
     * will publish for its separately committed link columns ({@link ProofSystem#precommit}). No keygen, no proof.
     * A segment without link groups (a one-segment plan) has an empty root.
     */
    public static Precommitted precommit(QModel model, long[] bounds, SegmentPlan plan, Context ctx, Job job) {
        int i = job.index();
        CompiledModel cm = Segmenter.compile(model, bounds, plan, i, ctx.base());
        if (!cm.linked()) {
            return new Precommitted(cm.circuit().logN(), new byte[0]);
        }
        ModelWitness w = witness(plan, cm, job, new long[] {0, 1});
        long[][] advice = new long[cm.circuit().numAdvice()][];
        for (int c : cm.committedColumns()) {
            advice[c] = w.witness().advice()[c];
        }
        byte[] root = ProofSystem.precommit(cm.circuit(), ctx.params(), cm.committedColumns(), advice, job.seed());
        return new Precommitted(cm.circuit().logN(), root);
    }

    /** The segment's witness for a link challenge {@code gamma}. */
    private static ModelWitness witness(SegmentPlan plan, CompiledModel cm, Job job, long[] gamma) {
        int i = job.index();
        boolean first = i == 0;
        boolean last = i == plan.count() - 1;
        Salts random = Salts.random();
        Salts salts = new Salts(random.weights(), first ? job.saltsIn()[0] : random.input(),
                last ? job.saltsOut()[0] : random.output());
        long[][] inGroups = first ? null : job.saltsIn();
        long[][] outGroups = last ? null : job.saltsOut();
        return cm.witness(job.input(), salts, inGroups, outGroups, cm.linked() ? gamma : null);
    }

    /**
     * How the segments of one model are proved: the compile options of the model (its input and output visibility
     * apply at the ends), the proof parameters, and how the model's output reads.
     */
    public record Context(String model, CompileOptions base, ProofParameters params, int outputScale)
            implements Serializable {
    }

    /**
     * What proving one segment measured.
     *
     * @param timeline     phases as they ran, start relative to the segment's start
     * @param phaseNanos   wall time per phase
     * @param startNanos   when the segment started, relative to the whole run's start
     * @param totalNanos   the segment's wall time, compile to proof
     * @param proveNanos   the prover's rounds
     * @param baselineHeap heap in use (after a collection) when the prover started
     * @param peakHeap     peak heap sampled while proving
     * @param prediction   the cost model's prediction, or null
     * @param adviceColumns the circuit's advice columns
     * @param peakAfterGc  the largest heap in use right after a collection while proving, or -1 when unknown
     * @param runFactor    what the prediction's time was multiplied by ({@link RunCorrection}): learned from the run's
     *                     earlier segments, for the first segment from the last run of the model ({@link RunFactors});
     *                     1 without either
     */
    public record Measure(List<ProveRun.Phase> timeline, Map<String, Long> phaseNanos, long startNanos, long totalNanos,
                          long proveNanos, long baselineHeap, long peakHeap, CostModel.Prediction prediction,
                          int adviceColumns, long peakAfterGc, double runFactor) {
        public Measure(List<ProveRun.Phase> timeline, Map<String, Long> phaseNanos, long startNanos, long totalNanos,
                       long proveNanos, long baselineHeap, long peakHeap, CostModel.Prediction prediction,
                       int adviceColumns, long peakAfterGc) {
            this(timeline, phaseNanos, startNanos, totalNanos, proveNanos, baselineHeap, peakHeap, prediction,
                    adviceColumns, peakAfterGc, 1);
        }

        public Measure(List<ProveRun.Phase> timeline, Map<String, Long> phaseNanos, long startNanos, long totalNanos,
                       long proveNanos, long baselineHeap, long peakHeap, CostModel.Prediction prediction,
                       int adviceColumns) {
            this(timeline, phaseNanos, startNanos, totalNanos, proveNanos, baselineHeap, peakHeap, prediction,
                    adviceColumns, -1);
        }

        /** The predicted time before the run's correction, in seconds (NaN without a prediction). */
        public double uncorrectedPredictedSeconds() {
            return prediction == null ? Double.NaN : prediction.proveSeconds() / runFactor;
        }

        public long heapAboveBaseline() {
            return Math.max(0, peakHeap - baselineHeap);
        }
    }

    /**
     * A proved segment.
     *
     * @param index        the segment
     * @param key          its key entry
     * @param logN         its trace height
     * @param publicValues its public values (signed)
     * @param proof        its proof
     * @param output       its output values (signed): the boundary tensors after it, or the model's output
     * @param measure      what proving it measured, or null when it was read back from an earlier run
     */
    public record Proved(int index, KeyBundle.Entry key, int logN, long[] publicValues, byte[] proof, long[] output,
                         Measure measure) {
        public boolean resumed() {
            return measure == null;
        }
    }

    /** The segment's statement, as the key file that binds it: "MODEL#i/n", its public values' layout. */
    static ArtifactFiles.KeyFile keyFile(SegmentPlan plan, int i, CompiledModel cm, int outputScale, byte[] vk) {
        CompiledModel.PublicLayout pl = cm.publicLayout();
        int hashed = (pl.weightsDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_WEIGHTS : 0)
                | (pl.inputDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_INPUT : 0)
                | (pl.outputDigestAt() >= 0 ? ArtifactFiles.KeyFile.HASHED_OUTPUT : 0)
                | (pl.outputLinkAt() >= 0 ? ArtifactFiles.KeyFile.LINKED_OUTPUT : 0);
        int scale = i == plan.count() - 1 ? outputScale : 0;
        return new ArtifactFiles.KeyFile(Segmenter.segmentName(plan, i), pl.inputCount(), cm.model().outputShape(),
                scale, vk, hashed);
    }

    /**
     * Proves segment {@code job.index()}. {@code cancelled} is polled at every phase boundary (a
     * {@link CancellationException} then); {@code runStart} is the whole run's {@link System#nanoTime()} origin.
     */
    public static Proved prove(QModel model, long[] bounds, SegmentPlan plan, Context ctx, Job job,
                               PhaseListener listener, CostModel cost, BooleanSupplier cancelled, long runStart) {
        return prove(model, bounds, plan, ctx, job, listener, cost, 1, cancelled, runStart);
    }

    /**
     * As {@link #prove(QModel, long[], SegmentPlan, Context, Job, PhaseListener, CostModel, BooleanSupplier, long)},
     * the predicted time multiplied by {@code runFactor} ({@link RunCorrection#factor()}).
     */
    public static Proved prove(QModel model, long[] bounds, SegmentPlan plan, Context ctx, Job job,
                               PhaseListener listener, CostModel cost, double runFactor, BooleanSupplier cancelled,
                               long runStart) {
        if (!(runFactor > 0) || Double.isInfinite(runFactor)) {
            throw new IllegalArgumentException("run factor " + runFactor);
        }
        CostModel segmentCost = cost == null || runFactor == 1 ? cost : cost.scaled(runFactor);
        int i = job.index();
        long t0 = System.nanoTime();
        // An interrupt of the thread that starts a phase cancels a segment too.
        BooleanSupplier stop = () -> (cancelled != null && cancelled.getAsBoolean())
                || Thread.currentThread().isInterrupted();
        PhaseRecorder clock = new PhaseRecorder(listener, stop, t0);
        try (HeapSampler heap = new HeapSampler(10)) {
            heap.start();
            CompiledModel cm = clock.timed("compile", () -> Segmenter.compile(model, bounds, plan, i, ctx.base()));
            // The statement is the key file's: keygen binds it, so a segment's key names its position.
            ArtifactFiles.KeyFile proto = keyFile(plan, i, cm, ctx.outputScale(), new byte[0]);
            ProvingKey pk = ProofSystem.keygen(cm.circuit(), ctx.params(), cm.committedColumns(), proto.statement(),
                    clock);
            if (cm.linked() && (job.gamma() == null || job.seed() == null)) {
                throw new IllegalArgumentException(plan.describe(i) + " has link groups: its job needs the run's link "
                        + "challenge and its seed (SegmentedProof draws them)");
            }
            ModelWitness w = clock.timed("witness", () -> witness(plan, cm, job, job.gamma()));
            List<ModelViolation> violations = clock.timed("check", () -> cm.check(w.witness()));
            if (!violations.isEmpty()) {
                throw new IllegalStateException(plan.describe(i) + ": " + violations.size()
                        + " constraint violation(s); first: " + violations.get(0));
            }
            CostModel.Prediction prediction = segmentCost == null ? null
                    : segmentCost.predict(ProofShape.of(cm.circuit(), ctx.params()));
            long baseline = CostModel.usedAfterGc();
            heap.restartPeak();
            long p0 = System.nanoTime();
            Proof proof = ProofSystem.prove(pk, w.witness(), clock, cm.linked() ? job.seed() : null);
            long proveNanos = System.nanoTime() - p0;
            if (job.linkRoot() != null && !Arrays.equals(proof.publicCommitment(), job.linkRoot())) {
                throw new IllegalStateException(plan.describe(i) + ": its proof commits its link columns to another "
                        + "root than its first pass did (the witness is not deterministic)");
            }
            long peak = heap.peakNow();
            long peakAfterGc = heap.peakAfterGc();
            byte[] bytes = proof.toBytes();
            ArtifactFiles.KeyFile kf = keyFile(plan, i, cm, ctx.outputScale(), pk.verifyingKey().toBytes());
            int used = Math.max(cm.ledger().gadgetRows(), cm.ledger().tableRows());
            int linkRows = rowsOf(cm, dev.zkscope.compile.ModelCompiler.LINK_INPUT)
                    + rowsOf(cm, dev.zkscope.compile.ModelCompiler.LINK_OUTPUT);
            long total = System.nanoTime() - t0;
            Measure m = new Measure(clock.timeline(), clock.phases(), t0 - runStart, total, proveNanos, baseline, peak,
                    prediction, cm.circuit().numAdvice(), peakAfterGc, segmentCost == null ? 1 : runFactor);
            return new Proved(i, new KeyBundle.Entry(kf, used, linkRows, plan.segment(i).span()),
                    cm.circuit().logN(), w.publicValues(), bytes, w.output(), m);
        }
    }

    private static int rowsOf(CompiledModel cm, String layer) {
        int r = 0;
        for (dev.zkscope.compile.LayerCost l : cm.ledger().layers()) {
            if (l.layer().equals(layer)) {
                r += l.rows();
            }
        }
        return r;
    }

    /**
     * The input values of segment i: its input tensors' values from the model's integer evaluation (the range it takes
     * of each), concatenated, then
     * (the model's last part of a split layer) the outputs the parts before it made.
     */
    static long[] inputOf(long[][] tensors, SegmentPlan.Segment s) {
        long[] partial = s.partialIn() > 0 ? Arrays.copyOf(tensors[s.partTensor()], s.partialIn()) : new long[0];
        int[] ins = s.inputs();
        int[] from = s.inFrom();
        int[] to = s.inTo();
        long[] out = new long[Math.toIntExact(s.inputValues(t -> tensors[t].length))];
        int off = 0;
        for (int k = 0; k < ins.length; k++) {
            System.arraycopy(tensors[ins[k]], from[k], out, off, to[k] - from[k]);
            off += to[k] - from[k];
        }
        System.arraycopy(partial, 0, out, off, partial.length);
        return out;
    }

    /** Its output values: its output tensors (a part that does not give its tensor whole: its own outputs). */
    static long[] outputOf(long[][] tensors, SegmentPlan.Segment s) {
        return concat(tensors, s.outputs(), s.givesWhole() ? -1 : s.partTensor(),
                s.givesWhole() ? new long[0] : Arrays.copyOfRange(tensors[s.partTensor()], s.partFrom(), s.partTo()));
    }

    /** The tensors' values in order, {@code replaced} by {@code replacement}, then {@code tail} (when not replaced). */
    private static long[] concat(long[][] tensors, int[] ids, int replaced, long[] extra) {
        long n = replaced >= 0 ? 0 : extra.length;
        for (int t : ids) {
            n += t == replaced ? extra.length : tensors[t].length;
        }
        long[] out = new long[Math.toIntExact(n)];
        int off = 0;
        for (int t : ids) {
            long[] v = t == replaced ? extra : tensors[t];
            System.arraycopy(v, 0, out, off, v.length);
            off += v.length;
        }
        if (replaced < 0) {
            System.arraycopy(extra, 0, out, off, extra.length);
        }
        return out;
    }

    /** Checks the witness's output against the model's evaluation (the gadgets must compute the steps' semantics). */
    static void requireOutput(SegmentPlan plan, Proved p, long[] expected) {
        if (!Arrays.equals(p.output(), expected)) {
            throw new IllegalStateException(plan.describe(p.index()) + ": the circuit's output differs from the "
                    + "model's integer evaluation");
        }
    }
}
