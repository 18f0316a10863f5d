package dev.zkscope.plonk;

import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.List;

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

    /** The standard preset's small-trace rule: lower rates and fewer queries, never fewer conjectured bits. */
    @Test
    void forTrace_standardLowersTheRateOfSmallTracesOnly() {
        ProofParameters s = ProofParameters.standard();
        for (int logN = 1; logN <= 24; logN++) {
            ProofParameters t = s.forTrace(logN);
            int lb = logN <= 12 ? 5 : logN == 13 ? 4 : 3;
            int q = lb == 5 ? 17 : lb == 4 ? 21 : 28;
            assertThat(t.logBlowup()).as("2^%d", logN).isEqualTo(lb);
            assertThat(t.numQueries()).as("2^%d", logN).isEqualTo(q);
            assertThat(logN + t.logBlowup() <= ProofParameters.SMALL_LOG_LDE || t.logBlowup() == s.logBlowup()).isTrue();
            assertThat(t.conjecturedSecurityBits()).isGreaterThanOrEqualTo(s.conjecturedSecurityBits());
            // 21 x 4 = 28 x 3 exactly: one more grinding bit; 17 x 5 = 85 > 84: none
            assertThat(t.grindingBits()).isEqualTo(s.grindingBits() + (lb == 4 ? 1 : 0));
            assertThat(t.logFoldingArity()).isEqualTo(s.logFoldingArity());
            assertThat(t.logFinalPolyLen()).isEqualTo(s.logFinalPolyLen());
            assertThat(t.name()).isEqualTo(s.name());
            // the compiler reserves the preset's rows: enough for every trace size's parameters
            assertThat(t.reservedRows()).isLessThanOrEqualTo(s.reservedRows());
            // what a key carries is final: applying the rule again changes nothing
            assertThat(t.smallLogLde()).isZero();
            assertThat(t.forTrace(logN)).isEqualTo(t);
        }
        assertThat(s.minLogN()).isEqualTo(7);
        assertThat(s.withZeroKnowledge(false).forTrace(9).logBlowup()).isEqualTo(5);
        for (ProofParameters p : List.of(ProofParameters.high(), ProofParameters.provable(), ProofParameters.testing())) {
            assertThat(p.forTrace(9)).isEqualTo(p);
        }
        assertThatThrownBy(() -> new ProofParameters("x", 3, 28, 16, 3, 6, true, 31))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smallLogLde");
    }

    /**
     * A small circuit's key carries the rate and query count its trace is proved at; a proof made with the preset's
     * large-trace parameters (more queries, rate 1/8) for the same circuit is refused as a parameter mismatch, and so is
     * a proof at the small-trace parameters against a key made at the large-trace ones.
     */
    @Test
    void smallTrace_keyCarriesItsParameters_andOtherParametersAreRefused() throws Exception {
        ProofParameters s = ProofParameters.standard();
        int logN = 9;
        TestCircuits.Instance inst = TestCircuits.random(91, logN, s.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), s);
        ProofParameters carried = pk.verifyingKey().parameters();
        assertThat(carried).isEqualTo(s.forTrace(logN));
        assertThat(carried.logBlowup()).isEqualTo(5);
        assertThat(carried.numQueries()).isEqualTo(17);
        assertThat(VerifyingKey.fromBytes(pk.verifyingKey().toBytes()).parameters()).isEqualTo(carried);
        byte[] proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
        assertThat(ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), proof).accepted()).isTrue();

        ProofParameters large = new ProofParameters(s.name(), s.logBlowup(), s.numQueries(), s.grindingBits(),
                s.logFoldingArity(), s.logFinalPolyLen(), true);
        ProvingKey pkLarge = ProofSystem.keygen(inst.circuit(), large);
        assertThat(pkLarge.verifyingKey().parameters()).isEqualTo(large);
        byte[] proofLarge = ProofSystem.prove(pkLarge, inst.witness(), PhaseListener.NONE).toBytes();
        assertThat(ProofSystem.verify(pkLarge.verifyingKey(), inst.witness().instance(), proofLarge).accepted()).isTrue();
        for (VerifyResult r : List.of(ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), proofLarge),
                ProofSystem.verify(pkLarge.verifyingKey(), inst.witness().instance(), proof))) {
            assertThat(r).isInstanceOf(VerifyResult.Rejected.class);
            assertThat(((VerifyResult.Rejected) r).error()).isInstanceOf(VerifyError.ParametersMismatch.class);
        }
    }
}
