package dev.zkscope.compile;

import dev.zkscope.onnx.Samples;
import dev.zkscope.plonk.ProofParameters;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed ledger of every sample (src/test/resources/ledgers/NAME.csv, {@link CompileOptions#auto()}) must equal the
 * ledger the compiler produces now, so that a change of the circuit's cost is always a visible, deliberate diff.
 * To accept a change on purpose: {@code mvn -pl prover test -Dtest=LedgerGoldenTest -Dzkscope.updateLedgers=true},
 * then review and commit the CSVs. Each sample's ledger also sums to what its circuit and witness use.
 */
class LedgerGoldenTest {
    private static Path dir() {
        Path p = Path.of("src", "test", "resources", "ledgers");
        return Files.isDirectory(Path.of("prover")) ? Path.of("prover").resolve(p) : p;
    }

    @TestFactory
    Stream<DynamicTest> sample_ledgerMatchesCommittedCsv() throws Exception {
        boolean update = Boolean.getBoolean("zkscope.updateLedgers");
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            CompiledModel cm = ModelCompiler.compile(SampleModels.load(name).quantized(), CompileOptions.auto());
            SampleModels.Sample s = SampleModels.load(name);
            LedgerTest.assertLedgerMatchesTrace(cm, cm.witness(s.quantizedInput(0)).witness());
            String csv = cm.ledger().toCsv();
            Path file = dir().resolve(name + ".csv");
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, csv, StandardCharsets.UTF_8);
            }
            assertThat(file).as("golden ledger " + file + " (regenerate with -Dzkscope.updateLedgers=true)").exists();
            assertThat(csv).as("ledger of " + name + " differs from " + file
                    + "; if the change is intended, rerun with -Dzkscope.updateLedgers=true and commit the CSV")
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        }));
    }

    @Test
    void defaultReservedRows_areTheStandardPresets() {
        assertThat(CompileOptions.STANDARD_RESERVED_ROWS).isEqualTo(ProofParameters.standard().reservedRows());
        assertThat(CompileOptions.STANDARD_MIN_LOG_N).isEqualTo(ProofParameters.standard().minLogN());
    }
}
