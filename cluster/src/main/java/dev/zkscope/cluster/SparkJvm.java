package dev.zkscope.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** What a JVM that runs Spark needs: its flags on Java 17, and the jars to ship to a cluster's executors. */
public final class SparkJvm {
    private SparkJvm() {}

    /**
     * The flags Spark's own launcher gives a driver on Java 17+ ({@code org.apache.spark.launcher.JavaModuleOptions}),
     * less {@code --add-modules=jdk.incubator.vector} (the Vector API, which only MLlib's BLAS uses, and which prints
     * a warning at every start). The {@code ./zkscope} launcher and the cluster module's surefire argLine pass the
     * same list (SparkJvmFlagsTest checks both); executors get them from Spark itself.
     */
    public static final List<String> FLAGS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Dio.netty.allocator.type=pooled",
            "-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE",
            "--sun-misc-unsafe-memory-access=allow",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The jar holding {@code type}'s class, for an executor's class path: the jar itself when the class was loaded
     * from one, else (classes in a build folder, as under tests) a jar made of that folder in a temporary file.
     * Executors must load zkscope's classes from shipped jars: a class that reaches them only through the worker's
     * own class path fails to deserialize the job's functions.
     */
    public static Path jarOf(Class<?> type) {
        try {
            Path where = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(where)) {
                return where;
            }
            Path jar = Files.createTempFile("zkscope-" + where.getParent().getFileName(), ".jar");
            jar.toFile().deleteOnExit();
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                 Stream<Path> files = Files.walk(where)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    String name = where.relativize(f).toString().replace('\\', '/');
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (Files.isDirectory(f)) {
                        out.putNextEntry(new JarEntry(name + "/"));
                    } else {
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(f, (OutputStream) out);
                    }
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException | URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot find or pack the jar of " + type.getName() + ": " + e, e);
        }
    }
}
