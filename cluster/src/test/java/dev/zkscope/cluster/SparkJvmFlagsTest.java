package dev.zkscope.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The flags Spark needs on Java 17 are set by zkscope, not by the user: the launcher script passes
 * {@link SparkJvm#FLAGS}, this module's surefire argLine too, and the list covers Spark's own launcher's list (but the
 * Vector API module, deliberately left out).
 */
class SparkJvmFlagsTest {
    @Test
    void flags_coverSparksOwnList() {
        Set<String> spark = new TreeSet<>(List.of(
                org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions().split("\\s+")));
        spark.remove("--add-modules=jdk.incubator.vector");
        assertThat(SparkJvm.FLAGS).containsAll(spark);
    }

    @Test
    void launcherScript_passesEveryFlag() throws Exception {
        String script = Files.readString(Path.of("..", "zkscope"));
        for (String f : SparkJvm.FLAGS) {
            assertThat(script).as(f).contains("\n      " + f + "\n");
        }
    }

    @Test
    void testJvm_runsWithEveryFlag() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertThat(args).containsAll(SparkJvm.FLAGS);
    }
}
