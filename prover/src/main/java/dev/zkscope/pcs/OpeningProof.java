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
 * queries:  u16 count | per query: per batch: width x u64 row, salt (16 bytes if hiding and not preprocessed), path;
 *           per FRI round: 2 * arity x u64 leaf, path
 * </pre>
 * Every size is fixed by the parameters and the batches' widths, so every byte has one meaning.
 *
 * @param values    the claimed values, {@code [point][k]} for the k-th column opened at the point
 * @param friRoots  the roots of the FRI layers (layer 0 is the batched DEEP quotient)
 * @param finalPoly the last layer's polynomial, in coefficients
 * @param powNonce  the proof-of-work nonce
 * @param queries   one opening per query
 */
public record OpeningProof(Fp2[][] values, byte[][] friRoots, Fp2[] finalPoly, long powNonce, Query[] queries) {

    /** A batch's row at a queried point of the extension domain, with its leaf salt and authentication path. */
    public record BatchOpening(long[] row, byte[] salt, byte[][] path) { }

    /** One query: every batch's row at the queried point, and per FRI round the leaf on the query's path. */
    public record Query(BatchOpening[] batches, long[][] friLeaves, byte[][][] friPaths) { }

    /** The same proof with another nonce (for tests of the grinding check). */
    public OpeningProof withNonce(long nonce) {
        return new OpeningProof(values, friRoots, finalPoly, nonce, queries);
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
        m.put("queries", toBytes().length - openings - fri);
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
                byte[][] path = new byte[cfg.logLde()][];
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
                fpaths[rd] = new byte[logSize][];
                for (int i = 0; i < logSize; i++) {
                    fpaths[rd][i] = r.bytes(Hashing.DIGEST_BYTES);
                }
            }
            qs[q] = new Query(bo, leaves, fpaths);
        }
        r.expectEnd();
        return new OpeningProof(values, friRoots, fin, nonce, qs);
    }
}
