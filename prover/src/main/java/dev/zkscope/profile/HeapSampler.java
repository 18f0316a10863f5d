package dev.zkscope.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples the used heap (total - free) on a daemon thread every {@code periodMillis} (20 ms by default) between
 * {@link #start()} and {@link #stop()}, keeping the peak and the series. Used heap includes garbage not yet
 * collected, so the peak is an upper bound on the live set; run with a fixed -Xmx to compare runs.
 */
public final class HeapSampler implements AutoCloseable {
    /** One sample: milliseconds since start, used bytes. */
    public record Sample(long millis, long usedBytes) { }

    private final long periodMillis;
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean running;
    private volatile long peak;
    /** Counts {@link #restartPeak()} calls; guarded by {@code samples}. */
    private long epoch;
    private Thread thread;
    private long t0;
    /** The largest heap in use right after a collection since start or the last restart; -1 before any. */
    private volatile long peakAfterGc = -1;
    private final java.util.List<Runnable> unsubscribe = new ArrayList<>();

    public HeapSampler() {
        this(20);
    }

    public HeapSampler(long periodMillis) {
        this.periodMillis = periodMillis;
    }

    private static final java.lang.management.MemoryMXBean MEMORY =
            java.lang.management.ManagementFactory.getMemoryMXBean();

    /**
     * Used heap from the collector's own accounting. (total - free from Runtime reads two values that a concurrent
     * collection can change in between, and then gives nonsense, even negative values.)
     */
    public static long usedNow() {
        return Math.max(0, MEMORY.getHeapMemoryUsage().getUsed());
    }

    /**
     * The heap in use right after the most recent collection, from each heap pool's collection usage. After a full
     * collection this is the live heap, whatever was allocated since: reading {@link #usedNow()} after
     * {@code System.gc()} returns could already count new allocations (in the app, measured 313 MiB where the
     * samples around it showed 217 MiB).
     */
    public static long usedAfterLastGc() {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            java.lang.management.MemoryUsage u = p.getType() == java.lang.management.MemoryType.HEAP
                    ? p.getCollectionUsage() : null;
            if (u != null) {
                sum += u.getUsed();
            }
        }
        return sum;
    }

    public synchronized HeapSampler start() {
        if (running) {
            return this;
        }
        running = true;
        t0 = System.nanoTime();
        peak = usedNow();
        listenToCollections();
        thread = new Thread(() -> {
            while (running) {
                try {
                    sample();
                } catch (OutOfMemoryError e) {
                    // The heap ran out while this thread read it: the proving thread meets the same error and reports
                    // it with advice (Main); a stack trace from here would only print before that advice. The
                    // samples stop.
                    return;
                }
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void sample() {
        long e;
        synchronized (samples) {
            e = epoch;
        }
        long u = usedNow();
        synchronized (samples) {
            samples.add(new Sample((System.nanoTime() - t0) / 1_000_000, u));
            // A reading taken before a restartPeak (typically before the collection that set the new baseline, while
            // this thread waited at the safepoint) belongs to the previous stretch, not to the new peak.
            if (e == epoch && u > peak) {
                peak = u;
            }
        }
    }

    /**
     * Restarts the peak from the heap in use now, while the series goes on: for the peak of one stretch of a longer
     * sampled run (the prover's rounds within a whole proof run).
     */
    public void restartPeak() {
        synchronized (samples) {
            epoch++;
            peak = usedNow();
            peakAfterGc = -1;
        }
    }

    /**
     * The largest heap in use right after a collection (young, mixed or full) since start or the last
     * {@link #restartPeak()}, or -1 when none ran. Unlike the sampled peak it does not count the garbage the young
     * generation had gathered when the collector ran, which depends on the young generation's size the collector
     * chose, but it does count old-generation garbage a young collection does not reclaim.
     */
    public long peakAfterGc() {
        return peakAfterGc;
    }

    private void listenToCollections() {
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof javax.management.NotificationEmitter emitter)) {
                continue;
            }
            javax.management.NotificationListener l = (n, hb) -> {
                if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                        .equals(n.getType())) {
                    return;
                }
                com.sun.management.GarbageCollectionNotificationInfo info = com.sun.management
                        .GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) n.getUserData());
                long after = 0;
                for (java.util.Map.Entry<String, java.lang.management.MemoryUsage> e
                        : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (HEAP_POOLS.contains(e.getKey())) {
                        after += e.getValue().getUsed();
                    }
                }
                synchronized (samples) {
                    if (after > peakAfterGc) {
                        peakAfterGc = after;
                    }
                }
            };
            try {
                emitter.addNotificationListener(l, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            } catch (RuntimeException e) {
                // no notifications from this collector: the after-collection peak stays unknown (-1)
            }
        }
    }

    private static final java.util.Set<String> HEAP_POOLS = heapPools();

    private static java.util.Set<String> heapPools() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) {
                out.add(p.getName());
            }
        }
        return out;
    }

    /** Takes a sample now (when running) and returns the peak since start or the last {@link #restartPeak()}. */
    public long peakNow() {
        if (running) {
            sample();
        }
        return peak;
    }

    /** Stops sampling (takes a last sample) and returns the peak used heap in bytes. */
    public synchronized long stop() {
        if (running) {
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
        }
        for (Runnable r : unsubscribe) {
            r.run();
        }
        unsubscribe.clear();
        return peak;
    }

    public long peakBytes() {
        return peak;
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
