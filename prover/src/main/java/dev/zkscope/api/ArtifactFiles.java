package dev.zkscope.api;

import dev.zkscope.compile.ModelWitness;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.VerifyError;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.plonk.VerifyingKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two files the CLI writes and reads: a proof file (the claimed public values and the proof bytes) and a
 * verifying-key file (what a verifier needs to interpret the public values, and the verifying key). Both are
 * versioned, big-endian, length-prefixed; reading checks every length against the bytes left and against limits, so a
 * damaged or foreign file is a {@link FormatException} that says what is wrong, never an allocation or a crash.
 */
public final class ArtifactFiles {
    private ArtifactFiles() {}

    static final int PROOF_MAGIC = 0x5A4B5350; // "ZKSP"
    static final int KEY_MAGIC = 0x5A4B5356;   // "ZKSV"
    static final int STATEMENT_MAGIC = 0x5A4B5353; // "ZKSS"
    static final int VERSION = 2;
    static final long MAX_FILE_BYTES = 512L << 20;

    /** A file that is not a zkscope proof or key, or is damaged. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    /** A proof file: the model it claims to be about, the public values (signed) and the proof. */
    public record ProofFile(String model, long[] publicValues, byte[] proof) { }

    /**
     * A verifying-key file.
     *
     * @param model             model name
     * @param publicInputCount  how many leading public values are the (public) input; 0 when the input is private
     * @param outputShape       shape of the output tensor (the remaining public values)
     * @param outputScale       fixed-point scale exponent of the output
     * @param verifyingKey      the serialized {@link VerifyingKey}
     * @param hashed            what is hashed, a bit set of {@link #HASHED_WEIGHTS}, {@link #HASHED_INPUT},
     *                          {@link #HASHED_OUTPUT}: after the public input and the output (absent when hashed) come
     *                          the 4-element digests, in that order
     */
    public record KeyFile(String model, int publicInputCount, int[] outputShape, int outputScale, byte[] verifyingKey,
                          int hashed) {
        public static final int HASHED_WEIGHTS = 1;
        public static final int HASHED_INPUT = 2;
        public static final int HASHED_OUTPUT = 4;
        /**
         * The output is a segment's linked groups (their fingerprints follow the digests, docs/segments.md): not in
         * the public values, and no digest of it.
         */
        public static final int LINKED_OUTPUT = 8;

        public KeyFile {
            if ((hashed & ~15) != 0) {
                throw new IllegalArgumentException("hashed is a set of 4 bits, got " + hashed);
            }
        }

        /** A key file with nothing hashed. */
        public KeyFile(String model, int publicInputCount, int[] outputShape, int outputScale, byte[] verifyingKey) {
            this(model, publicInputCount, outputShape, outputScale, verifyingKey, 0);
        }

        /** Whether the output is in the public values (else only its digest is). */
        public boolean outputPublic() {
            return (hashed & (HASHED_OUTPUT | LINKED_OUTPUT)) == 0;
        }

        /** Offset of a digest in the public values ({@code which} one of the HASHED_ bits), or -1 when absent. */
        public int digestAt(int which) {
            if ((hashed & which) == 0) {
                return -1;
            }
            int at = publicInputCount + (outputPublic() ? outputSize() : 0);
            for (int bit = 1; bit < which; bit <<= 1) {
                if ((hashed & bit) != 0) {
                    at += dev.zkscope.hash.Poseidon2.DIGEST;
                }
            }
            return at;
        }

        /** How many public values a proof for this key carries. */
        public int publicValueCount() {
            return publicInputCount + (outputPublic() ? outputSize() : 0)
                    + Integer.bitCount(hashed & 7) * dev.zkscope.hash.Poseidon2.DIGEST;
        }

        public int outputSize() {
            int s = 1;
            for (int d : outputShape) {
                s *= d;
            }
            return s;
        }

        /** This file's interpretation data as the statement that keygen binds into the verifying key. */
        public byte[] statement() {
            return ArtifactFiles.statement(model, publicInputCount, outputShape, outputScale, hashed);
        }
    }

    /**
     * The canonical encoding of what a verifier prints from a key file (model name, public-input count, output shape
     * and scale), which {@link dev.zkscope.plonk.ProofSystem#keygen} binds into the verifying key's digest: a key file
     * whose fields differ from its key's statement is rejected, and a key whose statement was edited no longer matches
     * the digest that every proof's transcript absorbed.
     */
    public static byte[] statement(String model, int publicInputCount, int[] outputShape, int outputScale, int hashed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATEMENT_MAGIC);
            writeString(out, model);
            out.writeInt(publicInputCount);
            out.writeInt(outputShape.length);
            for (int d : outputShape) {
                out.writeInt(d);
            }
            out.writeInt(outputScale);
            out.writeInt(hashed);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Verifies a proof file against a key file and its decoded key: the key file's interpretation data must be the
     * statement bound to the key, the proof's model name must be the key's, and the number of public values must be
     * the key's; then the proof itself. Every rejection is typed; never throws for any file contents.
     */
    public static VerifyResult verify(KeyFile kf, VerifyingKey key, ProofFile pf) {
        if (!java.util.Arrays.equals(kf.statement(), key.statement())) {
            return new VerifyResult.Rejected(new VerifyError.StatementMismatch("the verifying-key file's "
                    + "interpretation data", describe(kf), "other data (the file was edited, or made for another key)"));
        }
        if (!kf.model().equals(pf.model())) {
            return new VerifyResult.Rejected(new VerifyError.StatementMismatch("the proof's model name", "'" + kf.model()
                    + "'", "'" + pf.model() + "'"));
        }
        long expected = kf.publicValueCount();
        if (pf.publicValues().length != expected) {
            return new VerifyResult.Rejected(new VerifyError.PublicValuesMismatch("the proof claims "
                    + pf.publicValues().length + " public values; the key's model has " + expected));
        }
        long[][] instance = ModelWitness.instanceOf(pf.publicValues());
        return ProofSystem.verify(key, instance, pf.proof());
    }

