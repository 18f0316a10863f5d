package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.predict.CostModel;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.viz.run.PhaseTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.util.Duration;

/**
 * Proving, verifying and the tamper demo for the open model: a background proof run with progress by phase, live
 * phases and heap samples, Cancel (which leaves the model and earlier runs untouched), the verifier's answer, and
 * the history of runs.
 */
public final class ProveViewModel {
    private static final Logger LOG = Logger.getLogger("zkscope");

    /** The verifier's answer as shown: accepted or rejected, with what was verified and why it failed. */
    public record Verdict(boolean accepted, String headline, String detail) {}

    private final Executor executor;
    private final Notifier notifier;
    private final Supplier<Analysis> analysis;
    private final ReadOnlyObjectProperty<Analysis> analysisProperty;
    private final ReadOnlyObjectWrapper<Forecast> forecast = new ReadOnlyObjectWrapper<>(this, "forecast");
    private long forecastGeneration;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper phase = new ReadOnlyStringWrapper(this, "phase", "");
    private final ReadOnlyObjectWrapper<CompletedRun> last = new ReadOnlyObjectWrapper<>(this, "last");
    private final ReadOnlyObjectWrapper<Verdict> verdict = new ReadOnlyObjectWrapper<>(this, "verdict");
    private final ReadOnlyBooleanWrapper verifying = new ReadOnlyBooleanWrapper(this, "verifying");
    /** The input Prove proves, chosen in the Inputs view; null: the model's default input. */
    private final javafx.beans.property.ObjectProperty<ProveJob.Input> provedInput =
            new javafx.beans.property.SimpleObjectProperty<>(this, "provedInput");
    /** Max rows per segment for the next proof (Settings): off proves the whole circuit at once. */
    private final javafx.beans.property.ObjectProperty<SegmentBudget> segmentBudget =
            new javafx.beans.property.SimpleObjectProperty<>(this, "segmentBudget", SegmentBudget.OFF);
    /** The segments of the run in progress (or of the run shown), with each one's state. */
    private final ObservableList<SegmentProgress> segments = FXCollections.observableArrayList();
    /** The segment being proved, for the status line ("Segment 2/3 (layers ...): quotient..."), or null. */
    private String segmentNow;

    /**
     * One segment of a run in segments as the Prove view lists it while the run goes on.
     *
     * @param name          "segment 2/3"
     * @param span          its layers
     * @param estimatedLogN the planner's height for it
     * @param state         waiting, proving or done
     * @param proved        what proving it measured, once done
     */
    record SegmentProgress(String name, String span, int estimatedLogN, State state,
                           dev.zkscope.segment.SegmentProver.Proved proved) {
        enum State { WAITING, PROVING, DONE }
    }

    /** The run shown before the current proof started: shown again if that proof is cancelled or fails. */
    private CompletedRun previous;
    private final ObservableList<PhaseTime> phases = FXCollections.observableArrayList();
    private final ObservableList<HeapSampler.Sample> heap = FXCollections.observableArrayList();
    private final ObservableList<CompletedRun> runs = FXCollections.observableArrayList();
    private final ObservableList<RunRecord> history = FXCollections.observableArrayList();
    private final ObservableList<RunRecord> sweepRuns = FXCollections.observableArrayList();
    private final RunStore store;
    private final ReadOnlyDoubleWrapper elapsed = new ReadOnlyDoubleWrapper(this, "elapsed");
    private Task<CompletedRun> task;
    private AtomicBoolean cancelFlag;
    private Timeline poll;
    private int nextId = 1;
    private int expectedPhases = ProveJob.PHASES.size();
    private final boolean warmUpEnabled;
    private final Supplier<CostModel> costModel;
    /** The background warm-up proof in flight, if any: its cancel flag and a latch released when it has stopped. */
    private volatile WarmUp warming;
    /** Whether this JVM has made a warm-up proof (the JIT has compiled the prover): once per JVM is enough. */
    private static final AtomicBoolean JIT_WARM = new AtomicBoolean();

