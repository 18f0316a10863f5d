package dev.zkscope.plonk;

import dev.zkscope.field.Fp2;
import dev.zkscope.merkle.Hashing;
import dev.zkscope.merkle.MerkleTree;

/**
 * A proof, in the order the prover sends it. Binary format (little-endian, version {@link #VERSION}):
 * <pre>
 * header:      "ZKPF" | u16 version | string hash name | parameters | 32-byte circuit digest | u8 logN
 * commitments: [committed root] | advice root | aux root | quotient root     (32 bytes each; the first only
 *              when the key commits advice columns apart: the public commitment)
 * openings:    u32 T | T x F_p2 at z | T x F_p2 at z*omega              (T = all committed columns)
 * fri:         u8 rounds | rounds x root | u32 len | len x F_p2 final polynomial | u64 grinding nonce
 * queries:     u16 count | per query: per tree (fixed, [committed], advice, aux, quotient): width x u64 row, salt, path;
 *              per FRI round: 2 * arity x u64 leaf, path
 * </pre>
 * Field elements must be canonical; widths, depths and counts are fixed by the verifying key, and nothing may follow
 * the last query. So every byte has exactly one meaning, and any change is either a decoding error or a different
 * proof that the checks reject.
 */
public final class Proof {
    static final byte[] MAGIC = {'Z', 'K', 'P', 'F'};
    public static final int VERSION = 1;

    record QueryOpening(long[][] rows, byte[][] salts, byte[][][] paths, long[][] friLeaves, byte[][][] friPaths) { }

    final ProofParameters params;
    final byte[] circuitDigest;
    final int logN;
    final byte[][] roots;
    final Fp2[] evalsZ;
    final Fp2[] evalsZw;
    final byte[][] friRoots;
    final Fp2[] finalPoly;
    final long powNonce;
    final QueryOpening[] queries;

    Proof(ProofParameters params, byte[] circuitDigest, int logN, byte[][] roots, Fp2[] evalsZ, Fp2[] evalsZw,
          byte[][] friRoots, Fp2[] finalPoly, long powNonce, QueryOpening[] queries) {
        this.params = params;
        this.circuitDigest = circuitDigest;
        this.logN = logN;
        this.roots = roots;
        this.evalsZ = evalsZ;
        this.evalsZw = evalsZw;
        this.friRoots = friRoots;
        this.finalPoly = finalPoly;
        this.powNonce = powNonce;
        this.queries = queries;
    }

    public byte[] toBytes() {
        Codec.Writer w = new Codec.Writer();
        w.bytes(MAGIC).u16(VERSION).string(Hashing.NAME);
        VerifyingKey.writeParams(w, params);
        w.bytes(circuitDigest).u8(logN);
        for (byte[] r : roots) {
            if (r != null) {
                w.bytes(r);
            }
        }
        w.u32(evalsZ.length);
        for (Fp2 v : evalsZ) {
            w.fp2(v);
        }
        for (Fp2 v : evalsZw) {
            w.fp2(v);
        }
        w.u8(friRoots.length);
        for (byte[] r : friRoots) {
            w.bytes(r);
        }
        w.u32(finalPoly.length);
        for (Fp2 v : finalPoly) {
            w.fp2(v);
        }
        w.u64(powNonce);
        w.u16(queries.length);
        for (QueryOpening q : queries) {
            for (int t = 0; t < q.rows.length; t++) {
                for (long v : q.rows[t]) {
                    w.u64(v);
                }
                w.bytes(q.salts[t]);
                for (byte[] p : q.paths[t]) {
                    w.bytes(p);
                }
            }
            for (int r = 0; r < q.friLeaves.length; r++) {
                for (long v : q.friLeaves[r]) {
                    w.u64(v);
                }
                for (byte[] p : q.friPaths[r]) {
                    w.bytes(p);
                }
            }
        }
        return w.toBytes();
    }

    /**
     * The root of the separately committed advice columns (e.g. the model's weights), which the proof publishes so
     * that a verifier can check it against a commitment announced beforehand; empty when there is none.
     */
    public byte[] publicCommitment() {
        return roots[Layout.COMMITTED] == null ? new byte[0] : roots[Layout.COMMITTED].clone();
    }

    /**
     * Bytes per section of the serialized proof, in order: header, commitments, openings, fri (layer roots, final
     * polynomial, nonce), queries (Merkle rows, salts and paths of every tree, FRI leaves and paths).
     */
    public java.util.Map<String, Integer> sectionSizes() {
        int header = 4 + 2 + 2 + Hashing.NAME.length() + 2 + params.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + 7 + circuitDigest.length + 1;
        int commitments = 0;
        for (byte[] r : roots) {
            commitments += r == null ? 0 : r.length;
        }
        int openings = 4 + 16 * (evalsZ.length + evalsZw.length);
        int fri = 1 + 32 * friRoots.length + 4 + 16 * finalPoly.length + 8;
        int total = toBytes().length;
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("header", header);
        m.put("commitments", commitments);
        m.put("openings", openings);
        m.put("fri", fri);
        m.put("queries", total - header - commitments - openings - fri);
        return m;
    }

    /** Size of the serialized proof in bytes. */
    public int sizeBytes() {
        return toBytes().length;
    }

