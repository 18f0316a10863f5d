package dev.zkscope.merkle;

import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MerkleTreeTest {
    @Test
    void paths_verifyAndDetectTampering() {
        for (boolean salted : new boolean[] {false, true}) {
            int leaves = 64;
            byte[] salts = salted ? new byte[leaves * MerkleTree.SALT_BYTES] : null;
            if (salted) {
                for (int i = 0; i < salts.length; i++) {
                    salts[i] = (byte) (i * 31);
                }
            }
            MerkleTree t = MerkleTree.build(leaves, 3, (leaf, buf) -> {
                buf[0] = leaf;
                buf[1] = leaf * 2L;
                buf[2] = 7;
            }, salts);
            assertThat(t.depth()).isEqualTo(6);
            for (int i = 0; i < leaves; i++) {
                long[] row = {i, i * 2L, 7};
                assertThat(MerkleTree.verify(t.root(), i, row, t.salt(i), t.path(i))).isTrue();
                assertThat(MerkleTree.verify(t.root(), i ^ 1, row, t.salt(i), t.path(i))).isFalse();
                long[] bad = row.clone();
                bad[2] = 8;
                assertThat(MerkleTree.verify(t.root(), i, bad, t.salt(i), t.path(i))).isFalse();
                if (salted) {
                    byte[] s = t.salt(i);
                    s[0] ^= 1;
                    assertThat(MerkleTree.verify(t.root(), i, row, s, t.path(i))).isFalse();
                }
            }
        }
    }

    @Test
    void droppedLowLevels_giveTheSamePathsAndCaps_withAFractionOfTheDigests() {
        int leaves = 1 << 10;
        MerkleTree.LeafWriter w = (leaf, buf) -> {
            buf[0] = leaf * 3L;
            buf[1] = leaf ^ 0x55;
        };
        Salts salts = Salts.fromKey(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        MerkleTree full = MerkleTree.build(leaves, 2, w, salts, 0);
        for (int low : new int[] {1, 4, 7}) {
            MerkleTree t = MerkleTree.build(leaves, 2, w, salts, low);
            assertThat(t.root()).isEqualTo(full.root());
            assertThat(t.storedBytes()).isLessThan(full.storedBytes() >> (low - 1));
            assertThat(t.cap(3)).isDeepEqualTo(full.cap(3));
            for (int i = 0; i < leaves; i += 37) {
                assertThat(t.path(i, 3)).isDeepEqualTo(full.path(i, 3));
                assertThat(t.salt(i)).isEqualTo(full.salt(i));
                long[] row = {i * 3L, i ^ 0x55};
                assertThat(MerkleTree.verifyToCap(t.cap(3), i, row, t.salt(i), t.path(i, 3))).isTrue();
            }
        }
        // the same tree from leaf digests made one by one (the streamed commitment), paths from rows given
        byte[] digests = new byte[leaves * 32];
        long[] row = new long[2];
        for (int i = 0; i < leaves; i++) {
            w.write(i, row);
            MerkleTree.leafDigest(row, salts.range(i, 1), 0, digests, 32 * i);
        }
        MerkleTree fromDigests = MerkleTree.fromLeafDigests(digests, 2, salts, 4);
        assertThat(fromDigests.root()).isEqualTo(full.root());
        assertThat(fromDigests.path(517, 2, w)).isDeepEqualTo(full.path(517, 2));
    }

    @Test
    void keyDerivedSalts_areDistinctPerLeafAndKey_andStridedMatchesSingle() {
        Salts a = Salts.fromKey(new byte[16]);
        byte[] k = new byte[16];
        k[0] = 1;
        Salts b = Salts.fromKey(k);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 256; i++) {
            assertThat(a.range(i, 1)).hasSize(16);
            assertThat(seen.add(java.util.HexFormat.of().formatHex(a.range(i, 1)))).isTrue();
            assertThat(a.range(i, 1)).isNotEqualTo(b.range(i, 1));
        }
        byte[] strided = a.strided(5, 8, 10);
        for (int i = 0; i < 10; i++) {
            assertThat(java.util.Arrays.copyOfRange(strided, 16 * i, 16 * i + 16)).isEqualTo(a.range(5 + 8 * i, 1));
        }
    }

    @Test
    void transcript_isDeterministicAndOrderSensitive() {
        Transcript a = new Transcript("t");
        Transcript b = new Transcript("t");
        a.absorbLong(1);
        b.absorbLong(1);
        assertThat(a.challengeExt()).isEqualTo(b.challengeExt());
        assertThat(a.challengeBase()).isNotEqualTo(a.challengeBase());
        Transcript c = new Transcript("t");
        c.absorbLong(2);
        assertThat(c.challengeExt()).isNotEqualTo(new Transcript("t").challengeExt());
        Transcript p = new Transcript("g");
        Transcript v = new Transcript("g");
        long nonce = p.grind(8);
        assertThat(v.checkGrind(nonce, 8)).isTrue();
        assertThat(p.challengeIndex(10)).isEqualTo(v.challengeIndex(10));
        assertThat(new Transcript("g").checkGrind(nonce + 1, 12)).isFalse();
    }

    /**
     * A tree over column arrays ({@link MerkleTree#ofColumns}, rows gathered a run at a time) has the root and paths of
     * the same tree built leaf by leaf, for leaf counts below, at and above the gathering run and widths 1 to 70.
     */
    @Test
    void columnWriter_sameTreeAsLeafByLeaf() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int log : new int[] {0, 3, 4, 6, 7, 11}) {
            for (int width : new int[] {1, 5, 70}) {
                int leaves = 1 << log;
                long[][] cols = new long[width][leaves];
                for (long[] c : cols) {
                    for (int i = 0; i < leaves; i++) {
                        c[i] = r.nextLong() >>> 1;
                    }
                }
                Salts salts = Salts.fromKey(new byte[16]);
                MerkleTree byLeaf = MerkleTree.build(leaves, width, (leaf, buf) -> {
                    for (int k = 0; k < width; k++) {
                        buf[k] = cols[k][leaf];
                    }
                }, salts, 4);
                MerkleTree byRuns = MerkleTree.build(leaves, width, MerkleTree.ofColumns(cols), salts, 4);
                assertThat(byRuns.root()).isEqualTo(byLeaf.root());
                // The same columns split into 2^lc cosets: leaf i at cosets[k][i mod 2^lc][i / 2^lc].
                int lc = Math.min(log, 3);
                long[][][] cosets = new long[width][1 << lc][leaves >> lc];
                for (int k = 0; k < width; k++) {
                    for (int i = 0; i < leaves; i++) {
                        cosets[k][i & ((1 << lc) - 1)][i >> lc] = cols[k][i];
                    }
                }
                assertThat(MerkleTree.build(leaves, width, MerkleTree.ofCosets(cosets, lc), salts, 4).root())
                        .isEqualTo(byLeaf.root());
                for (int i = 0; i < leaves; i += Math.max(1, leaves / 8)) {
                    long[] row = new long[width];
                    for (int k = 0; k < width; k++) {
                        row[k] = cols[k][i];
                    }
                    assertThat(MerkleTree.verify(byRuns.root(), i, row, byRuns.salt(i), byRuns.path(i))).isTrue();
                    row[width - 1] ^= 1;
                    assertThat(MerkleTree.verify(byRuns.root(), i, row, byRuns.salt(i), byRuns.path(i))).isFalse();
                }
            }
        }
    }
}
