package dev.zkscope.segment;

import dev.zkscope.plonk.VerifyError;

/**
 * Why a proof bundle was rejected, naming the part that failed: a segment (numbered from 1 in messages, from 0 in
 * {@link #segment()}), a link between two segments, or the bundle's header ({@link #segment()} is -1).
 */
public sealed interface BundleError {
    /** The failing segment, from 0; for a link, the segment before it; -1 for the header as a whole. */
    int segment();

    String describe();

    /** The bytes do not parse as a bundle; {@code part} says where ("header", "segment 3", "links"). */
    record Malformed(int segment, String part, String reason) implements BundleError {
        public String describe() {
            return "malformed bundle (" + part + "): " + reason;
        }
    }

    /** The bundle was made for other keys (another model, or other settings). */
    record KeysMismatch(String expected, String actual) implements BundleError {
        public int segment() {
            return -1;
        }

        public String describe() {
            return "the bundle is for keys with digest " + actual + ", the key bundle has digest " + expected
                    + " (another model, or other settings)";
        }
    }

    /** The bundle has another number of segments than the keys (a segment dropped or duplicated). */
    record CountMismatch(int expected, int actual) implements BundleError {
        public int segment() {
            return Math.min(expected, actual);
        }

        public String describe() {
            return "the bundle has " + actual + " segments, the keys " + expected + " (a segment was "
                    + (actual < expected ? "dropped" : "added or duplicated") + ")";
        }
    }

    /** The header's entry for a segment differs from its key (a segment reordered, swapped or edited). */
    record HeaderMismatch(int segment, String name, String field, String expected, String actual)
            implements BundleError {
        public String describe() {
            return name + ": the header's " + field + " is " + actual + ", its key has " + expected;
        }
    }

    /** A segment's proof does not verify against its key and its public values. */
    record SegmentRejected(int segment, String name, VerifyError error) implements BundleError {
        public String describe() {
            return name + " rejected: " + error.describe();
        }
    }

    /**
     * A boundary commitment differs between its producer, the bundle's link and a consumer: {@code segment} is the
     * producer when the bundle's link differs from what it published, else the consumer whose input differs (-1 when
     * the bundle has another number of links than the link table has boundaries).
     */
    record LinkMismatch(int segment, String name, String side, String expected, String actual)
            implements BundleError {
        public String describe() {
            return "link of " + name + ": " + side + " is " + actual + ", expected " + expected;
        }
    }
}
