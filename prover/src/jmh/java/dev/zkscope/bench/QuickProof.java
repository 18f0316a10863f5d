package dev.zkscope.bench;

import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.SyntheticCircuits;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain (non-JMH) timing of whole proofs, with phases and peak heap: java -cp zkscope-bench.jar
 * dev.zkscope.bench.QuickProof [preset] [logN...]. Reports the median of -Dreps=3 runs after one warm-up, wall
 * and process CPU time (the latter is what the other users of a shared machine cannot inflate).
 */
public final class QuickProof {
    public static void main(String[] args) {
        ProofParameters p = ProofParameters.byName(args.length > 0 ? args[0] : "standard");
        for (int i = 1; i < args.length; i++) {
            int logN = Integer.parseInt(args[i]);
            SyntheticCircuits.Instance inst = SyntheticCircuits.mix(logN, p.reservedRows());
            ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
            int reps = Integer.getInteger("reps", 3) + 1;
            long[] times = new long[reps];
            long[] cpu = new long[reps];
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long[] vt = new long[reps];
            long peak = 0;
            Map<String, Long> phases = new LinkedHashMap<>();
            Proof proof = null;
            for (int rep = 0; rep < reps; rep++) {
                System.gc();
                HeapSampler hs = new HeapSampler(10).start();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                final int r = rep;
                proof = ProofSystem.prove(pk, inst.witness(), new PhaseListener() {
                    public void phaseStarted(String phase) { }
                    public void phaseFinished(String phase, long nanos) {
                        if (r > 0) {
                            phases.merge(phase, nanos / (reps - 1), Long::sum);
                        }
                    }
                });
                times[rep] = System.nanoTime() - t0;
                cpu[rep] = os.getProcessCpuTime() - c0;
                peak = Math.max(peak, hs.stop());
                byte[] b = proof.toBytes();
                long v0 = System.nanoTime();
                VerifyResult res = ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), b);
                vt[rep] = System.nanoTime() - v0;
                if (!res.accepted()) {
                    throw new IllegalStateException("rejected: " + res);
                }
            }
            java.util.Arrays.sort(times, 1, reps);
            java.util.Arrays.sort(cpu, 1, reps);
            java.util.Arrays.sort(vt, 1, reps);
            int mid = 1 + (reps - 1) / 2;
            StringBuilder sb = new StringBuilder();
            phases.forEach((k, v) -> sb.append(String.format(" %s=%.0f", k, v / 1e6)));
            System.out.printf("logN=%d prove median %.0f ms wall, %.0f ms CPU (%.0f ms per core), verify %.1f ms, "
                    + "proof %d bytes, peak heap %d MiB, load %.1f |%s%n",
                    logN, times[mid] / 1e6, cpu[mid] / 1e6, cpu[mid] / 2e6, vt[mid] / 1e6, proof.sizeBytes(), peak >> 20,
                    os.getSystemLoadAverage(), sb);
        }
    }
}
