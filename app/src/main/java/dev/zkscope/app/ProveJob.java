package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.segment.SegmentPlan;
import dev.zkscope.segment.SegmentProver;
import dev.zkscope.segment.SegmentedProof;
import dev.zkscope.viz.run.PhaseTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One proof run on a worker thread, through the prover's {@link Pipeline#prove}: witness generation on the model's
 * sample input, the mock-prover check, key generation (only the first time an analysis is proved: the key stays in
 * its {@link Pipeline.Prepared}), the prover's rounds and verification. This class only adapts the run to the window:
 * each phase goes to a listener as it starts and ends (on the run's clock), the heap is sampled throughout into a
 * sampler the window reads live, and cancellation (the flag, or an interrupt) is honoured at every phase boundary.
 */
final class ProveJob {
    /** The phases in order, for the progress bar; the prover's rounds are named by the prover. */
    static final List<String> PHASES = List.of("witness", "check", "keygen", "witness commit", "permutation",
            "lookups", "quotient", "openings", "fri", "verify");

    private final Analysis analysis;
    private final int id;
    private final Consumer<PhaseTime> onPhase;
    private final BooleanSupplier cancelled;
    private final HeapSampler heap = new HeapSampler(20);
    private final Forecast forecast;
    private final boolean keyReady;
    private volatile long t0 = System.nanoTime();
    private volatile Hold hold;
    /** The input to prove, chosen in the Inputs view; null: the model's default ({@link #input(Path, Graph)}). */
    private final Input chosen;

    /**
     * Holds the prover at the start of a named phase until released (screenshots of a run in progress: the picture
     * then shows that phase running, whatever the machine's speed). Cancel releases it.
     */
    record Hold(String phase, int occurrence, java.util.concurrent.atomic.AtomicInteger seen,
                java.util.concurrent.CountDownLatch reached, java.util.concurrent.CountDownLatch release) {
        Hold(String phase) {
            this(phase, 1);
        }

        /** At the start of the {@code occurrence}-th phase named {@code phase} (in segments, each has its own). */
        Hold(String phase, int occurrence) {
            this(phase, occurrence, new java.util.concurrent.atomic.AtomicInteger(),
                    new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.CountDownLatch(1));
        }

        boolean holdsAt(String started) {
            return phase.equals(started) && seen.incrementAndGet() == occurrence;
        }
    }

    void holdAt(Hold h) {
        hold = h;
    }

    /** The phase of a segmented run that proves the model's smallest segment once, discarded (JIT warm-up). */
    static final String WARM_UP = "warm-up";

    /**
     * The phase of a segmented run that commits every segment's link columns before the link challenge is drawn (the
     * links' first pass, docs/segments.md).
     */
    static final String LINK_COMMIT = "link commit";

    /** Models whose segmented run has warmed the JIT in this app session (see {@link #WARM_UP}). */
    private static final java.util.Set<String> WARMED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Forgets which models were warmed, so that a test sees a session's first segmented run. */
    static void forgetWarmUps() {
        WARMED.clear();
    }

    /** Proving in segments: null or off proves the whole circuit at once. */
    private SegmentBudget budget;
    private java.util.function.Supplier<dev.zkscope.predict.CostModel> costModel = () -> null;
    private Consumer<SegmentEvent> onSegment = e -> { };

    /**
     * A segmented run's news, from the proving thread: the plan ({@code index} -1), a segment started
     * ({@code proved} null), or a segment finished.
     */
    record SegmentEvent(SegmentPlan plan, int index, SegmentProver.Proved proved) {}

    /**
     * Proves in segments of at most the budget's rows ({@link SegmentedProof}, as {@code prove --max-rows}), each
     * segment's prediction from {@code cost} (null: none); {@code events} hears the plan and each segment.
     */
    void inSegments(SegmentBudget b, java.util.function.Supplier<dev.zkscope.predict.CostModel> cost,
                    Consumer<SegmentEvent> events) {
        budget = b;
        costModel = cost;
        onSegment = events;
    }

    /** Whether this job proves in segments. */
    boolean segmented() {
        return budget != null && !budget.off();
    }

    ProveJob(Analysis analysis, int id, Forecast forecast, Consumer<PhaseTime> onPhase, BooleanSupplier cancelled) {
        this(analysis, id, forecast, onPhase, cancelled, null);
    }

    /** Proving {@code chosen} (null: the model's default input). */
    ProveJob(Analysis analysis, int id, Forecast forecast, Consumer<PhaseTime> onPhase, BooleanSupplier cancelled,
             Input chosen) {
        this.chosen = chosen;
        if (analysis.prepared() == null) {
            throw new IllegalArgumentException("the model is not compiled: " + analysis.problem());
        }
        this.forecast = forecast;
        this.analysis = analysis;
        this.id = id;
        this.onPhase = onPhase;
        this.cancelled = cancelled;
        this.keyReady = analysis.prepared().hasProvingKey();
    }

    HeapSampler heap() {
        return heap;
    }

    /** Whether the proving key was derived by an earlier run when this job was made: then there is no keygen. */
    boolean keyReused() {
        return keyReady;
    }

    /** The phases this run reports, in order: {@link #PHASES}, without keygen when the key is reused. */
    List<String> expectedPhases() {
        if (!keyReady) {
            return PHASES;
        }
        List<String> p = new ArrayList<>(PHASES);
        p.remove("keygen");
        return p;
    }

    /** Milliseconds since the run started. */
    double elapsed() {
        return (System.nanoTime() - t0) / 1e6;
    }

    CompletedRun run() {
        Input input = chosen != null ? chosen : input(analysis.session().file(), analysis.session().graph());
        List<FlameSpan> spans = new ArrayList<>();
        PhaseListener live = new PhaseListener() {
            private final Map<String, Double> starts = new HashMap<>();
            /** The phases started and not yet finished, innermost last: a step nests under the last. */
            private final java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();

            @Override
            public void phaseStarted(String phase) {
                double start = elapsed();
                synchronized (starts) {
                    starts.put(phase, start);
                    open.addLast(phase);
                }
                onPhase.accept(new PhaseTime(phase, start, -1));
                Hold h = hold;
                if (h != null && h.holdsAt(phase)) {
                    h.reached().countDown();
                    try {
                        while (!h.release().await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                            if (isCancelled()) {
                                return;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    // The prover times the phase from here: so does the flame chart (its steps stay inside it).
                    synchronized (starts) {
                        starts.put(phase, elapsed());
                    }
                }
            }

            @Override
            public void phaseFinished(String phase, long nanos) {
                // A phase spans from its phaseStarted to now, as the prover's timeline does: the prover's own
                // nanos start after the listeners of phaseStarted ran, so start + nanos can end before the phase's
                // last step did when those listeners are slow (a loaded machine).
                double end = elapsed();
                Double start;
                double begin;
                synchronized (starts) {
                    start = starts.remove(phase);
                    open.removeLastOccurrence(phase);
                    begin = start != null ? start : end - nanos / 1e6;
                    spans.add(new FlameSpan(phase, open.peekLast(), open.size(), begin, end - begin));
                }
                onPhase.accept(new PhaseTime(phase, begin, end - begin));
            }

            @Override
            public void step(String name, long startNanoTime, long nanos) {
                synchronized (starts) {
                    spans.add(new FlameSpan(name, open.peekLast(), open.size(), (startNanoTime - t0) / 1e6,
                            nanos / 1e6));
                }
            }
        };
        t0 = System.nanoTime();
        dev.zkscope.api.ProveRun r;
        GcWatcher gc = new GcWatcher(t0);
        if (segmented()) {
            try {
                return runSegmented(input, live, spans, gc);
            } finally {
                gc.close();
            }
        }
        try {
            r = Pipeline.prove(analysis.prepared(), List.of(input.tensor()), live, null, this::isCancelled, heap);
        } catch (BadInputException e) {
            throw new IllegalStateException("The proved input (" + input.source() + ") does not fit the compiled "
                    + "circuit: " + e.getMessage() + ". In the app, the circuit's input domain covers the calibration "
                    + "inputs: calibrate on inputs like this one (Inputs tab, calibration set), or put them in "
                    + stem(analysis.session().file()) + ".testset.json beside the model.", e);
        } catch (Pipeline.ConstraintViolationException e) {
            throw new IllegalStateException("the witness violates " + e.violations().size() + " constraint(s), first: "
                    + e.violations().get(0) + "; this is a compiler bug, please report it with the model", e);
        } finally {
            gc.close();
        }
        List<PhaseTime> phases = new ArrayList<>();
        for (dev.zkscope.api.ProveRun.Phase p : r.timeline()) {
            phases.add(new PhaseTime(p.name(), p.startMillis(), p.millis()));
        }
        return new CompletedRun(id, analysis.session().displayName(), analysis.settings(), r.logN(),
                analysis.compiled().ledger().gadgetRows(), phases, r.keygenNanos() / 1e6, r.proveNanos() / 1e6,
                r.verifyNanos() / 1e6, r.baselineHeap(), r.peakHeap(), r.heapSamples(), r.proof(), r.verifyingKey(), r.publicValues(),
                r.output(), r.verdict(), input.source(),
                forecast == null ? null : forecast.atBaseline(r.baselineHeap()), r.keyReused(), flame(spans),
                gc.events());
    }

    /**
     * The model proved in segments, as {@code prove --max-rows} does: the layer IR of the analysis' calibrated model,
     * measured and cut by {@link dev.zkscope.segment.Segmenter}, each segment proved in turn by {@link SegmentedProof}
     * (its phases nested under a "segment i/n" phase), the bundle verified as a verifier does. Finished segments are
     * kept in a temporary directory only while the run lasts (they hold secret salts).
     */
    private CompletedRun runSegmented(Input input, PhaseListener live, List<FlameSpan> spans, GcWatcher gc) {
        Pipeline.Prepared p = analysis.prepared();
        if (p.settings().compile().weights() == dev.zkscope.compile.CompileOptions.Visibility.HASHED) {
            throw new IllegalStateException("Proving in segments with hashed weights is not supported yet (each segment "
                    + "would publish its own weights commitment): set Weights visibility to fixed, or Max rows per "
                    + "segment to off, in Settings.");
        }
        // The heap from the run's start, as the whole-circuit run samples it: one time axis with the phases. Before
        // the cost model, whose first use calibrates it (seconds to minutes), so that the heap is not drawn shifted
        // left of the phases by that long (a test JVM's first segmented run was 1.3 s off).
        heap.start();
        try {
            dev.zkscope.predict.CostModel cost = costModel.get();
            return provedInSegments(p, cost, input, live, spans, gc);
        } finally {
            heap.close();
        }
    }

    private CompletedRun provedInSegments(Pipeline.Prepared p, dev.zkscope.predict.CostModel cost, Input input,
                                          PhaseListener live, List<FlameSpan> spans, GcWatcher gc) {
        dev.zkscope.compile.model.QModel model = live.timed("lower",
                () -> dev.zkscope.compile.ModelCompiler.lower(p.quantized(), p.settings().compile()));
        dev.zkscope.segment.SegmentSetup setup = new dev.zkscope.segment.SegmentSetup(p.name(), p.calibration(),
                p.settings(), model);
        long[] q;
        try {
            q = setup.quantizeInput(List.of(input.tensor()));
        } catch (BadInputException e) {
            throw new IllegalStateException("The proved input (" + input.source() + ") does not fit the compiled "
                    + "circuit: " + e.getMessage(), e);
        }
        dev.zkscope.segment.Segmenter.Measured measured = live.timed("plan", () -> dev.zkscope.segment.Segmenter
                .measure(model, p.settings().compile(), p.settings().params(), PhaseListener.NONE));
        int logBudget = budget.logBudget();
        SegmentPlan plan = null;
        String choice = null;
        try {
            if (budget.auto()) {
                if (cost == null) {
                    throw new IllegalStateException("Max rows per segment \"auto\" needs the cost model's prediction, "
                            + "which is not ready: choose 2^k rows in Settings.");
                }
                long free = Runtime.getRuntime().maxMemory() - dev.zkscope.predict.CostModel.usedAfterGc();
                dev.zkscope.segment.Segmenter.BudgetChoice c = dev.zkscope.segment.Segmenter.chooseBudget(measured,
                        cost, p.settings().params(), free);
                logBudget = c.logBudget();
                choice = c.describe();
                plan = c.chosen().plan();
            }
            if (plan == null) {
                plan = dev.zkscope.segment.Segmenter.plan(measured, logBudget);
            }
        } catch (dev.zkscope.compile.CompileException e) {
            throw new IllegalStateException("Max rows per segment (Settings) " + budget + ": "
                    + e.getMessage().replace("--max-rows", "max rows per segment"), e);
        }
        onSegment.accept(new SegmentEvent(plan, -1, null));
        java.nio.file.Path parts;
        try {
            parts = Files.createTempDirectory("zkscope-segments");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make a temporary directory for the segments", e);
        }
        int n = plan.count();
        SegmentedProof.Progress progress = new SegmentedProof.Progress() {
            @Override
            public void segmentStarted(SegmentPlan pl, int i) {
                onSegment.accept(new SegmentEvent(pl, i, null));
                live.phaseStarted(SegmentedRun.name(i, n));
            }

            @Override
            public void linksCommitting(SegmentPlan pl) {
                live.phaseStarted(LINK_COMMIT);
            }

            @Override
            public void linksCommitted(SegmentPlan pl, long nanos) {
                live.phaseFinished(LINK_COMMIT, nanos);
            }

            @Override
            public void segmentFinished(SegmentPlan pl, SegmentProver.Proved proved) {
                live.phaseFinished(SegmentedRun.name(proved.index(), n), proved.measure() == null ? 0
                        : proved.measure().totalNanos());
                onSegment.accept(new SegmentEvent(pl, proved.index(), proved));
            }
        };
        SegmentedProof.Request request = new SegmentedProof.Request(model, plan, setup.context(), q, null, null,
                parts, false);
        SegmentedProof.Result r;
        try {
            long[][] evaluated = null;
            if (cost != null && n > 1 && !WARMED.contains(p.name())) {
                // As prove --max-rows does: the model's smallest segment once, discarded, so that the segments
                // measured next run on code the JIT has compiled, as their predictions assume (a cold first segment
                // measured 43-50% over its prediction). Once per model and app session: the JIT stays warm. Its
                // evaluation of the model on the input is the run's.
                evaluated = live.timed(WARM_UP, () -> SegmentedProof.warmUp(request, this::isCancelled)).tensors();
                WARMED.add(p.name());
            }
            r = SegmentedProof.run(request, evaluated, live, cost, this::isCancelled, progress, null);
        } finally {
            SegmentedProof.clearParts(parts);
            try {
                Files.deleteIfExists(parts);
            } catch (java.io.IOException e) {
                // an empty temporary directory left behind: nothing secret in it
            }
        }
        if (!(r.verdict() instanceof dev.zkscope.segment.BundleVerifier.Accepted acc)) {
            throw new IllegalStateException("the fresh bundle did not verify: "
                    + ((dev.zkscope.segment.BundleVerifier.Rejected) r.verdict()).error().describe()
                    + "; this is a prover bug, please report it with the model");
        }
        List<dev.zkscope.plonk.VerifyingKey> vks;
        try {
            vks = r.keys().keys();
        } catch (dev.zkscope.api.ArtifactFiles.FormatException e) {
            throw new IllegalStateException("a segment key does not decode: " + e.getMessage(), e);
        }
        List<FlameSpan> flame = flame(spans);
        List<SegmentedRun.Segment> segs = new ArrayList<>();
        double keygen = 0;
        double prove = 0;
        long peak = 0;
        long baseline = 0;
        int logN = 0;
        int used = 0;
        for (SegmentProver.Proved s : r.parts()) {
            SegmentProver.Measure m = s.measure();
            Map<String, Double> ph = new java.util.LinkedHashMap<>();
            m.phaseNanos().forEach((k, v) -> ph.put(k, v / 1e6));
            Forecast f = m.prediction() == null ? null : new Forecast(m.prediction().proveSeconds(),
                    m.prediction().peakHeapBytes(m.baselineHeap()), cost.origin(),
                    m.prediction().heapBytesAboveBaseline(), m.prediction().phaseSeconds(), cost.timeSpread());
            segs.add(new SegmentedRun.Segment(s.index(), SegmentedRun.name(s.index(), n), s.key().span(), s.logN(),
                    s.key().usedRows(), s.key().linkRows(), m.adviceColumns(), s.proof().length,
                    segmentStart(flame, SegmentedRun.name(s.index(), n)), m.totalNanos() / 1e6,
                    m.proveNanos() / 1e6, m.baselineHeap(), m.peakHeap(), ph, f));
            keygen += ph.getOrDefault("keygen", 0.0);
            prove += m.proveNanos() / 1e6;
            if (m.peakHeap() - m.baselineHeap() >= peak - baseline) {
                peak = m.peakHeap();
                baseline = m.baselineHeap();
            }
            logN = Math.max(logN, s.logN());
            used += s.key().usedRows();
        }
        SegmentedRun seg = new SegmentedRun(plan, r.keys(), vks, segs, choice);
        List<PhaseTime> phases = new ArrayList<>();
        for (FlameSpan s : flame) {
            // the run's phases and each segment's: what the classic timeline and the runs table sum by name
            if (s.depth() == 0 && !SegmentedRun.isSegment(s.name()) || s.depth() == 1
                    && SegmentedRun.isSegment(s.parent())) {
                phases.add(new PhaseTime(s.name(), s.startMillis(), s.millis()));
            }
        }
        SegmentProver.Proved lastPart = r.parts().get(r.parts().size() - 1);
        long[] output = acc.output() != null ? acc.output() : r.output();
        return new CompletedRun(id, analysis.session().displayName(), analysis.settings(), logN, used, phases, keygen,
                prove, acc.totalVerifyNanos() / 1e6, baseline, peak, heap.samples(), r.bundle(),
                vks.get(vks.size() - 1), lastPart.publicValues(), output,
                new dev.zkscope.plonk.VerifyResult.Accepted(), input.source(), seg.forecast(), false, flame,
                gc.events(), seg);
    }

    private static double segmentStart(List<FlameSpan> flame, String name) {
        for (FlameSpan s : flame) {
            if (s.depth() == 0 && s.name().equals(name)) {
                return s.startMillis();
            }
        }
        return 0;
    }

    /** The spans in start order, each parent before its steps (the order the flame chart draws them). */
    private static List<FlameSpan> flame(List<FlameSpan> spans) {
        List<FlameSpan> out;
        synchronized (spans) {
            out = new ArrayList<>(spans);
        }
        out.sort(java.util.Comparator.comparingDouble(FlameSpan::startMillis).thenComparingInt(FlameSpan::depth));
        return out;
    }

    private boolean isCancelled() {
        return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
    }

    /** An input to prove and how it is named wherever a run is shown ("test input #3 (label 7)", a file name). */
    record Input(Tensor tensor, String source) {}

    private static String stem(Path model) {
        return Pipeline.modelName(model);
    }

    /** The model's sibling NAME.input.json (EZKL format) if it fits, else the first seeded synthetic input. */
    static Input input(Path model, Graph g) {
        Path p = model.resolveSibling(stem(model) + ".input.json");
        if (Files.isRegularFile(p)) {
            try {
                return new Input(InputFiles.readInput(p, g).get(0), p.getFileName().toString());
            } catch (InputFileException e) {
                // Does not fit this model (another batch size): fall back to a synthetic input.
            }
        }
        return new Input(InputFiles.synthetic(g, 1, 1).get(0).get(0), "a seeded synthetic input");
    }
}
