package dev.zkscope.app;

import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.segment.KeyBundle;
import dev.zkscope.segment.SegmentPlan;
import java.util.List;
import java.util.Map;

/**
 * What a proof run in segments adds to a {@link CompletedRun}: the cuts, the key bundle the bundle verifies against,
 * and per segment the figures the CLI's {@code prove --max-rows} prints (rows, phases, prove time and heap beside the
 * cost model's prediction for that segment's circuit, proof size).
 *
 * @param plan     the cuts
 * @param keys     the key bundle (what {@code --vk} writes)
 * @param vks      each segment's verifying key, decoded from {@code keys}
 * @param segments each segment, in order
 * @param budgetChoice with "Max rows per segment: auto", the budgets the cost model weighed and the one it took
 *                     ({@code Segmenter.BudgetChoice#describe}); null for a budget the user chose
 */
public record SegmentedRun(SegmentPlan plan, KeyBundle keys, List<VerifyingKey> vks, List<Segment> segments,
                           String budgetChoice) {
    public SegmentedRun {
        vks = List.copyOf(vks);
        segments = List.copyOf(segments);
    }

    /**
     * One proved segment.
     *
     * @param index            from 0
     * @param name             its bar's name in the flame chart ("segment 2/3")
     * @param span             its layers ("layers /conv2/Conv .. /fc/Gemm")
     * @param logN             its trace has 2^logN rows
     * @param usedRows         rows its gadgets and tables use
     * @param linkRows         rows linking its boundaries (their fingerprints)
     * @param adviceColumns    its circuit's advice columns
     * @param proofBytes       its proof's size
     * @param startMillis      when it started, on the run's clock
     * @param totalMillis      its wall time, compile to proof
     * @param proveMillis      the prover's rounds
     * @param baselineHeap     heap in use when its prover started
     * @param peakHeap         peak heap while its prover ran
     * @param phaseMillis      wall time per phase (compile, keygen, witness, check, the prover's rounds)
     * @param predicted        the cost model's prediction for this segment's circuit, or null
     */
    public record Segment(int index, String name, String span, int logN, int usedRows, int linkRows, int adviceColumns,
                          int proofBytes, double startMillis, double totalMillis, double proveMillis, long baselineHeap,
                          long peakHeap, Map<String, Double> phaseMillis, Forecast predicted) {
        public Segment {
            phaseMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseMillis));
        }

        public long heapAboveBaseline() {
            return Math.max(0, peakHeap - baselineHeap);
        }
    }

    /** The flame chart's name of segment {@code i} of {@code n}. */
    static String name(int i, int n) {
        return "segment " + (i + 1) + "/" + n;
    }

    /** Whether a flame-chart bar's name is a segment's. */
    static boolean isSegment(String spanName) {
        return spanName != null && SEGMENT_NAME.matcher(spanName).matches();
    }

    /** Compiled once: the flame chart asks of every bar at every redraw (String.matches compiled it each time). */
    private static final java.util.regex.Pattern SEGMENT_NAME = java.util.regex.Pattern.compile("segment \\d+/\\d+");

    /** The segment whose bar is named {@code spanName}, or null. */
    Segment byName(String spanName) {
        for (Segment s : segments) {
            if (s.name().equals(spanName)) {
                return s;
            }
        }
        return null;
    }

    /** The whole run's prediction: the segments' prove times and phases summed, the largest heap above baseline. */
    Forecast forecast() {
        double seconds = 0;
        long heap = 0;
        long peak = 0;
        String origin = null;
        double spread = Double.NaN;
        Map<String, Double> phases = new java.util.LinkedHashMap<>();
        for (Segment s : segments) {
            if (s.predicted() == null) {
                return null;
            }
            seconds += s.predicted().proveSeconds();
            if (s.predicted().heapAboveBaseline() >= heap) {
                heap = s.predicted().heapAboveBaseline();
                peak = s.baselineHeap() + heap;
            }
            origin = s.predicted().origin();
            spread = s.predicted().timeSpread();
            s.predicted().phaseSeconds().forEach((k, v) -> phases.merge(k, v, Double::sum));
        }
        return segments.isEmpty() ? null : new Forecast(seconds, peak, origin + ", per segment", heap, phases,
                spread);
    }
}
