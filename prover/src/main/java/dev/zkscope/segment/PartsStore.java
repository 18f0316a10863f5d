package dev.zkscope.segment;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.compile.Salts;
import dev.zkscope.hash.Hashing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The finished segments of a run on disk, so that a failed or cancelled run can be resumed: a manifest (what the run
 * proves: a fingerprint of the model and the settings, a digest of the input, the cuts, and the salts, which are
 * secret) and one file per proved segment (its key, public values and proof), each written to a temporary name and
 * then moved into place, so a killed run leaves whole files or none. The directory holds the salts and must stay as
 * private as the input; the CLI deletes it once the bundle is written.
 */
final class PartsStore {
    static final int MANIFEST_MAGIC = 0x5A4B534D; // "ZKSM"
    static final int PART_MAGIC = 0x5A4B5352;     // "ZKSR"
    static final int VERSION = 2; // 2: one salt per boundary of the link table, not per cut

    /**
     * What a run proves, and its salts.
     *
     * @param fingerprint  SHA-256 of the model (its layer IR's weights and shape) and the settings
     * @param inputDigest  SHA-256 of the quantized input
     * @param cuts         per segment, its first and one-past-last step
     * @param inputSalt    salt of the model input when hashed
     * @param outputSalt   salt of the model output when hashed
     * @param boundarySalts one per boundary of the link table ({@link LinkTable#boundary}), in its order
     */
    record Manifest(byte[] fingerprint, byte[] inputDigest, int[][] cuts, long[] inputSalt, long[] outputSalt,
                    List<long[]> boundarySalts) {
        boolean sameRun(Manifest o) {
            return Arrays.equals(fingerprint, o.fingerprint) && Arrays.equals(inputDigest, o.inputDigest)
                    && Arrays.deepEquals(cuts, o.cuts);
        }
    }

    private final Path dir;

    PartsStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path manifestFile() {
        return dir.resolve("manifest.bin");
    }

    Path partFile(int i) {
        return dir.resolve(String.format("segment-%04d.bin", i + 1));
    }

    Optional<Manifest> readManifest() {
        Path f = manifestFile();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
            if (in.readInt() != MANIFEST_MAGIC || in.readInt() != VERSION) {
                return Optional.empty();
            }
            byte[] fp = in.readNBytes(32);
            byte[] id = in.readNBytes(32);
            int n = in.readInt();
            if (n < 1 || n > Bundle.MAX_SEGMENTS) {
                return Optional.empty();
            }
            int[][] cuts = new int[n][2];
            for (int[] c : cuts) {
                c[0] = in.readInt();
                c[1] = in.readInt();
            }
            long[] is = readSalt(in);
            long[] os = readSalt(in);
            int nb = in.readInt();
            if (nb < 0 || (long) nb * 32 > in.available()) {
                return Optional.empty();
            }
            List<long[]> bs = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
                bs.add(readSalt(in));
            }
            return Optional.of(new Manifest(fp, id, cuts, is, os, bs));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void writeManifest(Manifest m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MANIFEST_MAGIC);
            out.writeInt(VERSION);
            out.write(m.fingerprint());
            out.write(m.inputDigest());
            out.writeInt(m.cuts().length);
            for (int[] c : m.cuts()) {
                out.writeInt(c[0]);
                out.writeInt(c[1]);
            }
            writeSalt(out, m.inputSalt());
            writeSalt(out, m.outputSalt());
            out.writeInt(m.boundarySalts().size());
            for (long[] s : m.boundarySalts()) {
                writeSalt(out, s);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        write(manifestFile(), bytes.toByteArray());
    }

    /** Removes the manifest and every part (a fresh run, or the bundle is written). */
    void clear() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith("manifest.bin") || name.startsWith("segment-")) {
                    Files.deleteIfExists(f);
                }
            }
            try (var rest = Files.list(dir)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    void writePart(SegmentProver.Proved p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(PART_MAGIC);
            out.writeInt(VERSION);
            out.writeInt(p.index());
            out.writeInt(p.logN());
            out.writeInt(p.key().usedRows());
            out.writeInt(p.key().linkRows());
            Bundle.writeString(out, p.key().span());
            byte[] kf = ArtifactFiles.encode(p.key().keyFile());
            out.writeInt(kf.length);
            out.write(kf);
            writeLongs(out, p.publicValues());
            out.writeInt(p.proof().length);
            out.write(p.proof());
            writeLongs(out, p.output());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        write(partFile(p.index()), bytes.toByteArray());
    }

    /** A finished segment from an earlier run, or empty when there is none (or it is damaged: it is proved again). */
    Optional<SegmentProver.Proved> readPart(int i) {
        Path f = partFile(i);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
            if (in.readInt() != PART_MAGIC || in.readInt() != VERSION || in.readInt() != i) {
                return Optional.empty();
            }
            int logN = in.readInt();
            int used = in.readInt();
            int link = in.readInt();
            String span = Bundle.readString(in);
            byte[] kf = readBlob(in);
            long[] pub = readLongs(in);
            byte[] proof = readBlob(in);
            long[] output = readLongs(in);
            ArtifactFiles.KeyFile key = ArtifactFiles.decodeKey(kf);
            return Optional.of(new SegmentProver.Proved(i, new KeyBundle.Entry(key, used, link, span), logN, pub,
                    proof, output, null));
        } catch (IOException | ArtifactFiles.FormatException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void write(Path f, byte[] data) {
        try {
            Files.createDirectories(dir);
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    static byte[] sha256(long[] values) {
        var md = Hashing.newDigest();
        byte[] b = new byte[8];
        for (long v : values) {
            for (int k = 0; k < 8; k++) {
                b[k] = (byte) (v >>> (56 - 8 * k));
            }
            md.update(b);
        }
        return md.digest();
    }

    private static void writeSalt(DataOutputStream out, long[] s) throws IOException {
        for (long v : s) {
            out.writeLong(v);
        }
    }

    private static long[] readSalt(DataInputStream in) throws IOException {
        long[] s = new long[Salts.LENGTH];
        for (int i = 0; i < s.length; i++) {
            s[i] = in.readLong();
        }
        return s;
    }

    private static void writeLongs(DataOutputStream out, long[] v) throws IOException {
        out.writeInt(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * 8 > in.available()) {
            throw new IOException("bad count " + n);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    private static byte[] readBlob(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        return in.readNBytes(n);
    }
}
