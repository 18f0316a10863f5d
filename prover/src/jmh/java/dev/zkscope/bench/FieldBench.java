package dev.zkscope.bench;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Goldilocks multiply: a dependent chain (latency) and independent products over an array (throughput). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class FieldBench {
    long x = 0x1234_5678_9ABC_DEFL;
    long y = 0x0FED_CBA9_8765_4321L;
    final long[] a = new long[1024];
    final long[] b = new long[1024];

    {
        for (int i = 0; i < a.length; i++) {
            a[i] = Goldilocks.reduce(i * 0x9E37_79B9_7F4A_7C15L);
            b[i] = Goldilocks.reduce(~i * 0xC2B2_AE3D_27D4_EB4FL);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public long mulChain() {
        long r = x;
        for (int i = 0; i < 1000; i++) {
            r = Goldilocks.mul(r, y);
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long mulThroughput() {
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            s ^= Goldilocks.mul(a[i], b[i]);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public Fp2 extMulChain() {
        Fp2 r = new Fp2(Goldilocks.reduce(x), 3);
        Fp2 m = new Fp2(Goldilocks.reduce(y), 5);
        for (int i = 0; i < 1000; i++) {
            r = r.mul(m);
        }
        return r;
    }
}
