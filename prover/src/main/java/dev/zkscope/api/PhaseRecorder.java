package dev.zkscope.api;

import dev.zkscope.profile.PhaseListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Records a proof's phase times (per phase and as a timeline from {@code t0}) and checks for cancellation at every
 * phase boundary and, through {@link #cancelRequested()}, inside phases; used by whole-model and segment proofs.
 */
public final class PhaseRecorder implements PhaseListener {
    private final PhaseListener delegate;
    private final BooleanSupplier cancelled;
    private final long t0;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> started = new LinkedHashMap<>();
    private final List<ProveRun.Phase> timeline = new ArrayList<>();
    private final List<ProveRun.Phase> steps = new ArrayList<>();

    public PhaseRecorder(PhaseListener delegate, BooleanSupplier cancelled, long t0) {
        this.delegate = delegate;
        this.cancelled = cancelled == null ? () -> false : cancelled;
        this.t0 = t0;
    }

    @Override
    public void phaseStarted(String phase) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled before " + phase);
        }
        synchronized (nanos) {
            started.put(phase, System.nanoTime() - t0);
        }
        delegate.phaseStarted(phase);
    }

    @Override
    public void phaseFinished(String phase, long n) {
        record(phase, n);
        delegate.phaseFinished(phase, n);
    }

    /** Records a step under the innermost phase still running (none: a step of the run itself, parent null). */
    @Override
    public void step(String name, long startNanoTime, long n) {
        synchronized (nanos) {
            String parent = null;
            for (String open : started.keySet()) {
                parent = open;
            }
            steps.add(new ProveRun.Phase(name, startNanoTime - t0, n, parent));
        }
        delegate.step(name, startNanoTime, n);
    }

    @Override
    public boolean cancelRequested() {
        return cancelled.getAsBoolean() || delegate.cancelRequested();
    }

    @Override
    public void phaseFinished(String phase, long n, long usedHeapBytes) {
        record(phase, n);
        delegate.phaseFinished(phase, n, usedHeapBytes);
    }

    private void record(String phase, long n) {
        synchronized (nanos) {
            nanos.merge(phase, n, Long::sum);
            Long start = started.remove(phase);
            // On the timeline a phase spans from phaseStarted to now, so the steps reported inside it lie inside its
            // bar whatever the listeners cost (n, its caller's own measure, starts after phaseStarted's listeners
            // return: under load the app's took 17 ms, which pushed the quotient's last step past a bar of length
            // n). The per-phase totals (nanos()) keep the caller's n.
            long end = System.nanoTime() - t0;
            timeline.add(start != null ? new ProveRun.Phase(phase, start, Math.max(n, end - start))
                    : new ProveRun.Phase(phase, end - n, n));
        }
    }

    /** Nanoseconds per phase, summed over repeats. */
    public Map<String, Long> phases() {
        synchronized (nanos) {
            return new LinkedHashMap<>(nanos);
        }
    }

    /**
     * The steps inside phases (column batches' commitments, FRI rounds...) in the order they finished, each with the
     * phase it ran in as its parent, its start relative to {@code t0}.
     */
    public List<ProveRun.Phase> steps() {
        synchronized (nanos) {
            return new ArrayList<>(steps);
        }
    }

    /** Every phase in the order it finished, with its start relative to {@code t0}. */
    public List<ProveRun.Phase> timeline() {
        synchronized (nanos) {
            return new ArrayList<>(timeline);
        }
    }
}
