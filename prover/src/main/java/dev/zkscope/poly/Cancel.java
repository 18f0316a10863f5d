package dev.zkscope.poly;

import java.util.concurrent.CancellationException;

/**
 * A cancellation request that long transforms poll between their units of work (an NTT between its cache blocks and
 * its butterfly stages), so that a proof stops within a phase, not only between phases. Polled from the ForkJoin pool's
 * threads as well as the caller's: an implementation must be thread-safe and cheap (a volatile read).
 */
@FunctionalInterface
public interface Cancel {
    /** Never cancels. */
    Cancel NEVER = () -> false;

    /** True once cancellation has been asked for. */
    boolean requested();

    /** Throws {@link CancellationException} naming {@code where} if cancellation has been asked for. */
    default void check(String where) {
        if (requested()) {
            throw new CancellationException("cancelled within " + where);
        }
    }
}
