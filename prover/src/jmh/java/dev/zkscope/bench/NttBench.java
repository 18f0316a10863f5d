package dev.zkscope.bench;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.poly.Ntt;
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

/** Forward NTT in place (a bijection, so repeating it on the same array is fair), on both cores. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NttBench {
    @Param({"14", "16", "18", "20", "22"})
    int logN;
    long[] a;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(logN);
        a = new long[1 << logN];
        for (int i = 0; i < a.length; i++) {
            a[i] = Goldilocks.reduce(r.nextLong());
        }
    }

    @Benchmark
    public long forward() {
        Ntt.forward(a);
        return a[1];
    }
}
