package dev.zkscope.plonk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sizes read from a key are bounded before anything is sized by them: a crafted key declaring 2^28 rows (which the
 * verifier used to pad every instance column to, gigabytes) is refused at load with a clear message, having allocated
 * next to nothing; the tallest key the compiler can make still loads.
 */
class KeyBoundsTest {
    private static final ProofParameters P = ProofParameters.testing();

    private static byte[] keyWithRows(int logN) {
        ConstraintSystem cs = new ConstraintSystem("crafted", logN, (1 << logN) - P.reservedRows(), 0, 1, 1, List.of(),
                List.of(), List.of(), List.of());
        return new VerifyingKey(cs, P, new byte[32]).toBytes();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void fromBytes_refusesAKeyOf2To28Rows_withoutAllocating() {
        for (int logN : new int[] {28, VerifyingKey.MAX_LOG_N + 1}) {
            byte[] vk = keyWithRows(logN);
            long before = allocatedBytes();
            assertThatThrownBy(() -> VerifyingKey.fromBytes(vk)).isInstanceOf(VerifyingKey.FormatException.class)
                    .hasMessageContaining("2^" + logN);
            assertThat(allocatedBytes() - before).as("bytes allocated while refusing 2^%d rows", logN)
                    .isLessThan(16L << 20);
        }
    }

    @Test
    void fromBytes_loadsTheTallestKeyTheCompilerMakes() throws Exception {
        assertThat(VerifyingKey.fromBytes(keyWithRows(VerifyingKey.MAX_LOG_N)).constraintSystem().logN())
                .isEqualTo(VerifyingKey.MAX_LOG_N);
    }
}
