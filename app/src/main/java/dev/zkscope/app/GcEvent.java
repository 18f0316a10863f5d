package dev.zkscope.app;

/**
 * One garbage collection during a proof run, as the JVM reported it
 * ({@code com.sun.management.GarbageCollectionNotificationInfo}).
 *
 * @param startMillis when it started, milliseconds since the run started
 * @param pauseMillis how long it took (the JVM's figure, whole milliseconds)
 * @param collector   the collector ("G1 Young Generation", "G1 Old Generation", ...)
 * @param action      "end of minor GC", "end of major GC"
 * @param cause       why it ran ("G1 Evacuation Pause", "System.gc()", ...)
 * @param beforeBytes used heap (all heap pools) before it
 * @param afterBytes  used heap after it
 */
public record GcEvent(double startMillis, double pauseMillis, String collector, String action, String cause,
                      long beforeBytes, long afterBytes) {
    /** A full (major) collection rather than a young one. */
    public boolean major() {
        return action != null && action.contains("major");
    }

    /** Bytes the collection freed. */
    public long freedBytes() {
        return Math.max(0, beforeBytes - afterBytes);
    }
}
