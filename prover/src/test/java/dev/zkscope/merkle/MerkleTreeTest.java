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
}
