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
    }
}
