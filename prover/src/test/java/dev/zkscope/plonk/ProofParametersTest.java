package dev.zkscope.plonk;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProofParametersTest {
    @Test
    void presets_offeredToUsersHaveAtLeast100Bits() {
        for (ProofParameters p : ProofParameters.presets()) {
            assertThat(p.conjecturedSecurityBits()).as(p.name()).isGreaterThanOrEqualTo(100);
            assertThat(p.isInsecure()).isFalse();
            assertThat(p.zeroKnowledge()).isTrue();
        }
        assertThat(ProofParameters.standard().conjecturedSecurityBits()).isEqualTo(28 * 3 + 16);
        assertThat(ProofParameters.high().conjecturedSecurityBits()).isEqualTo(38 * 3 + 16);
    }

    @Test
    void testingPreset_isLabelledInsecure() {
        ProofParameters t = ProofParameters.testing();
        assertThat(t.isInsecure()).isTrue();
        assertThat(t.name()).contains("INSECURE");
        assertThat(t.toString()).contains("INSECURE");
        assertThat(ProofParameters.presets()).doesNotContain(t);
    }

    @Test
    void byName_findsPresetsAndRejectsUnknown() {
        assertThat(ProofParameters.byName("standard")).isEqualTo(ProofParameters.standard());
        assertThat(ProofParameters.byName("HIGH")).isEqualTo(ProofParameters.high());
        assertThat(ProofParameters.byName("testing")).isEqualTo(ProofParameters.testing());
        assertThatThrownBy(() -> ProofParameters.byName("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standard");
    }

    @Test
    void reservedRows_followTheOpeningCount() {
        ProofParameters s = ProofParameters.standard();
        assertThat(ProofSystem.reservedRows(s)).isEqualTo(s.numQueries() + 5);
        assertThat(ProofSystem.reservedRows(s.withZeroKnowledge(false))).isZero();
    }

    @Test
    void keygen_refusesCircuitsWithoutTheReservedRows() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(1, 5, p.reservedRows() - 1);
        assertThatThrownBy(() -> ProofSystem.keygen(inst.circuit(), p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reservedRows");
    }
}
