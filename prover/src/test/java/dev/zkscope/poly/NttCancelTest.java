package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancellation inside a transform: polled between cache blocks and stages, and a cancelled one throws. */
class NttCancelTest {
    private static long[] random(int logN, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] a = new long[1 << logN];
        for (int i = 0; i < a.length; i++) {
            a[i] = Goldilocks.reduce(r.nextLong());
        }
        return a;
    }

    @Test
    void largeTransform_pollsManyTimes_andGivesTheSameResult() {
        long[] a = random(16, 1);
        long[] b = a.clone();
        AtomicInteger polls = new AtomicInteger();
        Ntt.forward(a, () -> {
            polls.incrementAndGet();
            return false;
        });
        Ntt.forward(b);
        assertThat(a).isEqualTo(b);
        // 2^16 / 2^12 cache blocks plus the stages above them: polled well inside the transform, not only at its start
        assertThat(polls.get()).isGreaterThanOrEqualTo(16);
        polls.set(0);
        Evals e = Ntt.lde(new Coeffs(random(15, 2)), 2, Goldilocks.GENERATOR, () -> {
            polls.incrementAndGet();
            return false;
        });
        assertThat(e.v()).isEqualTo(Ntt.lde(new Coeffs(random(15, 2)), 2, Goldilocks.GENERATOR).v());
        assertThat(polls.get()).isGreaterThanOrEqualTo(16);
    }

    @Test
    void requestDuringTheTransform_stopsIt() {
        for (int after : new int[] {1, 3, 10}) {
            AtomicInteger polls = new AtomicInteger();
            Cancel c = () -> polls.incrementAndGet() > after;
            assertThatThrownBy(() -> Ntt.lde(new Coeffs(random(16, 3)), 2, Goldilocks.GENERATOR, c))
                    .as("cancel after %d polls", after)
                    .isInstanceOf(CancellationException.class)
                    .satisfies(t -> assertThat(message(t)).contains("cancelled within"));
            assertThatThrownBy(() -> Ntt.interpolate(new Evals(random(16, 4), 1), c))
                    .isInstanceOf(CancellationException.class);
        }
    }

    /**
     * The message of a cancellation, or of its cause: one thrown on a pool thread reaches the caller re-created by the
     * ForkJoin framework, without a message, the original as its cause.
     */
    static String message(Throwable t) {
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    @Test
    void inverseWithCancel_roundTrips() {
        long[] a = random(15, 5);
        long[] b = a.clone();
        Ntt.forward(b, Cancel.NEVER);
        Ntt.inverse(b, Cancel.NEVER);
        assertThat(b).isEqualTo(a);
    }
}
