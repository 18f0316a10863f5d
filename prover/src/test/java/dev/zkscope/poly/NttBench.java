package dev.zkscope.poly;

import dev.zkscope.field.Goldilocks;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * Process CPU per low-degree extension (2^logN coefficients to 2^(logN + 3) points, the standard preset's blowup) and
 * per coset transform (2^logN points), the kernels of every commitment. Not a test: run it by hand with the prover's
 * classes, {@code java -cp prover/target/classes:prover/target/test-classes dev.zkscope.poly.NttBench 16 40}, and read
 * the last round (the earlier ones warm the JIT up). Process CPU, not wall time, so that a shared machine's load
 * inflates it less; still compare builds alternately.
 */
public final class NttBench {
    private NttBench() {}

    public static void main(String[] args) {
        int logN = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        long[] c = new long[1 << logN];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < c.length; i++) {
            c[i] = Goldilocks.reduce(r.nextLong());
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long c0 = os.getProcessCpuTime();
            for (int k = 0; k < reps; k++) {
                sink ^= Ntt.lde(new Coeffs(c), 3, Goldilocks.GENERATOR).v()[k];
            }
            long c1 = os.getProcessCpuTime();
            for (int k = 0; k < reps; k++) {
                sink ^= Ntt.lde(new Coeffs(c), 0, Goldilocks.GENERATOR + k).v()[k];
            }
            long c2 = os.getProcessCpuTime();
            System.out.printf(java.util.Locale.ROOT, "round %d: extension 2^%d -> 2^%d %.1f ms CPU each; coset 2^%d %.2f ms "
                    + "CPU each%n", round, logN, logN + 3, (c1 - c0) / 1e6 / reps, logN, (c2 - c1) / 1e6 / reps);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
