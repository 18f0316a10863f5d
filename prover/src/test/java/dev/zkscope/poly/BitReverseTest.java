package dev.zkscope.poly;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The blocked, parallel bit reversal moves every element where the definition says, at every size. */
class BitReverseTest {
    @Test
    void bitReverse_matchesTheDefinition_atEverySize() {
        for (int logN = 0; logN <= 20; logN++) {
            int n = 1 << logN;
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = i * 0x9E3779B97F4A7C15L + 1;
            }
            long[] b = a.clone();
            Ntt.bitReverse(b, logN);
            for (int i = 0; i < n; i++) {
                int j = logN == 0 ? 0 : Integer.reverse(i) >>> (32 - logN);
                if (b[j] != a[i]) {
                    assertThat(b[j]).as("logN %d: a[%d] should land at %d", logN, i, j).isEqualTo(a[i]);
                }
            }
            Ntt.bitReverse(b, logN);
            assertThat(b).as("an involution at logN %d", logN).isEqualTo(a);
        }
    }
}
