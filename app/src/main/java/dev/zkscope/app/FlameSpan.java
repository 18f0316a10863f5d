package dev.zkscope.app;

/**
 * One bar of the flame chart: a phase of a proof run (depth 0), or a step inside a phase (a column batch's
 * commitment, a FRI folding round; depth 1 and below, under {@code parent}), on the run's clock.
 *
 * @param name        what ran ("fri", "FRI round 2: 2^13 to 2^11")
 * @param parent      the phase it ran inside, or null for a phase of the run itself
 * @param depth       0 for the run's phases, one more per level of nesting
 * @param startMillis when it started, milliseconds since the run started
 * @param millis      how long it took; negative while still running
 */
public record FlameSpan(String name, String parent, int depth, double startMillis, double millis) {
    public double endMillis() {
        return startMillis + Math.max(0, millis);
    }

    public boolean running() {
        return millis < 0;
    }
}
