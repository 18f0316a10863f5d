package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.cli.Main;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.predict.CostModel;
import dev.zkscope.viz.graph.GraphLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers a user compares between the app and the command line, for one sample proved both ways with the same
 * settings and the same cost model: the app's path (Analyzer, the Prove view's {@link ProveJob} with the forecast
 * {@link ProveViewModel} makes, the Runs table's record, the exported report) against {@code zkscope prove --report}
 * and {@code zkscope inspect --json}. Trace height, rows, columns, the ledger of every layer, proof size, security
 * bits, predicted time and heap, the public output: one source per figure, so they must be equal.
 */
class CliAgreementTest {
    private static String cacheBefore;
    private static Path cache;

    @BeforeAll
    static void sharedCostModel() throws Exception {
        // The CLI reads the cost model from its cache: give it the app tests' quick model, in a cache of this test's.
        cacheBefore = System.getProperty("zkscope.cache");
        cache = Files.createTempDirectory("zkscope-cache");
        System.setProperty("zkscope.cache", cache.toString());
        CostModel.save(AppFixture.costModel());
    }

    @AfterAll
    static void restore() {
        if (cacheBefore == null) {
            System.clearProperty("zkscope.cache");
        } else {
            System.setProperty("zkscope.cache", cacheBefore);
        }
    }

    private static JsonNode cli(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as("zkscope " + String.join(" ", args) + "\n" + err.toString(StandardCharsets.UTF_8))
                .isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        return text.strip().startsWith("{") ? new ObjectMapper().readTree(text) : null;
    }

