package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
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
    record Hold(String phase, java.util.concurrent.CountDownLatch reached, java.util.concurrent.CountDownLatch release) {
        Hold(String phase) {
            this(phase, new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.CountDownLatch(1));
        }
    }

    void holdAt(Hold h) {
        hold = h;
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
                if (h != null && h.phase().equals(phase)) {
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
