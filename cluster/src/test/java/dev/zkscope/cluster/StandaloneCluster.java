package dev.zkscope.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine for tests: a master and workers started as separate JVMs from the
 * class path's Spark jars (no Spark installation), on 127.0.0.1 and ephemeral ports, web UIs on ephemeral ports too.
 * A worker's executors are its child processes, so {@link #killWorker} kills the worker and its executors, as a node
 * going down would. {@link #close} (and a shutdown hook, should the test JVM die first) ends every process it started.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path home;
    private final String classPath;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "standalone-cluster-cleanup");
    private final String url;
    /** The daemons' logs: kept after the test (target/standalone-cluster), for a failure's diagnosis. */
    private final Path logs;

    StandaloneCluster(Path dir, int workerCount, int workerMemoryMb) throws IOException, InterruptedException {
        this.home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        this.logs = Files.createDirectories(Path.of("target", "standalone-cluster"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        this.classPath = cp;
        // A worker builds its executors' class path from SPARK_HOME/jars: the same jars as ours. zkscope's own classes
        // are not there (they are folders here); the application ships them as jars.
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            }
        }
        Runtime.getRuntime().addShutdownHook(hook);
        int port = 0;
        Process master = null;
        for (int tries = 0; tries < 3 && master == null; tries++) {
            port = freePort();
            Process m = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(port), "--webui-port", "0");
            if (awaitPort(port, m, 60)) {
                master = m;
            } else {
                m.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (master == null) {
            throw new IllegalStateException("the Spark master did not start; see " + logs.toAbsolutePath());
        }
        url = "spark://127.0.0.1:" + port;
        for (int i = 0; i < workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("work-" + i));
            workers.add(start("worker-" + i, "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1",
                    "--cores", "1", "--memory", workerMemoryMb + "m", "--work-dir", work.toString(), "--webui-port", "0"));
        }
    }

    String url() {
        return url;
    }

    /** Kills worker {@code i} and its executors at once (SIGKILL), as a lost node. */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
        w.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The worker whose child process is the executor {@code executorId} (Spark starts a worker's executors as its
     * children, with {@code --executor-id ID} on their command line), or -1 when none is found.
     */
    int workerOf(String executorId) {
        for (int i = 0; i < workers.size(); i++) {
            boolean found = workers.get(i).descendants().anyMatch(d -> {
                String[] args = d.info().arguments().orElse(new String[0]);
                for (int k = 0; k + 1 < args.length; k++) {
                    if (args[k].equals("--executor-id") && args[k + 1].equals(executorId)) {
                        return true;
                    }
                }
                return false;
            });
            if (found) {
                return i;
            }
        }
        return -1;
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(SparkJvm.FLAGS);
        cmd.add("-Dspark.master.rest.enabled=false");
        cmd.add("-Dspark.worker.cleanup.enabled=false");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean awaitPort(int port, Process p, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        return false;
    }

    private void killAll() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
    }
}
