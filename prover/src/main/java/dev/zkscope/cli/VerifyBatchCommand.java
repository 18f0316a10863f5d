package dev.zkscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.quant.FixedPoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zkscope verify-batch DIR}: verifies every proof that a batch directory's manifest lists against the batch's
 * verifying-key file, checks that each proof's attested output is the one the manifest records, and reports proofs
 * that are missing and proof files that the manifest does not list. Exit 0 when every listed proof is accepted and
 * none is missing, 1 otherwise, 2 when the directory is not a batch.
 */
@Command(name = "verify-batch", mixinStandardHelpOptions = true,
        description = "Verify every proof of a batch directory written by prove-batch; prints a summary.")
public final class VerifyBatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "batch directory written by 'zkscope prove-batch'")
    Path dir;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One listed proof's verdict: null reason when accepted. */
    record Verdict(String id, String reason, double[] output) { }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new InputFileException("batch directory " + dir + ": no such directory");
        }
        BatchManifest m = BatchManifest.read(dir);
        if (m == null) {
            throw new InputFileException(dir + " holds no " + BatchManifest.FILE + "; is it a directory written by "
                    + "'zkscope prove-batch'?");
        }
        Path keyPath = dir.resolve(m.keyFile());
        ArtifactFiles.KeyFile kf = ArtifactFiles.decodeKey(ArtifactFiles.read(keyPath, "verifying-key"));
        if (!ProveBatchCommand.sha256(kf.verifyingKey()).equals(m.keySha256())) {
            throw new ArtifactFiles.FormatException("the verifying-key file " + keyPath + " is not the one the manifest "
                    + "names (its SHA-256 differs); the batch directory was altered");
        }
        VerifyingKey key;
        try {
            key = VerifyingKey.fromBytes(kf.verifyingKey());
        } catch (VerifyingKey.FormatException e) {
            throw new ArtifactFiles.FormatException("verifying key in " + keyPath + " is damaged: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        List<Map.Entry<String, ObjectNode>> entries = new ArrayList<>(m.proofs().entrySet());
        List<Verdict> verdicts = entries.parallelStream().map(e -> verify(e.getKey(), e.getValue(), kf, key))
                .collect(Collectors.toList());
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> unlisted = unlisted(m);
        int accepted = 0;
        List<Verdict> rejected = new ArrayList<>();
        for (Verdict v : verdicts) {
            if (v.reason() == null) {
                accepted++;
            } else {
                rejected.add(v);
            }
        }
        boolean ok = rejected.isEmpty() && accepted > 0;
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("verified", ok);
            root.put("model", kf.model());
            root.put("preset", key.parameters().name());
            root.put("circuit_digest", key.circuitDigestHex());
            root.put("proofs", verdicts.size());
            root.put("accepted", accepted);
            ArrayNode rj = root.putArray("rejected");
            for (Verdict v : rejected) {
                rj.addObject().put("id", v.id()).put("reason", v.reason());
            }
            ArrayNode ul = root.putArray("unlisted");
            unlisted.forEach(ul::add);
            root.put("verify_s", seconds);
            o.println(mapper.writeValueAsString(root));
        } else {
            for (Verdict v : rejected) {
                o.println("REJECTED " + v.id() + ": " + v.reason());
            }
            o.printf(Locale.ROOT, "%s: %d of %d proofs of model %s accepted, %d rejected, in %.2f s (%s)%n",
                    ok ? "verified" : "NOT VERIFIED", accepted, verdicts.size(), kf.model(), rejected.size(), seconds,
                    key.parameters());
            if (verdicts.isEmpty()) {
                o.println("the manifest lists no proofs");
            }
            if (!unlisted.isEmpty()) {
                o.println("note: " + unlisted.size() + " proof file(s) the manifest does not list (not verified; a "
                        + "run stopped before it recorded them, and the next run proves them again): "
                        + String.join(", ", unlisted.subList(0, Math.min(5, unlisted.size())))
                        + (unlisted.size() > 5 ? ", ..." : ""));
            }
        }
        o.flush();
        return ok ? Main.OK : VerifyCommand.REJECTED;
    }

    /** Verifies one listed proof: file present and intact, proof accepted, attested output as recorded. */
    private Verdict verify(String id, ObjectNode e, ArtifactFiles.KeyFile kf, VerifyingKey key) {
        String rel = e.path("proof").asText();
        if (!rel.equals(BatchManifest.proofPath(id))) {
            return new Verdict(id, "the manifest names proof file '" + rel + "', not " + BatchManifest.proofPath(id), null);
        }
        Path f = dir.resolve(rel);
        if (!Files.isRegularFile(f)) {
            return new Verdict(id, "proof file " + rel + " is missing", null);
        }
        ArtifactFiles.ProofFile pf;
        try {
            pf = ArtifactFiles.decodeProof(ArtifactFiles.read(f, "proof"));
        } catch (ArtifactFiles.FormatException ex) {
            return new Verdict(id, ex.getMessage(), null);
        }
        VerifyResult r = ArtifactFiles.verify(kf, key, pf);
        if (!r.accepted()) {
            return new Verdict(id, ((VerifyResult.Rejected) r).error().describe(), null);
        }
        if (kf.outputPublic()) {
            double[] out = new double[kf.outputSize()];
            for (int i = 0; i < out.length; i++) {
                out[i] = FixedPoint.dequantize(pf.publicValues()[kf.publicInputCount() + i], kf.outputScale());
            }
            JsonNode recorded = e.path("output");
            boolean same = recorded.isArray() && recorded.size() == out.length;
            for (int i = 0; same && i < out.length; i++) {
                same = recorded.get(i).asDouble() == out[i];
            }
            if (!same) {
                return new Verdict(id, "the proof attests output " + VerifyCommand.formatOutput(out)
                        + ", the manifest records " + recorded, out);
            }
            return new Verdict(id, null, out);
        }
        return new Verdict(id, null, null);
    }

    /** Proof files under proofs/ that the manifest does not list. */
    private List<String> unlisted(BatchManifest m) throws IOException {
        Path proofs = dir.resolve("proofs");
        if (!Files.isDirectory(proofs)) {
            return List.of();
        }
        Set<String> listed = new HashSet<>();
        for (ObjectNode e : m.proofs().values()) {
            listed.add(e.path("proof").asText());
        }
        try (Stream<Path> s = Files.list(proofs)) {
            return s.map(p -> "proofs/" + p.getFileName()).filter(n -> n.endsWith(".proof") && !listed.contains(n))
                    .sorted().collect(Collectors.toList());
        }
    }
}
