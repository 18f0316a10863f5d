package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;

/**
 * The sumcheck backend's proof and verifying-key files. A proof file (magic "ZKSQ") holds the model name, the public
 * statement (the quantized input and output, signed) and the proof; a key file (magic "ZKSR") holds the model name, the
 * output's scale and shape (to print the attested output) and the verifying key ({@link SumcheckBackend.Keys}). The
 * magics differ from the Plonkish files' ("ZKSP", "ZKSV"), so {@code zkscope verify} detects the backend from the
 * proof's header.
 */
public final class SumcheckFiles {
    private SumcheckFiles() {}

    static final int PROOF_MAGIC = 0x5A4B5351; // "ZKSQ"
    static final int KEY_MAGIC = 0x5A4B5352;   // "ZKSR"
    static final int VERSION = 1;

    /** A proof file: model, public input and output (quantized, signed) and the proof bytes. */
    public record ProofFile(String model, long[] input, long[] output, byte[] proof) {}

    /** A key file: model, output scale exponent and shape, verifying-key bytes. */
    public record KeyFile(String model, int outputScale, int[] outputShape, byte[] verifyingKey) {}

    public static boolean isProof(byte[] b) {
        return b.length >= 4 && magic(b) == PROOF_MAGIC;
    }

    public static boolean isKey(byte[] b) {
        return b.length >= 4 && magic(b) == KEY_MAGIC;
    }

    private static int magic(byte[] b) {
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    public static byte[] encode(ProofFile f) {
        ByteWriter w = new ByteWriter();
        w.u32(PROOF_MAGIC).u32(VERSION).string(f.model());
        signed(w, f.input());
        signed(w, f.output());
        w.u32(f.proof().length).bytes(f.proof());
        return w.toBytes();
    }

    public static byte[] encode(KeyFile f) {
        ByteWriter w = new ByteWriter();
        w.u32(KEY_MAGIC).u32(VERSION).string(f.model()).u32(f.outputScale()).u8(f.outputShape().length);
        for (int d : f.outputShape()) {
            w.u32(d);
        }
        w.u32(f.verifyingKey().length).bytes(f.verifyingKey());
        return w.toBytes();
    }

    public static ProofFile decodeProof(byte[] b) throws Malformed {
        ByteReader r = new ByteReader(b);
        r.section("sumcheck proof file header");
        if (r.u32() != PROOF_MAGIC) {
            throw r.malformed("not a zkscope sumcheck proof file");
        }
        int v = r.u32();
        if (v != VERSION) {
            throw r.malformed("proof file version " + v + ", this verifier reads " + VERSION);
        }
        String model = r.string();
        r.section("statement");
        long[] in = readSigned(r);
        long[] out = readSigned(r);
        r.section("proof");
        int n = r.u32();
        if (n < 0 || n > b.length) {
            throw r.malformed("proof of " + n + " bytes");
        }
        byte[] proof = r.bytes(n);
        r.expectEnd();
        return new ProofFile(model, in, out, proof);
    }

    public static KeyFile decodeKey(byte[] b) throws Malformed {
        ByteReader r = new ByteReader(b);
        r.section("sumcheck key file header");
        if (r.u32() != KEY_MAGIC) {
            throw r.malformed("not a zkscope sumcheck verifying-key file");
        }
        int v = r.u32();
        if (v != VERSION) {
            throw r.malformed("key file version " + v + ", this verifier reads " + VERSION);
        }
        String model = r.string();
        int scale = r.u32();
        int nd = r.u8();
        int[] shape = new int[nd];
        for (int i = 0; i < nd; i++) {
            shape[i] = r.u32();
        }
        int n = r.u32();
        if (n < 0 || n > b.length) {
            throw r.malformed("key of " + n + " bytes");
        }
        byte[] vk = r.bytes(n);
        r.expectEnd();
        return new KeyFile(model, scale, shape, vk);
    }

    private static void signed(ByteWriter w, long[] v) {
        w.u32(v.length);
        for (long x : v) {
            w.u64(x);
        }
    }

    private static long[] readSigned(ByteReader r) throws Malformed {
        int n = r.u32();
        if (n < 0 || n > (1 << 26)) {
            throw r.malformed("statement of " + n + " values");
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.u64();
            if (Math.abs(v[i]) > (1L << 62)) {
                throw r.malformed("statement value " + v[i] + " out of range");
            }
        }
        return v;
    }
}
