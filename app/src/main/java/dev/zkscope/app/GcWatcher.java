package dev.zkscope.app;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Listens to the JVM's garbage collection notifications while a proof runs (every collector's
 * {@link GarbageCollectorMXBean}) and keeps each collection on the run's clock, with its pause and the used heap before
 * and after (heap pools only, not metaspace or code). The JVM delivers the notifications on its own thread shortly
 * after each collection; {@link #close()} stops listening.
 */
final class GcWatcher implements AutoCloseable {
    private final double wallAtStart;
    private final List<GcEvent> events = new ArrayList<>();
    private final List<Runnable> removers = new ArrayList<>();
    private final Set<String> heapPools = new HashSet<>();
    private final long collectionsAtStart = collections();

    /** Starts listening; {@code t0} is the run's {@link System#nanoTime()} origin. */
    GcWatcher(long t0) {
        // The notification's time stamp is the wall clock when the collection ended: the run's origin on that clock
        // (GcInfo's own start time counts from a JVM start that RuntimeMXBean's uptime may place differently).
        wallAtStart = System.currentTimeMillis() - (System.nanoTime() - t0) / 1e6;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener l = this::onNotification;
                emitter.addNotificationListener(l, null, null);
                removers.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (ListenerNotFoundException e) {
                        // already removed
                    }
                });
            }
        }
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        GcInfo gi = info.getGcInfo();
        GcEvent e = new GcEvent(n.getTimeStamp() - gi.getDuration() - wallAtStart, gi.getDuration(), info.getGcName(),
                info.getGcAction(), info.getGcCause(), used(gi.getMemoryUsageBeforeGc()),
                used(gi.getMemoryUsageAfterGc()));
        synchronized (events) {
            events.add(e);
        }
    }

    private long used(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> p : pools.entrySet()) {
            if (heapPools.isEmpty() || heapPools.contains(p.getKey())) {
                sum += p.getValue().getUsed();
            }
        }
        return sum;
    }

    /** The collections so far, in the order they were reported. */
    List<GcEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Collections the JVM counted so far, all collectors. */
    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /**
     * Stops listening, after waiting (at most a second) for the notifications of collections the JVM has counted but
     * not yet delivered: its notification thread can lag behind on a busy machine.
     */
    @Override
    public void close() {
        long expected = collections() - collectionsAtStart;
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            synchronized (events) {
                if (events.size() >= expected) {
                    break;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        removers.forEach(Runnable::run);
        removers.clear();
    }
}
