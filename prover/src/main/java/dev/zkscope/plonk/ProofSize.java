package dev.zkscope.plonk;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a proof's bytes are made of, part by part in the order they are counted ({@link Proof#sizeBreakdown()}): header,
 * roots, opened values, each tree's Merkle multiproof nodes and opened rows, leaf salts, FRI layer roots, Merkle
 * nodes and leaves, the final polynomial, the proof-of-work nonce, and the counts that frame the sections.
 *
 * @param bytes bytes per part, in order; they sum to the proof's size
 */
public record ProofSize(Map<String, Integer> bytes) {
    public ProofSize {
        bytes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bytes));
    }

    /** The proof's size: the sum of the parts. */
    public int total() {
        int t = 0;
        for (int v : bytes.values()) {
            t += v;
        }
        return t;
    }

    /** Bytes summed over the parts whose name starts with {@code prefix} (e.g. "Merkle nodes", "FRI"). */
    public int sum(String prefix) {
        int t = 0;
        for (Map.Entry<String, Integer> e : bytes.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                t += e.getValue();
            }
        }
        return t;
    }

    /** One line: "71,976 B: opened rows 41,216 (57%), Merkle nodes 19,712 (27%), ..." with parts above zero. */
    public String summary() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d B:", total()));
        String[] groups = {"header", "roots", "opened values", "Merkle nodes", "opened rows", "leaf salts", "FRI",
            "proof of work", "framing"};
        String sep = " ";
        for (String g : groups) {
            int v = sum(g);
            if (v > 0) {
                b.append(sep).append(String.format(Locale.ROOT, "%s %,d (%.0f%%)", g, v,
                        100.0 * v / total()));
                sep = ", ";
            }
        }
        return b.toString();
    }
}
