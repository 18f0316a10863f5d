package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Commitments;
import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.Salts;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.security.SecurityJson;
import dev.zkscope.profile.PhaseListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zkscope prove MODEL --input INPUT.json --out PROOF}: quantize, compile, witness, check, prove, verify; write
 * the proof, the verifying key and optionally a JSON report with predicted beside measured time and memory.
 */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = "Prove one inference of an ONNX model; writes the proof, the verifying key and a report.")
public final class ProveCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @Option(names = "--input", required = true, paramLabel = "INPUT.json", description = "the input, EZKL format")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "PROOF", description = "where to write the proof")
    Path out;

    @Option(names = "--vk", paramLabel = "VK", description = "where to write the verifying key (default: PROOF.vk)")
    Path vk;

    @CommandLine.Mixin
    ProofOptions proof;

    @Option(names = "--public-input", description = "the same as --input-visibility public")
    boolean publicInput;

    @Option(names = "--private-weights", hidden = true,
            description = "removed: private weights without a commitment attested nothing; use --weights-visibility hashed")
    boolean privateWeights;

    @Option(names = "--input-salt-file", paramLabel = "F",
            description = "salt of a hashed input (default: a fresh random salt, so the commitment links to nothing)")
    Path inputSaltFile;

    @Option(names = "--output-salt-file", paramLabel = "F",
            description = "salt of a hashed output (default: a fresh random salt)")
    Path outputSaltFile;

    @Option(names = "--report", paramLabel = "REPORT.json", description = "write a JSON report of the run")
    Path report;

    @Option(names = "--no-predict", description = "skip the time and memory prediction (and its one-time calibration)")
    boolean noPredict;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "6",
            description = "before the measured proof, one large calibration proof and then at most N unreported proofs "
                    + "of the model, until two in a row take about the same time, so that the JIT has compiled the "
                    + "prover as the prediction assumes (default: ${DEFAULT-VALUE}; 0 measures a cold JVM)")
    int warmup;

    @Option(names = "--no-warmup", description = "the same as --warmup 0")
    boolean noWarmup;

    @Option(names = "--no-speed-check", description = "with --max-rows: predict the segments at the calibrated speed, "
            + "without first timing two calibration proofs (4-10 s) to measure the machine's speed now")
    boolean noSpeedCheck;

    @Option(names = "--max-rows", paramLabel = "2^k",
            description = "prove in segments of at most 2^k rows each (a power of two, like 2^16 or 65536; or auto: "
                    + "the budget whose plan the cost model predicts fastest among those it predicts to fit the free "
                    + "heap), linked by fingerprints of their boundaries, into one proof bundle (--out) and one key "
                    + "bundle (--vk); see docs/segments.md")
    String maxRows;

    @Option(names = "--resume", description = "with --max-rows: continue a failed or cancelled run from the segments "
            + "it finished (kept in PROOF.parts until the bundle is written)")
    boolean resume;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "plonkish",
            description = "plonkish (the circuit) or sumcheck (sumcheck/GKR: Conv and Gemm as matrix-product sumchecks, "
                    + "range checks by LogUp; zero-knowledge with a private input and a public output; presets standard, "
                    + "provable, testing; see "
                    + "docs/sumcheck-backend.md) (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--spark", arity = "0..1", paramLabel = "MASTER", fallbackValue = "local[*]",
            description = "prove the segments as the tasks of an Apache Spark job: local[*] (embedded, the default when "
                    + "no MASTER is given), local[N], or spark://HOST:PORT; implies --max-rows auto unless given; "
                    + "see docs/cluster.md")
    String spark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (spark != null && maxRows == null) {
            maxRows = "auto";
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (backend.equalsIgnoreCase("sumcheck")) {
            return SumcheckCli.prove(this, o, err);
        } else if (!backend.equalsIgnoreCase("plonkish")) {
            throw new InputFileException("--backend must be plonkish or sumcheck, got '" + backend + "'");
        }
        ProofParameters params = proof.params();
        OutputFiles.requireWritable(outputs());
        Graph g = model.load();
        g.requireSupported("proving");
        List<Tensor> in = InputFiles.readInput(input, g);
        InputFiles.Samples samples = model.calibrationSamples(g);
        CompileOptions co = visibilities();
        Salts salts = salts(co);
        if (maxRows != null) {
            return SegmentedProve.run(this, g, in, samples, co, salts, o, err);
        }
        if (resume) {
            throw new InputFileException("--resume continues a segmented run: add --max-rows");
        }
        Pipeline.Settings settings = new Pipeline.Settings(model.quantOptions(), co, params);
        Pipeline.Prepared prepared = Pipeline.prepare(Pipeline.modelName(model.model), g, samples.inputs(), settings,
                ModelOptions.progress(err));
        prepared.useSalts(salts);
        CostModel cm = null;
        if (!noPredict) {
            cm = ModelOptions.costModel(err);
        }
        o.printf(Locale.ROOT, "model %s: trace 2^%d rows (%d gadget rows, %d table rows), %d advice columns, %s%n",
                prepared.name(), prepared.compiled().circuit().logN(), prepared.compiled().ledger().gadgetRows(),
                prepared.compiled().ledger().tableRows(), prepared.compiled().circuit().numAdvice(),
                params.forTrace(prepared.compiled().circuit().logN()));
        prepared.compiled().ledger().paddingNote().ifPresent(n -> o.println("note: " + n));
        o.println("security: " + SecurityAnalysis.of(prepared.compiled().circuit(), params).summary());
        if (cm != null) {
            CostModel.Prediction p = cm.predict(prepared.shape());
            o.printf(Locale.ROOT, "predicted: prove %.2f s%s, peak heap %s above baseline%n", p.proveSeconds(),
                    SegmentedProve.band(cm, p.proveSeconds()), mib(p.heapBytesAboveBaseline()));
        }
        if (noWarmup) {
            warmup = 0;
        }
        if (warmup < 0 || warmup > 20) {
            throw new InputFileException("--warmup must be in [0, 20], got " + warmup);
        }
        if (warmup > 0) {
            int[] count = {0};
            long w0 = System.nanoTime();
            List<Double> times = Pipeline.warmUp(prepared, in, warmup, null, r -> {
                if (count[0]++ == 0) {
                    o.printf(Locale.ROOT, "keygen %.2f s%n", r.phaseNanos().getOrDefault("keygen", 0L) / 1e9);
                    o.flush();
                }
            });
            StringBuilder t = new StringBuilder();
            for (double x : times) {
                t.append(t.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
            }
            o.printf(Locale.ROOT, "warm-up: a calibration proof and %d unreported proof(s) of the model in %.1f s (%s s; "
                    + "the JIT compiles the prover, as the prediction assumes; --warmup 0 skips this)%n", times.size(),
                    (System.nanoTime() - w0) / 1e9, t);
        }
        o.flush();
        ProveRun run = Pipeline.prove(prepared, in, PhaseListener.NONE, cm, null);
        if (!run.verdict().accepted()) {
            throw new IllegalStateException("the fresh proof did not verify: " + run.verdict());
        }
        byte[] reportBytes = null;
        if (report != null) {
            ObjectNode json = reportJson(run, prepared);
            json.put("warmup_proofs", warmup);
            reportBytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
        }
        writeArtifacts(run, prepared, reportBytes);
        printRun(o, run);
        if (run.prediction() != null && warmup == 0) {
            o.println("(--warmup 0: the measured time includes JIT compilation; the prediction is for a warmed-up prover)");
        }
        o.printf("wrote proof %s, verifying key %s%s%n", out, vkPath(), report == null ? "" : ", report " + report);
        return Main.OK;
    }

    private CompileOptions visibilities() throws InputFileException {
        if (privateWeights) {
            throw new InputFileException("--private-weights is gone: it proved that some weights give the output, not "
                    + "which; run 'zkscope commit MODEL --salt-file F' once, publish the commitment, then prove with "
                    + "--weights-visibility hashed --salt-file F");
        }
        CompileOptions co = proof.compileOptions(publicInput, "--public-input");
        if (co.input() != CompileOptions.Visibility.HASHED && inputSaltFile != null) {
            throw new InputFileException("--input-salt-file needs --input-visibility hashed");
        }
        if (co.output() != CompileOptions.Visibility.HASHED && outputSaltFile != null) {
            throw new InputFileException("--output-salt-file needs --output-visibility hashed");
        }
        return co;
    }

    static CompileOptions.Visibility visibility(String option, String value, String... allowed)
            throws InputFileException {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return CompileOptions.Visibility.valueOf(a.toUpperCase(Locale.ROOT));
            }
        }
        throw new InputFileException(option + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    private Salts salts(CompileOptions co) throws InputFileException {
        Salts s = Salts.random();
        if (proof.saltFile != null) {
            s = s.withWeights(SaltFiles.read(proof.saltFile, "--salt-file"));
        }
        if (inputSaltFile != null) {
            s = s.withInput(SaltFiles.read(inputSaltFile, "--input-salt-file"));
        }
        if (outputSaltFile != null) {
            s = s.withOutput(SaltFiles.read(outputSaltFile, "--output-salt-file"));
        }
        return s;
    }

    static ProofParameters preset(String name) throws InputFileException {
        try {
            return ProofParameters.byName(name);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(e.getMessage());
        }
    }

    Path vkPath() {
        return vk != null ? vk : out.resolveSibling(out.getFileName() + ".vk");
    }

    /** The files this command writes, by description. */
    private Map<String, Path> outputs() {
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        files.put("proof", out);
        files.put("verifying key", vkPath());
        files.put("report", report);
        return files;
    }

    /** Proof, key and report (if any), all or nothing (see {@link OutputFiles#writeAll}). */
    private void writeArtifacts(ProveRun run, Pipeline.Prepared p, byte[] reportBytes) throws InputFileException {
        int publicInputs = p.compiled().publicLayout().inputCount();
        Map<String, byte[]> contents = new java.util.HashMap<>();
        contents.put("proof", ArtifactFiles.encode(new ArtifactFiles.ProofFile(run.model(), run.publicValues(), run.proof())));
        contents.put("verifying key", ArtifactFiles.encode(new ArtifactFiles.KeyFile(run.model(), publicInputs,
                run.outputShape(), run.outputScale(), run.verifyingKey().toBytes(), p.hashedBits())));
        contents.put("report", reportBytes);
        OutputFiles.writeAll(outputs(), contents);
    }

    static void writeFile(Path file, byte[] data, String what) throws InputFileException {
        OutputFiles.write(file, data, what);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    static void printRun(PrintWriter o, ProveRun run) {
        StringBuilder phases = new StringBuilder();
        for (Map.Entry<String, Long> e : run.phaseNanos().entrySet()) {
            phases.append(String.format(Locale.ROOT, "%s%s %.0f ms", phases.length() == 0 ? "" : ", ", e.getKey(),
                    e.getValue() / 1e6));
        }
        o.println("phases: " + phases);
        o.printf(Locale.ROOT, "proved in %.3f s, peak heap %s (baseline %s), proof %,d bytes; verified in %.1f ms: %s%n",
                run.proveSeconds(), mib(run.peakHeap()), mib(run.baselineHeap()), run.proof().length,
                run.verifyNanos() / 1e6, run.verdict().accepted() ? "accepted" : run.verdict());
        o.println("proof size " + dev.zkscope.plonk.Proof.sizeBreakdown(run.verifyingKey(), run.proof()).summary());
        if (run.prediction() != null) {
            dev.zkscope.predict.PredictionError e = run.predictionError();
            o.printf(Locale.ROOT, "predicted %.3f s and %s above baseline; measured %.3f s and %s above baseline (%s)%n",
                    run.prediction().proveSeconds(), mib(run.prediction().heapBytesAboveBaseline()), run.proveSeconds(),
                    mib(run.heapAboveBaseline()), e.summary());
            if (e.warning() != null) {
                o.println("warning: " + e.warning());
            }
        }
        boolean outputHashed = run.commitments().output() != null;
        o.println((outputHashed ? "output (private, hashed): " : "public output: ")
                + VerifyCommand.formatOutput(run.dequantizedOutput()) + "  argmax "
                + VerifyCommand.argmax(run.dequantizedOutput()));
        printCommitments(o, run.commitments());
    }

    /** The public commitments of hashed values, one line each. */
    static void printCommitments(PrintWriter o, Commitments c) {
        if (c.weights() != null) {
            o.println("weights commitment (public, bound by the proof): " + Commitments.hex(c.weights()));
        }
        if (c.input() != null) {
            o.println("input commitment (public, bound by the proof): " + Commitments.hex(c.input()));
        }
        if (c.output() != null) {
            o.println("output commitment (public, bound by the proof): " + Commitments.hex(c.output()));
        }
    }

    static ObjectNode reportJson(ProveRun run, Pipeline.Prepared p) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode r = m.createObjectNode();
        r.put("model", run.model());
        r.put("preset", run.params().name());
        r.set("security", SecurityJson.of(SecurityAnalysis.of(run.verifyingKey())));
        r.put("insecure", run.params().isInsecure());
        r.put("zero_knowledge", run.params().zeroKnowledge());
        r.put("k", run.logN());
        r.put("rows", 1 << run.logN());
        r.put("used_rows", run.usedRows());
        r.put("advice_columns", p.compiled().circuit().numAdvice());
        r.put("fixed_columns", p.compiled().circuit().numFixed());
        r.put("input_scale", p.quantized().inputScale());
        r.put("param_scale", p.quantized().paramScale());
        ObjectNode phases = r.putObject("phase_ms");
        for (Map.Entry<String, Long> e : run.phaseNanos().entrySet()) {
            phases.put(e.getKey(), e.getValue() / 1e6);
        }
        r.put("prove_ms", run.proveNanos() / 1e6);
        r.put("verify_ms", run.verifyNanos() / 1e6);
        r.put("peak_heap_bytes", run.peakHeap());
        r.put("baseline_heap_bytes", run.baselineHeap());
        r.put("heap_above_baseline_bytes", run.heapAboveBaseline());
        r.put("proof_bytes", run.proof().length);
        ObjectNode size = r.putObject("proof_size_bytes");
        dev.zkscope.plonk.Proof.sizeBreakdown(run.verifyingKey(), run.proof()).bytes().forEach(size::put);
        r.put("verified", run.verdict().accepted());
        r.put("weights", p.settings().compile().weights().name().toLowerCase(Locale.ROOT));
        r.put("input", p.settings().compile().input().name().toLowerCase(Locale.ROOT));
        r.put("output", p.settings().compile().output().name().toLowerCase(Locale.ROOT));
        Commitments c = run.commitments();
        if (c.weights() != null) {
            r.put("weights_commitment", Commitments.hex(c.weights()));
        }
        if (c.input() != null) {
            r.put("input_commitment", Commitments.hex(c.input()));
        }
        if (c.output() != null) {
            r.put("output_commitment", Commitments.hex(c.output()));
        }
        if (run.prediction() != null) {
            ObjectNode pr = r.putObject("predicted");
            pr.put("prove_ms", run.prediction().proveSeconds() * 1e3);
            pr.put("peak_heap_bytes", run.predictedPeakHeap());
            pr.put("heap_above_baseline_bytes", run.prediction().heapBytesAboveBaseline());
            dev.zkscope.predict.PredictionError pe = run.predictionError();
            ObjectNode err = r.putObject("prediction_error");
            err.put("time", pe.timeError());
            err.put("heap_above_baseline", pe.heapError());
            if (pe.warning() != null) {
                err.put("warning", pe.warning());
            }
            ObjectNode pp = pr.putObject("phase_ms");
            for (Map.Entry<String, Double> e : run.prediction().phaseSeconds().entrySet()) {
                pp.put(e.getKey(), e.getValue() * 1e3);
            }
        }
        ArrayNode outVals = r.putArray("public_output");
        for (double v : run.dequantizedOutput()) {
            outVals.add(v);
        }
        ArrayNode outInts = r.putArray("public_output_quantized");
        for (long v : run.output()) {
            outInts.add(v);
        }
        r.put("output_scale", run.outputScale());
        return r;
    }
}
