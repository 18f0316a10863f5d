package dev.zkscope.viz.run;

/**
 * One named phase of a proof run on the wall clock: when it started and how long it took, in milliseconds since the
 * run started. A phase still running has {@code millis} < 0.
 */
public record PhaseTime(String name, double startMillis, double millis) {
    public boolean running() {
        return millis < 0;
    }

    public double endMillis() {
        return startMillis + Math.max(0, millis);
    }
}
