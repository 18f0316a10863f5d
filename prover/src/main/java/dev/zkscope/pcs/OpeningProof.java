package dev.zkscope.pcs;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.hash.Hashing;
import dev.zkscope.merkle.MultiProof;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opening proof of {@link FriPcs}, in the order it is sent. Binary format (little-endian):
 * <pre>
 * openings: per point: u32 T_p | T_p x F_p2                    (T_p = the columns opened at point p)
 * fri:      u8 rounds | rounds x 32-byte root | u32 len | len x F_p2 final polynomial | u64 grinding nonce
 * queries:  u16 count | per query: per batch: width x u64 row, salt (16 bytes if hiding and not preprocessed);
 *           per FRI round: 2 * arity x u64 leaf
 * merkle:   per batch, then per FRI layer: u16 count | count x 32-byte node, the {@link MultiProof} of the leaves
 *           the queries open in that tree
 * </pre>
 * Every size but the node counts is fixed by the parameters and the batches' widths; each node count is fixed by the
 * query indices, which the verifier draws from the transcript and checks the count against. So every byte has one
 * meaning. The queries' paths share their upper levels, and a multiproof sends each needed node once (it replaced
 * version 3's Merkle caps and per-query paths: about 51 digests fewer per tree at 28 queries).
 *
 * @param values     the claimed values, {@code [point][k]} for the k-th column opened at the point
 * @param friRoots   the roots of the FRI layers (layer 0 is the batched DEEP quotient)
 * @param finalPoly  the last layer's polynomial, in coefficients
 * @param powNonce   the proof-of-work nonce
 * @param queries    one opening per query
 * @param batchNodes the multiproof of each batch's tree over the queried rows
 * @param friNodes   the multiproof of each FRI layer's tree over the queried leaves
 */
