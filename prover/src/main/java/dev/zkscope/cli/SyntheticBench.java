package dev.zkscope.cli;

import dev.zkscope.ir.InputFileException;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.SyntheticCircuits;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code zkscope bench --synthetic K,...}: proves the synthetic 16-column circuit ({@link SyntheticCircuits#mix}) once
 * per height and prints where the memory goes: the peak heap of the proof (sampled every 5 ms), the heap in use before
 * it (key and witness included), and the bytes per trace cell, (peak - baseline) / (2^K x the circuit's columns), with
 * the used heap at the end of each prover phase. One proof, no warm-up: run with -Xmx sized for the height.
 */
final class SyntheticBench {
    private SyntheticBench() {}

    static int run(PrintWriter o, ProofParameters params, List<Integer> sizes) throws InputFileException {
        for (int k : sizes) {
            if (k < 4 || k > 24) {
                throw new InputFileException("--synthetic heights are 4 .. 24 (log2 of the rows), got " + k);
            }
        }
        o.printf("preset %s, synthetic circuit (16 advice + 2 fixed columns), one proof per height, max heap %d MiB, %d cores%n",
                params, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        o.flush();
        for (int k : sizes) {
            SyntheticCircuits.Instance inst = SyntheticCircuits.mix(k, params.reservedRows());
            long t0 = System.nanoTime();
            ProvingKey pk = ProofSystem.keygen(inst.circuit(), params);
            long keygen = System.nanoTime() - t0;
            long baseline = CostModel.usedAfterGc();
            Map<String, Long> phaseHeap = new LinkedHashMap<>();
            Map<String, Long> phaseMs = new LinkedHashMap<>();
            PhaseListener l = new PhaseListener() {
                public void phaseStarted(String phase) { }
                public void phaseFinished(String phase, long nanos) {
                    phaseMs.put(phase, nanos / 1_000_000);
                }

                @Override
                public void phaseFinished(String phase, long nanos, long usedHeapBytes) {
                    phaseHeap.put(phase, usedHeapBytes);
                    phaseFinished(phase, nanos);
                }
            };
            Proof proof;
            long peak;
            long t1 = System.nanoTime();
            try (HeapSampler hs = new HeapSampler(5).start()) {
                proof = ProofSystem.prove(pk, inst.witness(), l);
                peak = hs.stop();
            }
            long prove = System.nanoTime() - t1;
            byte[] bytes = proof.toBytes();
            long t2 = System.nanoTime();
            VerifyResult vr = ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), bytes);
            long verify = System.nanoTime() - t2;
            long cells = (long) inst.circuit().n() * (inst.circuit().numAdvice() + inst.circuit().numFixed());
            o.printf(Locale.ROOT, "2^%d rows: keygen %.1f s, prove %.1f s, verify %.1f ms (%s), proof %,d B; heap before "
                            + "%d MiB, peak %d MiB, %.0f bytes per trace cell above the baseline (%.0f in all)%n",
                    k, keygen / 1e9, prove / 1e9, verify / 1e6, vr.accepted() ? "accepted" : vr, bytes.length,
                    baseline >> 20, peak >> 20, (peak - baseline) / (double) cells, peak / (double) cells);
            StringBuilder b = new StringBuilder("    used heap after each phase:");
            phaseHeap.forEach((ph, v) -> b.append(String.format(Locale.ROOT, " %s %d MiB (%d ms);", ph, v >> 20,
                    phaseMs.getOrDefault(ph, 0L))));
            o.println(b);
            o.flush();
        }
        return Main.OK;
    }
}
