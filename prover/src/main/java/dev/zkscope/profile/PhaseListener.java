package dev.zkscope.profile;

/**
 * Receives the named phases of a long computation (keygen, and the prover's rounds: "witness commit",
 * "permutation", "lookups", "quotient", "openings", "fri"), each with its wall time. The CLI logs them, the GUI
 * drives its progress bar and timeline with them, the profiler tabulates them. Calls come from the proving thread.
 */
public interface PhaseListener {
    PhaseListener NONE = new PhaseListener() {
        @Override public void phaseStarted(String phase) { }
        @Override public void phaseFinished(String phase, long nanos) { }
    };

    void phaseStarted(String phase);

    void phaseFinished(String phase, long nanos);

    /**
     * The end of a phase with the used heap (total - free, garbage included) at that moment; the prover calls this
     * one. By default it forwards to {@link #phaseFinished(String, long)}; the continuous series and the peak come
     * from {@link HeapSampler}.
     */
    default void phaseFinished(String phase, long nanos, long usedHeapBytes) {
        phaseFinished(phase, nanos);
    }

    /**
     * Progress inside a phase: {@code done} of {@code total} units (calibration: inferences of the calibration
     * inputs); {@code total} may grow as the work reveals itself but never shrinks below {@code done}. Called from the
     * working thread, between units; by default ignored.
     */
    default void progress(String phase, long done, long total) {
    }

    /**
     * Whether the work should stop: polled by long computations between small units of work (the prover inside its
     * NTTs, from the pool's threads too), which then throw {@link java.util.concurrent.CancellationException}. Must
     * be thread-safe and cheap; by default false.
     */
    default boolean cancelRequested() {
        return false;
    }

    /**
     * A step inside the phase that is running (one column batch's commitment, one FRI folding round, the FRI queries),
     * reported when it ends: {@code startNanoTime} is its {@link System#nanoTime()} at the start. Steps nest under the
     * innermost phase started and not yet finished (see {@code api.PhaseRecorder}); by default ignored. Called from
     * the proving thread.
     */
    default void step(String name, long startNanoTime, long nanos) {
    }

    /** Runs {@code body} as the named phase. */
    default <T> T timed(String phase, java.util.function.Supplier<T> body) {
        phaseStarted(phase);
        long t0 = System.nanoTime();
        T r = body.get();
        phaseFinished(phase, System.nanoTime() - t0);
        return r;
    }
}
