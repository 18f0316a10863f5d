package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;
import dev.zkscope.merkle.MerkleTree;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Ntt;
import dev.zkscope.transcript.Transcript;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * A multilinear polynomial commitment with no trusted setup, after Ligero (Ames, Hazay, Ishai, Venkitasubramaniam,
 * CCS 2017) and Brakedown (Golovnev, Lee, Setty, Thaler, Wahby, CRYPTO 2023) with a Reed-Solomon row code.
 *
 * <p>The 2^m evaluations of f on the hypercube are laid out as an R x C matrix M (index = row * C + col, so the low
 * variables pick the column): f~(z) = eq(z_hi, .)^T M eq(z_lo, .). Each row, as the coefficients of a polynomial of
 * degree &lt; k, is encoded by the project's NTT into its evaluations on the subgroup of N = 2^logCode points (N the
 * smallest power of two of rate k/N within {@link PcsParams#maxRate}); the columns of the encoded matrix are the
 * leaves of a Merkle tree whose root is the commitment.
 *
 * <p>Opening at points z_1..z_s: the prover sends v_i = eq(z_i,hi)^T M (the message, k values) and, for a random
 * gamma from the transcript, u = sum_r gamma^r M_r (the proximity test). The verifier reads f~(z_i) =
 * &lt;v_i[0..C), eq(z_i,lo)&gt;, encodes u and v_i itself, and at t random columns checks that the opened column (Merkle
 * path) combines to Enc(u) and Enc(v_i) there. Security: {@link PcsParams}.
 *
 * <p>Zero knowledge (hiding): rows are encoded with k = C + pad message symbols, the pad uniformly random and pad &gt;= t,
 * so any t opened evaluations of a row are uniform whatever its data (the pad's coefficients enter through an
 * invertible Vandermonde block); Merkle leaves are salted; the proximity combination u is masked by two committed rows
 * of random messages (one per coordinate of F_p2). The evaluation vectors v_i reveal eq(z_i,hi)-combinations of rows
 * unless the commitment is hiding ({@link #commitHiding}: blinding rows, opened at (z, y)) and the claims are batched
 * into one such point ({@link ZkOpening}). docs/sumcheck-zk.md has the argument and the counts.
 */
public final class TensorPcs {
    private TensorPcs() {}

    /**
     * The matrix layout for 2^m values: rows and columns (logs), the message length k (C data symbols and, with zero
     * knowledge, the pad), the code length (log) and the masking rows.
     */
    public record Shape(int m, int logRows, int logCols, int msgLen, int logCode, int maskRows) {
        public int rows() { return 1 << logRows; }
        public int cols() { return 1 << logCols; }
        public int msg() { return msgLen; }
        public int code() { return 1 << logCode; }
        public int leafWidth() { return rows() + maskRows; }
    }

    /**
     * The layout that minimises the opening's size, t (R + masks) opened elements against about 3 k message symbols
     * sent (deterministic in m and the parameters, so the verifier derives it too). With zero knowledge a row's message
     * is its C data symbols and t random pad symbols (t the number of opened columns: any t evaluations of the row are
     * then uniform); the code is the smallest subgroup of at least 2^logBlowup C points whose rate is within
     * {@link PcsParams#maxRate}.
     */
    public static Shape shape(int m, PcsParams p) {
        Shape best = null;
        long bestCost = Long.MAX_VALUE;
        for (int logRows = 0; logRows <= m; logRows++) {
            int logCols = m - logRows;
            int k = (1 << logCols) + (p.zk() ? p.queries() : 0);
            int logCode = logCols + p.logBlowup();
            while (!p.rateFits(k, logCode)) {
                logCode++;
            }
            int mask = p.zk() ? 2 : 0; // u's two F_p coordinates each get a random row
            long cost = (long) p.queries() * ((1L << logRows) + mask) * 8 + 3L * k * 16
                    + (long) p.queries() * logCode * Hashing.DIGEST_BYTES;
            if (cost < bestCost) {
                bestCost = cost;
                best = new Shape(m, logRows, logCols, k, logCode, mask);
            }
        }
        return best;
    }

    /**
     * The public commitment: Merkle root, number of variables of the data and number of blinding rows. With b &gt; 0
     * blinding rows the committed polynomial has one more variable y on top: P'(x, 0) = P(x), P'(x, 1) = B(x) with B
     * uniformly random on its first b rows (row index = the high variables) and zero after; it is opened at points of
     * numVars + 1 coordinates ({@link #commitHiding}).
     */
    public record Commitment(byte[] root, int numVars, int blindRows, int dataRows) {
        public Commitment(byte[] root, int numVars) {
            this(root, numVars, 0, 0);
        }

        public Commitment(byte[] root, int numVars, int blindRows) {
            this(root, numVars, blindRows, 0);
        }

        public void absorbInto(Transcript tr) {
            tr.absorbLong(numVars);
            if (blindRows > 0) {
                tr.absorbLong(-blindRows);
            }
            if (dataRows > 0) {
                tr.absorbLong(dataRows);
            }
            tr.absorb(root);
        }

        /**
         * Committed data rows of the shape: {@code dataRows} when the commitment holds only a prefix of the matrix's
         * rows (the rest are zero by definition, not committed), else every row.
         */
        public int rowsIn(Shape s) {
            return dataRows > 0 ? dataRows : s.rows();
        }

        /** Variables of an opening point: numVars, plus the blinding variable y when there are blinding rows. */
        public int pointVars() {
            return numVars + (blindRows > 0 ? 1 : 0);
        }
    }

    /**
     * The prover's side of a commitment: the values, the encoded rows and the tree. Rows are stored data rows first
     * (the first {@code rows} of the shape's), then the blinding rows, then the proximity mask rows.
     */
    public static final class Committed {
        final long[] evals;
        final Shape shape;
        final long[][] msgs;
        final long[][] code;
        final MerkleTree tree;
        final Commitment commitment;
        final int blind;
        /** Committed data rows (the shape's rows when every row is committed). */
        final int rows;

        Committed(long[] evals, Shape shape, long[][] msgs, long[][] code, MerkleTree tree, int blind, int rows) {
            this.evals = evals;
            this.shape = shape;
            this.msgs = msgs;
            this.code = code;
            this.tree = tree;
            this.blind = blind;
            this.rows = rows;
            this.commitment = new Commitment(tree.root(), shape.m(), blind, rows == shape.rows() ? 0 : rows);
        }

        /** The blinding rows' data symbols (row-major, b x C): the random block B of P'(x, 1) (tests, simulators). */
        long[] blindingBlock() {
            long[] out = new long[blind * shape.cols()];
            for (int j = 0; j < blind; j++) {
                System.arraycopy(msgs[rows + j], 0, out, j * shape.cols(), shape.cols());
            }
            return out;
        }

        /** Data rows plus blinding rows: the rows an evaluation vector combines. */
        int combined() {
            return rows + blind;
        }

        public Commitment commitment() {
            return commitment;
        }

        public long[] evals() {
            return evals;
        }

        /** Bytes held by the encoded matrix (what the commitment costs in memory beyond the values). */
        public long heldBytes() {
            return 8L * shape.code() * (rows + shape.maskRows() + blind);
        }
    }

    /** Commits to the 2^m base-field values (m = log2 of the length). */
    public static Committed commit(long[] evals, PcsParams p, Random rng) {
        return commit(evals, p, rng, 0);
    }

    /**
     * The number of blinding rows that hides an opening at one point whose y coordinate is not 0: enough random data
     * symbols (b C) for the evaluation vector's C data symbols and the {@code extraFunctionals} further linear
     * functionals of B a protocol reveals (for instance the round polynomials of the sumcheck that batched its claims
     * into the point), at most the number of data rows. docs/sumcheck-zk.md counts them.
     */
    public static int blindRowsFor(int m, PcsParams p, int extraFunctionals) {
        Shape s = shape(m, p);
        // two rows make the evaluation vector uniform in F_p2^k (one base-field row covers one F_p coordinate of an
        // F_p2 weight); each further F_p2 functional needs two more base-field data symbols
        int b = 2 + (2 * extraFunctionals + s.cols() - 1) / s.cols();
        if (b > s.rows()) {
            throw new IllegalArgumentException("a polynomial of 2^" + m + " values has " + s.rows() + " rows, fewer than the "
                    + b + " blinding rows that hide " + extraFunctionals + " functionals: commit a larger one");
        }
        return b;
    }

    /**
     * A hiding commitment to P' (see {@link Commitment}): the data rows, b blinding rows of uniformly random messages
     * (data and pad), and the proximity mask row. Opened at (z, y) with y != 0, the evaluation vector carries
     * y eq(z_hi, j) times blinding row j, so it is uniform; the value P'(z, y) = (1 - y) P(z) + y B(z) is uniform too.
     */
    public static Committed commitHiding(long[] evals, PcsParams p, Random rng, int blindRows) {
        if (!p.zk()) {
            throw new IllegalArgumentException("a hiding commitment needs the zero-knowledge parameters (row pads, salts)");
        }
        if (blindRows < 1) {
            throw new IllegalArgumentException("a hiding commitment needs at least one blinding row");
        }
        return commit(evals, p, rng, blindRows);
    }

    static Committed commit(long[] evals, PcsParams p, Random rng, int blind) {
        return commit(evals, p, rng, blind, evals.length);
    }

    /**
     * The data rows that hold the first {@code used} of 2^m values in the shape for m: the rows a commitment of a
     * table whose values past {@code used} are zero needs (the rest of the matrix is zero by definition).
     */
    public static int dataRows(int m, long used, PcsParams p) {
        Shape s = shape(m, p);
        if (used < 0 || used > (1L << m)) {
            throw new IllegalArgumentException(used + " used values of 2^" + m);
        }
        return (int) Math.max(1, (used + s.cols() - 1) / s.cols());
    }

    /**
     * Commits to 2^m values of which only the first {@code used} may be nonzero: only the data rows that hold them are
     * encoded and hashed (the rows after them are zero by definition: the verifier knows {@code used} too, from the
     * public layout, and combines only the committed rows). Values past the committed rows must be zero.
     */
    static Committed commit(long[] evals, PcsParams p, Random rng, int blind, long used) {
        if (Integer.bitCount(evals.length) != 1) {
            throw new IllegalArgumentException("commit takes 2^m values, got " + evals.length);
        }
        int m = Integer.numberOfTrailingZeros(evals.length);
        Shape s = shape(m, p);
        int rows = dataRows(m, used, p);
        for (int i = rows * s.cols(); i < evals.length; i++) {
            if (evals[i] != 0) {
                throw new IllegalArgumentException("value " + i + " is nonzero past the " + rows + " committed rows");
            }
        }
        if (blind > rows) {
            throw new IllegalArgumentException(blind + " blinding rows for " + rows + " committed rows");
        }
        int width = rows + s.maskRows() + blind;
        long[][] msgs = new long[width][];
        for (int r = 0; r < width; r++) {
            long[] msg = new long[s.msg()];
            if (r < rows) {
                System.arraycopy(evals, r * s.cols(), msg, 0, s.cols());
                if (p.zk()) {
                    randomFelts(rng, msg, s.cols(), msg.length);
                }
            } else {
                randomFelts(rng, msg, 0, msg.length);
            }
            msgs[r] = msg;
        }
        long[][] code = new long[width][];
        IntStream.range(0, width).parallel().forEach(r -> code[r] = encode(msgs[r], s.logCode()));
        byte[] salts = null;
        if (p.zk()) {
            salts = new byte[s.code() * MerkleTree.SALT_BYTES];
            rng.nextBytes(salts);
        }
        MerkleTree tree = MerkleTree.build(s.code(), width, leaves(code), salts);
        return new Committed(evals, s, msgs, code, tree, blind, rows);
    }

    /**
     * The Merkle leaves of an encoded matrix: leaf j is every row's symbol j. A run of leaves is gathered row by row
     * (one sequential read of each row per run), not leaf by leaf (a cache miss per element).
     */
    static MerkleTree.LeafWriter leaves(long[][] code) {
        return new MerkleTree.LeafWriter() {
            @Override
            public void write(int leaf, long[] buf) {
                for (int r = 0; r < buf.length; r++) {
                    buf[r] = code[r][leaf];
                }
            }

            @Override
            public void writeRows(int from, int count, int width, long[] rows) {
                for (int r = 0; r < width; r++) {
                    long[] row = code[r];
                    for (int i = 0; i < count; i++) {
                        rows[i * width + r] = row[from + i];
                    }
                }
            }
        };
    }

    /**
     * A generator of random field elements for the masks, unless a test fixes one: AES-256-CTR keyed from the OS's
     * secure random ({@link CtrRandom}; the OS's generator itself was a fifth of a LeNet-5 proof).
     */
    public static Random defaultRandom() {
        return new CtrRandom();
    }

    /** out[from, to) = uniform field elements, in order ({@link #randomFelt} each; in bulk from a {@link CtrRandom}). */
    static void randomFelts(Random rng, long[] out, int from, int to) {
        if (rng instanceof CtrRandom c) {
            c.felts(out, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            out[i] = randomFelt(rng);
        }
    }

    static long randomFelt(Random rng) {
        long v;
        do {
            v = rng.nextLong();
        } while (!Goldilocks.isCanonical(v));
        return v;
    }

    /**
     * The message's polynomial (degree &lt; k) on the subgroup of 2^logCode points: the coefficients padded with zeros
     * to the next power of two, then the NTT's low-degree extension (no coset shift) to 2^logCode.
     */
    static long[] encode(long[] msg, int logCode) {
        int logK = Mle.logCeil(msg.length);
        if (logK > logCode) {
            throw new IllegalArgumentException("a message of " + msg.length + " symbols in a code of 2^" + logCode);
        }
        long[] c = msg.length == 1 << logK ? msg : java.util.Arrays.copyOf(msg, 1 << logK);
        return Ntt.lde(new Coeffs(c), logCode - logK, 1).v();
    }

    /** Encodes an interleaved extension message coordinate by coordinate (the code is F_p-linear). */
    static long[][] encodeExt(long[] msg, int logCode) {
        int k = Ext.len(msg);
        long[] a = new long[k];
        long[] b = new long[k];
        for (int i = 0; i < k; i++) {
            a[i] = msg[2 * i];
            b[i] = msg[2 * i + 1];
        }
        return new long[][] {encode(a, logCode), encode(b, logCode)};
    }

    /** The opening proof of one commitment at several points. */
    public record Opening(long[][] evalVectors, long[] proximity, long nonce, int[] queries, long[][] columns,
                          byte[][] salts, byte[][][] paths) {
        public void write(ByteWriter w) {
            w.u16(evalVectors.length);
            for (long[] v : evalVectors) {
                writeLongs(w, v);
            }
            writeLongs(w, proximity);
            w.u64(nonce);
            w.u16(queries.length);
            for (int q = 0; q < queries.length; q++) {
                w.u32(queries[q]);
                writeLongs(w, columns[q]);
                w.u8(salts[q].length);
                w.bytes(salts[q]);
                w.u8(paths[q].length);
                for (byte[] d : paths[q]) {
                    w.bytes(d);
                }
            }
        }

        public static Opening read(ByteReader r) throws Malformed {
            int nv = r.u16();
            long[][] ev = new long[nv][];
            for (int i = 0; i < nv; i++) {
                ev[i] = readLongs(r);
            }
            long[] prox = readLongs(r);
            long nonce = r.u64();
            int nq = r.u16();
            int[] qs = new int[nq];
            long[][] cols = new long[nq][];
            byte[][] salts = new byte[nq][];
            byte[][][] paths = new byte[nq][][];
            for (int q = 0; q < nq; q++) {
                qs[q] = r.u32();
                cols[q] = readLongs(r);
                salts[q] = r.bytes(r.u8());
                int depth = r.u8();
                paths[q] = new byte[depth][];
                for (int d = 0; d < depth; d++) {
                    paths[q][d] = r.bytes(Hashing.DIGEST_BYTES);
                }
            }
            return new Opening(ev, prox, nonce, qs, cols, salts, paths);
        }
    }

    static void writeLongs(ByteWriter w, long[] v) {
        w.u32(v.length);
        for (long x : v) {
            w.u64(x);
        }
    }

    static long[] readLongs(ByteReader r) throws Malformed {
        int n = r.u32();
        if (n < 0 || n > (1 << 26)) {
            throw r.malformed("vector of " + n + " elements");
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.felt();
        }
        return v;
    }

    /**
     * Opens the committed f at the given points. The caller has already put the claimed values f~(z_i) into the
     * transcript (they are what the opening is checked against).
     */
    public static Opening open(Committed c, Fp2[][] points, PcsParams p, Transcript tr) {
        Shape s = c.shape;
        long[][] ev = new long[points.length][];
        for (int i = 0; i < points.length; i++) {
            ev[i] = evalVector(c, points[i]);
            tr.absorbLongs(ev[i]);
        }
        Fp2 gamma = tr.challengeExt();
        long[] prox = proximityVector(c, gamma);
        tr.absorbLongs(prox);
        long nonce = tr.grind(p.grindingBits());
        int[] qs = new int[p.queries()];
        long[][] cols = new long[qs.length][];
        byte[][] salts = new byte[qs.length][];
        byte[][][] paths = new byte[qs.length][][];
        for (int q = 0; q < qs.length; q++) {
            int j = tr.challengeIndex(s.logCode());
            qs[q] = j;
            cols[q] = column(c, j);
            salts[q] = c.tree.salt(j);
            paths[q] = c.tree.path(j);
        }
        return new Opening(ev, prox, nonce, qs, cols, salts, paths);
    }

    /** The evaluation vector at a point: the committed rows combined by {@link #rowWeights}. */
    static long[] evalVector(Committed c, Fp2[] point) {
        return combine(c.msgs, c.combined(), rowWeights(point, c.shape, c.blind, c.rows), null);
    }

    /** u = sum_r gamma^r row_r + (mask row 0) + X (mask row 1): uniform in F_p2^k with the two mask rows. */
    static long[] proximityVector(Committed c, Fp2 gamma) {
        int n = c.combined();
        long[] u = combine(c.msgs, n, powersExt(gamma, n), c.shape.maskRows() > 0 ? c.msgs[n] : null);
        if (c.shape.maskRows() > 1) {
            long[] m1 = c.msgs[n + 1];
            for (int i = 0; i < m1.length; i++) {
                u[2 * i + 1] = Goldilocks.add(u[2 * i + 1], m1[i]);
            }
        }
        return u;
    }

    /** The committed column j (a Merkle leaf): every row's codeword symbol at j. */
    static long[] column(Committed c, int j) {
        long[] col = new long[c.code.length];
        for (int r = 0; r < col.length; r++) {
            col[r] = c.code[r][j];
        }
        return col;
    }

    /**
     * The weight of each committed row (data rows, then blinding rows) in the evaluation vector at a point:
     * eq(z_hi, r) without blinding; (1 - y) eq(z_hi, r) for data row r and y eq(z_hi, j) for blinding row j with it.
     */
    static long[] rowWeights(Fp2[] point, Shape s, int blind) {
        return rowWeights(point, s, blind, s.rows());
    }

    /** As {@link #rowWeights(Fp2[], Shape, int)} for a commitment of the first {@code rows} data rows. */
    static long[] rowWeights(Fp2[] point, Shape s, int blind, int rows) {
        if (blind == 0) {
            long[] eq = Mle.eqTable(hi(point, s));
            return rows == s.rows() ? eq : java.util.Arrays.copyOf(eq, 2 * rows);
        }
        Fp2 y = point[s.m()];
        long[] eqHi = Mle.eqTable(java.util.Arrays.copyOfRange(point, s.logCols(), s.m()));
        long[] w = new long[2 * (rows + blind)];
        Fp2 oneMinusY = Fp2.ONE.sub(y);
        for (int r = 0; r < rows; r++) {
            Ext.set(w, r, Ext.get(eqHi, r).mul(oneMinusY));
        }
        for (int j = 0; j < blind; j++) {
            Ext.set(w, rows + j, Ext.get(eqHi, j).mul(y));
        }
        return w;
    }

    /** sum_r w_r msgs[r] (+ mask) over the first {@code rows} rows, w interleaved extension: an interleaved vector. */
    static long[] combine(long[][] msgs, int rows, long[] w, long[] mask) {
        int k = msgs[0].length;
        long[] out = new long[2 * k];
        FieldOps.add((long) rows * k);
        int chunks = Math.max(1, Math.min(k / 256, 64));
        int per = k / chunks;
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            int from = ch * per;
            int to = ch == chunks - 1 ? k : from + per;
            for (int r = 0; r < rows; r++) {
                long w0 = w[2 * r];
                long w1 = w[2 * r + 1];
                long[] msg = msgs[r];
                for (int i = from; i < to; i++) {
                    out[2 * i] = Goldilocks.add(out[2 * i], Goldilocks.mul(msg[i], w0));
                    out[2 * i + 1] = Goldilocks.add(out[2 * i + 1], Goldilocks.mul(msg[i], w1));
                }
            }
            if (mask != null) {
                for (int i = from; i < to; i++) {
                    out[2 * i] = Goldilocks.add(out[2 * i], mask[i]);
                }
            }
        });
        return out;
    }

    static long[] powersExt(Fp2 g, int n) {
        long[] out = new long[2 * n];
        Fp2 x = Fp2.ONE;
        for (int i = 0; i < n; i++) {
            Ext.set(out, i, x);
            x = x.mul(g);
        }
        return out;
    }

    static Fp2[] hi(Fp2[] z, Shape s) {
        return java.util.Arrays.copyOfRange(z, s.logCols(), s.m());
    }

    static Fp2[] lo(Fp2[] z, Shape s) {
        return java.util.Arrays.copyOfRange(z, 0, s.logCols());
    }

    /** Checks the opening of commitment c at the points against the claimed values; throws on any failure. */
    public static void verify(Commitment c, Fp2[][] points, Fp2[] values, Opening o, PcsParams p, Transcript tr) {
        Shape s = shape(c.numVars(), p);
        int blind = c.blindRows();
        int rows = c.rowsIn(s);
        if (rows < 1 || rows > s.rows()) {
            throw new SumcheckException("commitment of " + rows + " data rows for a matrix of " + s.rows() + " rows");
        }
        if (blind < 0 || blind > rows || (blind > 0 && !p.zk())) {
            throw new SumcheckException("commitment with " + blind + " blinding rows for " + rows + " data rows");
        }
        int n = rows + blind;
        if (o.evalVectors().length != points.length || values.length != points.length) {
            throw new SumcheckException("opening has " + o.evalVectors().length + " evaluation vectors for "
                    + points.length + " points");
        }
        long[][] encV = new long[points.length * 2][];
        long[][] weights = new long[points.length][];
        for (int i = 0; i < points.length; i++) {
            long[] v = o.evalVectors()[i];
            if (points[i].length != c.pointVars()) {
                throw new SumcheckException("opening point " + i + " has " + points[i].length + " coordinates, the "
                        + "committed polynomial " + c.pointVars() + " variables");
            }
            if (v.length != 2 * s.msg()) {
                throw new SumcheckException("evaluation vector " + i + " has " + v.length / 2 + " symbols, expected "
                        + s.msg());
            }
            long[] eqLo = Mle.eqTable(lo(points[i], s));
            long[] vData = java.util.Arrays.copyOf(v, 2 * s.cols());
            if (!Ext.dot(vData, eqLo).equals(values[i])) {
                throw new SumcheckException("opening " + i + ": the evaluation vector does not give the claimed value");
            }
            tr.absorbLongs(v);
            long[][] e = encodeExt(v, s.logCode());
            encV[2 * i] = e[0];
            encV[2 * i + 1] = e[1];
            weights[i] = rowWeights(points[i], s, blind, rows);
        }
        Fp2 gamma = tr.challengeExt();
        long[] gam = powersExt(gamma, n);
        if (o.proximity().length != 2 * s.msg()) {
            throw new SumcheckException("proximity vector has " + o.proximity().length / 2 + " symbols, expected " + s.msg());
        }
        tr.absorbLongs(o.proximity());
        long[][] encU = encodeExt(o.proximity(), s.logCode());
        if (!tr.checkGrind(o.nonce(), p.grindingBits())) {
            throw new SumcheckException("commitment opening: proof-of-work nonce fails " + p.grindingBits() + " bits");
        }
        if (o.queries().length != p.queries() || o.columns().length != p.queries() || o.salts().length != p.queries()
                || o.paths().length != p.queries()) {
            throw new SumcheckException("opening has " + o.queries().length + " column queries, expected " + p.queries());
        }
        int width = rows + s.maskRows() + blind;
        for (int q = 0; q < p.queries(); q++) {
            int j = tr.challengeIndex(s.logCode());
            if (o.queries()[q] != j) {
                throw new SumcheckException("query " + q + " opens column " + o.queries()[q] + ", the transcript asks " + j);
            }
            long[] col = o.columns()[q];
            if (col.length != width || o.paths()[q].length != s.logCode()) {
                throw new SumcheckException("query " + q + ": column or path of the wrong length");
            }
            if (!MerkleTree.verify(c.root(), j, col, o.salts()[q], o.paths()[q])) {
                throw new SumcheckException("query " + q + ": column " + j + " is not in the committed tree");
            }
            long[] rowsPart = java.util.Arrays.copyOf(col, n);
            Fp2 u = Ext.dotBase(rowsPart, gam);
            if (s.maskRows() > 0) {
                u = u.add(new Fp2(col[n], s.maskRows() > 1 ? col[n + 1] : 0));
            }
            if (!u.equals(new Fp2(encU[0][j], encU[1][j]))) {
                throw new SumcheckException("query " + q + ": column " + j + " disagrees with the proximity combination");
            }
            for (int i = 0; i < points.length; i++) {
                Fp2 v = Ext.dotBase(rowsPart, weights[i]);
                if (!v.equals(new Fp2(encV[2 * i][j], encV[2 * i + 1][j]))) {
                    throw new SumcheckException("query " + q + ": column " + j + " disagrees with evaluation vector " + i);
                }
            }
        }
    }
}
