package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.Pipeline;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.FixedPoint;
import dev.zkscope.sumcheck.PcsParams;
import dev.zkscope.sumcheck.SumcheckBackend;
import dev.zkscope.sumcheck.SumcheckException;
import dev.zkscope.sumcheck.SumcheckFiles;
import dev.zkscope.sumcheck.TensorPcs;
import java.io.PrintWriter;
import picocli.CommandLine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code zkscope prove MODEL --backend sumcheck} and the sumcheck half of {@code zkscope verify}: the sumcheck/GKR
 * backend ({@code dev.zkscope.sumcheck}) writing its own proof and key files ({@link SumcheckFiles}); {@code verify}
 * picks this path from the proof file's header. The statement is the public output; the input is private (the proof
 * is zero-knowledge, docs/sumcheck-zk.md; the proof file's input field is empty); weights are committed in the
 * verifying key.
 */
final class SumcheckCli {
    private SumcheckCli() {}

    static int prove(ProveCommand c, PrintWriter o, PrintWriter err) throws Exception {
        CommandLine.ParseResult pr = c.spec.commandLine().getParseResult();
        for (String opt : List.of("--max-rows", "--resume", "--spark", "--weights-visibility", "--output-visibility", "--salt-file",
                "--input-salt-file", "--output-salt-file", "--inner-cols", "--public-input")) {
            if (pr.hasMatchedOption(opt)) {
                throw new InputFileException(opt + " is an option of the plonkish backend; the sumcheck backend proves "
                        + "one whole model with a private input, a public output and weights committed in its key (drop it, or "
                        + "use --backend plonkish)");
            }
        }
        if (pr.hasMatchedOption("--input-visibility") && !c.proof.inputVisibility.strip().equalsIgnoreCase("private")) {
            throw new InputFileException("the sumcheck backend keeps the input private (its proofs are zero-knowledge); "
                    + "--input-visibility " + c.proof.inputVisibility + " needs --backend plonkish");
        }
        PcsParams params;
        try {
            params = PcsParams.byName(c.proof.preset).withZeroKnowledge(!c.proof.noZk);
        } catch (IllegalArgumentException e) {
            throw new InputFileException("--preset: " + e.getMessage());
        }
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("proof", c.out);
        files.put("verifying key", c.vkPath());
        files.put("report", c.report);
        OutputFiles.requireWritable(files);
        Graph g = c.model.load();
        g.requireSupported("proving");
        List<Tensor> in = InputFiles.readInput(c.input, g);
        InputFiles.Samples samples = c.model.calibrationSamples(g);
        CompileOptions co = CompileOptions.defaults();
        if (c.proof.inputAbsMax != null) {
            if (!(c.proof.inputAbsMax > 0) || c.proof.inputAbsMax > 1e6) {
                throw new InputFileException("--input-abs-max must be in (0, 1e6], got " + c.proof.inputAbsMax);
            }
            co = co.withInputAbsMax(c.proof.inputAbsMax);
        }
        Pipeline.Settings settings = Pipeline.settingsFor(new Pipeline.Settings(c.model.quantOptions(), co,
                ProofParameters.standard()), samples.inputs());
        Calibrator.Calibration cal = Pipeline.calibrate(g, samples.inputs(), settings, ModelOptions.progress(err));
        QModel qm = ModelCompiler.lower(cal.graph(), settings.compile());
        long k0 = System.nanoTime();
        SumcheckBackend.Keys keys;
        try {
            keys = SumcheckBackend.keygen(qm, params, TensorPcs.defaultRandom());
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedModelException(e.getMessage());
        }
        long[] q = Pipeline.quantizeInput(cal.graph(), settings.compile().inputAbsMax(), in);
        // The proof's soundness is the union of its terms (sumchecks, LogUp, the commitment's column test, ...), whose
        // weakest decides it; the column test alone (params.conjecturedBits) is one term and overstates it.
        dev.zkscope.sumcheck.SumcheckSecurity sec = dev.zkscope.sumcheck.SumcheckSecurity.of(keys);
        o.printf(Locale.ROOT, "model %s: sumcheck backend, preset %s (%s), keygen %.2f s, verifying key %,d bytes%n",
                Pipeline.modelName(c.model.model), params.name(), sec.summary(), (System.nanoTime() - k0) / 1e9,
                keys.verifyingKeyBytes());
        o.println("statement: the output is public (in the proof file); the input is private; weights are committed in the key");
        int warm = c.noWarmup ? 0 : Math.min(Math.max(c.warmup, 0), 2);
        for (int i = 0; i < warm; i++) {
            SumcheckBackend.prove(keys, q, TensorPcs.defaultRandom());
        }
        if (warm > 0) {
            o.println("warm-up: " + warm + " unreported proof(s)");
        }
        o.flush();
        HeapSampler heap = new HeapSampler(5);
        heap.start();
        SumcheckBackend.Proved proved;
        long t0;
        long t1;
        long peak;
        try {
            CostModel.usedAfterGc();
            heap.restartPeak();
            t0 = System.nanoTime();
            proved = SumcheckBackend.prove(keys, q, TensorPcs.defaultRandom());
            t1 = System.nanoTime();
            peak = heap.peakNow();
        } finally {
            heap.stop();
        }
        // verify as a verifier would: from the key's bytes
        SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
        long v0 = System.nanoTime();
        SumcheckBackend.verify(vk, proved.output(), proved.proof());
        long v1 = System.nanoTime();
        String name = Pipeline.modelName(c.model.model);
        int scale = cal.graph().outputScale();
        double[] out = dequantize(proved.output(), scale);
        o.println("layers (prover ms): " + layers(proved.layerNanos()));
        o.printf(Locale.ROOT, "proved in %.3f s, peak heap %s, proof %,d bytes; verified in %.1f ms: accepted%n",
                (t1 - t0) / 1e9, ProveCommand.mib(peak), proved.proof().length, (v1 - v0) / 1e6);
        o.println("public output: " + VerifyCommand.formatOutput(out) + "  argmax " + VerifyCommand.argmax(out));
        Map<String, byte[]> contents = new java.util.HashMap<>();
        contents.put("proof", SumcheckFiles.encode(new SumcheckFiles.ProofFile(name, new long[0], proved.output(), proved.proof())));
        contents.put("verifying key", SumcheckFiles.encode(new SumcheckFiles.KeyFile(name, scale, qm.outputShape(),
                keys.verifyingKey())));
        if (c.report != null) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode r = m.createObjectNode();
            r.put("model", name);
            r.put("backend", "sumcheck");
            r.put("preset", params.name());
            r.put("conjectured_bits", sec.conjecturedBits());
            r.put("provable_bits", sec.provableBits());
            r.put("weakest_conjectured_term", sec.conjectured().weakest().name());
            r.put("weakest_provable_term", sec.provable().weakest().name());
            r.put("column_test_conjectured_bits", params.conjecturedBits());
            r.put("zero_knowledge", params.zk());
            r.put("prove_ms", (t1 - t0) / 1e6);
            r.put("verify_ms", (v1 - v0) / 1e6);
            r.put("peak_heap_bytes", peak);
            r.put("proof_bytes", proved.proof().length);
            r.put("verifying_key_bytes", keys.verifyingKeyBytes());
            ObjectNode ln = r.putObject("layer_ms");
            proved.layerNanos().forEach((kk, v) -> ln.put(kk, v / 1e6));
            ArrayNode a = r.putArray("public_output");
            for (double v : out) {
                a.add(v);
            }
            contents.put("report", m.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(r));
        }
        OutputFiles.writeAll(files, contents);
        o.printf("wrote proof %s, verifying key %s%s%n", c.out, c.vkPath(), c.report == null ? "" : ", report " + c.report);
        return Main.OK;
    }

    static String layers(Map<String, Long> nanos) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6));
        }
        return b.toString();
    }

    static double[] dequantize(long[] v, int scale) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = FixedPoint.dequantize(v[i], scale);
        }
        return d;
    }

    /** {@code zkscope verify} of a sumcheck proof file: 0 accepted, 1 rejected (with the typed reason), 2 unreadable. */
    static int verify(VerifyCommand c, byte[] proofBytes) throws Exception {
        if (c.weightsCommitment != null || c.inputCommitment != null || c.outputCommitment != null) {
            throw new ArtifactFiles.FormatException("--weights-commitment, --input-commitment and --output-commitment are "
                    + "for plonkish proofs; this is a sumcheck proof (private input, public output, weights in the key)");
        }
        SumcheckFiles.ProofFile pf;
        try {
            pf = SumcheckFiles.decodeProof(proofBytes);
        } catch (Malformed e) {
            throw new ArtifactFiles.FormatException("proof file " + c.proof + " is damaged: " + e.getMessage());
        }
        byte[] keyBytes = ArtifactFiles.read(c.vk, "verifying-key");
        if (!SumcheckFiles.isKey(keyBytes)) {
            throw new ArtifactFiles.FormatException(c.proof + " is a sumcheck proof but " + c.vk + " is not a sumcheck "
                    + "verifying key (prove --backend sumcheck writes both)");
        }
        SumcheckFiles.KeyFile kf;
        SumcheckBackend.Keys keys;
        try {
            kf = SumcheckFiles.decodeKey(keyBytes);
            keys = SumcheckBackend.Keys.readVerifyingKey(kf.verifyingKey());
        } catch (Malformed e) {
            throw new ArtifactFiles.FormatException("verifying key in " + c.vk + " is damaged: " + e.getMessage());
        }
        String reason = null;
        long t0 = System.nanoTime();
        if (!pf.model().equals(kf.model())) {
            reason = "model mismatch: the proof is about model " + pf.model() + ", the key is for " + kf.model();
        } else {
            try {
                SumcheckBackend.verify(keys, pf.output(), pf.proof());
            } catch (SumcheckException e) {
                reason = "sumcheck verifier: " + e.getMessage();
            } catch (Malformed e) {
                reason = "malformed proof: " + e.getMessage();
            }
        }
        long nanos = System.nanoTime() - t0;
        boolean ok = reason == null;
        double[] out = ok ? dequantize(pf.output(), kf.outputScale()) : new double[0];
        PcsParams p = keys.params();
        String security = String.format(Locale.ROOT, "%s (commitment: rate at most 9/%d, %d columns, %d grinding bits)",
                dev.zkscope.sumcheck.SumcheckSecurity.of(keys).summary(), 8 << p.logBlowup(), p.queries(),
                p.grindingBits());
        PrintWriter o = c.spec.commandLine().getOut();
        if (c.json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("verified", ok);
            root.put("backend", "sumcheck");
            root.put("model", kf.model());
            root.put("preset", p.name());
            root.put("security", security);
            root.put("verify_ms", nanos / 1e6);
            if (ok) {
                ArrayNode a = root.putArray("output");
                for (double v : out) {
                    a.add(v);
                }
                root.put("argmax", VerifyCommand.argmax(out));
            } else {
                root.put("reason", reason);
            }
            o.println(m.writeValueAsString(root));
        } else if (ok) {
            o.printf(Locale.ROOT, "verified: sumcheck proof for model %s accepted in %.1f ms (preset %s)%n", kf.model(),
                    nanos / 1e6, p.name());
            o.println("security: " + security);
            o.println(pf.input().length == 0 ? "input: private (zero-knowledge proof)" : "public input: " + pf.input().length + " values (in the proof file)");
            o.println("attested output: " + VerifyCommand.formatOutput(out) + "  argmax " + VerifyCommand.argmax(out));
        } else {
            o.println("REJECTED: " + reason);
        }
        o.flush();
        return ok ? Main.OK : VerifyCommand.REJECTED;
    }
}
