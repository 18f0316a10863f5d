package dev.zkscope.hash;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Poseidon2Test {

    /**
     * The known-answer test of the reference implementation (HorizenLabs/poseidon2,
     * plain_implementations/src/poseidon2/poseidon2.rs, poseidon2_tests_goldilocks::kats): width 12, input 0..11.
     */
    @Test
    void permute_matchesPublishedTestVector() {
        long[] s = new long[12];
        for (int i = 0; i < 12; i++) {
            s[i] = i;
        }
        Poseidon2.permute(s);
        long[] expected = {
                0x01eaef96bdf1c0c1L, 0x1f0d2cc525b2540cL, 0x6282c1dfe1e0358dL, 0xe780d721f698e1e6L,
                0x280c0b6f753d833bL, 0x1b942dd5023156abL, 0x43f0df3fcccb8398L, 0xe8e8190585489025L,
                0x56bdbf72f77ada22L, 0x7911c32bf9dcd705L, 0xec467926508fbe67L, 0x6a50450ddf85a6edL};
        assertThat(s).containsExactly(expected);
    }

    @Test
    void externalEntry_isTheMatrixThatExternalLinearApplies() {
        SplittableRandom rnd = new SplittableRandom(11);
        long[] x = new long[12];
        for (int i = 0; i < 12; i++) {
            x[i] = Goldilocks.reduce(rnd.nextLong());
        }
        long[] fast = x.clone();
        Poseidon2.externalLinear(fast);
        for (int r = 0; r < 12; r++) {
            long acc = 0;
            for (int c = 0; c < 12; c++) {
                acc = Goldilocks.add(acc, Goldilocks.mul(Poseidon2.externalEntry(r, c), x[c]));
            }
            assertThat(fast[r]).as("row %d", r).isEqualTo(acc);
        }
    }

    @Test
    void hash_isDeterministicAndSeparatesSaltDomainAndLength() {
        long[] salt = {1, 2, 3, 4};
        long[] values = new long[20];
        Arrays.fill(values, 5);
        long[] h = Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, salt, values);
        assertThat(Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, salt, values)).containsExactly(h);
        assertThat(Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, new long[] {1, 2, 3, 5}, values)).isNotEqualTo(h);
        assertThat(Poseidon2.hash(Poseidon2.DOMAIN_INPUT, salt, values)).isNotEqualTo(h);
        // inputs and outputs share a domain, so that an output commitment can be the next proof's input commitment
        assertThat(Poseidon2.DOMAIN_OUTPUT).isEqualTo(Poseidon2.DOMAIN_INPUT).isNotEqualTo(Poseidon2.DOMAIN_WEIGHTS);
        // zero padding plus the length in the capacity: a trailing zero value changes the digest
        assertThat(Poseidon2.hash(Poseidon2.DOMAIN_WEIGHTS, salt, Arrays.copyOf(values, 21))).isNotEqualTo(h);
        assertThat(Poseidon2.permutations(4, 20)).isEqualTo(3);
        assertThat(Poseidon2.permutations(4, 0)).isEqualTo(1);
        assertThat(Poseidon2.permutations(0, 0)).isEqualTo(1);
    }

    @Test
    void hex_roundTrips_andRejectsMalformed() {
        long[] d = Poseidon2.hash(Poseidon2.DOMAIN_OUTPUT, new long[] {9}, new long[] {1, 2});
        String hex = Poseidon2.hex(d);
        assertThat(hex).hasSize(64);
        assertThat(Poseidon2.parseHex(hex)).containsExactly(d);
        assertThatThrownBy(() -> Poseidon2.parseHex("abc")).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> Poseidon2.parseHex("ff".repeat(32))).hasMessageContaining("not below p");
    }
}
