package dev.zkscope.segment;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The link challenge: a function of the model's name, the heights and every root, never in the base field. */
class LinkChallengeTest {
    private static List<byte[]> roots(int n, int seed) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] r = new byte[32];
            r[0] = (byte) seed;
            r[31] = (byte) i;
            out.add(r);
        }
        return out;
    }

    @Test
    void everyInput_changesTheChallenge_andItIsNeverInTheBaseField() {
        int[] h = {16, 15, 16};
        long[] g = LinkChallenge.derive("m", h, roots(3, 1));
        assertThat(g).hasSize(2);
        assertThat(g[1]).isNotZero();
        assertThat(LinkChallenge.derive("m", h, roots(3, 1))).isEqualTo(g);
        assertThat(LinkChallenge.derive("n", h, roots(3, 1))).isNotEqualTo(g);
        assertThat(LinkChallenge.derive("m", new int[] {16, 16, 16}, roots(3, 1))).isNotEqualTo(g);
        for (int i = 0; i < 3; i++) {
            List<byte[]> r = roots(3, 1);
            r.get(i)[5] ^= 1;
            assertThat(LinkChallenge.derive("m", h, r)).as("root %d", i).isNotEqualTo(g);
        }
        // a root moved from one segment to the next (an empty root for a segment without links) is another input
        List<byte[]> shifted = roots(3, 1);
        shifted.set(2, new byte[0]);
        assertThat(LinkChallenge.derive("m", h, shifted)).isNotEqualTo(g);
        for (int s = 0; s < 200; s++) {
            assertThat(LinkChallenge.derive("m", h, roots(3, s))[1]).isNotZero();
        }
        assertThatThrownBy(() -> LinkChallenge.derive("m", new int[] {16}, roots(3, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void holds_readsTheTwoElementsAtTheirOffset() {
        long[] g = LinkChallenge.derive("m", new int[] {16, 16}, roots(2, 3));
        long[] pub = {7, dev.zkscope.field.Goldilocks.toSigned(g[0]), dev.zkscope.field.Goldilocks.toSigned(g[1]), 9};
        assertThat(LinkChallenge.holds(pub, 1, g)).isTrue();
        assertThat(LinkChallenge.holds(pub, 0, g)).isFalse();
        assertThat(LinkChallenge.holds(pub, 3, g)).isFalse();
        assertThat(LinkChallenge.holds(pub, -1, g)).isFalse();
    }
}