    private record WarmUp(AtomicBoolean cancel, java.util.concurrent.CountDownLatch stopped) {
        /** Asks the warm-up to stop at its next phase boundary and waits until it has (at most one phase). */
        void stopAndWait() {
            cancel.set(true);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public ProveViewModel(Executor executor, Notifier notifier, ReadOnlyObjectProperty<Analysis> analysis) {
        this(executor, notifier, analysis, RunStore.defaultStore());
    }

    /** With the runs of earlier sessions read from {@code store} (a damaged file is reported and set aside). */
    public ProveViewModel(Executor executor, Notifier notifier, ReadOnlyObjectProperty<Analysis> analysis,
                          RunStore store) {
        this(executor, notifier, analysis, store, false);
    }

    /**
     * @param warmUp after the first model is compiled, prove it once in the background, unreported (see
     *               {@link #warmUp(Analysis)}); the desktop app turns this on, tests that count key derivations off
     */
    public ProveViewModel(Executor executor, Notifier notifier, ReadOnlyObjectProperty<Analysis> analysis,
                          RunStore store, boolean warmUp) {
        this(executor, notifier, analysis, store, warmUp, CostModel::loadOrCalibrate);
    }

    /**
     * @param costModel where predictions come from: the desktop app's is this machine's cached (or first calibrated)
     *                  cost model; tests pass a quick calibration of their own, so that no test waits for (or runs
     *                  beside) the standard calibration's 27 proofs
     */
    public ProveViewModel(Executor executor, Notifier notifier, ReadOnlyObjectProperty<Analysis> analysis,
                          RunStore store, boolean warmUp, Supplier<CostModel> costModel) {
        this.costModel = costModel;
        this.warmUpEnabled = warmUp;
        this.store = store;
        RunStore.Loaded loaded = store.load();
        history.setAll(loaded.runs());
        for (RunRecord r : loaded.runs()) {
            nextId = Math.max(nextId, r.id() + 1);
        }
        if (loaded.problem() != null) {
            Platform.runLater(() -> notifier.error("Saved runs set aside", loaded.problem()));
        }
        this.executor = executor;
        this.notifier = notifier;
        this.analysis = analysis::get;
        this.analysisProperty = analysis;
        analysis.addListener((o, a, b) -> {
            if (b == null || a == null || b.session() != a.session()) {
                otherModel();
            }
            predict(b);
        });
    }

    /**
     * Another model is open (or none): a proof or sweep of the previous one stops, and every result of it (the last
     * run's figures and verdict, the live heap and phases, the sweep's chart) is cleared, so that no view shows one
     * model's run beside another model's circuit. The runs stay in the history.
     */
    private void otherModel() {
        boolean wasRunning = running.get() || sweepLeft > 0;
        cancelledFor = wasRunning ? "Cancelled: another model was opened. Its runs so far are in the Runs tab." : null;
        cancel();
        previous = null;
        provedInput.set(null);
        last.set(null);
        verdict.set(null);
        phases.clear();
        heap.clear();
        sweepRuns.clear();
        segments.clear();
        progress.set(0);
        elapsed.set(0);
        phase.set(wasRunning ? cancelledFor : "");
    }

    /** Why the running proof was cancelled, when not by the user (shown instead of the usual line). */
    private String cancelledFor;

    /**
     * The input the next proof of the open model proves (set by the Inputs view); null: the model's sibling
     * NAME.input.json, else a seeded synthetic input. Cleared when another model is opened.
     */
    javafx.beans.property.ObjectProperty<ProveJob.Input> provedInputProperty() {
        return provedInput;
    }

    /** The open model's analysis this view-model proves. */
    public ReadOnlyObjectProperty<Analysis> analysisProperty() {
        return analysisProperty;
    }

    /** The cost model's prediction for the open model's circuit; null until computed (or when not compiled). */
    public ReadOnlyObjectProperty<Forecast> forecastProperty() {
        return forecast.getReadOnlyProperty();
    }

    /**
     * Predicts time and memory in the background with the prover's cost model (calibrated on this machine on first
     * use, then cached), so that the figures are on screen before the user presses Prove.
     */
    private void predict(Analysis a) {
        long gen = ++forecastGeneration;
        forecast.set(null);
        if (a == null || a.compiled() == null) {
            return;
        }
        Task<Forecast> t = new Task<>() {
            @Override
            protected Forecast call() {
                // The JIT warm-up that makes measured proofs comparable with this prediction is warmUp's, after it.
                CostModel m = costModel.get();
                CostModel.Prediction p = m.predict(a.prepared().shape());
                return Forecast.of(p, m);
            }
        };
        t.setOnSucceeded(e -> {
            if (gen == forecastGeneration) {
                forecast.set(t.getValue());
                warmUp(a);
            }
        });
        t.setOnFailed(e -> LOG.log(Level.WARNING, "cost model prediction failed", t.getException()));
        executor.execute(t);
    }

    /**
     * The first proofs in a fresh JVM run while the JIT is still compiling the prover and the heap is still being
     * sized: the first two to three times slower than the cost model's prediction (and than every later proof). So,
     * once per JVM, after the first model is compiled and predicted, a few unreported proofs of it run in the
     * background ({@link Pipeline#warmUp}: a large calibration proof, then proofs of the model until two in a row
     * agree). They also derive that model's proving key, which the user's first Prove then reuses. Prove stops them at
     * the next phase boundary and waits, so that they never overlap a measured proof.
     */
    private void warmUp(Analysis a) {
        if (!warmUpEnabled || JIT_WARM.get() || warming != null || running.get() || a.compiled() == null) {
            return;
        }
        WarmUp w = new WarmUp(new AtomicBoolean(), new java.util.concurrent.CountDownLatch(1));
        warming = w;
        executor.execute(() -> {
            try {
                ProveJob.Input in = ProveJob.input(a.session().file(), a.session().graph());
                List<Double> times = Pipeline.warmUp(a.prepared(), List.of(in.tensor()), 6, w.cancel()::get, null);
                JIT_WARM.set(true);
                LOG.info("warm-up proofs of " + a.session().displayName() + " (unreported), seconds: " + times);
            } catch (java.util.concurrent.CancellationException e) {
                LOG.fine("warm-up proof stopped for a measured run");
            } catch (RuntimeException e) {
                LOG.log(Level.INFO, "warm-up proof failed; the first measured proof will include JIT compilation", e);
            } finally {
                warming = null;
                w.stopped().countDown();
            }
        });
    }

    private ProveJob.Hold nextHold;

    /**
     * The next proof stops at the start of {@code phase} until the returned hold is released (screenshots of a proof
     * in progress, tests): {@code reached()} counts down when it got there.
     */
    ProveJob.Hold holdNextProofAt(String phase) {
        return holdNextProofAt(phase, 1);
    }

    /** As {@link #holdNextProofAt(String)}, at the {@code occurrence}-th start of that phase (one per segment). */
    ProveJob.Hold holdNextProofAt(String phase, int occurrence) {
        nextHold = new ProveJob.Hold(phase, occurrence);
        return nextHold;
    }

    /** Whether a background warm-up proof is running (for tests). */
    boolean warmingUp() {
        return warming != null;
    }

    /** Whether this JVM has made its warm-up proof. */
    static boolean jitWarm() {
        return JIT_WARM.get();
    }

    /** Tests only: forget that this JVM is warm, so that the next compiled model is warmed up again. */
    static void forgetWarmUp() {
        JIT_WARM.set(false);
    }

    /**
     * Stops everything this view-model runs in the background: the proof or sweep (as Cancel does) and the warm-up
     * (at its next phase boundary, without waiting). For closing the window, and for tests between windows.
     */
    public void shutdown() {
        cancel();
        WarmUp w = warming;
        if (w != null) {
            w.cancel().set(true);
        }
        forecastGeneration++;
    }

    /** Stops a background warm-up proof, if one runs, and waits until it has stopped. */
    void stopWarmUp() {
        WarmUp w = warming;
        if (w != null) {
            w.stopAndWait();
        }
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<CompletedRun> lastProperty() {
        return last.getReadOnlyProperty();
    }

    /** Whether a verification (Verify or a tamper demo) runs. */
    public ReadOnlyBooleanProperty verifyingProperty() {
        return verifying.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Verdict> verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    /** Milliseconds since the current (or last) run started; updated live. */
    public ReadOnlyDoubleProperty elapsedProperty() {
        return elapsed.getReadOnlyProperty();
    }

    public ObservableList<PhaseTime> phases() {
        return phases;
    }

    public ObservableList<HeapSampler.Sample> heap() {
        return heap;
    }

    /** Max rows per segment: off, auto or 2^k (bound to the Settings tab's choice). */
    public javafx.beans.property.ObjectProperty<SegmentBudget> segmentBudgetProperty() {
        return segmentBudget;
    }

    /** The segments of the run in progress, or of the run shown; empty for a run of the whole circuit. */
    public ObservableList<SegmentProgress> segments() {
        return segments;
    }

    /** The proof runs of this session, with their proofs and keys (for verify, tamper and export). */
    public ObservableList<CompletedRun> runs() {
        return runs;
    }

    /** The runs of the current (or last) scaling sweep, in order. */
    public ObservableList<RunRecord> sweepRuns() {
        return sweepRuns;
    }

    /** Every run, of this session and of earlier ones (read from and saved to the run store), oldest first. */
    public ObservableList<RunRecord> history() {
        return history;
    }

    /** Whether other measured work runs (Compare backends): then Prove waits, so that no two proofs share the cores. */
    private java.util.function.BooleanSupplier otherWork;

    void setOtherWork(java.util.function.BooleanSupplier busy) {
        otherWork = busy;
    }

    /** Whether the open model is compiled and nothing runs: Prove is possible. */
    public boolean canProve() {
        Analysis a = analysis.get();
        return !running.get() && a != null && a.compiled() != null;
    }

    /** Starts a proof of the open model's compiled circuit in the background. */
    public Task<CompletedRun> prove() {
        return prove(analysis.get(), forecast.get(), null);
    }

    private Task<CompletedRun> prove(Analysis a, Forecast predicted, Runnable then) {
        return prove(a, predicted, then, false);
    }

    private Task<CompletedRun> prove(Analysis a, Forecast predicted, Runnable then, boolean inSweep) {
        if (a == null || a.compiled() == null) {
            notifier.error("Nothing to prove", "The open model is not compiled"
                    + (a != null && a.problem() != null ? ": " + a.problem() : " yet; wait for the status bar to say "
                    + "it is quantized."));
            return null;
        }
        if (running.get()) {
            return task;
        }
        if (otherWork != null && otherWork.getAsBoolean()) {
            phase.set("Compare backends is proving this model: prove once it has ended (or cancel it).");
            return null;
        }
        // The previous run's figures leave the screen while this one runs (they come back if it is cancelled).
        if (last.get() != null) {
            previous = last.get();
        }
        last.set(null);
        phases.clear();
        heap.clear();
        verdict.set(null);
        progress.set(0);
        elapsed.set(0);
        running.set(true);
        AtomicBoolean flag = new AtomicBoolean();
        cancelFlag = flag;
        // A sweep proves synthetic variants of other shapes: they take the default input of their own graph.
        ProveJob job = new ProveJob(a, nextId, predicted, p -> Platform.runLater(() -> onPhase(p)), flag::get,
                inSweep ? null : provedInput.get());
        expectedPhases = job.expectedPhases().size();
        segments.clear();
        segmentNow = null;
        SegmentBudget budget = segmentBudget.get();
        List<Task<CompletedRun>> self = new ArrayList<>(1); // this run's task, set below
        if (!inSweep && budget != null && !budget.off()) {
            job.inSegments(budget, costModel, e -> Platform.runLater(() -> onSegment(self.get(0), e)));
        }
        ProveJob.Hold h = nextHold;
        nextHold = null;
        if (h != null) {
            job.holdAt(h);
        }
        Task<CompletedRun> t = new Task<>() {
            @Override
            protected CompletedRun call() {
                stopWarmUp(); // never measure a proof beside the background warm-up
                return job.run();
            }
        };
        task = t;
        self.add(t);
        int[] tick = {0};
        poll = new Timeline(new KeyFrame(Duration.millis(200), e -> {
            if (task == t) {
                elapsed.set(job.elapsed());
                // The heap chart redraws every half second, not at every tick: on two cores (and with software
                // rendering) each redraw takes time from the prover it is plotting.
                List<HeapSampler.Sample> s = job.heap().samples();
                if (tick[0]++ % 3 == 2 && s.size() > heap.size()) {
                    heap.addAll(s.subList(heap.size(), s.size()));
                }
            }
        }));
        poll.setCycleCount(Timeline.INDEFINITE);
        poll.play();
        phase.set(job.keyReused() ? "Starting (the proving key derived earlier for this circuit is reused)..."
                : "Starting...");
        t.setOnSucceeded(e -> {
            finish(t);
            CompletedRun r = t.getValue();
            previous = null;
            nextId++;
            heap.setAll(r.heap());
            runs.add(r);
            RunRecord rec = RunRecord.of(r, java.time.Instant.now(), inSweep ? RunRecord.Kind.SWEEP
                    : RunRecord.Kind.PROOF, layerRows(a));
            if (inSweep) {
                sweepRuns.add(rec);
            }
            history.add(rec);
            saveHistory();
            last.set(r);
            progress.set(1);
            phase.set("Done in " + String.format(Locale.ROOT, "%.1f s", job.elapsed() / 1000)
                    + (r.isSegmented() ? " in " + r.segmented().segments().size() + " segments of at most 2^"
                    + r.segmented().plan().logBudget() + " rows, one bundle verified as a whole"
                    + (r.segmented().budgetChoice() == null ? "" : " (max rows auto, predicted rounds and keygens: "
                    + r.segmented().budgetChoice() + ")")
                    : r.keyReused() ? "; the proving key was reused (derived earlier with these settings)"
                    : "; the proving key was derived and is kept for the next proof with these settings"));
            verdict.set(describe(r.verdict(), "the honest proof (" + r.proof().length + " bytes)"));
            LOG.info("proved " + r.model() + ": 2^" + r.logN() + " rows, " + r.proof().length + " bytes");
            if (then != null) {
                then.run();
            }
        });
        t.setOnCancelled(e -> {
            sweepLeft = 0;
            sweepStatus.set("");
            finish(t);
            boolean restored = restorePrevious();
            phase.set(cancelledFor != null ? cancelledFor : "Cancelled; the model and earlier runs are unchanged"
                    + (restored ? " (showing run " + last.get().id() + " again)." : "."));
            cancelledFor = null;
        });
        t.setOnFailed(e -> {
            sweepLeft = 0;
            sweepStatus.set("");
            finish(t);
            restorePrevious();
            Throwable ex = t.getException();
            if (ex instanceof java.util.concurrent.CancellationException) {
                phase.set(cancelledFor != null ? cancelledFor : "Cancelled; the model and earlier runs are unchanged.");
                cancelledFor = null;
                return;
            }
            LOG.log(Level.WARNING, "proof failed", ex);
            phase.set("Proof failed");
            notifier.error("The proof failed", ex.getMessage() == null ? ex.toString() : ex.getMessage()
                    + (ex instanceof OutOfMemoryError ? "\n\nRun with a larger heap (JAVA_OPTS=-Xmx8g ./zkscope app)"
                    + " or lower the scales in Settings." : "\n\nThe model and earlier runs are unchanged."));
        });
        executor.execute(t);
        return t;
    }

    /** A segmented run's plan or segment, on the FX thread; dropped once that run is no longer the one running. */
    private void onSegment(Task<CompletedRun> of, ProveJob.SegmentEvent e) {
        if (task != of || !running.get()) {
            return;
        }
        int n = e.plan().count();
        if (e.index() < 0) {
            segments.clear();
            for (dev.zkscope.segment.SegmentPlan.Segment s : e.plan().segments()) {
                segments.add(new SegmentProgress(SegmentedRun.name(s.index(), n), s.span(), s.estimatedLogN(),
                        SegmentProgress.State.WAITING, null));
            }
            // lower, plan, evaluate; per segment its bar and its ten phases; verify
            expectedPhases = 4 + 11 * n;
            updateProgress();
            return;
        }
        SegmentProgress old = segments.get(e.index());
        if (e.proved() == null) {
            segments.set(e.index(), new SegmentProgress(old.name(), old.span(), old.estimatedLogN(),
                    SegmentProgress.State.PROVING, null));
            segmentNow = "Segment " + (e.index() + 1) + "/" + n + " (" + old.span() + ")";
        } else {
            segments.set(e.index(), new SegmentProgress(old.name(), old.span(), old.estimatedLogN(),
                    SegmentProgress.State.DONE, e.proved()));
            segmentNow = null;
        }
    }

    private int sweepLeft;
    private final ReadOnlyStringWrapper sweepStatus = new ReadOnlyStringWrapper(this, "sweepStatus", "");

    public ReadOnlyStringProperty sweepStatusProperty() {
        return sweepStatus.getReadOnlyProperty();
    }

    /** The sweep in the default mode: the same circuit padded to growing trace heights. */
    public void sweep(int steps) {
        sweep(ScaledVariants.Mode.ROWS, steps);
    }

    /**
     * Scaling sweep, {@code steps} proofs one after the other, each with the cost model's prediction made before it;
     * the runs land in the runs table and its time/memory-against-rows chart. Cancel stops it; earlier runs stay.
     * In mode ROWS it proves the open model's circuit padded to 2^k, 2^(k+1), ... rows; in modes WIDTH and DEPTH it
     * proves synthetic MLP variants of the model's shape (see {@link ScaledVariants}), imported, calibrated on
     * seeded synthetic inputs and compiled with the current settings.
     */
    public void sweep(ScaledVariants.Mode mode, int steps) {
        sweep(mode, steps, 1);
    }

    /**
     * As {@link #sweep(ScaledVariants.Mode, int)}, proving each point {@code repeats} times in a row (the first
     * derives the point's key, the others reuse it): the chart then shows each point's mean with its min and max.
     */
    public void sweep(ScaledVariants.Mode mode, int steps, int repeats) {
        Analysis a = analysis.get();
        if (a == null || a.compiled() == null || running.get()) {
            return;
        }
        sweepLeft = steps;
        sweepRepeats = Math.max(1, repeats);
        sweepRuns.clear();
        ScaledVariants.Shape shape = ScaledVariants.shapeOf(a.session().graph());
        sweepStep(a, mode, shape, 0, steps);
    }

    private int sweepRepeats = 1;

    /** The trace rows charged to each layer of the analysis' circuit, in the model's order (summed per name). */
    static java.util.Map<String, Integer> layerRows(Analysis a) {
        if (a == null || a.compiled() == null) {
            return null;
        }
        java.util.Map<String, Integer> rows = new java.util.LinkedHashMap<>();
        for (dev.zkscope.compile.LayerCost l : a.ledger().layers()) {
            rows.merge(l.layer(), l.rows(), Integer::sum);
        }
        return rows;
    }

    /** Proves the sweep's point {@code v} for repeat {@code rep} of {@link #sweepRepeats}, then the next. */
    private void proveRepeat(Analysis v, Forecast f, String status, int rep, Runnable next) {
        sweepStatus.set(status + (sweepRepeats > 1 ? ", repeat " + rep + "/" + sweepRepeats : "") + "...");
        prove(v, f, rep < sweepRepeats ? () -> {
            if (sweepLeft >= 0 && !sweepStatus.get().isEmpty()) {
                proveRepeat(v, f, status, rep + 1, next);
            }
        } : next, true);
    }

    private void sweepStep(Analysis base, ScaledVariants.Mode mode, ScaledVariants.Shape shape, int step,
                           int total) {
        if (sweepLeft <= 0) {
            sweepStatus.set("");
            return;
        }
        int index = step + 1;
        sweepLeft--;
        int logN = base.ledger().logN() + step;
        String what = mode == ScaledVariants.Mode.ROWS ? "2^" + logN + " rows"
                : ScaledVariants.name(shape, mode, step);
        sweepStatus.set("Sweep " + index + "/" + total + ": compiling " + what + "...");
        Task<Object[]> compile = new Task<>() {
            @Override
            protected Object[] call() throws Exception {
                // The first height is the open model's own circuit: prove that analysis itself, whose proving key an
                // earlier proof may have derived already.
                Analysis v = mode != ScaledVariants.Mode.ROWS ? variant(base, shape, mode, step)
                        : step == 0 ? base : padded(base, logN);
                CostModel m = costModel.get();
                CostModel.Prediction p = m.predict(v.prepared().shape());
                return new Object[] {v, Forecast.of(p, m)};
            }
        };
        compile.setOnSucceeded(e -> {
            if (sweepCompile != compile || sweepStatus.get().isEmpty()) {
                return;
            }
            Object[] r = compile.getValue();
            Analysis v = (Analysis) r[0];
            proveRepeat(v, (Forecast) r[1], "Sweep " + index + "/" + total + ": proving " + what + " (2^"
                    + v.ledger().logN() + " rows)", 1, () -> sweepStep(base, mode, shape, step + 1, total));
        });
        compile.setOnFailed(e -> {
            sweepLeft = 0;
            sweepStatus.set("");
            LOG.log(Level.WARNING, "scaling sweep failed", compile.getException());
            notifier.error("Scaling sweep stopped", "Could not build " + what + ": "
                    + compile.getException().getMessage() + "\n\nThe runs so far are kept.");
        });
        sweepCompile = compile;
        executor.execute(compile);
    }

    private Task<Object[]> sweepCompile;

    /**
     * The base circuit's layout (its inner columns), only padded to 2^logN rows: the same calibrated model recompiled
     * by the prover's pipeline, a new Prepared with its own proving key.
     */
    static Analysis padded(Analysis base, int logN) {
        Pipeline.Prepared p = base.prepared();
        dev.zkscope.compile.CompileOptions o = p.settings().compile();
        int cols = base.compiled().layout().geometry().innerCols();
        dev.zkscope.compile.CompileOptions padded = new dev.zkscope.compile.CompileOptions(cols,
                o.weights(), o.input(), o.output(), o.reservedRows(), o.rangeCols(), o.limbBits(), o.fnLanes(),
                Math.max(o.minLogN(), logN), Math.max(o.maxLogN(), logN), o.inputAbsMax());
        Pipeline.Prepared recompiled = Pipeline.recompile(p, p.name(), padded, PhaseListener.NONE);
        return new Analysis(base.session(), base.settings(), base.quantized(), base.fidelity(), base.calibration(),
                recompiled, null, null);
    }

    /**
     * A synthetic variant of the base model's shape: built as ONNX, imported, calibrated on seeded synthetic inputs
     * and compiled with the base settings through the prover's pipeline. Throws when it cannot be compiled.
     */
    static Analysis variant(Analysis base, ScaledVariants.Shape shape, ScaledVariants.Mode mode, int step)
            throws dev.zkscope.onnx.ModelLoadException {
        ScaledVariants.Variant v = ScaledVariants.variant(shape, mode, step, 1);
        java.nio.file.Path file = java.nio.file.Path.of(v.name());
        dev.zkscope.ir.Graph g = new dev.zkscope.onnx.OnnxImporter().load(v.model().toByteArray(), file,
                dev.zkscope.onnx.ImportOptions.defaults());
        ModelSession session = new ModelSession(file, g, dev.zkscope.viz.LayerRows.fromGraph(g), null);
        Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(file), g,
                dev.zkscope.ir.InputFiles.synthetic(g, 16, 1),
                base.settings().pipelineSettings(), PhaseListener.NONE);
        return new Analysis(session, base.settings(), p.quantized(), p.calibration().fidelity(),
                "16 seeded synthetic inputs", p, null, null);
    }

    /** Saves the runs table; a failure is logged and reported once, and the runs stay in the window. */
    private void saveHistory() {
        try {
            store.save(history);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot save runs to " + store.file(), e);
            if (!saveReported) {
                saveReported = true;
                notifier.error("Runs not saved", "The runs table could not be written to " + store.file() + ": "
                        + e.getMessage() + "\n\nThe runs stay in this window; check that the folder is writable.");
            }
        }
    }

    private boolean saveReported;

    /**
     * After a cancelled or failed proof: the run shown before it comes back whole (figures, heap, phases, verdict);
     * without one, nothing is shown. Never the cancelled proof's partial heap or its still-running phases.
     */
    private boolean restorePrevious() {
        CompletedRun p = previous;
        previous = null;
        progress.set(0);
        segmentNow = null;
        segments.setAll(p == null ? List.of() : segmentsOf(p));
        if (p == null) {
            phases.clear();
            heap.clear();
            verdict.set(null);
            elapsed.set(0);
            return false;
        }
        phases.setAll(p.phases());
        heap.setAll(p.heap());
        elapsed.set(p.phases().stream().mapToDouble(PhaseTime::endMillis).max().orElse(0));
        last.set(p);
        verdict.set(describe(p.verdict(), "the honest proof (" + p.proof().length + " bytes)"));
        progress.set(1);
        return true;
    }

    /** A finished run's segments, all done (empty for a run of the whole circuit). */
    static List<SegmentProgress> segmentsOf(CompletedRun r) {
        if (!r.isSegmented()) {
            return List.of();
        }
        List<SegmentProgress> out = new ArrayList<>();
        for (SegmentedRun.Segment s : r.segmented().segments()) {
            out.add(new SegmentProgress(s.name(), s.span(), r.segmented().plan().segment(s.index()).estimatedLogN(),
                    SegmentProgress.State.DONE, null));
        }
        return out;
    }

    private void finish(Task<CompletedRun> t) {
        if (poll != null) {
            poll.stop();
        }
        if (task == t) {
            running.set(false);
        }
    }

    /** Cancels the running proof; it stops at the next phase boundary, and its results are dropped. */
    public void cancel() {
        if (sweepCompile != null && sweepCompile.isRunning() || sweepLeft > 0) {
            // A sweep stops too: no further step starts; the runs it made so far stay.
            sweepLeft = 0;
            if (sweepCompile != null) {
                sweepCompile.cancel(true);
            }
            sweepStatus.set("");
            if (!running.get()) {
                phase.set("Sweep cancelled; earlier runs are unchanged.");
            }
        }
        if (task != null && running.get()) {
            cancelFlag.set(true);
            task.cancel(true);
        }
    }

    private void onPhase(PhaseTime p) {
        if (!running.get()) {
            return;
        }
        for (int i = phases.size() - 1; i >= 0; i--) {
            if (phases.get(i).name().equals(p.name()) && phases.get(i).running()) {
                phases.set(i, p);
                updateProgress();
                return;
            }
        }
        phases.add(p);
        if (running.get() && p.running()) { // a listener of phases may have cancelled the run
            phase.set(segmentNow == null || SegmentedRun.isSegment(p.name()) ? "Phase: " + p.name() + "..."
                    : segmentNow + ": " + p.name() + "...");
        }
        updateProgress();
    }

    private void updateProgress() {
        long finished = phases.stream().filter(x -> !x.running()).count();
        progress.set(Math.min(0.99, finished / (double) Math.max(1, expectedPhases)));
    }

    /** Verifies the last proof again, as the verifier receives it. */
    public Task<Verdict> verify() {
        CompletedRun r = last.get();
        if (r == null) {
            return null;
        }
        if (r.isSegmented()) {
            return verifyInBackground(r, () -> describe(verifyBundle(r, r.proof()),
                    "the honest bundle (" + r.proof().length + " bytes, " + r.segmented().segments().size()
                    + " segments)"));
        }
        return verifyInBackground(r, () -> describe(Pipeline.verify(r.vk(), r.publicValues(), r.proof()),
                "the honest proof (" + r.proof().length + " bytes)"));
    }

    /** A bundle checked as {@code zkscope verify} checks it, against the run's key bundle. */
    static dev.zkscope.segment.BundleVerifier.Result verifyBundle(CompletedRun r, byte[] bundle) {
        return dev.zkscope.segment.BundleVerifier.verify(r.segmented().keys(), r.segmented().vks(), bundle);
    }

    /** The bundle verifier's answer as shown: which segment or link failed, in human terms, then its detail. */
    static Verdict describe(dev.zkscope.segment.BundleVerifier.Result r, String what) {
        if (r instanceof dev.zkscope.segment.BundleVerifier.Rejected rej) {
            dev.zkscope.segment.BundleError e = rej.error();
            String human;
            if (e instanceof dev.zkscope.segment.BundleError.SegmentRejected s) {
                human = "segment " + (s.segment() + 1) + "'s proof: " + inHumanTerms(s.error());
            } else if (e instanceof dev.zkscope.segment.BundleError.LinkMismatch l) {
                human = "the commitment linking segment " + (l.segment() + 1) + " to the next is not the one both "
                        + "segments published: the segments were not proved on the same values.";
            } else if (e instanceof dev.zkscope.segment.BundleError.Malformed m) {
                human = "the bundle's bytes do not parse (" + m.part() + (m.segment() >= 0 ? " of segment "
                        + (m.segment() + 1) : "") + ").";
            } else {
                human = "the bundle does not match its key bundle (a segment dropped, added, reordered or from "
                        + "another model).";
            }
            return new Verdict(false, "Rejected", "Verified " + what + ".\nReason: "
                    + Character.toUpperCase(human.charAt(0)) + human.substring(1) + "\nVerifier's detail: "
                    + e.describe());
        }
        return new Verdict(true, "Accepted", "Verified " + what + ": every segment's proof and every link between "
                + "segments hold, so the verifier is convinced that the model produced the public output, without "
                + "seeing the private values.");
    }

    /** Tamper demo: flips one bit of byte {@code index} of the proof and verifies. */
    public Task<Verdict> tamperFlipByte(int index) {
        CompletedRun r = last.get();
        if (r == null) {
            return null;
        }
        int i = Math.floorMod(index, r.proof().length);
        byte[] bad = r.proof().clone();
        bad[i] ^= 0x10;
        if (r.isSegmented()) {
            return verifyInBackground(r, () -> describe(verifyBundle(r, bad), "the bundle with one bit of byte "
                    + i + " of " + r.proof().length + " flipped"));
        }
        return verifyInBackground(r, () -> describe(Pipeline.verify(r.vk(), r.publicValues(), bad),
                TamperDemo.flipped(r.vk(), r.proof(), i, r.proof()[i], bad[i])));
    }

    /**
     * Tamper demo: verifies the honest proof against a changed claim: for a classifier, the runner-up class's logit
     * raised above the winner's (the claim asserts the other class); for one output, that value one step higher.
     */
    public Task<Verdict> tamperOutput() {
        CompletedRun r = last.get();
        if (r == null) {
            return null;
        }
        Analysis a = analysis.get();
        Integer scale = a != null && a.settings().equals(r.settings()) && a.quantized() != null
                ? a.quantized().outputScale() : null;
        TamperDemo.Claim claim = TamperDemo.changedClaim(r.publicValues(), r.output(), scale);
        if (r.isSegmented()) {
            // the claim is the last segment's public values, inside the bundle: the bundle with that claim instead
            return verifyInBackground(r, () -> {
                byte[] changed;
                try {
                    dev.zkscope.segment.Bundle b = dev.zkscope.segment.Bundle.decode(r.proof());
                    List<dev.zkscope.segment.Bundle.Part> parts = new ArrayList<>(b.parts());
                    dev.zkscope.segment.Bundle.Part last = parts.get(parts.size() - 1);
                    parts.set(parts.size() - 1, new dev.zkscope.segment.Bundle.Part(last.logN(), last.usedRows(),
                            last.circuitDigest(), claim.publicValues(), last.proof()));
                    changed = new dev.zkscope.segment.Bundle(b.model(), b.keysDigest(), parts, b.links()).encode();
                } catch (dev.zkscope.segment.Bundle.FormatError e) {
                    throw new IllegalStateException("the run's own bundle does not decode: " + e.getMessage(), e);
                }
                return describe(verifyBundle(r, changed), "the honest bundle against " + claim.says());
            });
        }
        return verifyInBackground(r, () -> describe(Pipeline.verify(r.vk(), claim.publicValues(), r.proof()),
                "the honest proof against " + claim.says()));
    }

    /** Verifies in the background; the answer is shown only if {@code run} is still the run on screen. */
    private Task<Verdict> verifyInBackground(CompletedRun run, Supplier<Verdict> body) {
        Task<Verdict> t = new Task<>() {
            @Override
            protected Verdict call() {
                return body.get();
            }
        };
        verdict.set(null);
        verifying.set(true);
        t.setOnSucceeded(e -> {
            verifying.set(false);
            if (last.get() == run) {
                verdict.set(t.getValue());
            }
        });
        t.setOnFailed(e -> {
            verifying.set(false);
            notifier.error("Verification failed to run", t.getException() + "\n\nProve again; if this repeats, "
                    + "report it with the model.");
        });
        executor.execute(t);
        return t;
    }

    static Verdict describe(VerifyResult r, String what) {
        if (r instanceof VerifyResult.Rejected) {
            VerifyResult.Rejected rej = (VerifyResult.Rejected) r;
            String human = inHumanTerms(rej.error());
            return new Verdict(false, "Rejected", "Verified " + what + ".\nReason: "
                    + Character.toUpperCase(human.charAt(0)) + human.substring(1) + "\nVerifier's detail: "
                    + rej.error().describe());
        }
        return new Verdict(true, "Accepted", "Verified " + what + ": the verifier is convinced that the model "
                + "produced the public output, without seeing the private values.");
    }

    /**
     * The verifier's rejection in words a class can follow: what the check means, not its field elements. The
     * verifier's own description (with the values, in field units) follows as the technical detail.
     */
    static String inHumanTerms(dev.zkscope.plonk.VerifyError e) {
        if (e instanceof dev.zkscope.plonk.VerifyError.MalformedProof m) {
            return "the proof's bytes do not parse: its " + m.section() + " section is damaged or cut short.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.WrongVersion) {
            return "the proof was written in another format version than this verifier reads.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.HashMismatch
                || e instanceof dev.zkscope.plonk.VerifyError.ParametersMismatch) {
            return "the proof was made with other proof parameters (hash or security preset) than the verifying key's.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.CircuitDigestMismatch) {
            return "the proof is for another circuit (another model or other settings) than the verifying key's.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.CommitmentMismatch) {
            return "the proof commits to other private weights than the ones published for this model.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.PublicValuesMismatch) {
            return "the claimed public values (the input if public, and the model's output) are not the ones this "
                    + "proof was made for.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.QuotientIdentityFails) {
            return "at the random point where the verifier checks every constraint at once, the constraints do not "
                    + "hold: the proof does not show that this circuit computed these public values (a changed claim, "
                    + "or a changed byte in the proof's openings).";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.GrindingInvalid) {
            return "the proof-of-work stamp is wrong: the proof was changed after it was made.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.MerkleProofInvalid m) {
            return "a value the proof reveals does not match what it committed to earlier (the spot checks of the '"
                    + m.tree() + "' commitment): the proof was changed after it was made.";
        }
        if (e instanceof dev.zkscope.plonk.VerifyError.DeepValueMismatch
                || e instanceof dev.zkscope.plonk.VerifyError.FriFoldMismatch
                || e instanceof dev.zkscope.plonk.VerifyError.FriFinalPolyMismatch) {
            return "the low-degree test (FRI) fails: the committed columns are not the low-degree polynomials an "
                    + "honest prover commits to, which is what a changed proof looks like.";
        }
        return "the verifier could not complete its checks.";
    }

    /** A copy of the runs for export. */
    public List<CompletedRun> runsSnapshot() {
        return new ArrayList<>(runs);
    }
}
