package dev.zkscope.app;

import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofSize;

import java.util.Locale;
import java.util.Map;

/**
 * The Prove view's proof-size breakdown: what the proof's bytes are made of ({@link Proof#sizeBreakdown}), as a short
 * line under the size (the three largest groups) and a table of every part in the card's tooltip.
 */
final class ProofParts {
    private ProofParts() {}

    /** The groups a proof's parts fall into, in the order the line and the table show them. */
    private static final String[] GROUPS = {"opened rows", "Merkle nodes", "FRI", "opened values", "leaf salts",
        "header", "roots", "proof of work", "framing"};

    /** The breakdown of the run's proof, or null when its bytes are not a proof for its key. */
    static ProofSize of(CompletedRun r) {
        try {
            return Proof.sizeBreakdown(r.vk(), r.proof());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** "opened rows 59%, Merkle nodes 23%, FRI 12%": the three largest groups with their shares. */
    static String line(ProofSize s) {
        if (s == null || s.total() == 0) {
            return "";
        }
        return java.util.Arrays.stream(GROUPS).filter(g -> s.sum(g) > 0)
                .sorted((a, b) -> Integer.compare(s.sum(b), s.sum(a))).limit(3)
                .map(g -> String.format(Locale.ROOT, "%s %.0f%%", g, 100.0 * s.sum(g) / s.total()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The tooltip: every part with its bytes and share, one part per line, then the total. */
    static String table(ProofSize s) {
        StringBuilder b = new StringBuilder("Serialized proof bytes, by part (docs/proof-size.md):\n");
        if (s == null) {
            return b.append("(the proof's bytes do not decode against its key)").toString();
        }
        for (Map.Entry<String, Integer> e : s.bytes().entrySet()) {
            if (e.getValue() > 0) {
                b.append(String.format(Locale.ROOT, "%s: %,d B (%.1f%%)%n", e.getKey(), e.getValue(),
                        100.0 * e.getValue() / s.total()));
            }
        }
        return b.append(String.format(Locale.ROOT, "total: %,d B", s.total())).toString();
    }
}
