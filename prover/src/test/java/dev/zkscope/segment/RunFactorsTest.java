package dev.zkscope.segment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The store of the factors runs ended with: kept per key, replaced by the next run, and never an error. */
class RunFactorsTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheLastFactorPerKey() {
        Path f = tmp.resolve("sub").resolve("run-factors.properties");
        assertThat(RunFactors.factor(f, "a@1")).isEqualTo(1.0);
        RunFactors.record(f, "a@1", 0.62);
        RunFactors.record(f, "b@1", 1.4);
        assertThat(RunFactors.factor(f, "a@1")).isEqualTo(0.62);
        assertThat(RunFactors.factor(f, "b@1")).isEqualTo(1.4);
        assertThat(RunFactors.factor(f, "a@2")).as("another calibration").isEqualTo(1.0);
        RunFactors.record(f, "a@1", 0.7);
        assertThat(RunFactors.factor(f, "a@1")).isEqualTo(0.7);
        RunFactors.record(f, "a@1", Double.NaN);
        RunFactors.record(f, "a@1", -1);
        assertThat(RunFactors.factor(f, "a@1")).as("not a factor: not kept").isEqualTo(0.7);
    }

    @Test
    void aDamagedOrForeignFileIsNoFactor() throws Exception {
        Path f = tmp.resolve("run-factors.properties");
        Files.writeString(f, "a@1=not a number\nb@1=-3\nc@1=Infinity\ne@1=0.8\n");
        assertThat(RunFactors.factor(f, "a@1")).isEqualTo(1.0);
        assertThat(RunFactors.factor(f, "b@1")).isEqualTo(1.0);
        assertThat(RunFactors.factor(f, "c@1")).isEqualTo(1.0);
        assertThat(RunFactors.factor(f, "e@1")).as("the good entry beside them").isEqualTo(0.8);
        Path bad = tmp.resolve("bad.properties");
        Files.writeString(bad, "e@1=0.8\nd@1=\\u12\n");
        assertThat(RunFactors.factor(bad, "e@1")).as("a file that does not parse").isEqualTo(1.0);
        Path dir = tmp.resolve("a-directory");
        Files.createDirectories(dir.resolve("run-factors.properties"));
        RunFactors.record(dir.resolve("run-factors.properties"), "a@1", 0.5);
        assertThat(RunFactors.factor(dir.resolve("run-factors.properties"), "a@1")).isEqualTo(1.0);
    }
}
