package dev.zkscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.batch.BatchOutcome;
import dev.zkscope.ir.InputFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch directory's {@code manifest.json}: the model, its verifying-key file and the key's SHA-256, one entry per
 * proved input (its digest, proof file and that file's SHA-256, the attested output, times, heap, executor, attempt),
 * and one entry per run. Written whole and atomically, so it is never half-written; an input whose proof was written
 * after the last manifest write is simply proved again by the next run (its file name is fixed, so never twice).
 */
final class BatchManifest {
    static final String FILE = "manifest.json";
    static final String FORMAT = "zkscope-batch";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode header;
    private final Map<String, ObjectNode> proofs = new TreeMap<>();
    private final ArrayNode runs;

    private BatchManifest(ObjectNode header, ArrayNode runs) {
        this.header = header;
        this.runs = runs;
    }

    /** A new manifest for a model, its key file (relative to the directory) and the key's SHA-256. */
    static BatchManifest create(String model, String keyFile, String keySha256, String circuitDigest, String preset) {
        ObjectNode h = JSON.createObjectNode();
        h.put("format", FORMAT);
        h.put("version", VERSION);
        h.put("model", model);
        h.put("verifying_key", keyFile);
        h.put("verifying_key_sha256", keySha256);
        h.put("circuit_digest", circuitDigest);
        h.put("preset", preset);
        return new BatchManifest(h, JSON.createArrayNode());
    }

    /** The manifest of batch directory {@code dir}, or null when it has none. */
    static BatchManifest read(Path dir) throws InputFileException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputFileException("batch manifest " + f + " is not valid JSON (" + Main.oneLine(e.getMessage())
                    + "); remove it to start the batch again");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())
                || root.path("version").asInt() != VERSION || !root.path("proofs").isArray()
                || !root.path("verifying_key").isTextual() || !root.path("verifying_key_sha256").isTextual()) {
            throw new InputFileException(f + " is not a zkscope batch manifest of version " + VERSION);
        }
        ObjectNode h = ((ObjectNode) root).deepCopy();
        h.remove("proofs");
        h.remove("runs");
        ArrayNode runs = root.path("runs").isArray() ? (ArrayNode) root.get("runs").deepCopy() : JSON.createArrayNode();
        BatchManifest m = new BatchManifest(h, runs);
        for (JsonNode e : root.get("proofs")) {
            String id = e.path("id").asText("");
            if (id.isEmpty() || !e.path("proof").isTextual()) {
                throw new InputFileException(f + " lists a proof without an id or a proof file");
            }
            if (m.proofs.put(id, (ObjectNode) e.deepCopy()) != null) {
                throw new InputFileException(f + " lists input '" + id + "' twice");
            }
        }
        return m;
    }

    String model() {
        return header.path("model").asText();
    }

    String keyFile() {
        return header.path("verifying_key").asText();
    }

    String keySha256() {
        return header.path("verifying_key_sha256").asText();
    }

    /** The entries, by id. */
    Map<String, ObjectNode> proofs() {
        return proofs;
    }

    /** Where an input's proof file goes, relative to the directory. */
    static String proofPath(String id) {
        return "proofs/" + id + ".proof";
    }

    /** Adds (or replaces) the entry of a proved input. */
    void add(BatchOutcome.Proved p, String proofSha256) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", p.id());
        e.put("source", p.source());
        e.put("input_sha256", p.inputSha256());
        e.put("proof", proofPath(p.id()));
        e.put("proof_sha256", proofSha256);
        e.put("proof_bytes", p.proofFile().length);
        if (p.output() != null) {
            ArrayNode a = e.putArray("output");
            for (double v : p.output()) {
                a.add(v);
            }
            e.put("argmax", VerifyCommand.argmax(p.output()));
        } else {
            e.put("output_commitment", p.outputCommitment());
        }
        e.put("witness_ms", p.witnessNanos() / 1e6);
        e.put("prove_ms", p.proveNanos() / 1e6);
        e.put("verify_ms", p.verifyNanos() / 1e6);
        e.put("task_ms", p.taskNanos() / 1e6);
        e.put("peak_heap_bytes", p.peakHeapBytes());
        e.put("executor", p.executor());
        e.put("attempt", p.attempt());
        e.put("started", Instant.ofEpochMilli(p.startMillis()).toString());
        e.put("finished", Instant.ofEpochMilli(p.endMillis()).toString());
        proofs.put(p.id(), e);
    }

    /** Records one run of prove-batch (how, when, how many proved and skipped). */
    void addRun(ObjectNode run) {
        runs.add(run);
    }

    ObjectNode newRun() {
        return JSON.createObjectNode();
    }

    byte[] toBytes() {
        ObjectNode root = header.deepCopy();
        ArrayNode list = root.putArray("proofs");
        List<ObjectNode> all = new ArrayList<>(proofs.values());
        all.forEach(list::add);
        root.set("runs", runs);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory JSON write failed", e);
        }
    }

    /** Writes the manifest into {@code dir}, atomically. */
    void write(Path dir) throws InputFileException {
        OutputFiles.write(dir.resolve(FILE), toBytes(), "batch manifest");
    }
}