    @Test
    void oneSampleProvedInTheAppAndByTheCli_showsTheSameFigures(@TempDir Path dir) throws Exception {
        String name = "cnn_bn_pool";
        Path model = AppFixture.sample(name);
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(model, 1);
        Analysis a = new Analyzer().analyze(s, ModelSettings.defaults().withPreset("testing"));
        CostModel cm = CostModel.cached();
        assertThat(cm).as("the CLI's cost model is the app tests' one").isNotNull();
        Forecast f = Forecast.of(cm.predict(a.prepared().shape()), cm);
        CompletedRun app = new ProveJob(a, 1, f, p -> { }, () -> false).run();
        assertThat(app.inputSource()).isEqualTo(name + ".input.json");

        Path report = dir.resolve("r.json");
        cli("prove", model.toString(), "--input", model.resolveSibling(name + ".input.json").toString(),
                "--out", dir.resolve("p.proof").toString(), "--preset", "testing", "--report", report.toString(),
                "--warmup", "0");
        JsonNode prove = new ObjectMapper().readTree(report.toFile());
        JsonNode inspect = cli("inspect", model.toString(), "--json", "--preset", "testing").path("circuit");

        // Trace and columns: the Prove view's card, the Settings tab, the CLI's report and inspect.
        assertThat(app.logN()).isEqualTo(prove.path("k").asInt()).isEqualTo(inspect.path("k").asInt())
                .isEqualTo(a.ledger().logN());
        assertThat(app.gadgetRows()).isEqualTo(inspect.path("gadget_rows").asInt());
        assertThat(prove.path("used_rows").asInt())
                .isEqualTo(Math.max(a.ledger().gadgetRows(), a.ledger().tableRows()));
        assertThat(a.ledger().tableRows()).isEqualTo(inspect.path("table_rows").asInt());
        assertThat(a.ledger().numAdvice()).isEqualTo(prove.path("advice_columns").asInt())
                .isEqualTo(inspect.path("advice_columns").asInt());
        assertThat(a.ledger().numFixed()).isEqualTo(prove.path("fixed_columns").asInt());
        assertThat(a.quantized().inputScale()).isEqualTo(prove.path("input_scale").asInt());

        // The ledger of every layer: the layer table's rows and the Runs record's against inspect's.
        List<String> names = new ArrayList<>();
        JsonNode layers = inspect.path("layers");
        assertThat(layers.size()).isEqualTo(a.ledger().layers().size()).isPositive();
        for (int i = 0; i < layers.size(); i++) {
            LayerCost c = a.ledger().layers().get(i);
            JsonNode l = layers.get(i);
            assertThat(c.layer()).isEqualTo(l.path("layer").asText());
            assertThat(c.rows()).as(c.layer()).isEqualTo(l.path("rows").asInt());
            assertThat(c.adviceCells()).as(c.layer()).isEqualTo(l.path("advice_cells").asLong());
            assertThat(c.rangeChecks()).as(c.layer()).isEqualTo(l.path("range_checks").asLong());
            assertThat(c.copies()).as(c.layer()).isEqualTo(l.path("copies").asLong());
            c.lookups().forEach((t, n) -> assertThat(l.path("lookups").path(t).asLong()).as(c.layer() + " " + t)
                    .isEqualTo(n));
            names.add(c.layer());
        }
        RunRecord rec = RunRecord.of(app, java.time.Instant.now(), RunRecord.Kind.PROOF, ProveViewModel.layerRows(a));
        for (JsonNode l : layers) {
            int sum = 0;
            for (JsonNode m : layers) {
                sum += m.path("layer").asText().equals(l.path("layer").asText()) ? m.path("rows").asInt() : 0;
            }
            assertThat(rec.layerRows().get(l.path("layer").asText())).isEqualTo(sum);
        }

        // Proof size and security: the cards against the CLI's report.
        // Each run's report states its own proof's size; two proofs of one statement differ by a few hundred bytes
        // (a Merkle multiproof sends the nodes its queries need, and the queries are drawn per proof).
        long parts = 0;
        for (JsonNode v : prove.path("proof_size_bytes")) {
            parts += v.asLong();
        }
        assertThat(parts).as("the report's size breakdown adds up to its proof").isEqualTo(prove.path("proof_bytes").asLong());
        // So every part but the Merkle nodes has the same size in both, and the parts are the same.
        java.util.Map<String, Integer> appParts = ProofParts.of(app).bytes();
        assertThat(appParts.keySet()).containsExactlyInAnyOrderElementsOf(() -> prove.path("proof_size_bytes").fieldNames());
        prove.path("proof_size_bytes").fields().forEachRemaining(e -> {
            if (!e.getKey().contains("Merkle nodes")) {
                assertThat(appParts.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asInt());
            }
        });
        // the Prove view's breakdown adds up to the proof it describes
        assertThat(ProofParts.of(app).total()).isEqualTo(app.proof().length);
        // the Security card's figures (floored to 0.1 bit, as the report writes them)
        assertThat(dev.zkscope.security.SecurityAnalysis.format(app.security().conjecturedBits()))
                .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", prove.path("security")
                        .path("conjectured_bits").asDouble()));
        assertThat(dev.zkscope.security.SecurityAnalysis.format(app.security().provableBits()))
                .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", prove.path("security")
                        .path("provable_bits").asDouble()));
        assertThat(a.security().conjecturedBits()).isCloseTo(app.security().conjecturedBits(), within(1e-9));

        // Predictions: what the cost model predicts (prove time, heap above the baseline), one figure everywhere.
        assertThat(app.forecast().proveSeconds() * 1e3).isCloseTo(prove.path("predicted").path("prove_ms").asDouble(),
                within(1e-6));
        assertThat(app.forecast().heapAboveBaseline()).isEqualTo(prove.path("predicted")
                .path("heap_above_baseline_bytes").asLong());
        prove.path("predicted").path("phase_ms").fields().forEachRemaining(e -> assertThat(
                app.forecast().phaseSeconds().get(e.getKey()) * 1e3).as(e.getKey())
                .isCloseTo(e.getValue().asDouble(), within(1e-6)));
        JsonNode exported = new ObjectMapper().readTree(Report.json(a, List.of(app))).path("runs").get(0);
        assertThat(exported.path("predicted_heap_above_baseline_bytes").asLong())
                .isEqualTo(prove.path("predicted").path("heap_above_baseline_bytes").asLong());
        assertThat(exported.path("proof_bytes").asInt()).isEqualTo(app.proof().length);
        assertThat(exported.path("log_n").asInt()).isEqualTo(prove.path("k").asInt());

        // The claim: the same quantized output for the same input.
        long[] out = new long[prove.path("public_output_quantized").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = prove.path("public_output_quantized").get(i).asLong();
        }
        assertThat(app.output()).containsExactly(out);
        assertThat(names).isNotEmpty();
    }
}
