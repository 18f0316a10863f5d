package dev.zkscope.app;

import dev.zkscope.segment.Segmenter;
import java.util.Locale;

/**
 * The Settings tab's "Max rows per segment": off (the whole circuit in one proof), auto (the segment height whose
 * plan the cost model predicts fastest among those it predicts to fit the free heap, as {@code prove --max-rows
 * auto}), or 2^k rows per segment (as {@code prove --max-rows 2^k}).
 *
 * @param logBudget 0: off; -1: auto; else k of 2^k rows, in [{@link Segmenter#MIN_LOG_BUDGET},
 *                  {@link Segmenter#MAX_LOG_BUDGET}]
 */
record SegmentBudget(int logBudget) {
    static final SegmentBudget OFF = new SegmentBudget(0);
    static final SegmentBudget AUTO = new SegmentBudget(-1);

    SegmentBudget {
        if (logBudget != 0 && logBudget != -1
                && (logBudget < Segmenter.MIN_LOG_BUDGET || logBudget > Segmenter.MAX_LOG_BUDGET)) {
            throw new IllegalArgumentException("max rows per segment must be off, auto or 2^k with k in ["
                    + Segmenter.MIN_LOG_BUDGET + ", " + Segmenter.MAX_LOG_BUDGET + "], got 2^" + logBudget);
        }
    }

    boolean off() {
        return logBudget == 0;
    }

    boolean auto() {
        return logBudget == -1;
    }

    /** "off", "auto" or "2^k": what the setting shows and stores. */
    @Override
    public String toString() {
        return off() ? "off" : auto() ? "auto" : "2^" + logBudget;
    }

    /** Reads "off", "auto", "2^k" or "k"; anything else (a damaged preference) reads as off. */
    static SegmentBudget parse(String s) {
        if (s == null) {
            return OFF;
        }
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return AUTO;
        }
        try {
            int k = Integer.parseInt(v.startsWith("2^") ? v.substring(2) : v);
            return new SegmentBudget(k);
        } catch (IllegalArgumentException e) {
            return OFF;
        }
    }

    /** The choices the Settings tab offers: off, auto, 2^MIN .. 2^MAX. */
    static java.util.List<SegmentBudget> choices() {
        java.util.List<SegmentBudget> out = new java.util.ArrayList<>(java.util.List.of(OFF, AUTO));
        for (int k = Segmenter.MIN_LOG_BUDGET; k <= Segmenter.MAX_LOG_BUDGET; k++) {
            out.add(new SegmentBudget(k));
        }
        return out;
    }
}