    private static String describe(KeyFile kf) {
        return "model '" + kf.model() + "', " + kf.publicInputCount() + " public inputs, output shape "
                + java.util.Arrays.toString(kf.outputShape()) + ", scale 2^" + kf.outputScale();
    }

    public static byte[] encode(ProofFile f) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(PROOF_MAGIC);
            out.writeInt(VERSION);
            writeString(out, f.model());
            out.writeInt(f.publicValues().length);
            for (long v : f.publicValues()) {
                out.writeLong(v);
            }
            out.writeInt(f.proof().length);
            out.write(f.proof());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    public static byte[] encode(KeyFile f) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(KEY_MAGIC);
            out.writeInt(VERSION);
            writeString(out, f.model());
            out.writeInt(f.publicInputCount());
            out.writeInt(f.outputShape().length);
            for (int d : f.outputShape()) {
                out.writeInt(d);
            }
            out.writeInt(f.outputScale());
            out.writeInt(f.hashed());
            out.writeInt(f.verifyingKey().length);
            out.write(f.verifyingKey());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    public static ProofFile decodeProof(byte[] data) throws FormatException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            expectMagic(in, PROOF_MAGIC, "proof");
            String model = readString(in, data.length);
            int count = readCount(in, data.length / 8, "public values");
            long[] pub = new long[count];
            for (int i = 0; i < count; i++) {
                pub[i] = in.readLong();
                // One encoding per field element: a signed value and the same value shifted by p would otherwise
                // both verify, and the output printed would be whichever the file claims.
                if (Goldilocks.toSigned(Goldilocks.fromSigned(pub[i])) != pub[i]) {
                    throw new FormatException("public value " + i + " (" + pub[i]
                            + ") is not the canonical signed encoding of a field element");
                }
            }
            int len = readLength(in, "proof");
            byte[] proof = in.readNBytes(len);
            if (in.available() != 0) {
                throw new FormatException("proof file has " + in.available() + " unexpected trailing bytes");
            }
            return new ProofFile(model, pub, proof);
        } catch (EOFException e) {
            throw new FormatException("proof file is truncated");
        } catch (IOException e) {
            throw new FormatException("proof file cannot be read: " + e.getMessage());
        }
    }

    public static KeyFile decodeKey(byte[] data) throws FormatException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            expectMagic(in, KEY_MAGIC, "verifying-key");
            String model = readString(in, data.length);
            int publicInputs = readCount(in, 1 << 24, "public inputs");
            int rank = readCount(in, 8, "output rank");
            int[] shape = new int[rank];
            long size = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = readCount(in, 1 << 24, "output dimension");
                size *= Math.max(1, shape[i]);
                if (size > 1 << 24) {
                    throw new FormatException("output shape is absurdly large");
                }
            }
            int scale = in.readInt();
            if (scale < -64 || scale > 64) {
                throw new FormatException("output scale 2^" + scale + " is out of range");
            }
            int hashed = in.readInt();
            if ((hashed & ~15) != 0) {
                throw new FormatException("verifying-key file names unknown hashed values (" + hashed + ")");
            }
            int len = readLength(in, "verifying-key");
            byte[] vk = in.readNBytes(len);
            if (in.available() != 0) {
                throw new FormatException("verifying-key file has " + in.available() + " unexpected trailing bytes");
            }
            return new KeyFile(model, publicInputs, shape, scale, vk, hashed);
        } catch (EOFException e) {
            throw new FormatException("verifying-key file is truncated");
        } catch (IOException e) {
            throw new FormatException("verifying-key file cannot be read: " + e.getMessage());
        }
    }

    /** Reads a whole file with a size limit; a missing file, a directory or an empty file is a FormatException. */
    public static byte[] read(Path file, String what) throws FormatException {
        if (!Files.exists(file)) {
            throw new FormatException(what + " file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new FormatException(what + " file " + file + " is a directory");
        }
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new FormatException(what + " file " + file + " is empty");
            }
            if (size > MAX_FILE_BYTES) {
                throw new FormatException(what + " file " + file + " is " + size + " bytes; more than any zkscope " + what);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FormatException("cannot read " + what + " file " + file + ": " + e.getMessage());
        }
    }

    private static void expectMagic(DataInputStream in, int magic, String what) throws IOException, FormatException {
        int m = in.readInt();
        if (m != magic) {
            throw new FormatException("not a zkscope " + what + " file (bad magic number)");
        }
        int v = in.readInt();
        if (v != VERSION) {
            throw new FormatException(what + " file format version " + v + ", this zkscope reads version " + VERSION);
        }
    }

    private static int readCount(DataInputStream in, long max, String what) throws IOException, FormatException {
        int c = in.readInt();
        if (c < 0 || c > max) {
            throw new FormatException("bad " + what + " count " + c);
        }
        return c;
    }

    /** A length prefix of the blob that ends the file: more than the bytes left means the file was cut short. */
    private static int readLength(DataInputStream in, String what) throws IOException, FormatException {
        int len = in.readInt();
        int left = in.available();
        if (len < 0) {
            throw new FormatException(what + " file is damaged: negative length " + len);
        }
        if (len > left) {
            throw new FormatException(what + " file is truncated: it declares " + len + " bytes of " + what
                    + " data, only " + left + " remain");
        }
        return len;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in, int limit) throws IOException, FormatException {
        int len = readCount(in, Math.min(limit, 4096), "name length");
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }
}
