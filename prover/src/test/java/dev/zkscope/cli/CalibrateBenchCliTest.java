package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.predict.CostModel;
import dev.zkscope.testing.OwnCostModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code zkscope calibrate} and {@code zkscope bench} against a cache directory of their own: calibrate shows a valid
 * cache without measuring, measures when there is none or with --force; bench reports heap errors on the heap the
 * cost model predicts (above the baseline).
 */
class CalibrateBenchCliTest {
    @RegisterExtension
    final OwnCostModelCache ownCache = new OwnCostModelCache();

    @Test
    void calibrate_measuresWhenNothingIsCached_thenShowsTheCache_andForceMeasuresAgain() throws Exception {
        CliTest.Run first = CliTest.run("calibrate", "--quick");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("no valid cost model cached");
        assertThat(first.out()).contains("calibrated now on 3 proofs", "saved to " + CostModel.cacheFile());
        assertThat(CostModel.cacheFile()).startsWith(ownCache.dir()).isRegularFile();
        String saved = Files.readString(CostModel.cacheFile());

        CliTest.Run again = CliTest.run("calibrate");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("cost model cached, calibrated", "valid until", "calibrate --force");
        assertThat(Files.readString(CostModel.cacheFile())).as("not measured again").isEqualTo(saved);

        assertThat(again.out()).as("one pass of each circuit measures no spread").doesNotContain("repeats one proof");
        // a cache whose calibration measured the spread shows the band every prediction carries
        Files.writeString(CostModel.cacheFile(), saved + "timeSpread=0.2\n");
        CliTest.Run banded = CliTest.run("calibrate");
        assertThat(banded.code()).isZero();
        assertThat(banded.out()).contains("repeats one proof within x0.67 .. x1.49", "0.200 in log time");

        CliTest.Run forced = CliTest.run("calibrate", "--force", "--quick");
        assertThat(forced.code()).isZero();
        assertThat(forced.err()).contains("--force");
        assertThat(forced.out()).contains("calibrated now");
        assertThat(Files.readString(CostModel.cacheFile())).isNotEqualTo(saved);
    }

    @Test
    void bench_reportsTheHeapErrorOnWhatTheModelPredicts() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        Path md = ownCache.dir().resolve("bench.md");
        CliTest.Run r = CliTest.run("bench", "--samples", samples.toString(), "--preset", "testing", "--runs", "1",
                "--markdown", md.toString(), "mlp");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("calibrating");
        assertThat(r.out()).contains("+heap MiB", "pred. MiB", "peak MiB");
        String row = r.out().lines().filter(l -> l.startsWith("| mlp ")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        // | model | rows | k | prove s | pred. s | time | verify ms | peak MiB | +heap MiB | pred. MiB | heap | ...
        double above = Double.parseDouble(cells[9].trim());
        double predicted = Double.parseDouble(cells[10].trim());
        double err = Double.parseDouble(cells[11].trim().replace("%", ""));
        assertThat(Double.parseDouble(cells[8].trim())).isGreaterThanOrEqualTo(above);
        assertThat(predicted).isPositive();
        if (predicted >= 1) {
            // both MiB figures are printed rounded to whole MiB: the error computed from them is off by at most this
            double rounding = 100 * ((above + 0.5) / (predicted - 0.5) - above / predicted) + 1.0;
            assertThat(err).isCloseTo(100 * (above / predicted - 1), org.assertj.core.api.Assertions.within(rounding));
        }
        assertThat(Files.readString(md)).contains(row);
        // the closing summary counts the row's time and heap errors against +-30% (printed to whole percents: a row
        // printed at exactly 30% could be either side, and is not checked)
        double timeErr = Double.parseDouble(cells[6].trim().replace("%", ""));
        String summary = r.out().lines().filter(l -> l.startsWith("prediction: ")).findFirst().orElseThrow();
        if (Math.abs(timeErr) != 30 && Math.abs(err) != 30) {
            assertThat(summary).isEqualTo("prediction: time within +-30% on " + (Math.abs(timeErr) < 30 ? 1 : 0)
                    + " of 1 model(s); heap above baseline within +-30% on " + (Math.abs(err) < 30 ? 1 : 0));
        }
    }

    @Test
    void segmentedProve_printsEachPredictionsBand_andSumsTheSegmentsUp() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Files.writeString(CostModel.cacheFile(), Files.readString(CostModel.cacheFile()) + "timeSpread=0.2\n");
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        Path report = ownCache.dir().resolve("mlp_large.json");
        CliTest.Run r = CliTest.run("prove", samples.resolve("mlp_large.onnx").toString(), "--input",
                samples.resolve("mlp_large.input.json").toString(), "--out", ownCache.dir().resolve("b").toString(),
                "--preset", "testing", "--warmup", "0", "--max-rows", "2^12", "--report", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("as this machine repeats a proof) and");
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(report.toFile());
        double f = Math.exp(0.4);
        int time = 0;
        int heap = 0;
        int band = 0;
        for (com.fasterxml.jackson.databind.JsonNode seg : j.get("segments")) {
            double predicted = seg.get("predicted").get("prove_ms").asDouble();
            assertThat(seg.get("predicted").get("prove_ms_band").get(0).asDouble())
                    .isCloseTo(predicted / f, org.assertj.core.api.Assertions.within(1e-6 * predicted));
            assertThat(seg.get("predicted").get("prove_ms_band").get(1).asDouble())
                    .isCloseTo(predicted * f, org.assertj.core.api.Assertions.within(1e-6 * predicted));
            double te = seg.get("prediction_error").get("time").asDouble();
            boolean inBand = seg.get("prediction_error").get("time_within_band").asBoolean();
            assertThat(inBand).isEqualTo(1 + te >= 1 / f && 1 + te <= f);
            time += Math.abs(te) <= 0.30 ? 1 : 0;
            heap += Math.abs(seg.get("prediction_error").get("heap_above_baseline").asDouble()) <= 0.30 ? 1 : 0;
            band += inBand ? 1 : 0;
        }
        com.fasterxml.jackson.databind.JsonNode a = j.get("prediction_accuracy");
        assertThat(a.get("segments").asInt()).isEqualTo(j.get("segments").size()).isEqualTo(2);
        assertThat(a.get("time_within_30_percent").asInt()).isEqualTo(time);
        assertThat(a.get("heap_within_30_percent").asInt()).isEqualTo(heap);
        assertThat(a.get("time_within_band").asInt()).isEqualTo(band);
        assertThat(a.get("time_spread").asDouble()).isEqualTo(0.2);
        assertThat(r.out()).contains("prediction: time within +-30% on " + time + " of 2 segment(s), within "
                + "x0.67-x1.49 (how this machine repeats one proof, `zkscope calibrate`) on " + band
                + "; heap above baseline within +-30% on " + heap);
    }
}
