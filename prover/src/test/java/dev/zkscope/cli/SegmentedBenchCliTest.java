package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.predict.CostModel;
import dev.zkscope.testing.OwnCostModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code zkscope bench --max-rows}: each model proved in segments as {@code prove --max-rows} proves it, one line per
 * run and one table row per model whose figures are the runs' (median and range, the largest peak, the predictions
 * counted over every segment of every run); the argmax is the one {@code prove --max-rows} attests.
 */
class SegmentedBenchCliTest {
    @RegisterExtension
    final OwnCostModelCache ownCache = new OwnCostModelCache();

    private static final Pattern RUN = Pattern.compile("  run (\\d)/2: prover rounds ([0-9.]+) s "
            + "\\(predicted ([0-9.]+) s\\), whole run ([0-9.]+) s, keygen ([0-9.]+) s, link commit [0-9.]+ s, "
            + "largest peak ([0-9,]+) MiB, "
            + "bundle ([0-9,]+) bytes, verified in ([0-9]+) ms; within \\+-30%: time (\\d), heap (\\d) of (\\d) "
            + "segments; argmax (\\d+)");

    @Test
    void segmentedRows_sumTheRuns_andAttestProvesArgmax() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        Path md = ownCache.dir().resolve("bench.md");
        CliTest.Run r = CliTest.run("bench", "--samples", samples.toString(), "--preset", "testing", "--runs", "2",
                "--max-rows", "2^12", "--no-speed-check", "--markdown", md.toString(), "mlp_large");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("in segments of at most 2^12 rows, 2 run(s) per model",
                "mlp_large: 2 segments (", "warm-up: segment ");

        List<Matcher> runs = r.out().lines().map(RUN::matcher).filter(Matcher::matches).toList();
        assertThat(runs).as(r.out()).hasSize(2);
        String row = r.out().lines().filter(l -> l.startsWith("| mlp_large ")).findFirst().orElseThrow();
        String[] c = row.split("\\|");
        // | model | segments | runs | rounds | predicted | whole | keygen | peak | bundle | verify | time | heap | argmax |
        assertThat(c[2].trim()).startsWith("2 segments (");
        assertThat(c[3].trim()).isEqualTo("2");
        double[] rounds = runs.stream().mapToDouble(m -> Double.parseDouble(m.group(2))).sorted().toArray();
        assertThat(c[4].trim()).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f (%.1f-%.1f)", rounds[1],
                rounds[0], rounds[1]));
        long peak = runs.stream().mapToLong(m -> Long.parseLong(m.group(6).replace(",", ""))).max().orElseThrow();
        assertThat(Long.parseLong(c[8].trim().replace(",", ""))).isEqualTo(peak);
        int time = runs.stream().mapToInt(m -> Integer.parseInt(m.group(9))).sum();
        int heap = runs.stream().mapToInt(m -> Integer.parseInt(m.group(10))).sum();
        assertThat(c[11].trim()).isEqualTo(time + " of 4");
        assertThat(c[12].trim()).isEqualTo(heap + " of 4");
        for (Matcher m : runs) {
            assertThat(Double.parseDouble(m.group(2))).as("rounds within the whole run")
                    .isLessThanOrEqualTo(Double.parseDouble(m.group(4)));
            assertThat(m.group(12)).isEqualTo(c[13].trim());
        }
        assertThat(Files.readString(md)).contains(row);
        // a line per segment as it finishes, under its run's "no speed check" line: as many as segments per run, and
        // as many within +-30% as the run's summary counts
        List<String> lines = r.out().lines().toList();
        Pattern seg = Pattern.compile("    segment (\\d)/2 \\(2\\^\\d+\\): keygen [0-9.]+ s, prover ([0-9.]+) s "
                + "\\(predicted ([0-9.]+) s, ([+-]\\d+)%\\), heap above baseline [0-9,]+ MiB \\(predicted [0-9,]+ MiB, "
                + "[+-]\\d+%\\)");
        for (int i = 0; i < 2; i++) {
            int start = lines.indexOf("  run " + (i + 1) + "/2: no speed check");
            assertThat(start).as(r.out()).isNotNegative();
            List<Matcher> segs = lines.subList(start + 1, start + 3).stream().map(seg::matcher).toList();
            assertThat(segs).allMatch(Matcher::matches);
            double sum = segs.stream().mapToDouble(m -> Double.parseDouble(m.group(2))).sum();
            assertThat(sum).isCloseTo(Double.parseDouble(runs.get(i).group(2)),
                    org.assertj.core.api.Assertions.within(0.06));
            long[] t = segs.stream().mapToLong(m -> Long.parseLong(m.group(4).replace("+", ""))).toArray();
            if (java.util.Arrays.stream(t).noneMatch(x -> Math.abs(x) == 30)) {
                assertThat(java.util.Arrays.stream(t).filter(x -> Math.abs(x) < 30).count())
                        .isEqualTo(Long.parseLong(runs.get(i).group(9)));
            }
        }

        // the argmax is the one a proof of the same model in segments attests
        CliTest.Run p = CliTest.run("prove", samples.resolve("mlp_large.onnx").toString(), "--input",
                samples.resolve("mlp_large.input.json").toString(), "--out", ownCache.dir().resolve("b").toString(),
                "--preset", "testing", "--warmup", "0", "--no-predict", "--max-rows", "2^12");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).containsPattern("  argmax " + c[13].trim() + "\\b");
    }

    @Test
    void maxRows_refusesWhatItCannotBench() throws Exception {
        String samples = Path.of("..", "samples").toAbsolutePath().normalize().toString();
        CliTest.Run sumcheck = CliTest.run("bench", "--samples", samples, "--max-rows", "2^12", "--backend", "sumcheck", "mlp");
        assertThat(sumcheck.code()).isEqualTo(2);
        assertThat(sumcheck.err()).contains("--max-rows proves models in segments with the Plonkish backend");
        CliTest.Run notPow2 = CliTest.run("bench", "--samples", samples, "--max-rows", "1000", "mlp");
        assertThat(notPow2.code()).isEqualTo(2);
        assertThat(notPow2.err()).contains("--max-rows must be a power of two");
        CliTest.Run speed = CliTest.run("bench", "--samples", samples, "--no-speed-check", "mlp");
        assertThat(speed.code()).isEqualTo(2);
        assertThat(speed.err()).contains("--no-speed-check goes with --max-rows");
    }
}
