package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.security.SecurityAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security figures through the CLI: {@code verify --json} carries both figures and every term, as computed from
 * the verifying key; text {@code verify} and {@code prove} print "conjectured N bits, provable M bits"; {@code inspect}
 * shows them for the circuit at the chosen preset.
 */
class SecurityCliTest {
    @TempDir
    static Path tmp;

    static Path proof;
    static Path vk;
    static CliTest.Run proved;

    @BeforeAll
    static void proveOnce() {
        proof = tmp.resolve("mlp.proof");
        vk = tmp.resolve("mlp.vk");
        proved = run("prove", "../samples/mlp.onnx", "--input", "../samples/mlp.input.json", "--out",
                proof.toString(), "--vk", vk.toString(), "--preset", "testing", "--no-predict", "--warmup", "0");
        assertThat(proved.code()).as(proved.err()).isZero();
    }

    private static SecurityAnalysis expected() throws Exception {
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(Files.readAllBytes(vk));
        return SecurityAnalysis.of(VerifyingKey.fromBytes(kf.verifyingKey()));
    }

    @Test
    void verifyJson_carriesConjecturedAndProvableBitsWithTheirTerms() throws Exception {
        CliTest.Run r = run("verify", proof.toString(), "--vk", vk.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode s = new ObjectMapper().readTree(r.out()).path("security");
        SecurityAnalysis a = expected();
        assertThat(s.path("conjectured_bits").asDouble()).isEqualTo(Math.floor(a.conjecturedBits() * 10) / 10);
        assertThat(s.path("provable_bits").asDouble()).isEqualTo(Math.floor(a.provableBits() * 10) / 10);
        // the insecure test preset: 4 queries at rate 1/4 and 2 grinding bits
        assertThat(s.path("conjectured_bits").asDouble()).isEqualTo(10.0);
        assertThat(s.path("provable_bits").asDouble()).isBetween(1.0, 10.0);
        assertThat(s.path("provable_regime").asText()).isEqualTo(a.provable().name());
        for (String regime : new String[] {"conjectured", "unique_decoding", "johnson_bound"}) {
            JsonNode terms = s.path("regimes").path(regime).path("terms");
            assertThat(terms.size()).as(regime).isEqualTo(a.conjectured().terms().size());
            assertThat(terms.findValuesAsText("name")).contains("query phase", "commit phase round 1 (arity 4)",
                    "DEEP batching", "out-of-domain (DEEP)", "ALI (constraint combination)", "LogUp", "permutation");
            for (JsonNode t : terms) {
                assertThat(t.path("explanation").asText()).as(t.toString()).isNotBlank();
                assertThat(t.path("bits").isNumber()).as(t.toString()).isTrue();
            }
        }
        assertThat(s.path("circuit").path("log_n").asInt()).isEqualTo(a.circuit().logN());
    }

    @Test
    void textVerifyAndProve_printBothFigures() throws Exception {
        String line = "conjectured " + SecurityAnalysis.format(expected().conjecturedBits()) + " bits, provable "
                + SecurityAnalysis.format(expected().provableBits()) + " bits";
        CliTest.Run r = run("verify", proof.toString(), "--vk", vk.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("security: " + line);
        assertThat(proved.out()).contains("security: " + line);
    }

    @Test
    void inspect_showsTheFiguresAtTheChosenPreset() throws Exception {
        JsonNode j = new ObjectMapper().readTree(run("inspect", "../samples/mlp.onnx", "--json", "--preset",
                "provable").out());
        assertThat(j.path("security").path("preset").asText()).isEqualTo("provable");
        assertThat(j.path("security").path("provable_bits").asDouble()).isGreaterThanOrEqualTo(100);
        JsonNode std = new ObjectMapper().readTree(run("inspect", "../samples/mlp.onnx", "--json").out());
        // The standard preset's 100 conjectured bits; small traces (mlp: 2^9 rows) get 101 at rate 1/32.
        assertThat(std.path("security").path("conjectured_bits").asDouble()).isBetween(100.0, 101.0);
        assertThat(std.path("security").path("provable_bits").asDouble()).isLessThan(100);
        CliTest.Run text = run("inspect", "../samples/mlp.onnx", "--preset", "high");
        assertThat(text.out()).contains("security (preset high): conjectured ", "unique decoding: ",
                "Johnson bound: ", "DEEP batching ", "LogUp ");
    }
}
