package dev.zkscope.bench;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The native Poseidon2 permutation (width 12, Goldilocks, x^7; 8 full and 22 partial rounds) and the sponge that
 * {@code zkscope commit} runs over a model's weights.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class Poseidon2Bench {
    final long[] state = new long[Poseidon2.WIDTH];

    /** Message length of the sponge benchmark (the cnn sample has 1,954 parameters, mlp_large 235,146). */
    @Param({"2048"})
    int n;

    long[] message;
    final long[] salt = {1, 2, 3, 4};

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < state.length; i++) {
            state[i] = Goldilocks.reduce(r.nextLong());
        }
        message = new long[n];
        for (int i = 0; i < n; i++) {
            message[i] = Goldilocks.reduce(r.nextLong());
        }
    }

    /** One permutation, in place: the state feeds the next call (a dependent chain). */
    @Benchmark
    public long permute() {
        Poseidon2.permute(state);
        return state[0];
    }

    /** The sponge over a salt and n elements (ceil((n + 4) / 8) permutations). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long[] sponge() {
        return Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, salt, message);
    }
}
