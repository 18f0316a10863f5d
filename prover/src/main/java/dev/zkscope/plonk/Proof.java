package dev.zkscope.plonk;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.hash.Hashing;
import dev.zkscope.pcs.OpeningProof;
import dev.zkscope.pcs.Pcs;

/**
 * A proof, in the order the prover sends it: the argument's commitments, then the commitment scheme's opening proof.
 * Binary format (little-endian, version {@link #VERSION}):
 * <pre>
 * header:      "ZKPF" | u16 version | string hash name | parameters | 32-byte circuit digest | u8 logN
 * commitments: [committed root] | advice root | aux root | quotient root     (32 bytes each; the first only
 *              when the key commits advice columns apart: the public commitment)
 * opening:     the {@link OpeningProof} of every tree (fixed, [committed], advice, aux, quotient) at z and z*omega:
 *              openings (u32 T_z | T_z x F_p2 at z | u32 T_zw | T_zw x F_p2 at z*omega, the columns of
 *              {@link ArgumentLayout#openings()}), fri (layer roots, final polynomial, grinding nonce), queries (per query the
 *              rows and salts of every tree, and the FRI leaves), merkle (per tree, the multiproof of its queried
 *              leaves)
 * </pre>
 * Field elements must be canonical; widths, depths and counts are fixed by the verifying key, and nothing may follow
 * the last query. So every byte has exactly one meaning, and any change is either a decoding error or a different
 * proof that the checks reject.
 */
public final class Proof {
    static final byte[] MAGIC = {'Z', 'K', 'P', 'F'};
    /**
     * 5: the permutation's cell labels and the active, first and last row indicators are computed by the verifier
     * (ArgumentLayout: k_c X and Lagrange sums), not committed, so the fixed tree is 3 + E columns narrower and every
     * query opens that many fewer values; a version-4 proof gets a typed WrongVersion.
     * 4: each tree's queried rows are authenticated by one Merkle multiproof (every needed node once) instead of a cap
     * and a path per query; a version-3 proof gets a typed WrongVersion.
     * 3: the LogUp fractions are packed up to the degree the quotient domain allows ({@link ArgumentLayout}), so a key's aux and
     * quotient widths differ from version 2's for the same circuit; a version-2 proof gets a typed WrongVersion.
     */
    public static final int VERSION = 5;

    final ProofParameters params;
    final byte[] circuitDigest;
    final int logN;
    /** Roots by tree index ({@link ArgumentLayout#FIXED} .. {@link ArgumentLayout#QUOTIENT}); null for fixed (in the key) and absent trees. */
    final byte[][] roots;
    final OpeningProof opening;
    /** The columns opened at z and at z omega ({@link ArgumentLayout#openings()}). */
    private final int[][] columns;
    private final int totalColumns;

    Proof(ProofParameters params, byte[] circuitDigest, int logN, byte[][] roots, OpeningProof opening, int[][] columns,
          int totalColumns) {
        this.params = params;
        this.circuitDigest = circuitDigest;
        this.logN = logN;
        this.roots = roots;
        this.opening = opening;
        this.columns = columns;
        this.totalColumns = totalColumns;
    }

    /** The same proof with another header (parameters, digest) or opening proof: for tests that relabel or tamper. */
    Proof with(ProofParameters newParams, byte[] newDigest, OpeningProof newOpening) {
        return new Proof(newParams, newDigest, logN, roots, newOpening, columns, totalColumns);
    }

    /** The claimed values at z, indexed by global column (concatenated in tree order); null where not opened. */
    Fp2[] evalsZ() {
        return scatter(0);
    }

    /** The claimed values at z omega, indexed by global column; null for the columns not opened there. */
    Fp2[] evalsZw() {
        return scatter(1);
    }

    private Fp2[] scatter(int point) {
        Fp2[] out = new Fp2[totalColumns];
        Fp2[] v = opening.values()[point];
        for (int k = 0; k < v.length; k++) {
            out[columns[point][k]] = v[k];
        }
        return out;
    }

    public byte[] toBytes() {
        ByteWriter w = new ByteWriter();
        w.bytes(MAGIC).u16(VERSION).string(Hashing.NAME);
        VerifyingKey.writeParams(w, params);
        w.bytes(circuitDigest).u8(logN);
        for (byte[] r : roots) {
            if (r != null) {
                w.bytes(r);
            }
        }
        w.bytes(opening.toBytes());
        return w.toBytes();
    }

