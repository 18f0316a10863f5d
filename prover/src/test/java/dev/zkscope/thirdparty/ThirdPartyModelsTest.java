package dev.zkscope.thirdparty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fetched third-party model (samples/thirdparty/fetch.sh and reference.js; not in CI, which has no network
 * models) either loads, matches ONNX Runtime within {@link ThirdPartyCheck#TOLERANCE} (relative to the largest output
 * above 1) and quantizes, or names the ops it lacks. A model that is not fetched is skipped with a printed reason.
 */
class ThirdPartyModelsTest {
    private static final Path DIR = Path.of("..", "samples", "thirdparty");

    @TestFactory
    Stream<DynamicTest> thirdPartyModel_passesOrNamesMissingOps() throws Exception {
        return ThirdPartyCheck.models(DIR).stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            Path models = DIR.resolve("models");
            if (!Files.exists(models.resolve(m.name() + ".ort.json"))) {
                System.out.println("skipped " + m.name() + ": not fetched (samples/thirdparty/fetch.sh, then node "
                        + "samples/thirdparty/reference.js)");
                return;
            }
            ThirdPartyCheck.Outcome o = ThirdPartyCheck.check(m, models);
            System.out.println(m.name() + ": load " + o.load() + ", missing " + o.missingOps() + ", float error "
                    + o.maxAbsError() + ", quantize " + o.quantize());
            assertThat(o.load()).isEqualTo("yes");
            if (m.name().equals("oww_hey_jarvis")) {
                // a run-time If (the verifier head runs only when the first head's score passes its threshold): the
                // one thing it lacks, named with its reason
                assertThat(o.missingOps()).hasSize(1);
                assertThat(o.missingOps().get(0)).startsWith("If: If whose condition 'onnx::If_52' is computed at "
                        + "run time");
            }
            assertThat(o.acceptable()).as("%s: float error %s, quantize %s", m.name(), o.maxAbsError(), o.quantize())
                    .isTrue();
        }));
    }
}
