package dev.zkscope.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Pipeline;
import dev.zkscope.batch.BatchInput;
import dev.zkscope.batch.BatchInputs;
import dev.zkscope.batch.BatchJob;
import dev.zkscope.batch.BatchOutcome;
import dev.zkscope.batch.BatchProver;
import dev.zkscope.batch.BatchRunner;
import dev.zkscope.batch.LocalBatchRunner;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zkscope prove-batch MODEL --inputs DIR|FILE --out DIR [--spark [MASTER]]}: one proof per input under one key,
 * written into OUT as {@code proofs/ID.proof}, with the verifying-key file and {@code manifest.json}. Every file is
 * written atomically; a rerun proves only the inputs that OUT does not hold a proof of (same id, same input digest,
 * proof file intact). Without {@code --spark} the batch runs in this JVM; with it, on Apache Spark through the
 * {@code cluster} module, which must then be on the class path (the {@code ./zkscope} launcher puts it there).
 */
@Command(name = "prove-batch", mixinStandardHelpOptions = true,
        description = "Prove many inputs of one model: one proof per input, a manifest, resumable; optionally on Spark.")
public final class ProveBatchCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--inputs", required = true, paramLabel = "DIR|FILE",
            description = "the inputs: EZKL input JSON (one or many samples), a test set {\"inputs\": [...]}, a .npy "
                    + "array of samples, or a directory of such files")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "the batch directory (created if needed): proofs/ID.proof, MODEL.vk, manifest.json")
    Path out;

    @Option(names = "--spark", arity = "0..1", paramLabel = "MASTER", fallbackValue = "local[*]",
            description = "prove on Apache Spark: local[*] (embedded, the default when no MASTER is given), local[N], "
                    + "or spark://HOST:PORT (a standalone cluster)")
    String spark;

    @CommandLine.Mixin
    ProofOptions proof;

    @Option(names = "--limit", paramLabel = "N", description = "prove only the first N inputs")
    Integer limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProofParameters params = proof.params();
        CompileOptions co = proof.compileOptions(false, null);
        long[] weightsSalt = proof.saltFile == null ? null : SaltFiles.read(proof.saltFile, "--salt-file");
        if (limit != null && limit < 1) {
            throw new InputFileException("--limit must be at least 1, got " + limit);
        }
        BatchRunner runner = runner(err);
        OutputFiles.requireWritable(java.util.Map.of("batch manifest", out.resolve(BatchManifest.FILE)));

        Graph g = model.load();
        g.requireSupported("proving");
        List<BatchInput> all = BatchInputs.read(inputs, g);
        if (limit != null && limit < all.size()) {
            all = all.subList(0, limit);
        }
        InputFiles.Samples samples = model.calibrationSamples(g);
        byte[] modelBytes = Files.readAllBytes(model.model);
        Pipeline.Settings settings = new Pipeline.Settings(model.quantOptions(), co, params);
        String name = Pipeline.modelName(model.model);
        BatchJob job = new BatchJob(name, model.model.getFileName().toString(), modelBytes, model.importOptions(),
                settings, samples.inputs(), weightsSalt);
        byte[] jobBytes = job.encode();
        long k0 = System.nanoTime();
        BatchProver prover = BatchProver.of(job, PhaseListener.NONE);
        double keygenSeconds = (System.nanoTime() - k0) / 1e9;
        BatchProver.share(jobBytes, prover);
        Pipeline.Prepared p = prover.prepared();
        o.printf(Locale.ROOT, "model %s: trace 2^%d rows, %d advice columns, %s; compiled and key derived in %.2f s "
                        + "(calibrated on %s)%n", name, p.compiled().circuit().logN(), p.compiled().circuit().numAdvice(),
                params, keygenSeconds, samples.describe());

        String keyFile = name + ".vk";
        BatchManifest manifest = BatchManifest.read(out);
        if (manifest != null && !manifest.keySha256().equals(prover.keySha256())) {
            throw new InputFileException(out + " holds proofs of model '" + manifest.model() + "' under another "
                    + "verifying key (another model or other settings); give another --out, or remove " + out);
        }
        if (manifest == null) {
            manifest = BatchManifest.create(name, keyFile, prover.keySha256(), prover.verifyingKey().circuitDigestHex(),
                    params.name());
        }
        Path keyPath = out.resolve(manifest.keyFile());
        byte[] keyBytes = ArtifactFiles.encode(prover.keyFile());
        if (!Files.isRegularFile(keyPath) || !java.util.Arrays.equals(Files.readAllBytes(keyPath), keyBytes)) {
            OutputFiles.write(keyPath, keyBytes, "verifying key");
        }

        List<BatchInput> todo = new ArrayList<>();
        for (BatchInput in : all) {
            if (!alreadyProved(manifest, in)) {
                todo.add(in);
            }
        }
        int skipped = all.size() - todo.size();
        o.printf(Locale.ROOT, "%d input(s) from %s: %d to prove on %s%s%n", all.size(), inputs, todo.size(),
                runner.describe(), skipped == 0 ? "" : ", " + skipped + " already proved in " + out + " (skipped)");
        o.flush();

        BatchProgress progress = new BatchProgress(todo.size(), err, System.console() != null);
        BatchManifest m = manifest;
        long[] lastWrite = {System.nanoTime()};
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String outcome = "failed";
        try {
            runner.run(new BatchRunner.Plan(job, jobBytes, prover), todo, proved -> {
                OutputFiles.write(out.resolve(BatchManifest.proofPath(proved.id())), proved.proofFile(), "proof");
                m.add(proved, sha256(proved.proofFile()));
                progress.done(proved);
                if (System.nanoTime() - lastWrite[0] > 2_000_000_000L) {
                    m.write(out);
                    lastWrite[0] = System.nanoTime();
                }
            });
            outcome = "complete";
        } finally {
            double wall = (System.nanoTime() - t0) / 1e9;
            ObjectNode run = m.newRun();
            run.put("started", started.toString());
            run.put("wall_s", wall);
            run.put("runner", runner.describe());
            run.put("inputs", all.size());
            run.put("skipped", skipped);
            run.put("proved", progress.count());
            run.put("outcome", outcome);
            run.put("keygen_s", keygenSeconds);
            m.addRun(run);
            m.write(out);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "proved %d input(s) in %.1f s (%.1f proofs/min) on %s; %s%n", progress.count(), wall,
                wall > 0 ? progress.count() * 60 / wall : 0, runner.describe(), progress.perExecutor(wall));
        o.printf("wrote %d proof file(s) under %s, verifying key %s, manifest %s%n", progress.count(),
                out.resolve("proofs"), keyPath, out.resolve(BatchManifest.FILE));
        return Main.OK;
    }

    /** Whether OUT already holds this input's proof: same input digest, and the proof file as the manifest says. */
    private boolean alreadyProved(BatchManifest m, BatchInput in) throws IOException {
        ObjectNode e = m.proofs().get(in.id());
        if (e == null || !in.sha256().equals(e.path("input_sha256").asText())) {
            return false;
        }
        Path f = out.resolve(BatchManifest.proofPath(in.id()));
        return Files.isRegularFile(f) && sha256(Files.readAllBytes(f)).equals(e.path("proof_sha256").asText());
    }

    /** The runner: this JVM, or the Spark runner of the cluster module (an error when it is not on the class path). */
    private BatchRunner runner(PrintWriter err) throws InputFileException {
        if (spark == null) {
            return new LocalBatchRunner();
        }
        BatchRunner.Provider provider = sparkProvider("prove-batch");
        try {
            return provider.create(spark.strip(), err);
        } catch (IllegalArgumentException e) {
            throw new InputFileException("--spark " + spark + ": " + e.getMessage());
        }
    }

    /**
     * The Spark provider of the cluster module, found through {@link ServiceLoader}; an error saying how to get it
     * when the module is not on the class path ({@code command} names the command for the advice).
     */
    static BatchRunner.Provider sparkProvider(String command) throws InputFileException {
        for (BatchRunner.Provider provider : ServiceLoader.load(BatchRunner.Provider.class)) {
            if (provider.name().equals("spark")) {
                return provider;
            }
        }
        throw new InputFileException("--spark needs zkscope's cluster module (Apache Spark) on the class path: run "
                + "'./zkscope " + command + " ... --spark', which adds it, or drop --spark to prove in this JVM");
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
