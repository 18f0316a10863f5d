package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.PhaseListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard",
            description = "proof parameters: standard (100 bits), high (127 bits), testing (INSECURE) (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--no-zk", description = "turn zero knowledge off (shows what it costs; the proof may leak the witness)")
    boolean noZk;

    @Option(names = "--public-input", description = "make the input public (default: private)")
    boolean publicInput;

    @Option(names = "--private-weights", description = "keep the weights private: advice columns committed apart, "
            + "the commitment published with the proof (default: weights fixed in the circuit and its key)")
    boolean privateWeights;

    @Option(names = "--inner-cols", paramLabel = "N", description = "products per dot-product row (EZKL's num_inner_cols)")
    Integer innerCols;

    @Option(names = "--input-abs-max", paramLabel = "X",
            description = "the input domain the circuit accepts, |x| <= X (default: 1, widened to cover the calibration inputs)")
    Double inputAbsMax;

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProofParameters params = preset(preset).withZeroKnowledge(!noZk);
        Graph g = model.load();
        g.requireSupported("proving");
        List<Tensor> in = InputFiles.readInput(input, g);
        InputFiles.Samples samples = model.calibrationSamples(g);
        CompileOptions co = CompileOptions.defaults();
        if (innerCols != null) {
            if (innerCols < 1 || innerCols > 64) {
                throw new InputFileException("--inner-cols must be in [1, 64], got " + innerCols);
            }
            co = co.withInnerCols(innerCols);
        }
        if (publicInput) {
            co = co.withInput(CompileOptions.Visibility.PUBLIC);
        }
        if (inputAbsMax != null) {
            if (!(inputAbsMax > 0) || inputAbsMax > 1e6) {
                throw new InputFileException("--input-abs-max must be in (0, 1e6], got " + inputAbsMax);
            }
            co = co.withInputAbsMax(inputAbsMax);
        }
        if (privateWeights) {
            co = co.withWeights(CompileOptions.Visibility.PRIVATE);
        }
        Pipeline.Settings settings = new Pipeline.Settings(model.quantOptions(), co, params);
        Pipeline.Prepared prepared = Pipeline.prepare(Pipeline.modelName(model.model), g, samples.inputs(), settings, PhaseListener.NONE);
        CostModel cm = null;
        if (!noPredict) {
            if (CostModel.cached() == null) {
                err.println("zkscope: calibrating the cost model on this machine (once, a few seconds)...");
            }
            cm = CostModel.loadOrCalibrate();
            if (cm.caveat() != null) {
                err.println("zkscope: cost model " + cm.caveat());
            }
        }
        o.printf(Locale.ROOT, "model %s: trace 2^%d rows (%d gadget rows, %d table rows), %d advice columns, %s%n",
                prepared.name(), prepared.compiled().circuit().logN(), prepared.compiled().ledger().gadgetRows(),
                prepared.compiled().ledger().tableRows(), prepared.compiled().circuit().numAdvice(), params);
        if (cm != null) {
            CostModel.Prediction p = cm.predict(prepared.shape());
            o.printf(Locale.ROOT, "predicted: prove %.2f s, peak heap %s above baseline%n", p.proveSeconds(),
                    mib(p.heapBytesAboveBaseline()));
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
        writeArtifacts(run, prepared);
        printRun(o, run);
        if (run.prediction() != null && warmup == 0) {
            o.println("(--warmup 0: the measured time includes JIT compilation; the prediction is for a warmed-up prover)");
        }
        if (report != null) {
            ObjectNode json = reportJson(run, prepared);
            json.put("warmup_proofs", warmup);
            writeFile(report, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(json), "report");
        }
        o.printf("wrote proof %s, verifying key %s%s%n", out, vkPath(), report == null ? "" : ", report " + report);
        return Main.OK;
    }

    static ProofParameters preset(String name) throws InputFileException {
        try {
            return ProofParameters.byName(name);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(e.getMessage());
        }
    }

    private Path vkPath() {
        return vk != null ? vk : out.resolveSibling(out.getFileName() + ".vk");
    }

    private void writeArtifacts(ProveRun run, Pipeline.Prepared p) throws InputFileException {
        int publicInputs = run.publicValues().length - run.output().length;
        writeFile(out, ArtifactFiles.encode(new ArtifactFiles.ProofFile(run.model(), run.publicValues(), run.proof())),
                "proof");
        writeFile(vkPath(), ArtifactFiles.encode(new ArtifactFiles.KeyFile(run.model(), publicInputs,
                run.outputShape(), run.outputScale(), run.verifyingKey().toBytes())), "verifying key");
    }

    static void writeFile(Path file, byte[] data, String what) throws InputFileException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, data);
        } catch (IOException e) {
            throw new InputFileException("cannot write " + what + " file " + file + ": " + e.getMessage());
        }
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
        if (run.prediction() != null) {
            dev.zkscope.predict.PredictionError e = run.predictionError();
            o.printf(Locale.ROOT, "predicted %.3f s and %s above baseline; measured %.3f s and %s above baseline (%s)%n",
                    run.prediction().proveSeconds(), mib(run.prediction().heapBytesAboveBaseline()), run.proveSeconds(),
                    mib(run.heapAboveBaseline()), e.summary());
            if (e.warning() != null) {
                o.println("warning: " + e.warning());
            }
        }
        o.println("public output: " + VerifyCommand.formatOutput(run.dequantizedOutput()) + "  argmax "
                + VerifyCommand.argmax(run.dequantizedOutput()));
        if (run.weightsCommitment().length > 0) {
            o.println("weights commitment (published with the proof): " + run.weightsCommitmentHex());
        }
    }

    static ObjectNode reportJson(ProveRun run, Pipeline.Prepared p) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode r = m.createObjectNode();
        r.put("model", run.model());
        r.put("preset", run.params().name());
        r.put("security_bits", run.params().conjecturedSecurityBits());
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
        r.put("verified", run.verdict().accepted());
        r.put("weights", p.settings().compile().weights().name().toLowerCase(Locale.ROOT));
        r.put("input", p.settings().compile().input().name().toLowerCase(Locale.ROOT));
        if (run.weightsCommitment().length > 0) {
            r.put("weights_commitment", run.weightsCommitmentHex());
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
