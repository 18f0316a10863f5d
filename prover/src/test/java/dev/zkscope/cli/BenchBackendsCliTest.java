package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.predict.CostModel;
import dev.zkscope.testing.OwnCostModelCache;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code zkscope bench --backend plonkish,sumcheck}: the sumcheck line's speed-up and heap ratio are the figures of the
 * two rows, each backend's peak taken above the same baseline (the heap before either prepared the model).
 */
class BenchBackendsCliTest {
    private static final Pattern AGAINST = Pattern.compile("against plonkish: speed-up ([0-9.]+)x, heap ratio ([0-9.]+) "
            + "\\(peaks above the model's baseline of (\\d+) MiB: (\\d+) / (\\d+) MiB; absolute peaks ([0-9.]+)\\)");
    private static final Pattern BITS = Pattern.compile("proof: ([0-9.]+) conjectured / ([0-9.]+) provable bits, "
            + "weakest term: ([^;]+);");
    private static final Pattern SUMCHECK = Pattern.compile("prove ([0-9.]+) s, verify [0-9.]+ ms, peak (\\d+) MiB "
            + "\\(([+-]\\d+) above the model's baseline\\)");

    @RegisterExtension
    final OwnCostModelCache ownCache = new OwnCostModelCache();

    @Test
    void sumcheckLineComparesWithThePlonkishRowAboveOneBaseline() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        CliTest.Run r = CliTest.run("bench", "--samples", samples.toString(), "--preset", "testing", "--runs", "1",
                "--backend", "plonkish,sumcheck", "mlp");
        assertThat(r.code()).as(r.err()).isZero();
        String row = r.out().lines().filter(l -> l.startsWith("| mlp ")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        double plProve = Double.parseDouble(cells[4].trim());
        double plPeak = Double.parseDouble(cells[8].trim());
        Matcher sc = SUMCHECK.matcher(r.out());
        assertThat(sc.find()).as(r.out()).isTrue();
        double scProve = Double.parseDouble(sc.group(1));
        double scPeak = Double.parseDouble(sc.group(2));
        double scAbove = Double.parseDouble(sc.group(3));
        Matcher a = AGAINST.matcher(r.out());
        assertThat(a.find()).as(r.out()).isTrue();
        double speedUp = Double.parseDouble(a.group(1));
        double ratio = Double.parseDouble(a.group(2));
        double base = Double.parseDouble(a.group(3));
        double scMiB = Double.parseDouble(a.group(4));
        double plMiB = Double.parseDouble(a.group(5));
        double absolute = Double.parseDouble(a.group(6));
        // the security figures are the proof's (its weakest term), not the column test's alone (printed to 0.1 bit)
        Matcher bits = BITS.matcher(r.out());
        assertThat(bits.find()).as(r.out()).isTrue();
        dev.zkscope.sumcheck.PcsParams testing = dev.zkscope.sumcheck.PcsParams.byName("testing");
        assertThat(Double.parseDouble(bits.group(1))).isPositive().isLessThanOrEqualTo(testing.conjecturedBits() + 0.05);
        assertThat(Double.parseDouble(bits.group(2))).isPositive().isLessThanOrEqualTo(testing.provableBits() + 0.05);
        assertThat(bits.group(3)).isNotBlank();
        // every printed figure is of the two rows (MiB are rounded to 1, times to 1 ms)
        assertThat(scPeak - scAbove).isCloseTo(base, org.assertj.core.data.Offset.offset(1.5));
        assertThat(scMiB).isCloseTo(Math.max(0, scAbove), org.assertj.core.data.Offset.offset(1.5));
        assertThat(plMiB).isCloseTo(plPeak - base, org.assertj.core.data.Offset.offset(1.5));
        assertThat(plMiB).isPositive();
        assertThat(ratio).isCloseTo(scMiB / plMiB, org.assertj.core.data.Offset.offset(0.02 + 2 / plMiB));
        assertThat(absolute).isCloseTo(scPeak / plPeak, org.assertj.core.data.Offset.offset(0.02 + 2 / plPeak));
        assertThat(speedUp).isCloseTo(plProve / scProve, org.assertj.core.data.Offset.offset(0.06 + 0.002 * speedUp / scProve));
    }

    @Test
    void sumcheckAloneHasNothingToCompareWith() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        CliTest.Run r = CliTest.run("bench", "--samples", samples.toString(), "--preset", "testing", "--runs", "1",
                "--backend", "sumcheck", "mlp");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("plonkish not run").containsPattern(SUMCHECK).doesNotContain("against plonkish");
    }
}
