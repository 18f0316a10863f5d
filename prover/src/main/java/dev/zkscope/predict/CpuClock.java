package dev.zkscope.predict;

import dev.zkscope.profile.PhaseListener;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures the CPU work of each named phase: the JVM process's CPU time (every thread: the prover's pool, the
 * collector, the compiler) and the collector's own time, between {@link #phaseStarted} and {@link #phaseFinished}.
 *
 * <p>Wall time on a machine that other processes load stretches with the load; the CPU time the prover itself spends
 * does not (to first order: shared caches and hyper-threads still slow each instruction a little). The cost model's
 * structure (which counts of columns, rows, lookups and hash rows drive each phase) is therefore checked against CPU
 * time when the machine is busy, and its wall-time coefficients are taken from a quiet calibration.
 *
 * <p>Phases may nest (a segment's "compile" and "keygen" around the prover's rounds do not, but a caller's own phase
 * may enclose them): each phase is measured from its own start to its own end. Not thread-safe across phases that run
 * at the same time on different threads (one proof at a time per clock).
 */
public final class CpuClock implements PhaseListener {
    private static final com.sun.management.OperatingSystemMXBean OS = osBean();

    private final PhaseListener delegate;
    private final Map<String, long[]> open = new LinkedHashMap<>();
    private final Map<String, Long> cpu = new LinkedHashMap<>();
    private final Map<String, Long> gc = new LinkedHashMap<>();

    /** A clock that forwards every call to {@code delegate} (never null: {@link PhaseListener#NONE}). */
    public CpuClock(PhaseListener delegate) {
        this.delegate = delegate == null ? PhaseListener.NONE : delegate;
    }

    private static com.sun.management.OperatingSystemMXBean osBean() {
        java.lang.management.OperatingSystemMXBean b = ManagementFactory.getOperatingSystemMXBean();
        return b instanceof com.sun.management.OperatingSystemMXBean s ? s : null;
    }

    /** Whether this JVM reports its process CPU time (HotSpot does); without it every figure is -1. */
    public static boolean supported() {
        return OS != null && OS.getProcessCpuTime() >= 0;
    }

    /** CPU nanoseconds used by this JVM so far (every thread), or -1 when the platform does not say. */
    public static long processCpuNanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }

    /** Milliseconds the collectors have spent so far (sum over the collectors; -1 when none reports). */
    public static long gcMillis() {
        long sum = 0;
        boolean any = false;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            long t = b.getCollectionTime();
            if (t >= 0) {
                sum += t;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /** Forgets every phase measured so far (between two proofs). */
    public synchronized void reset() {
        open.clear();
        cpu.clear();
        gc.clear();
    }

    @Override
    public void phaseStarted(String phase) {
        synchronized (this) {
            open.put(phase, new long[] {processCpuNanos(), gcMillis()});
        }
        delegate.phaseStarted(phase);
    }

    @Override
    public void phaseFinished(String phase, long nanos) {
        record(phase);
        delegate.phaseFinished(phase, nanos);
    }

    @Override
    public void phaseFinished(String phase, long nanos, long usedHeapBytes) {
        record(phase);
        delegate.phaseFinished(phase, nanos, usedHeapBytes);
    }

    private synchronized void record(String phase) {
        long[] at = open.remove(phase);
        if (at == null || at[0] < 0) {
            return;
        }
        cpu.merge(phase, processCpuNanos() - at[0], Long::sum);
        if (at[1] >= 0) {
            gc.merge(phase, gcMillis() - at[1], Long::sum);
        }
    }

    @Override
    public void progress(String phase, long done, long total) {
        delegate.progress(phase, done, total);
    }

    @Override
    public boolean cancelRequested() {
        return delegate.cancelRequested();
    }

    @Override
    public void step(String name, long startNanoTime, long nanos) {
        delegate.step(name, startNanoTime, nanos);
    }

    /** Process CPU nanoseconds per finished phase, in the order the phases first finished (summed over repeats). */
    public synchronized Map<String, Long> cpuNanos() {
        return new LinkedHashMap<>(cpu);
    }

    /** Collector milliseconds per finished phase. */
    public synchronized Map<String, Long> gcMillisByPhase() {
        return new LinkedHashMap<>(gc);
    }
}