    /**
     * The root of the separately committed advice columns (e.g. the model's weights), which the proof publishes so
     * that a verifier can check it against a commitment announced beforehand; empty when there is none.
     */
    public byte[] publicCommitment() {
        return roots[ArgumentLayout.COMMITTED] == null ? new byte[0] : roots[ArgumentLayout.COMMITTED].clone();
    }

    /**
     * Bytes per section of the serialized proof, in order: header, commitments, openings, fri (layer roots, final
     * polynomial, nonce), queries (rows and salts of every tree, FRI leaves), merkle (multiproof nodes).
     */
    public java.util.Map<String, Integer> sectionSizes() {
        int header = 4 + 2 + 2 + Hashing.NAME.length() + 2 + params.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + 7 + circuitDigest.length + 1;
        int commitments = 0;
        for (byte[] r : roots) {
            commitments += r == null ? 0 : r.length;
        }
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("header", header);
        m.put("commitments", commitments);
        m.putAll(opening.sectionSizes());
        return m;
    }

    /**
     * What the proof's bytes are made of: header, roots, opened values, per tree (fixed, [committed], advice, aux,
     * quotient) its Merkle multiproof nodes and opened rows, the leaf salts, the FRI layers (roots, nodes, leaves),
     * the final polynomial and the proof-of-work nonce. The parts sum to {@link #sizeBytes()}.
     */
    public ProofSize sizeBreakdown() {
        java.util.Map<String, Integer> sections = sectionSizes();
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("header", sections.get("header"));
        m.put("roots", sections.get("commitments"));
        int[] trees = java.util.stream.IntStream.range(0, ArgumentLayout.TREES)
                .filter(t -> t == ArgumentLayout.FIXED || roots[t] != null).toArray();
        String[] names = new String[trees.length];
        for (int i = 0; i < trees.length; i++) {
            names[i] = ArgumentLayout.TREE_NAMES[trees[i]];
        }
        m.putAll(opening.sizeBreakdown(names));
        return new ProofSize(m);
    }

    /**
     * The size breakdown of a proof's bytes, decoded against the key it was made for ({@link #sizeBreakdown()}).
     *
     * @throws IllegalArgumentException when the bytes are not a proof for this key (with the decoder's reason)
     */
    public static ProofSize sizeBreakdown(VerifyingKey vk, byte[] bytes) {
        ByteReader r = new ByteReader(bytes);
        try {
            Header h = readHeader(r);
            if (h.version() != VERSION) {
                throw new IllegalArgumentException("proof format version " + h.version() + ", expected " + VERSION);
            }
            ArgumentLayout lay = vk.layout();
            return readBody(r, h, lay, lay.pcs(null), vk.fixedRoot()).sizeBreakdown();
        } catch (Malformed m) {
            throw new IllegalArgumentException("not a proof for this key: " + m.getMessage(), m);
        }
    }

    /** Size of the serialized proof in bytes. */
    public int sizeBytes() {
        return toBytes().length;
    }

    /** The header fields, read before the body so that version and key mismatches get their own errors. */
    record Header(int version, String hash, ProofParameters params, byte[] digest, int logN) { }

    static Header readHeader(ByteReader r) throws Malformed {
        r.section("header");
        byte[] magic = r.bytes(4);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw r.malformed("not a zkscope proof (bad magic)");
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
    static byte[] readCommitment(byte[] bytes, ArgumentLayout lay) {
        if (!lay.present(ArgumentLayout.COMMITTED)) {
            return new byte[0];
        }
        ByteReader r = new ByteReader(bytes);
        try {
            readHeader(r);
            return r.bytes(Hashing.DIGEST_BYTES);
        } catch (Malformed m) {
            return new byte[0];
        }
    }

    /** Reads the body (after the header) to the end, with every size fixed by the layout and the scheme. */
    static Proof readBody(ByteReader r, Header h, ArgumentLayout lay, Pcs pcs, byte[] fixedRoot) throws Malformed {
        r.section("commitments");
        byte[][] roots = new byte[ArgumentLayout.TREES][];
        for (int i = 1; i < ArgumentLayout.TREES; i++) {
            if (lay.present(i)) {
                roots[i] = r.bytes(Hashing.DIGEST_BYTES);
            }
        }
        int[][] columns = lay.openings();
        OpeningProof opening = pcs.read(r.source(), r.position(), lay.commitments(fixedRoot, roots), columns);
        return new Proof(h.params(), h.digest(), h.logN(), roots, opening, columns, lay.totalColumns);
    }
}
