package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.predict.CostModel;
import dev.zkscope.testing.OwnCostModelCache;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code prove --max-rows auto}: the budgets the cost model weighed are printed with each plan's predicted seconds and
 * segment count, the one taken is marked, and the run is cut and proved at it; the bundle verifies.
 */
class AutoBudgetCliTest {
    @RegisterExtension
    final OwnCostModelCache ownCache = new OwnCostModelCache();

    private static final Pattern BUDGET = Pattern.compile("budget: 2\\^(\\d+) rows per segment, the plan the cost "
            + "model predicts fastest .* of free heap: (.*)");
    private static final Pattern CANDIDATE = Pattern.compile("2\\^(\\d+): ([0-9.]+) s in (\\d+) segments?( \\(chosen\\))?");

    @Test
    void auto_printsTheBudgetsItWeighed_andProvesAtTheFastest() throws Exception {
        CostModel.save(CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS));
        Path dir = ownCache.dir();
        CliTest.Run r = CliTest.run("prove", "../samples/mlp_large.onnx", "--input", "../samples/mlp_large.input.json",
                "--out", dir.resolve("m.bundle").toString(), "--vk", dir.resolve("m.keys").toString(), "--preset",
                "testing", "--warmup", "0", "--max-rows", "auto");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = r.out().lines().map(BUDGET::matcher).filter(Matcher::matches).findFirst().orElseThrow(
                () -> new AssertionError(r.out()));
        int k = Integer.parseInt(m.group(1));
        List<Matcher> weighed = Pattern.compile(", (?=2\\^)").splitAsStream(m.group(2)).map(CANDIDATE::matcher)
                .toList();
        assertThat(weighed).as(m.group(2)).allMatch(Matcher::matches).hasSizeGreaterThan(1);
        List<Matcher> chosen = weighed.stream().filter(c -> c.group(4) != null).toList();
        assertThat(chosen).hasSize(1);
        assertThat(Integer.parseInt(chosen.get(0).group(1))).isEqualTo(k);
        double fastest = weighed.stream().mapToDouble(c -> Double.parseDouble(c.group(2))).min().orElseThrow();
        // printed to 0.1 s: the tolerance is checked with that rounding allowed
        assertThat(Double.parseDouble(chosen.get(0).group(2))).isLessThanOrEqualTo(fastest * 1.05 + 0.1);
        // the last budget weighed is one segment; budgets past it give the same plan
        assertThat(weighed.get(weighed.size() - 1).group(3)).isEqualTo("1");
        int segments = Integer.parseInt(chosen.get(0).group(3));
        assertThat(r.out()).contains(segments + " segment(s) of at most 2^" + k + " rows", "accepted");
        CliTest.Run v = CliTest.run("verify", dir.resolve("m.bundle").toString(), "--vk",
                dir.resolve("m.keys").toString());
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("bundle of " + segments + " segment(s) for model mlp_large accepted");
    }
}
