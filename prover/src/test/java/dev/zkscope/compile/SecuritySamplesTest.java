package dev.zkscope.compile;

import dev.zkscope.onnx.Samples;
import dev.zkscope.plonk.CircuitFigures;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.security.SecurityAnalysis;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security figures of every sample model's circuit, compiled for each preset offered to users: every one is at
 * least 100 bits conjectured, the provable preset at least 100 bits provable, and the standard preset's provable
 * figure is printed below 100 (so the label "conjectured" is needed). Prints the figures the README's proof-system
 * table quotes.
 */
class SecuritySamplesTest {
    private static SecurityAnalysis analyse(String name, ProofParameters p) throws Exception {
        CompiledModel cm = ModelCompiler.compile(SampleModels.load(name).quantized(),
                CompileOptions.defaults().withReservedRows(p.reservedRows()).withMinLogNAtLeast(p.minLogN()));
        return SecurityAnalysis.of(cm.circuit(), p);
    }

    @TestFactory
    Stream<DynamicTest> everyOfferedPreset_isAtLeast100BitsConjectured_provablePresetAtLeast100Provable() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            for (ProofParameters p : ProofParameters.presets()) {
                SecurityAnalysis a = analyse(name, p);
                System.out.printf("security %-17s %-9s %s; weakest provable term: %s %s%n", name, p.name(), a.summary(),
                        a.provable().weakest().name(), SecurityAnalysis.format(a.provable().weakest().bits()));
                assertThat(p.conjecturedSecurityBits()).as(p.name()).isGreaterThanOrEqualTo(100);
                assertThat(a.conjecturedBits()).as("%s under %s", name, p.name()).isGreaterThanOrEqualTo(100);
                // at most the nominal figure of the parameters this trace size is proved with
                assertThat(a.conjecturedBits())
                        .isLessThanOrEqualTo(p.forTrace(a.circuit().logN()).conjecturedSecurityBits());
                if (p.equals(ProofParameters.provable())) {
                    assertThat(a.provableBits()).as("%s: %s", name, a.summary()).isGreaterThanOrEqualTo(100);
                } else {
                    assertThat(a.provableBits()).as("%s under %s", name, p.name()).isLessThan(100);
                }
            }
        }));
    }

    /**
     * The standard preset's small-trace rates (ProofParameters.forTrace) keep every sample's security: the
     * conjectured and the provable figures are at least those of the same circuit at the large-trace parameters (rate
     * 1/8, 28 queries), which the standard preset used for every trace before.
     */
    @TestFactory
    Stream<DynamicTest> standardSmallTraceRates_loseNoBits() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            ProofParameters s = ProofParameters.standard();
            CompiledModel cm = ModelCompiler.compile(SampleModels.load(name).quantized(),
                    CompileOptions.defaults().withReservedRows(s.reservedRows()).withMinLogNAtLeast(s.minLogN()));
            ProofParameters uniform = new ProofParameters(s.name(), s.logBlowup(), s.numQueries(), s.grindingBits(),
                    s.logFoldingArity(), s.logFinalPolyLen(), true);
            SecurityAnalysis now = SecurityAnalysis.of(cm.circuit(), s);
            SecurityAnalysis before = SecurityAnalysis.of(cm.circuit(), uniform);
            System.out.printf("standard %-17s 2^%d rate 1/%d: %s; at rate 1/8: %s%n", name, now.circuit().logN(),
                    1 << now.circuit().logBlowup(), now.summary(), before.summary());
            assertThat(now.circuit().logBlowup()).isGreaterThan(uniform.logBlowup());
            assertThat(now.conjecturedBits()).as(name).isGreaterThanOrEqualTo(before.conjecturedBits() - 1e-9);
            assertThat(now.provableBits()).as(name).isGreaterThanOrEqualTo(before.provableBits() - 1e-9);
        }));
    }

    @Test
    void verifyingKeyFigures_areTheCircuitsFigures() throws Exception {
        ProofParameters p = ProofParameters.testing();
        CompiledModel cm = ModelCompiler.compile(SampleModels.load("mlp").quantized(),
                CompileOptions.defaults().withReservedRows(p.reservedRows()));
        CircuitFigures fromKey = ProofSystem.keygen(cm.circuit(), p).verifyingKey().figures();
        assertThat(fromKey).isEqualTo(CircuitFigures.of(cm.circuit(), p));
        assertThat(fromKey.logN()).isEqualTo(cm.circuit().logN());
        assertThat(fromKey.lookups()).isEqualTo(cm.circuit().lookups().size());
        assertThat(fromKey.equalityColumns()).isEqualTo(cm.circuit().equalityColumns().size());
        // every advice and fixed column is committed, plus the proof system's own
        assertThat(fromKey.committedColumns()).isGreaterThan(cm.circuit().numAdvice() + cm.circuit().numFixed());
    }

    @Test
    void resizedFigures_matchACircuitCompiledForThatPreset() throws Exception {
        ProofParameters standard = ProofParameters.standard();
        ProofParameters provable = ProofParameters.provable();
        CompiledModel forStandard = ModelCompiler.compile(SampleModels.load("mlp").quantized(),
                CompileOptions.defaults().withReservedRows(standard.reservedRows()));
        CostLedger l = forStandard.ledger();
        SecurityAnalysis resized = SecurityAnalysis.ofResized(forStandard.circuit(),
                Math.max(l.gadgetRows(), l.tableRows() + 1), provable);
        // Same height, rows and arguments; the compiler may pack a padded trace into fewer inner columns (AUTO picks
        // the fewest that reach the smallest height), so the column count of the resized figure is an estimate.
        CircuitFigures real = analyse("mlp", provable).circuit();
        CircuitFigures est = resized.circuit();
        assertThat(est.logN()).isEqualTo(real.logN());
        assertThat(est.usableRows()).isEqualTo(real.usableRows());
        assertThat(est.lookups()).isEqualTo(real.lookups());
        assertThat(est.equalityColumns()).isEqualTo(real.equalityColumns());
        assertThat((double) est.committedColumns()).isCloseTo(real.committedColumns(),
                org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(resized.provableBits()).isCloseTo(analyse("mlp", provable).provableBits(),
                org.assertj.core.data.Offset.offset(0.2));
    }
}
