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
 * @param kind             what made the run: "proof", "sweep", "bench" or "batch" ({@link Kind}); null in runs saved
 *                         before this was recorded (single proofs)
 * @param phaseMillis      milliseconds per phase of the run (witness, keygen, the prover's rounds, verify), summed over
 *                         repeats; null in runs saved before this was recorded
 * @param layerRows        trace rows charged to each layer of the circuit, in the model's order; null where unknown
 */
public record RunRecord(int id, String finishedAt, String model, String preset, int securityBits,
                        boolean zeroKnowledge, Integer inputScale, Integer paramScale, int innerCols, int logN,
                        int gadgetRows, double keygenMillis, double proveMillis, double verifyMillis, long peakHeap,
                        long proofBytes, Double predictedSeconds, Long predictedHeap, boolean accepted,
                        String verdict, Boolean keyReused, String kind, java.util.Map<String, Double> phaseMillis,
                        java.util.Map<String, Integer> layerRows) {

    /** What made a run; shown as a tag in the runs table and filtered on. */
    public enum Kind {
        PROOF("proof"), SWEEP("sweep"), BENCH("bench"), BATCH("batch");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** The kind a saved word names; a single proof for null or an unknown word (runs saved before kinds). */
        public static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) {
                    return k;
                }
            }
            return PROOF;
        }
    }

    /** A run without kind, phases or layers (as saved before they were recorded). */
    public RunRecord(int id, String finishedAt, String model, String preset, int securityBits,
                     boolean zeroKnowledge, Integer inputScale, Integer paramScale, int innerCols, int logN,
                     int gadgetRows, double keygenMillis, double proveMillis, double verifyMillis, long peakHeap,
                     long proofBytes, Double predictedSeconds, Long predictedHeap, boolean accepted,
                     String verdict, Boolean keyReused) {
        this(id, finishedAt, model, preset, securityBits, zeroKnowledge, inputScale, paramScale, innerCols, logN,
                gadgetRows, keygenMillis, proveMillis, verifyMillis, peakHeap, proofBytes, predictedSeconds,
                predictedHeap, accepted, verdict, keyReused, null, null, null);
    }

    /** What made the run (a single proof for runs saved before kinds were recorded). */
    public Kind runKind() {
        return Kind.of(kind);
    }

    /** Whether the key was reused (false for runs saved before this was recorded). */
    public boolean reusedKey() {
        return Boolean.TRUE.equals(keyReused);
    }

    static RunRecord of(CompletedRun r, java.time.Instant when) {
        return of(r, when, Kind.PROOF, null);
    }

    /** The record of a run made as {@code kind}, with the rows of each layer of its circuit (null if unknown). */
    static RunRecord of(CompletedRun r, java.time.Instant when, Kind kind, java.util.Map<String, Integer> layerRows) {
        java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
        for (dev.zkscope.viz.run.PhaseTime p : r.phases()) {
            if (!p.running()) {
                phases.merge(p.name(), p.millis(), Double::sum);
            }
        }
        ModelSettings s = r.settings();
        return new RunRecord(r.id(), when.toString(), r.model(), s.preset(), r.securityBits(), s.zeroKnowledge(),
                s.inputScale(), s.paramScale(), s.innerCols(), r.logN(), r.gadgetRows(), r.keygenMillis(),
                r.proveMillis(), r.verifyMillis(), r.peakHeap(), r.proof().length,
                r.forecast() == null ? null : r.forecast().proveSeconds(),
                r.forecast() == null ? null : r.forecast().peakHeapBytes(), r.verdict().accepted(),
                verdictInWords(r.verdict()), r.keyReused(), kind.word(), phases, layerRows);
    }

    /** "accepted", or "rejected: " and the reason in human terms (never a record's toString). */
    static String verdictInWords(dev.zkscope.plonk.VerifyResult v) {
        if (v instanceof dev.zkscope.plonk.VerifyResult.Rejected rej) {
            return "rejected: " + ProveViewModel.inHumanTerms(rej.error()) + " (" + rej.error().describe() + ")";
        }
        return "accepted: the verifier is convinced that the model produced the public output";
    }
}
