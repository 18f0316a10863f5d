package dev.zkscope.bench;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.fri.Fri;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Ntt;
import dev.zkscope.transcript.Transcript;
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

/** FRI commit phase (all folding rounds, layer trees, final polynomial) on an F_p2 codeword of degree < 2^logN at rate 1/4, arity 4. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FriBench {
    @Param({"14", "16", "18"})
    int logN;
    long[] re;
    long[] im;
    int[] rounds;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(logN);
        long[] c0 = new long[1 << logN];
        long[] c1 = new long[1 << logN];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = Goldilocks.reduce(r.nextLong());
            c1[i] = Goldilocks.reduce(r.nextLong());
        }
        re = Ntt.lde(new Coeffs(c0), 2, Goldilocks.GENERATOR).v();
        im = Ntt.lde(new Coeffs(c1), 2, Goldilocks.GENERATOR).v();
        int k = (logN - 3 + 1) / 2;
        rounds = new int[k];
        int left = logN - 3;
        for (int i = 0; i < k; i++) {
            rounds[i] = Math.min(2, left);
            left -= rounds[i];
        }
    }

    @Benchmark
    public Object commit() {
        return Fri.commit(re, im, Goldilocks.GENERATOR, rounds, 3, new Transcript("bench"));
    }
}
