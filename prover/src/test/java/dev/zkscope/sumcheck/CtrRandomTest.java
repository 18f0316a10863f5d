package dev.zkscope.sumcheck;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The prover's AES-CTR generator: fresh keys per instance, a stream that advances, balanced bits. */
class CtrRandomTest {
    @Test
    void twoGeneratorsDiffer() {
        Random a = TensorPcs.defaultRandom();
        Random b = TensorPcs.defaultRandom();
        long[] x = new long[8];
        long[] y = new long[8];
        for (int i = 0; i < 8; i++) {
            x[i] = a.nextLong();
            y[i] = b.nextLong();
        }
        assertThat(x).isNotEqualTo(y);
    }

    @Test
    void seedingDoesNotMakeTheStreamPredictable() {
        Random a = TensorPcs.defaultRandom();
        Random b = TensorPcs.defaultRandom();
        a.setSeed(42);
        b.setSeed(42);
        assertThat(a.nextLong()).isNotEqualTo(b.nextLong());
    }

    @Test
    void streamAdvancesAcrossBlocksAndCallKinds() {
        // 64-bit words from nextLong, nextBytes and next(32) across many 8 KiB refills: a refill that did not advance
        // the counter, or a buffer left unencrypted, repeats words
        Random r = TensorPcs.defaultRandom();
        Set<Long> seen = new HashSet<>();
        int n = 0;
        byte[] b = new byte[1000];
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 300; i++) {
                seen.add(r.nextLong());
                n++;
            }
            r.nextBytes(b);
            for (int i = 0; i + 8 <= b.length; i += 8) {
                seen.add(dev.zkscope.hash.Hashing.getLong(b, i));
                n++;
            }
            seen.add(((long) r.nextInt() << 32) ^ (r.nextInt() & 0xffffffffL));
            n++;
        }
        assertThat(seen).hasSize(n);
    }

    @Test
    void bitsAreBalanced() {
        Random r = TensorPcs.defaultRandom();
        int words = 1 << 16;
        long ones = 0;
        long[] perBit = new long[64];
        for (int i = 0; i < words; i++) {
            long v = r.nextLong();
            ones += Long.bitCount(v);
            for (int j = 0; j < 64; j++) {
                perBit[j] += (v >>> j) & 1;
            }
        }
        // 2^22 bits: mean 2^21, sd 1024; 6 sd either side. Each position: 2^16 bits, mean 2^15, sd 128
        assertThat(Math.abs(ones - (1L << 21))).isLessThan(6 * 1024);
        for (long c : perBit) {
            assertThat(Math.abs(c - (1L << 15))).isLessThan(6 * 128);
        }
        assertThat(dev.zkscope.field.Goldilocks.isCanonical(TensorPcs.randomFelt(r))).isTrue();
    }
}
