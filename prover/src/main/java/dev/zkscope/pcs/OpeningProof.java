package dev.zkscope.pcs;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.hash.Hashing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opening proof of {@link FriPcs}, in the order it is sent. Binary format (little-endian):
 * <pre>
 * openings: per point: u32 T_p | T_p x F_p2                    (T_p = the columns opened at point p)
 * fri:      u8 rounds | rounds x 32-byte root | u32 len | len x F_p2 final polynomial | u64 grinding nonce
 * caps:     per batch, then per FRI layer: 2^h 32-byte digests, the tree's level h below its root
 *           (h = {@link FriConfig#capHeight}: ceil(log2 numQueries), at most the tree's depth)
 * queries:  u16 count | per query: per batch: width x u64 row, salt (16 bytes if hiding and not preprocessed), path
 *           up to the cap; per FRI round: 2 * arity x u64 leaf, path up to the cap
 * </pre>
 * Every size is fixed by the parameters and the batches' widths, so every byte has one meaning. A cap is bound by
 * hashing up to the root the transcript absorbed; each path stops at the cap (Merkle caps: the paths of a query
 * phase share their top levels, which are sent once).
 *
 * @param values    the claimed values, {@code [point][k]} for the k-th column opened at the point
 * @param friRoots  the roots of the FRI layers (layer 0 is the batched DEEP quotient)
 * @param finalPoly the last layer's polynomial, in coefficients
 * @param powNonce  the proof-of-work nonce
 * @param queries   one opening per query
 * @param batchCaps the cap of each batch's tree
 * @param friCaps   the cap of each FRI layer's tree
 */
public record OpeningProof(Fp2[][] values, byte[][] friRoots, Fp2[] finalPoly, long powNonce, Query[] queries,
                           byte[][][] batchCaps, byte[][][] friCaps) {

    /** A batch's row at a queried point of the extension domain, with its leaf salt and authentication path. */
    public record BatchOpening(long[] row, byte[] salt, byte[][] path) { }

    /** One query: every batch's row at the queried point, and per FRI round the leaf on the query's path. */
    public record Query(BatchOpening[] batches, long[][] friLeaves, byte[][][] friPaths) { }

    /** The same proof with another nonce (for tests of the grinding check). */
    public OpeningProof withNonce(long nonce) {
        return new OpeningProof(values, friRoots, finalPoly, nonce, queries, batchCaps, friCaps);
    }

    /** The same proof with other claimed values (for tests). */
    public OpeningProof withValues(Fp2[][] v) {
        return new OpeningProof(v, friRoots, finalPoly, powNonce, queries, batchCaps, friCaps);
    }

    /** The same proof with other query openings (for tests). */
    public OpeningProof withQueries(Query[] q) {
        return new OpeningProof(values, friRoots, finalPoly, powNonce, q, batchCaps, friCaps);
    }

    /** The same proof with other caps (for tests). */
    public OpeningProof withCaps(byte[][][] batch, byte[][][] fri) {
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
        for (byte[][][] caps : new byte[][][][] {batchCaps, friCaps}) {
            for (byte[][] cap : caps) {
                for (byte[] d : cap) {
                    w.bytes(d);
                }
            }
        }
        w.u16(queries.length);
        for (Query q : queries) {
            for (BatchOpening b : q.batches) {
                for (long v : b.row) {
                    w.u64(v);
                }
                w.bytes(b.salt);
                for (byte[] p : b.path) {
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

    /** Bytes per section, in order: openings (claimed values), fri (layer roots, final polynomial, nonce), queries. */
    public Map<String, Integer> sectionSizes() {
        int openings = 0;
        for (Fp2[] atPoint : values) {
            openings += 4 + 16 * atPoint.length;
        }
        int fri = 1 + Hashing.DIGEST_BYTES * friRoots.length + 4 + 16 * finalPoly.length + 8;
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("openings", openings);
        m.put("fri", fri);
        int caps = 0;
        for (byte[][][] cs : new byte[][][][] {batchCaps, friCaps}) {
            for (byte[][] cap : cs) {
                caps += Hashing.DIGEST_BYTES * cap.length;
            }
        }
        m.put("caps", caps);
        m.put("queries", toBytes().length - openings - fri - caps);
        return m;
    }

    /**
     * Bytes per part of the serialized opening proof, every byte counted once (the values sum to
     * {@code toBytes().length}): the claimed values, each batch's cap, Merkle paths and opened rows (with their salts),
     * the FRI layer roots, caps, leaves and paths, the final polynomial, the grinding nonce, and the counts that frame
     * the sections. {@code batchNames} names the batches in order (e.g. "advice").
     */
    public Map<String, Integer> sizeBreakdown(String[] batchNames) {
        if (batchNames.length != batchCaps.length) {
            throw new IllegalArgumentException(batchNames.length + " names for " + batchCaps.length + " batches");
        }
        int d = Hashing.DIGEST_BYTES;
        int values = 0;
        for (Fp2[] atPoint : this.values) {
            values += 16 * atPoint.length;
        }
        int[] caps = new int[batchCaps.length];
        int[] paths = new int[batchCaps.length];
        int[] rows = new int[batchCaps.length];
        int[] salts = new int[batchCaps.length];
        for (int b = 0; b < caps.length; b++) {
            caps[b] = d * batchCaps[b].length;
        }
        int friLeaves = 0;
        int friPaths = 0;
        for (Query q : queries) {
            for (int b = 0; b < q.batches.length; b++) {
                rows[b] += 8 * q.batches[b].row.length;
                salts[b] += q.batches[b].salt.length;
                paths[b] += d * q.batches[b].path.length;
            }
            for (int r = 0; r < q.friLeaves.length; r++) {
                friLeaves += 8 * q.friLeaves[r].length;
                friPaths += d * q.friPaths[r].length;
            }
        }
        int friCapBytes = 0;
        for (byte[][] cap : friCaps) {
            friCapBytes += d * cap.length;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("opened values", values);
        for (int b = 0; b < caps.length; b++) {
            m.put("cap " + batchNames[b], caps[b]);
        }
        for (int b = 0; b < caps.length; b++) {
            m.put("Merkle paths " + batchNames[b], paths[b]);
        }
        for (int b = 0; b < caps.length; b++) {
            m.put("opened rows " + batchNames[b], rows[b]);
        }
        int saltTotal = 0;
        for (int v : salts) {
            saltTotal += v;
        }
        m.put("leaf salts", saltTotal);
        m.put("FRI layer roots", d * friRoots.length);
        m.put("FRI caps", friCapBytes);
        m.put("FRI leaves", friLeaves);
        m.put("FRI paths", friPaths);
        m.put("FRI final polynomial", 16 * finalPoly.length);
        m.put("proof of work", 8);
        // u32 per point, u8 rounds, u32 final length, u16 queries
        m.put("framing", 4 * this.values.length + 1 + 4 + 2);
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
        r.section("caps");
        int hb = cfg.capHeight(cfg.logLde());
        byte[][][] batchCaps = new byte[batches.size()][][];
        for (int b = 0; b < batchCaps.length; b++) {
            batchCaps[b] = readCap(r, hb);
        }
        byte[][][] friCaps = new byte[nr][][];
        int[] depths = friDepths(cfg);
        for (int rd = 0; rd < nr; rd++) {
            friCaps[rd] = readCap(r, cfg.capHeight(depths[rd]));
        }
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
                byte[][] path = new byte[cfg.logLde() - hb][];
                for (int k = 0; k < path.length; k++) {
                    path[k] = r.bytes(Hashing.DIGEST_BYTES);
                }
                bo[b] = new BatchOpening(row, salt, path);
            }
            long[][] leaves = new long[nr][];
            byte[][][] fpaths = new byte[nr][][];
            int logSize = cfg.logLde();
            for (int rd = 0; rd < nr; rd++) {
                leaves[rd] = new long[2 << rounds[rd]];
                for (int i = 0; i < leaves[rd].length; i++) {
                    leaves[rd][i] = r.felt();
                }
                logSize -= rounds[rd];
                fpaths[rd] = new byte[logSize - cfg.capHeight(logSize)][];
                for (int i = 0; i < fpaths[rd].length; i++) {
                    fpaths[rd][i] = r.bytes(Hashing.DIGEST_BYTES);
                }
            }
            qs[q] = new Query(bo, leaves, fpaths);
        }
        r.expectEnd();
        return new OpeningProof(values, friRoots, fin, nonce, qs, batchCaps, friCaps);
    }

    private static byte[][] readCap(ByteReader r, int height) throws Malformed {
        byte[][] cap = new byte[1 << height][];
        for (int i = 0; i < cap.length; i++) {
            cap[i] = r.bytes(Hashing.DIGEST_BYTES);
        }
        return cap;
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
