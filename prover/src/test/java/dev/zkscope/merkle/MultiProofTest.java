package dev.zkscope.merkle;

import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MultiProof}: the nodes a set of leaves needs, each once; honest multiproofs verify for every leaf set (repeats
 * included, low levels recomputed or stored); every changed, dropped, added or moved node, changed leaf, or leaf set is
 * rejected with its reason.
 */
class MultiProofTest {
    static MerkleTree tree(int depth, int low, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] salts = new byte[(1 << depth) * MerkleTree.SALT_BYTES];
        rnd.nextBytes(salts);
        return MerkleTree.build(1 << depth, 2, (leaf, buf) -> {
            buf[0] = leaf;
            buf[1] = leaf * 7L + seed;
        }, Salts.of(salts), low);
    }

    static byte[][] digests(MerkleTree t, int[] leaves, long seed) {
        byte[][] out = new byte[leaves.length][];
        for (int i = 0; i < leaves.length; i++) {
            out[i] = MerkleTree.hashLeaf(new long[] {leaves[i], leaves[i] * 7L + seed}, t.salt(leaves[i]));
        }
        return out;
    }

    /** The nodes a multiproof needs, counted from the definition: per level, ancestors whose sibling is no ancestor. */
    static int naiveSize(int depth, int[] leaves) {
        Set<Integer> level = new HashSet<>();
        for (int l : leaves) {
            level.add(l);
        }
        int count = 0;
        for (int d = 0; d < depth; d++) {
            Set<Integer> up = new HashSet<>();
            for (int i : level) {
                if (!level.contains(i ^ 1)) {
                    count++;
                }
                up.add(i >>> 1);
            }
            level = up;
        }
        return count;
    }

    @TestFactory
    Stream<DynamicTest> honestMultiProofs_verify_andSendTheNodesTheDefinitionCounts() {
        return Property.forAll("multiproof", 0x3E_11L, 60, rnd -> {
            int depth = 1 + rnd.nextInt(9);
            int low = rnd.nextInt(5);
            long seed = rnd.nextLong();
            MerkleTree t = tree(depth, low, seed);
            int[] leaves = new int[1 + rnd.nextInt(20)];
            for (int i = 0; i < leaves.length; i++) {
                leaves[i] = rnd.nextInt(1 << depth);
            }
            byte[][] nodes = t.multiProof(leaves);
            assertThat(nodes.length).isEqualTo(naiveSize(depth, leaves)).isEqualTo(MultiProof.size(depth, leaves));
            assertThat(MultiProof.verify(t.root(), depth, leaves, digests(t, leaves, seed), nodes)).isNull();
            // Never more than the separate paths would send.
            assertThat(nodes.length).isLessThanOrEqualTo(leaves.length * depth);
        });
    }

    @Test
    void oneLeaf_isItsPath_andAllLeaves_needNoNode() {
        MerkleTree t = tree(6, 4, 3);
        assertThat(t.multiProof(new int[] {37})).isDeepEqualTo(t.path(37));
        int[] all = new int[64];
        Arrays.setAll(all, i -> 63 - i);
        assertThat(t.multiProof(all).length).isZero();
        assertThat(MultiProof.verify(t.root(), 6, all, digests(t, all, 3), new byte[0][])).isNull();
        // 28 queries of a 2^15 tree: about 261 nodes, against 312 for a cap of 32 and 28 paths of 10
        SplittableRandom rnd = new SplittableRandom(5);
        int[] q = new int[28];
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextInt(1 << 15);
        }
        assertThat(MultiProof.size(15, q)).isBetween(240, 290);
    }

    @Test
    void tamperedNodesOrLeaves_areRejectedWithTheirReason() {
        long seed = 9;
        MerkleTree t = tree(8, 4, seed);
        int[] leaves = {3, 200, 17, 16, 90, 3};
        byte[][] nodes = t.multiProof(leaves);
        byte[][] d = digests(t, leaves, seed);
        byte[] root = t.root();
        assertThat(MultiProof.verify(root, 8, leaves, d, nodes)).isNull();
        for (int i = 0; i < nodes.length; i++) {
            byte[][] c = nodes.clone();
            c[i] = nodes[i].clone();
            c[i][i % 32] ^= 1;
            assertThat(MultiProof.verify(root, 8, leaves, d, c)).as("node %d", i).isEqualTo(MultiProof.Failure.ROOT);
        }
        assertThat(MultiProof.verify(root, 8, leaves, d, Arrays.copyOf(nodes, nodes.length - 1)))
                .isEqualTo(MultiProof.Failure.NODE_COUNT);
        byte[][] more = Arrays.copyOf(nodes, nodes.length + 1);
        more[nodes.length] = nodes[0];
        assertThat(MultiProof.verify(root, 8, leaves, d, more)).isEqualTo(MultiProof.Failure.NODE_COUNT);
        byte[][] swapped = nodes.clone();
        swapped[0] = nodes[nodes.length - 1];
        swapped[nodes.length - 1] = nodes[0];
        assertThat(MultiProof.verify(root, 8, leaves, d, swapped)).isEqualTo(MultiProof.Failure.ROOT);
        // a changed leaf; the repeated leaf changed in one of its two places; another leaf index
        byte[][] bad = d.clone();
        bad[1] = d[2];
        assertThat(MultiProof.verify(root, 8, leaves, bad, nodes)).isEqualTo(MultiProof.Failure.ROOT);
        bad = d.clone();
        bad[5] = d[2];
        assertThat(MultiProof.verify(root, 8, leaves, bad, nodes)).isEqualTo(MultiProof.Failure.REPEATED_LEAF);
        int[] moved = leaves.clone();
        moved[1] = 201;
        assertThat(MultiProof.verify(root, 8, moved, d, nodes)).isNotNull();
        // another tree's root
        assertThat(MultiProof.verify(tree(8, 4, 10).root(), 8, leaves, d, nodes)).isEqualTo(MultiProof.Failure.ROOT);
    }
}
