package dev.zkscope.testing;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Property-based tests with plain JUnit 5: a property runs as {@code tries} dynamic tests, each drawing its values from
 * its own {@link SplittableRandom} seeded from a fixed master seed, so every run checks the same cases. A failing case
 * names its seed; {@code -Dzkscope.seed=SEED} runs that one case alone to replay it.
 *
 * <pre>
 * &#64;TestFactory
 * Stream&lt;DynamicTest&gt; sum_commutes() {
 *     return Property.forAll("sum_commutes", 0x5EEDL, 200, r -&gt; { long a = r.nextLong(), b = r.nextLong(); ... });
 * }
 * </pre>
 */
public final class Property {
    /** The system property that replays one case by its seed (decimal or 0x-prefixed hexadecimal). */
    public static final String REPLAY = "zkscope.seed";

    private Property() {}

    /** One case of a property, given its seeded source of randomness. */
    @FunctionalInterface
    public interface Case {
        void check(SplittableRandom r) throws Throwable;
    }

    public static Stream<DynamicTest> forAll(String name, long masterSeed, int tries, Case body) {
        String replay = System.getProperty(REPLAY);
        LongStream seeds = replay != null ? LongStream.of(parse(replay))
                : new SplittableRandom(masterSeed).longs(tries);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest(name + " seed=" + hex(seed), () -> run(name, seed, body)));
    }

    private static void run(String name, long seed, Case body) throws Throwable {
        try {
            body.check(new SplittableRandom(seed));
        } catch (Throwable t) {
            System.err.println("property " + name + " fails for seed " + hex(seed) + "; replay with -D" + REPLAY + "="
                    + hex(seed));
            throw new AssertionError("property " + name + " fails for seed " + hex(seed) + " (replay: -D" + REPLAY
                    + "=" + hex(seed) + "): " + t, t);
        }
    }

    private static long parse(String seed) {
        String s = seed.strip();
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }
}
