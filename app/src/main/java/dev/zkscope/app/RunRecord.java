package dev.zkscope.app;

/**
 * What the runs table keeps of one proof run, across sessions: the model, the settings, the trace, the measured
 * times, memory and proof size, the cost model's prediction and the verifier's answer (not the proof bytes or keys).
 * Every figure was measured by the prover's profiler when the run was made.
 *
 * @param id               run number, from 1, never reused
 * @param finishedAt       when the run finished (ISO-8601 instant)
 * @param model            model file name, or the synthetic variant's name and layer widths
 * @param preset           proof parameter preset
 * @param securityBits     its conjectured security
 * @param zeroKnowledge    blinding on or off
 * @param inputScale       log2 input scale, or null for calibrated
 * @param paramScale       log2 parameter scale, or null for calibrated
 * @param innerCols        inner columns (0 = auto)
 * @param logN             the trace had 2^logN rows
 * @param gadgetRows       rows used by gadgets
 * @param keygenMillis     key generation time (0 when the key was reused)
 * @param proveMillis      prover time (its rounds)
 * @param verifyMillis     verifier time
 * @param peakHeap         peak used heap while proving, bytes
 * @param proofBytes       serialized proof size
 * @param predictedSeconds the cost model's predicted prover time, or null
 * @param predictedHeap    the cost model's predicted peak heap, or null
 * @param accepted         whether the verifier accepted the honest proof
 * @param verdict          the verifier's answer in words
 * @param keyReused        whether the proving key was reused from an earlier run of the session; null in runs saved
 *                         before this was recorded (they always derived the key)
 */
public record RunRecord(int id, String finishedAt, String model, String preset, int securityBits,
                        boolean zeroKnowledge, Integer inputScale, Integer paramScale, int innerCols, int logN,
                        int gadgetRows, double keygenMillis, double proveMillis, double verifyMillis, long peakHeap,
                        long proofBytes, Double predictedSeconds, Long predictedHeap, boolean accepted,
                        String verdict, Boolean keyReused) {

    /** Whether the key was reused (false for runs saved before this was recorded). */
    public boolean reusedKey() {
        return Boolean.TRUE.equals(keyReused);
    }

    static RunRecord of(CompletedRun r, java.time.Instant when) {
        ModelSettings s = r.settings();
        return new RunRecord(r.id(), when.toString(), r.model(), s.preset(), r.securityBits(), s.zeroKnowledge(),
                s.inputScale(), s.paramScale(), s.innerCols(), r.logN(), r.gadgetRows(), r.keygenMillis(),
                r.proveMillis(), r.verifyMillis(), r.peakHeap(), r.proof().length,
                r.forecast() == null ? null : r.forecast().proveSeconds(),
                r.forecast() == null ? null : r.forecast().peakHeapBytes(), r.verdict().accepted(),
                verdictInWords(r.verdict()), r.keyReused());
    }

    /** "accepted", or "rejected: " and the reason in human terms (never a record's toString). */
    static String verdictInWords(dev.zkscope.plonk.VerifyResult v) {
        if (v instanceof dev.zkscope.plonk.VerifyResult.Rejected rej) {
            return "rejected: " + ProveViewModel.inHumanTerms(rej.error()) + " (" + rej.error().describe() + ")";
        }
        return "accepted: the verifier is convinced that the model produced the public output";
    }
}
