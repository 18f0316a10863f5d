package dev.zkscope.segment;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.hash.Hashing;
import dev.zkscope.plonk.VerifyingKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The verifying keys of a segmented model, one {@link ArtifactFiles.KeyFile} per segment (its statement names the
 * model, the segment's position "MODEL#i/n", and how its public values read: the link challenge and fingerprints, and
 * the model's public input and output at the ends), and the {@link LinkTable} that says which segment's output groups each segment's
 * input groups are, in one versioned file. Its {@link #digest()} names the whole set, link table included; a bundle
 * carries it.
 * <pre>
 *   "ZKSK" version 2
 *   model, n, per segment: used rows, link rows, span, key file
 *   link table: n, per segment: input groups (size, producer segment, producer group), output group sizes
 * </pre>
 * Version 1 (a chain of links, one per cut) is refused with a message saying to prove again.
 *
 * @param model    the model's name
 * @param entries  one per segment, in order
 * @param links    how the segments are linked
 */
public record KeyBundle(String model, List<Entry> entries, LinkTable links) {
    static final int MAGIC = 0x5A4B534B; // "ZKSK"
    static final int VERSION = 2;

    /**
     * One segment's key.
     *
     * @param keyFile    the segment's verifying-key file (statement and key)
     * @param usedRows   rows its circuit uses (gadget rows, or table rows when more)
     * @param linkRows   of those, the rows linking its boundary tensors (fingerprints)
     * @param span       the layers it holds, as {@link SegmentPlan.Segment#span()}
     */
    public record Entry(ArtifactFiles.KeyFile keyFile, int usedRows, int linkRows, String span) {
    }

    public KeyBundle {
        entries = List.copyOf(entries);
        if (links.count() != entries.size()) {
            throw new IllegalArgumentException(entries.size() + " keys, a link table of " + links.count());
        }
    }

    public int count() {
        return entries.size();
    }

    /** "segment 2 of 5 (layers A .. B)". */
    public String describe(int i) {
        return "segment " + (i + 1) + " of " + entries.size() + " (" + entries.get(i).span() + ")";
    }

    /**
     * SHA-256 over the model name, the count, every segment's circuit digest (statement included), in order, and the
     * link table.
     */
    public static byte[] digest(String model, List<byte[]> circuitDigests, LinkTable links) {
        MessageDigest md = Hashing.newDigest();
        md.update("zkscope-segment-keys-v2".getBytes(StandardCharsets.UTF_8));
        byte[] name = model.getBytes(StandardCharsets.UTF_8);
        md.update(intBytes(name.length));
        md.update(name);
        md.update(intBytes(circuitDigests.size()));
        for (byte[] d : circuitDigests) {
            md.update(d);
        }
        links.digestInto(md);
        return md.digest();
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The decoded verifying keys, in order; a damaged key is a FormatException naming the segment. */
    public List<VerifyingKey> keys() throws ArtifactFiles.FormatException {
        List<VerifyingKey> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                out.add(VerifyingKey.fromBytes(entries.get(i).keyFile().verifyingKey()));
            } catch (VerifyingKey.FormatException e) {
                throw new ArtifactFiles.FormatException("the key of " + describe(i) + " is damaged: " + e.getMessage());
            }
        }
        return out;
    }

    /** {@link #digest(String, List, LinkTable)} of these keys. */
    public byte[] digest() throws ArtifactFiles.FormatException {
        List<byte[]> ds = new ArrayList<>();
        for (VerifyingKey k : keys()) {
            ds.add(k.circuitDigest());
        }
        return digest(model, ds, links);
    }

    public static String hex(byte[] d) {
        return HexFormat.of().formatHex(d);
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            Bundle.writeString(out, model);
            out.writeInt(entries.size());
            for (Entry e : entries) {
                out.writeInt(e.usedRows());
                out.writeInt(e.linkRows());
                Bundle.writeString(out, e.span());
                byte[] kf = ArtifactFiles.encode(e.keyFile());
                out.writeInt(kf.length);
                out.write(kf);
            }
            links.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    /** Whether the bytes start like a key bundle (so that verify can tell it from a single key file). */
    public static boolean looksLike(byte[] data) {
        return data.length >= 4 && ((data[0] & 0xff) << 24 | (data[1] & 0xff) << 16 | (data[2] & 0xff) << 8
                | (data[3] & 0xff)) == MAGIC;
    }

    public static KeyBundle decode(byte[] data) throws ArtifactFiles.FormatException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new ArtifactFiles.FormatException("not a zkscope segment key bundle (bad magic number)");
            }
            int v = in.readInt();
            if (v != VERSION) {
                throw new ArtifactFiles.FormatException("segment key bundle format version " + v
                        + ", this zkscope reads version " + VERSION + (v == 1 ? " (version 1 linked its segments as "
                        + "a chain; prove the model again with this zkscope to get keys and a bundle of version "
                        + VERSION + ")" : ""));
            }
            String model = Bundle.readString(in);
            int n = in.readInt();
            if (n < 1 || n > Bundle.MAX_SEGMENTS) {
                throw new ArtifactFiles.FormatException("segment key bundle declares " + n + " segments");
            }
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int used = in.readInt();
                int link = in.readInt();
                String span = Bundle.readString(in);
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new ArtifactFiles.FormatException("segment key bundle is truncated in the key of segment "
                            + (i + 1));
                }
                ArtifactFiles.KeyFile kf;
                try {
                    kf = ArtifactFiles.decodeKey(in.readNBytes(len));
                } catch (ArtifactFiles.FormatException e) {
                    throw new ArtifactFiles.FormatException("the key of segment " + (i + 1) + ": " + e.getMessage());
                }
                entries.add(new Entry(kf, used, link, span));
            }
            LinkTable links = LinkTable.read(in, n);
            if (in.available() != 0) {
                throw new ArtifactFiles.FormatException("segment key bundle has " + in.available()
                        + " unexpected trailing bytes");
            }
            return new KeyBundle(model, entries, links);
        } catch (EOFException e) {
            throw new ArtifactFiles.FormatException("segment key bundle is truncated");
        } catch (IOException e) {
            throw new ArtifactFiles.FormatException("segment key bundle cannot be read: " + e.getMessage());
        }
    }
}
