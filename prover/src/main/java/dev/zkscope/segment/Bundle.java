package dev.zkscope.segment;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Poseidon2;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One proof of a segmented model: a versioned file whose header names the model, the digest of its key bundle and
 * every segment with its size and circuit digest; then the links (one commitment per boundary of the key bundle's
 * {@link LinkTable}: what its producer and every consumer publish); then each segment's public values and proof.
 * <pre>
 *   "ZKSB" version 3
 *   header   model, keys digest, n, per segment: logN, used rows, circuit digest, public-value count, proof length
 *   links    L, then L fingerprints of 2 field elements (L = the link table's boundaries, in (segment, group) order)
 *   segments per segment: its public values (signed), its proof
 * </pre>
 * Versions 1 (n - 1 links of a chain) and 2 (Poseidon2 digests as links) are refused with a message saying to prove
 * again.
 * Big-endian and length-prefixed; reading checks every count against the bytes left, and a damaged file is a
 * {@link FormatError} naming the part, never an allocation or a crash. Every field is checked by
 * {@link BundleVerifier}: against the key bundle (the digests, sizes and counts), against the neighbours (the links),
 * or by the segment's proof (public values and proof bytes).
 *
 * @param model       the model's name
 * @param keysDigest  {@link KeyBundle#digest()} of the keys the segments were proved with
 * @param parts       the segments, in order
 * @param links       the boundary commitments, one per boundary of the link table (canonical field elements)
 */
public record Bundle(String model, byte[] keysDigest, List<Part> parts, List<long[]> links) {
    static final int MAGIC = 0x5A4B5342; // "ZKSB"
    public static final int VERSION = 3;
    static final int MAX_SEGMENTS = 1 << 16;

    /**
     * One segment's entry.
     *
     * @param logN          its trace height, 2^logN rows
     * @param usedRows      the rows its circuit uses
     * @param circuitDigest its verifying key's digest
     * @param publicValues  its public values (signed): the link challenge and its groups' fingerprints, and the
     *                      model's public input and output at the ends
     * @param proof         its proof
     */
    public record Part(int logN, int usedRows, byte[] circuitDigest, long[] publicValues, byte[] proof) {
    }

    public Bundle {
        parts = List.copyOf(parts);
        links = List.copyOf(links);
    }

    /** A bundle that cannot be read, with the part of it that is damaged (segment -1: the header or the links). */
    public static final class FormatError extends Exception {
        private final int segment;
        private final String part;

        FormatError(int segment, String part, String message) {
            super(message);
            this.segment = segment;
            this.part = part;
        }

        public int segment() {
            return segment;
        }

        public String part() {
            return part;
        }
    }

    /** Byte ranges of the parts of an encoded bundle (for tamper tests and diagnostics). */
    public record Sections(int headerEnd, int linksEnd, int[] segmentStart, int[] segmentEnd) {
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            writeString(out, model);
            out.writeInt(keysDigest.length);
            out.write(keysDigest);
            out.writeInt(parts.size());
            for (Part p : parts) {
                out.writeInt(p.logN());
                out.writeInt(p.usedRows());
                out.writeInt(p.circuitDigest().length);
                out.write(p.circuitDigest());
                out.writeInt(p.publicValues().length);
                out.writeInt(p.proof().length);
            }
            out.writeInt(links.size());
            for (long[] l : links) {
                for (long v : l) {
                    out.writeLong(v);
                }
            }
            for (Part p : parts) {
                for (long v : p.publicValues()) {
                    out.writeLong(v);
                }
                out.write(p.proof());
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    /** Whether the bytes start like a bundle (so that verify can tell it from a single proof file). */
    public static boolean looksLike(byte[] data) {
        return data.length >= 4 && ((data[0] & 0xff) << 24 | (data[1] & 0xff) << 16 | (data[2] & 0xff) << 8
                | (data[3] & 0xff)) == MAGIC;
    }

    public static Bundle decode(byte[] data) throws FormatError {
        return read(data, null);
    }

    /** The byte ranges of the header, the links and each segment. */
    public static Sections sections(byte[] data) throws FormatError {
        Sections[] out = new Sections[1];
        read(data, out);
        return out[0];
    }

    private static Bundle read(byte[] data, Sections[] sections) throws FormatError {
        String part = "header";
        int seg = -1;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new FormatError(-1, part, "not a zkscope proof bundle (bad magic number)");
            }
            int v = in.readInt();
            if (v != VERSION) {
                throw new FormatError(-1, part, "proof bundle format version " + v + ", this zkscope reads version "
                        + VERSION + (v == 1 ? " (version 1 linked its segments as a chain; prove the model again "
                        + "with this zkscope)" : v == 2 ? " (version 2 linked its segments by Poseidon2 digests; "
                        + "prove the model again with this zkscope)" : ""));
            }
            String model = readString(in);
            byte[] keys = in.readNBytes(count(in, 64, -1, part, "keys digest length"));
            int n = count(in, MAX_SEGMENTS, -1, part, "segment count");
            if (n < 1) {
                throw new FormatError(-1, part, "a bundle has at least one segment");
            }
            int[] logN = new int[n];
            int[] used = new int[n];
            byte[][] digest = new byte[n][];
            int[] pubCount = new int[n];
            int[] proofLen = new int[n];
            long budget = data.length;
            for (int i = 0; i < n; i++) {
                seg = i;
                part = "header entry of segment " + (i + 1);
                logN[i] = count(in, 64, i, part, "trace height");
                used[i] = in.readInt();
                digest[i] = in.readNBytes(count(in, 64, i, part, "circuit digest length"));
                pubCount[i] = count(in, budget / 8, i, part, "public-value count");
                proofLen[i] = count(in, budget, i, part, "proof length");
            }
            int headerEnd = data.length - in.available();
            seg = -1;
            part = "links";
            int nl = in.readInt();
            long segmentBytes = 0;
            for (int i = 0; i < n; i++) {
                segmentBytes += (long) pubCount[i] * 8 + proofLen[i];
            }
            if (nl < 0 || (long) nl * 8 * LinkTable.LINK + segmentBytes != in.available()) {
                throw new FormatError(-1, part, "declares " + nl + " links, and the header " + segmentBytes
                        + " bytes of segments; " + in.available() + " bytes are left for both");
            }
            List<long[]> links = new ArrayList<>();
            for (int i = 0; i < nl; i++) {
                long[] d = new long[LinkTable.LINK];
                for (int k = 0; k < d.length; k++) {
                    d[k] = in.readLong();
                    if (!Goldilocks.isCanonical(d[k])) {
                        throw new FormatError(-1, "link " + (i + 1), "element " + k
                                + " is not a canonical field element");
                    }
                }
                links.add(d);
            }
            int linksEnd = data.length - in.available();
            int[] starts = new int[n];
            int[] ends = new int[n];
            List<Part> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                seg = i;
                part = "segment " + (i + 1);
                starts[i] = data.length - in.available();
                if ((long) pubCount[i] * 8 + proofLen[i] > in.available()) {
                    throw new FormatError(i, part, "declares " + pubCount[i] + " public values and " + proofLen[i]
                            + " proof bytes, only " + in.available() + " bytes remain");
                }
                long[] pub = new long[pubCount[i]];
                for (int k = 0; k < pub.length; k++) {
                    pub[k] = in.readLong();
                    if (Goldilocks.toSigned(Goldilocks.fromSigned(pub[k])) != pub[k]) {
                        throw new FormatError(i, part, "public value " + k + " (" + pub[k]
                                + ") is not the canonical signed encoding of a field element");
                    }
                }
                byte[] proof = in.readNBytes(proofLen[i]);
                ends[i] = data.length - in.available();
                parts.add(new Part(logN[i], used[i], digest[i], pub, proof));
            }
            if (in.available() != 0) {
                throw new FormatError(n - 1, "end", in.available() + " unexpected trailing bytes after the last segment");
            }
            if (sections != null) {
                sections[0] = new Sections(headerEnd, linksEnd, starts, ends);
            }
            return new Bundle(model, keys, parts, links);
        } catch (EOFException e) {
            throw new FormatError(seg, part, "the bundle is truncated");
        } catch (IOException e) {
            throw new FormatError(seg, part, "cannot be read: " + e.getMessage());
        }
    }

    private static int count(DataInputStream in, long max, int seg, String part, String what)
            throws IOException, FormatError {
        int c = in.readInt();
        if (c < 0 || c > max) {
            throw new FormatError(seg, part, "bad " + what + " " + c);
        }
        return c;
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 4096 || len > in.available()) {
            throw new IOException("bad name length " + len);
        }
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }
}