    /** The header fields, read before the body so that version and key mismatches get their own errors. */
    record Header(int version, String hash, ProofParameters params, byte[] digest, int logN) { }

    static Header readHeader(Codec.Reader r) throws Codec.Malformed {
        r.section = "header";
        byte[] magic = r.bytes(4);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new Codec.Malformed("header", "not a zkscope proof (bad magic)");
        }
        int version = r.u16();
        if (version != VERSION) {
            return new Header(version, null, null, null, 0);
        }
        String hash = r.string();
        ProofParameters p = VerifyingKey.readParams(r);
        byte[] digest = r.bytes(Hashing.DIGEST_BYTES);
        int logN = r.u8();
        return new Header(version, hash, p, digest, logN);
    }

    /** The committed-columns root of an accepted proof's bytes (empty when none). */
    static byte[] readCommitment(byte[] bytes, Layout lay) {
        if (!lay.present(Layout.COMMITTED)) {
            return new byte[0];
        }
        Codec.Reader r = new Codec.Reader(bytes);
        try {
            readHeader(r);
            return r.bytes(Hashing.DIGEST_BYTES);
        } catch (Codec.Malformed m) {
            return new byte[0];
        }
    }

    /** Reads the body with every size fixed by the layout. */
    static Proof readBody(Codec.Reader r, Header h, Layout lay) throws Codec.Malformed {
        r.section = "commitments";
        byte[][] roots = new byte[Layout.TREES][];
        for (int i = 1; i < Layout.TREES; i++) {
            if (lay.present(i)) {
                roots[i] = r.bytes(Hashing.DIGEST_BYTES);
            }
        }
        r.section = "openings";
        int t = r.u32();
        if (t != lay.totalColumns) {
            throw new Codec.Malformed("openings", "expected " + lay.totalColumns + " opened columns, found " + Integer.toUnsignedString(t));
        }
        Fp2[] ez = new Fp2[t];
        Fp2[] ezw = new Fp2[t];
        for (int i = 0; i < t; i++) {
            ez[i] = r.fp2();
        }
        for (int i = 0; i < t; i++) {
            ezw[i] = r.fp2();
        }
        r.section = "fri";
        int[] rounds = lay.friRounds();
        int nr = r.u8();
        if (nr != rounds.length) {
            throw new Codec.Malformed("fri", "expected " + rounds.length + " folding rounds, found " + nr);
        }
        byte[][] friRoots = new byte[nr][];
        for (int i = 0; i < nr; i++) {
            friRoots[i] = r.bytes(Hashing.DIGEST_BYTES);
        }
        int fl = r.u32();
        if (fl != 1 << lay.logFinalLen()) {
            throw new Codec.Malformed("fri", "final polynomial has " + Integer.toUnsignedString(fl) + " coefficients, expected " + (1 << lay.logFinalLen()));
        }
        Fp2[] fin = new Fp2[fl];
        for (int i = 0; i < fl; i++) {
            fin[i] = r.fp2();
        }
        long nonce = r.u64();
        r.section = "queries";
        int nq = r.u16();
        if (nq != lay.params.numQueries()) {
            throw new Codec.Malformed("queries", "expected " + lay.params.numQueries() + " queries, found " + nq);
        }
        QueryOpening[] qs = new QueryOpening[nq];
        int saltLen = lay.params.zeroKnowledge() ? MerkleTree.SALT_BYTES : 0;
        for (int q = 0; q < nq; q++) {
            r.section = "query " + q;
            long[][] rows = new long[Layout.TREES][];
            byte[][] salts = new byte[Layout.TREES][];
            byte[][][] paths = new byte[Layout.TREES][][];
            for (int tr = 0; tr < Layout.TREES; tr++) {
                if (!lay.present(tr)) {
                    rows[tr] = new long[0];
                    salts[tr] = new byte[0];
                    paths[tr] = new byte[0][];
                    continue;
                }
                rows[tr] = new long[lay.widths[tr]];
                for (int k = 0; k < rows[tr].length; k++) {
                    rows[tr][k] = r.felt();
                }
                salts[tr] = r.bytes(tr == Layout.FIXED ? 0 : saltLen);
                paths[tr] = new byte[lay.logLde][];
                for (int k = 0; k < lay.logLde; k++) {
                    paths[tr][k] = r.bytes(Hashing.DIGEST_BYTES);
                }
            }
            long[][] leaves = new long[nr][];
            byte[][][] fpaths = new byte[nr][][];
            int logSize = lay.logLde;
            for (int rd = 0; rd < nr; rd++) {
                int k = 1 << rounds[rd];
                leaves[rd] = new long[2 * k];
                for (int i = 0; i < 2 * k; i++) {
                    leaves[rd][i] = r.felt();
                }
                logSize -= rounds[rd];
                fpaths[rd] = new byte[logSize][];
                for (int i = 0; i < logSize; i++) {
                    fpaths[rd][i] = r.bytes(Hashing.DIGEST_BYTES);
                }
            }
            qs[q] = new QueryOpening(rows, salts, paths, leaves, fpaths);
        }
        r.expectEnd();
        return new Proof(h.params(), h.digest(), h.logN(), roots, ez, ezw, friRoots, fin, nonce, qs);
    }
}
