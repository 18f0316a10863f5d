package dev.zkscope.app;

import dev.zkscope.plonk.VerifyingKey;
import java.util.Arrays;
import java.util.Locale;

/**
 * The tamper demo in human terms: which section of the proof a flipped byte lies in, and which class (or output
 * value, in the model's units) a changed claim asserts. Numbers are said as the model's outputs, not as field
 * elements.
 */
final class TamperDemo {
    private TamperDemo() {}

    /** A changed claim: the public values to verify against and what they assert, in words. */
    record Claim(long[] publicValues, String says) {}

    /**
     * The section of the proof that byte {@code index} lies in, in words ("spot check 12 of the FRI queries: ..."),
     * found by decoding the proof cut just before that byte: the decoder's failure names the section it was reading.
     */
    static String sectionOf(VerifyingKey vk, byte[] proof, int index) {
        String section = rawSection(vk, proof, index);
        return section == null ? "a part of the proof this verifier cannot name" : describe(section, vk);
    }

    /** The decoder's name of the section holding byte {@code index} ("header", "fri", "query 7", ...), or null. */
    static String rawSection(VerifyingKey vk, byte[] proof, int index) {
        if (index < 0 || index >= proof.length) {
            return null;
        }
        try {
            dev.zkscope.plonk.Proof.sizeBreakdown(vk, Arrays.copyOf(proof, index));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getCause() instanceof dev.zkscope.codec.Malformed m ? m.section() : null;
        }
    }

    private static String describe(String section, VerifyingKey vk) {
        if (section.startsWith("query ")) {
            int q = Integer.parseInt(section.substring(6).trim());
            int n = vk.parameters().numQueries();
            return String.format(Locale.ROOT, "spot check %d of %d (one FRI query: the rows opened at a random "
                    + "position and FRI's folded values)", q + 1, n);
        }
        return switch (section) {
            case "header" -> "the header (format version, hash, security parameters and the circuit's digest)";
            case "commitments" -> "the commitments: the Merkle roots of the trace's columns (witness, lookups, "
                    + "permutation, quotient)";
            case "openings" -> "the opened values: each column's value at the random point where the verifier checks "
                    + "every constraint at once";
            case "fri" -> "the FRI section: the roots of the folded layers, the final polynomial and the "
                    + "proof-of-work nonce";
            case "merkle" -> "the Merkle multiproofs (the tree nodes that authenticate every spot check's rows, each "
                    + "sent once)";
            case "queries" -> "the count of spot checks";
            default -> "the '" + section + "' section";
        };
    }

    /**
     * A changed claim about the run's output: for a classifier, the runner-up class's logit raised just above the
     * winner's, so that the claim asserts the other class; for one output value, that value one step (1/2^scale)
     * higher. {@code outputScale} is the output's scale exponent, or null when unknown (then integers are shown).
     */
    static Claim changedClaim(long[] publicValues, long[] output, Integer outputScale) {
        long[] pub = publicValues.clone();
        int off = pub.length - output.length;
        boolean aligned = off >= 0 && output.length > 0
                && Arrays.equals(Arrays.copyOfRange(pub, off, pub.length), output);
        if (!aligned) {
            int i = pub.length - 1;
            pub[i] += 1;
            return new Claim(pub, String.format(Locale.ROOT, "a changed public value (number %d of %d, raised by "
                    + "one)", i + 1, pub.length));
        }
        if (output.length == 1) {
            pub[off] += 1;
            return new Claim(pub, "a changed claimed output: " + value(pub[off], outputScale) + " instead of "
                    + value(output[0], outputScale) + " (one step higher)");
        }
        int best = 0;
        for (int i = 1; i < output.length; i++) {
            if (output[i] > output[best]) {
                best = i;
            }
        }
        int runner = best == 0 ? 1 : 0;
        for (int i = 0; i < output.length; i++) {
            if (i != best && output[i] > output[runner]) {
                runner = i;
            }
        }
        pub[off + runner] = output[best] + 1;
        return new Claim(pub, String.format(Locale.ROOT, "a changed claim: class %d instead of class %d (logit %d "
                + "raised from %s to %s, above class %d's %s)", runner, best, runner, value(output[runner], outputScale),
                value(pub[off + runner], outputScale), best, value(output[best], outputScale)));
    }

    /** An output integer in the model's units (integer / 2^scale), or the integer when the scale is unknown. */
    static String value(long q, Integer scale) {
        if (scale == null) {
            return q + " (circuit integer)";
        }
        // As many decimals as one step of the scale needs (3 at 2^8), so that one step always shows.
        int decimals = Math.max(0, Math.min(6, (int) Math.ceil(scale * Math.log10(2))));
        return new java.math.BigDecimal(Math.scalb((double) q, -scale)).setScale(decimals,
                java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    /** "byte 35,210 of 71,976 flipped (0x3a → 0x2a), in spot check 12 of 28 (...)". */
    static String flipped(VerifyingKey vk, byte[] proof, int index, byte before, byte after) {
        return String.format(Locale.ROOT, "the proof with byte %,d of %,d flipped (0x%02x \u2192 0x%02x), which lies "
                + "in %s", index, proof.length, before & 0xff, after & 0xff, sectionOf(vk, proof, index));
    }
}
