package dev.zkscope.merkle;

import dev.zkscope.hash.Hashing;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A Merkle multiproof: the authentication of several leaves of one tree at once, each needed node sent once.
 *
 * <p>The paths of a query phase share their upper levels: with q random leaves in a tree of depth k, every level
 * above log2 q holds at most a few distinct nodes, and two queried leaves under one parent make each other's
 * siblings. A multiproof sends, level by level from the leaves up and left to right within a level, the sibling of
 * every node the verifier can compute (an ancestor of a queried leaf) whose sibling it cannot compute; the verifier
 * rebuilds every ancestor and compares the one at the top with the root. For q = 28 leaves of a tree of depth 15 that
 * is about 261 digests against 312 for a Merkle cap of 2^5 digests plus 28 paths of 10 (and 420 for full paths):
 * the cap's unused digests and the repeated nodes just under it are not sent.
 *
 * <p>Every count is fixed by the leaf indices, which the verifier draws from the transcript itself, so a proof with
 * a node dropped, added, duplicated or moved is rejected (a count that differs, or a root that does not match),
 * never misread. A repeated leaf index must come with the same leaf digest each time.
 */
public final class MultiProof {
    private MultiProof() {}

    /** Why a multiproof was rejected. */
    public enum Failure {
        /** The proof sends another number of nodes than the queried leaves need. */
        NODE_COUNT("it sends another number of nodes than the queried leaves need"),
        /** One leaf index is opened twice with different contents. */
        REPEATED_LEAF("a leaf queried twice is opened with two different rows"),
        /** The rebuilt top node differs from the committed root. */
        ROOT("the opened leaves and the sent nodes do not hash up to the committed root");

        private final String reason;

        Failure(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** The distinct leaf indices, ascending. */
    static int[] distinct(int[] leaves) {
        return Arrays.stream(leaves).distinct().sorted().toArray();
    }

    /** The number of nodes the multiproof of these leaves (repeats allowed) in a tree of the given depth sends. */
    public static int size(int depth, int[] leaves) {
        int[] level = distinct(leaves);
        int count = 0;
        for (int l = 0; l < depth; l++) {
            int i = 0;
            int up = 0;
            while (i < level.length) {
                int node = level[i];
                if ((node & 1) == 0 && i + 1 < level.length && level[i + 1] == node + 1) {
                    i += 2;
                } else {
                    count++;
                    i++;
                }
                level[up++] = node >>> 1;
            }
            level = Arrays.copyOf(level, dedupSorted(level, up));
        }
        return count;
    }

    /** Removes adjacent repeats of the first {@code len} (ascending) values in place; returns the new length. */
    private static int dedupSorted(int[] a, int len) {
        int out = 0;
        for (int i = 0; i < len; i++) {
            if (out == 0 || a[out - 1] != a[i]) {
                a[out++] = a[i];
            }
        }
        return out;
    }

    /**
     * The nodes of the multiproof, in the order {@link #verify} reads them, taken from the leaves' full authentication
     * paths ({@code paths[i]} for {@code leaves[i]}, sibling digests from the leaf level up to just below the root).
     */
    static byte[][] fromPaths(int depth, int[] leaves, byte[][][] paths) {
        int[] order = java.util.stream.IntStream.range(0, leaves.length).boxed()
                .sorted((a, b) -> Integer.compare(leaves[a], leaves[b])).mapToInt(Integer::intValue).toArray();
        // Per distinct node of the current level: its index and a queried leaf below it (whose path gives its sibling).
        int[] level = new int[leaves.length];
        int[] below = new int[leaves.length];
        int len = 0;
        for (int k : order) {
            if (len == 0 || level[len - 1] != leaves[k]) {
                level[len] = leaves[k];
                below[len] = k;
                len++;
            }
        }
        byte[][] out = new byte[size(depth, leaves)][];
        int o = 0;
        for (int l = 0; l < depth; l++) {
            int i = 0;
            int up = 0;
            while (i < len) {
                int node = level[i];
                int rep = below[i];
                if ((node & 1) == 0 && i + 1 < len && level[i + 1] == node + 1) {
                    i += 2;
                } else {
                    out[o++] = paths[rep][l];
                    i++;
                }
                if (up == 0 || level[up - 1] != node >>> 1) {
                    level[up] = node >>> 1;
                    below[up] = rep;
                    up++;
                }
            }
            len = up;
        }
        return out;
    }

    /**
     * Checks that the leaves, whose digests are given ({@code leafDigests[i]} for {@code leaves[i]}, repeats allowed),
     * hash up to {@code root} with the multiproof's nodes; null when they do, else the reason.
     */
    public static Failure verify(byte[] root, int depth, int[] leaves, byte[][] leafDigests, byte[][] nodes) {
        if (nodes.length != size(depth, leaves)) {
            return Failure.NODE_COUNT;
        }
        int n = leaves.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(leaves[a], leaves[b]));
        int[] level = new int[n];
        byte[][] hashes = new byte[n][];
        int len = 0;
        for (int k : order) {
            if (len > 0 && level[len - 1] == leaves[k]) {
                if (!MessageDigest.isEqual(hashes[len - 1], leafDigests[k])) {
                    return Failure.REPEATED_LEAF;
                }
                continue;
            }
            level[len] = leaves[k];
            hashes[len] = leafDigests[k];
            len++;
        }
        MessageDigest d = Hashing.digest();
        int o = 0;
        for (int l = 0; l < depth; l++) {
            int i = 0;
            int up = 0;
            while (i < len) {
                int node = level[i];
                byte[] left;
                byte[] right;
                if ((node & 1) == 0 && i + 1 < len && level[i + 1] == node + 1) {
                    left = hashes[i];
                    right = hashes[i + 1];
                    i += 2;
                } else if ((node & 1) == 0) {
                    left = hashes[i];
                    right = nodes[o++];
                    i++;
                } else {
                    left = nodes[o++];
                    right = hashes[i];
                    i++;
                }
                d.reset();
                d.update(Hashing.NODE_TAG);
                d.update(left);
                d.update(right);
                level[up] = node >>> 1;
                hashes[up] = d.digest();
                up++;
            }
            len = up;
        }
        return len == 1 && MessageDigest.isEqual(hashes[0], root) ? null : Failure.ROOT;
    }
}
