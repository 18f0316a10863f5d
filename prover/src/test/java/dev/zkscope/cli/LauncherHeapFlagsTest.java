package dev.zkscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's young-generation flag (the cost model's heap fit is calibrated under it, {@code CostModel.heapKey}):
 * the repository's {@code zkscope} script, copied beside a stand-in jar and run with a stand-in {@code java} that prints
 * its arguments, passes {@code -XX:NewRatio=7} before the user's JAVA_OPTS, and leaves it out when JAVA_OPTS sizes the
 * young generation itself.
 */
class LauncherHeapFlagsTest {
    private static List<String> javaArgs(Path dir, String javaOpts, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = bin.resolve("java");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = dir.resolve("zkscope");
        Files.copy(Path.of("..", "zkscope"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // the jar exists and no source tree is beside the copy, so the launcher does not build
        Files.createDirectories(dir.resolve("prover/target"));
        Files.writeString(dir.resolve("prover/target/zkscope.jar"), "");
        ProcessBuilder pb = new ProcessBuilder(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("bash", script.toString()), java.util.Arrays.stream(args)).toList());
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        if (javaOpts == null) {
            env.remove("JAVA_OPTS");
        } else {
            env.put("JAVA_OPTS", javaOpts);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void youngGenerationIsAnEighthOfTheHeap_beforeTheUsersOptions(@TempDir Path dir) throws Exception {
        List<String> a = javaArgs(dir, null, "inspect", "m.onnx");
        assertThat(a).startsWith("-XX:NewRatio=7").endsWith("-jar", dir.resolve("prover/target/zkscope.jar").toString(),
                "inspect", "m.onnx");
        List<String> b = javaArgs(dir, "-Xmx6g", "inspect", "m.onnx");
        assertThat(b).startsWith("-XX:NewRatio=7", "-Xmx6g");
    }

    @Test
    void aYoungGenerationSizedInJavaOpts_isLeftAlone(@TempDir Path dir) throws Exception {
        for (String opts : new String[] {"-Xmx6g -Xmn512m", "-XX:NewRatio=3", "-XX:MaxNewSize=1g -Xmx4g"}) {
            List<String> a = javaArgs(dir, opts, "inspect", "m.onnx");
            assertThat(a).as(opts).noneMatch(x -> x.equals("-XX:NewRatio=7"));
            assertThat(a).as(opts).containsAll(List.of(opts.split(" ")));
        }
    }
}