public record OpeningProof(Fp2[][] values, byte[][] friRoots, Fp2[] finalPoly, long powNonce, Query[] queries,
                           byte[][][] batchNodes, byte[][][] friNodes) {

    /** A batch's row at a queried point of the extension domain, with its leaf salt. */
    public record BatchOpening(long[] row, byte[] salt) { }

    /** One query: every batch's row at the queried point, and per FRI round the leaf on the query's path. */
    public record Query(BatchOpening[] batches, long[][] friLeaves) { }

    /** The most nodes one multiproof may send: a full path per query (a bound for the decoder). */
    static int maxNodes(FriConfig cfg, int depth) {
        return cfg.numQueries() * depth;
    }

    /** The same proof with another nonce (for tests of the grinding check). */
    public OpeningProof withNonce(long nonce) {
        return new OpeningProof(values, friRoots, finalPoly, nonce, queries, batchNodes, friNodes);
    }

    /** The same proof with other claimed values (for tests). */
    public OpeningProof withValues(Fp2[][] v) {
        return new OpeningProof(v, friRoots, finalPoly, powNonce, queries, batchNodes, friNodes);
    }

    /** The same proof with other query openings (for tests). */
    public OpeningProof withQueries(Query[] q) {
        return new OpeningProof(values, friRoots, finalPoly, powNonce, q, batchNodes, friNodes);
    }

    /** The same proof with other multiproof nodes (for tests). */
    public OpeningProof withNodes(byte[][][] batch, byte[][][] fri) {
        return new OpeningProof(values, friRoots, finalPoly, powNonce, queries, batch, fri);
    }

    public byte[] toBytes() {
        ByteWriter w = new ByteWriter();
        for (Fp2[] atPoint : values) {
            w.u32(atPoint.length);
            for (Fp2 v : atPoint) {
                w.fp2(v);
            }
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
        for (Query q : queries) {
            for (BatchOpening b : q.batches) {
                for (long v : b.row) {
                    w.u64(v);
                }
                w.bytes(b.salt);
            }
            for (long[] leaf : q.friLeaves) {
                for (long v : leaf) {
                    w.u64(v);
                }
            }
        }
        for (byte[][][] trees : new byte[][][][] {batchNodes, friNodes}) {
            for (byte[][] nodes : trees) {
                w.u16(nodes.length);
                for (byte[] d : nodes) {
                    w.bytes(d);
                }
            }
        }
        return w.toBytes();
    }

    /**
     * Bytes per section, in order: openings (claimed values), fri (layer roots, final polynomial, nonce), queries
     * (rows, salts, FRI leaves), merkle (the multiproofs' nodes and counts).
     */
    public Map<String, Integer> sectionSizes() {
        int openings = 0;
        for (Fp2[] atPoint : values) {
            openings += 4 + 16 * atPoint.length;
        }
        int fri = 1 + Hashing.DIGEST_BYTES * friRoots.length + 4 + 16 * finalPoly.length + 8;
        int merkle = 0;
        for (byte[][][] trees : new byte[][][][] {batchNodes, friNodes}) {
            for (byte[][] nodes : trees) {
                merkle += 2 + Hashing.DIGEST_BYTES * nodes.length;
            }
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("openings", openings);
        m.put("fri", fri);
        m.put("queries", toBytes().length - openings - fri - merkle);
        m.put("merkle", merkle);
        return m;
    }

    /**
     * Bytes per part of the serialized opening proof, every byte counted once (the values sum to
     * {@code toBytes().length}): the claimed values, each batch's Merkle nodes and opened rows (with their salts),
     * the FRI layer roots, Merkle nodes and leaves, the final polynomial, the grinding nonce, and the counts that frame
     * the sections. {@code batchNames} names the batches in order (e.g. "advice").
     */
    public Map<String, Integer> sizeBreakdown(String[] batchNames) {
        if (batchNames.length != batchNodes.length) {
            throw new IllegalArgumentException(batchNames.length + " names for " + batchNodes.length + " batches");
        }
        int d = Hashing.DIGEST_BYTES;
        int values = 0;
        for (Fp2[] atPoint : this.values) {
            values += 16 * atPoint.length;
        }
        int[] rows = new int[batchNodes.length];
        int[] salts = new int[batchNodes.length];
        int friLeaves = 0;
        for (Query q : queries) {
            for (int b = 0; b < q.batches.length; b++) {
                rows[b] += 8 * q.batches[b].row.length;
                salts[b] += q.batches[b].salt.length;
            }
            for (long[] leaf : q.friLeaves) {
                friLeaves += 8 * leaf.length;
            }
        }
        int friNodeBytes = 0;
        for (byte[][] nodes : friNodes) {
            friNodeBytes += d * nodes.length;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("opened values", values);
        for (int b = 0; b < batchNodes.length; b++) {
            m.put("Merkle nodes " + batchNames[b], d * batchNodes[b].length);
        }
        for (int b = 0; b < batchNodes.length; b++) {
            m.put("opened rows " + batchNames[b], rows[b]);
        }
        int saltTotal = 0;
        for (int v : salts) {
            saltTotal += v;
        }
        m.put("leaf salts", saltTotal);
        m.put("FRI layer roots", d * friRoots.length);
        m.put("FRI Merkle nodes", friNodeBytes);
        m.put("FRI leaves", friLeaves);
        m.put("FRI final polynomial", 16 * finalPoly.length);
        m.put("proof of work", 8);
        // u32 per point, u8 rounds, u32 final length, u16 queries, u16 per multiproof
        m.put("framing", 4 * this.values.length + 1 + 4 + 2 + 2 * (batchNodes.length + friNodes.length));
        return m;
    }

    /** Decodes with every size fixed by the configuration, the batches and the number of points. */
    static OpeningProof read(ByteReader r, FriConfig cfg, List<Pcs.Commitment> batches, int[][] columns)
            throws Malformed {
        r.section("openings");
        Fp2[][] values = new Fp2[columns.length][];
        for (int p = 0; p < columns.length; p++) {
            int t = r.u32();
            if (t != columns[p].length) {
                throw new Malformed("openings", "expected " + columns[p].length + " values at point " + p + ", found "
                        + Integer.toUnsignedString(t));
            }
            values[p] = new Fp2[t];
            for (int i = 0; i < t; i++) {
                values[p][i] = r.fp2();
            }
        }
        r.section("fri");
        int[] rounds = cfg.rounds();
        int nr = r.u8();
        if (nr != rounds.length) {
            throw new Malformed("fri", "expected " + rounds.length + " folding rounds, found " + nr);
        }
        byte[][] friRoots = new byte[nr][];
        for (int i = 0; i < nr; i++) {
            friRoots[i] = r.bytes(Hashing.DIGEST_BYTES);
        }
        int fl = r.u32();
        if (fl != 1 << cfg.logFinalLen()) {
            throw new Malformed("fri", "final polynomial has " + Integer.toUnsignedString(fl)
                    + " coefficients, expected " + (1 << cfg.logFinalLen()));
        }
        Fp2[] fin = new Fp2[fl];
        for (int i = 0; i < fl; i++) {
            fin[i] = r.fp2();
        }
        long nonce = r.u64();
        r.section("queries");
        int nq = r.u16();
        if (nq != cfg.numQueries()) {
            throw new Malformed("queries", "expected " + cfg.numQueries() + " queries, found " + nq);
        }
        Query[] qs = new Query[nq];
        for (int q = 0; q < nq; q++) {
            r.section("query " + q);
            BatchOpening[] bo = new BatchOpening[batches.size()];
            for (int b = 0; b < bo.length; b++) {
                long[] row = new long[batches.get(b).width()];
                for (int k = 0; k < row.length; k++) {
                    row[k] = r.felt();
                }
                byte[] salt = r.bytes(FriPcs.saltBytes(cfg, batches.get(b).preprocessed()));
                bo[b] = new BatchOpening(row, salt);
            }
            long[][] leaves = new long[nr][];
            for (int rd = 0; rd < nr; rd++) {
                leaves[rd] = new long[2 << rounds[rd]];
                for (int i = 0; i < leaves[rd].length; i++) {
                    leaves[rd][i] = r.felt();
                }
            }
            qs[q] = new Query(bo, leaves);
        }
        r.section("merkle");
        byte[][][] batchNodes = new byte[batches.size()][][];
        for (int b = 0; b < batchNodes.length; b++) {
            batchNodes[b] = readNodes(r, maxNodes(cfg, cfg.logLde()), "batch " + b);
        }
        byte[][][] friNodes = new byte[nr][][];
        int[] depths = friDepths(cfg);
        for (int rd = 0; rd < nr; rd++) {
            friNodes[rd] = readNodes(r, maxNodes(cfg, depths[rd]), "FRI layer " + rd);
        }
        r.expectEnd();
        return new OpeningProof(values, friRoots, fin, nonce, qs, batchNodes, friNodes);
    }

    private static byte[][] readNodes(ByteReader r, int max, String tree) throws Malformed {
        int count = r.u16();
        if (count > max) {
            throw new Malformed("merkle", tree + " sends " + count + " Merkle nodes, more than the " + max
                    + " of a full path per query");
        }
        byte[][] nodes = new byte[count][];
        for (int i = 0; i < count; i++) {
            nodes[i] = r.bytes(Hashing.DIGEST_BYTES);
        }
        return nodes;
    }

    /** The depth of each FRI layer's tree: log2 of the layer's size over its arity. */
    static int[] friDepths(FriConfig cfg) {
        int[] rounds = cfg.rounds();
        int[] out = new int[rounds.length];
        int logSize = cfg.logLde();
        for (int rd = 0; rd < rounds.length; rd++) {
            logSize -= rounds[rd];
            out[rd] = logSize;
        }
        return out;
    }
}
