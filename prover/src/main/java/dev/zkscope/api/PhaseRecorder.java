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
            timeline.add(new ProveRun.Phase(phase, start != null ? start : System.nanoTime() - t0 - n, n));
        }
    }

    /** Nanoseconds per phase, summed over repeats. */
    public Map<String, Long> phases() {
        synchronized (nanos) {
            return new LinkedHashMap<>(nanos);
        }
    }

    /** Every phase in the order it finished, with its start relative to {@code t0}. */
    public List<ProveRun.Phase> timeline() {
        synchronized (nanos) {
            return new ArrayList<>(timeline);
        }
    }
}
