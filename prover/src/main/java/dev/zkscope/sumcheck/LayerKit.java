package dev.zkscope.sumcheck;

import dev.zkscope.compile.gadget.Limbs;
import dev.zkscope.field.Fp2;

/** Helpers the {@link LayerOp} classes share: segments, range-checked limbs, selectors. */
final class LayerKit {
    private LayerKit() {}

    /**
     * Tests only: a cheating prover's witness. Where the honest prover stops (a value outside the limbs' range, a
     * maximum not in its window, an output that is not its table's value) the witness is filled anyway (limbs of the
     * value's low bits), so that the verifier's rejection can be tested.
     */
    static final ThreadLocal<Boolean> LENIENT = ThreadLocal.withInitial(() -> false);

    /** Adds a segment of 2^log values to the plan; returns its index. */
    static int segment(Plan p, String name, int log) {
        p.segments.add(new Plan.Segment(name, log));
        return p.segments.size() - 1;
    }

    /** Adds nl limb segments of 2^log values, each looked up in the range table [0, 2^B). */
    static int[] limbs(Plan p, String name, int log, int nl) {
        int[] l = new int[nl];
        for (int j = 0; j < nl; j++) {
            l[j] = segment(p, name + "_" + j, log);
            p.lookups.add(new Plan.LookupColumn(0, new int[] {l[j]}, new long[] {1}, log, -1));
        }
        return l;
    }

    /** Writes the B-bit limbs of v >= 0 at position at; throws when v needs more limbs than the key has. */
    static void fillLimbs(Plan p, long[][] seg, int[] limbs, int at, long v, String layer) {
        if (!LENIENT.get() && (v < 0 || (v >>> (p.limbBits * limbs.length)) != 0)) {
            throw new IllegalArgumentException("layer " + layer + ": value " + v + " is outside the range the key was "
                    + "built for; the input is outside the calibrated domain");
        }
        for (int j = 0; j < limbs.length; j++) {
            seg[limbs[j]][at] = (v >>> (p.limbBits * j)) & ((1L << p.limbBits) - 1);
        }
    }

    /** How many limbs of the plan's width cover [0, bound]; refused above 62 bits. */
    static int limbCount(Plan p, long bound, dev.zkscope.compile.model.Step s) {
        int nl = Limbs.count(bound, p.limbBits);
        if (nl * p.limbBits > 62) {
            throw Plan.unsupported(s, "values bounded by " + bound + " (more than 62 bits)");
        }
        return nl;
    }

    /** Selector of a block of 2^a entries at offset off (a multiple of 2^a) within 2^z.length: prod over high bits. */
    static Fp2 selector(Fp2[] z, int off, int a) {
        Fp2 sel = Fp2.ONE;
        for (int j = a; j < z.length; j++) {
            sel = sel.mul(((off >>> j) & 1) == 1 ? z[j] : Fp2.ONE.sub(z[j]));
        }
        return sel;
    }

    /** sum_j 2^(B j) limb_j at field values f[from + j]. */
    static Fp2 recombine(Fp2[] f, int from, int count, int bits) {
        Fp2 acc = Fp2.ZERO;
        for (int j = 0; j < count; j++) {
            acc = acc.add(f[from + j].mul(dev.zkscope.field.Goldilocks.pow(2, (long) bits * j)));
        }
        return acc;
    }

    /** Signed 64-bit integers (constants, table values), u32 count then u64 each. */
    static void writeSigned(dev.zkscope.codec.ByteWriter w, long[] v) {
        w.u32(v.length);
        for (long x : v) {
            w.u64(x);
        }
    }

    static long[] readSigned(dev.zkscope.codec.ByteReader r) throws dev.zkscope.codec.Malformed {
        int n = r.u32();
        if (n < 0 || n > (1 << 26)) {
            throw r.malformed("vector of " + n + " integers");
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.u64();
        }
        return v;
    }

    static Fp2[] prefix(Fp2[] z, int n) {
        return java.util.Arrays.copyOf(z, n);
    }

    /**
     * One part of a stacked linear identity: a committed segment or a tensor of 2^logSize values, its table (prover,
     * field) and its coefficient in the identity (prover: the table, interleaved; both sides: its MLE at a point).
     */
    record Part(int tensor, int seg, int logSize, long[] values, long[] coef,
                java.util.function.Function<Fp2[], Fp2> coefAt) {}

    /**
     * The zero-knowledge stacked identity sum_p sum_i coef_p(i) part_p(i) = claim over parts of different sizes: one
     * degree-2 sumcheck of A(i, b) V(i, b) with V = [part_0 | part_1 | ...] (each zero-padded to the largest, b the
     * part's index in log2(parts) selector variables), V private (bound to the parts' segments at the point), A public
     * (the verifier evaluates each coef_p at the point). Generalises {@link LinearLayers#stacked} to several inputs.
     */
    static void stackedIdentity(SumcheckBackend.Ctx c, Part[] parts, Fp2 claim, String what)
            throws dev.zkscope.codec.Malformed {
        int big = 0;
        for (Part pt : parts) {
            big = Math.max(big, pt.logSize());
        }
        int k = Mle.logCeil(parts.length);
        int m = big + k;
        long[][] tabs = null;
        if (c.prover()) {
            long[] a = new long[2 << m];
            long[] v = new long[2 << m];
            for (int p = 0; p < parts.length; p++) {
                int off = 2 * (p << big);
                System.arraycopy(parts[p].coef(), 0, a, off, parts[p].coef().length);
                long[] lv = Ext.lift(parts[p].values());
                System.arraycopy(lv, 0, v, off, lv.length);
            }
            tabs = new long[][] {a, v};
        }
        Zk.Run run = c.zk.sumcheck(Sumcheck.Form.product(0, 1), tabs, m, new boolean[] {false, true}, new int[2], 0,
                claim);
        Fp2[] pt = run.point;
        Fp2[] lo = prefix(pt, big);
        Fp2[] sel = java.util.Arrays.copyOfRange(pt, big, m);
        Fp2 aAt = Fp2.ZERO;
        Zk.Lin lin = new Zk.Lin();
        for (int p = 0; p < parts.length; p++) {
            Fp2 w = Mle.eq(bits(p, k), sel).mul(SumcheckBackend.zeroTail(lo, parts[p].logSize()));
            Fp2[] z = prefix(lo, parts[p].logSize());
            aAt = aAt.add(w.mul(parts[p].coefAt().apply(z)));
            if (parts[p].tensor() >= 0) {
                c.tensor(lin, parts[p].tensor(), z, w);
            } else {
                lin.seg(parts[p].seg(), z, w);
            }
        }
        run.expect(0, aAt, what);
        run.bind(1, lin);
        run.check(Sumcheck.Form.product(0, 1), what + ": stacked linear identity");
    }

    /** Mask slots of {@link #stackedIdentity} over parts of the given sizes. */
    static int stackedMasks(int count, int... logSizes) {
        int big = 0;
        for (int l : logSizes) {
            big = Math.max(big, l);
        }
        return Zk.slots(big + Mle.logCeil(count), 3, 1);
    }

    /** The k-bit little-endian binary of i as field points. */
    static Fp2[] bits(int i, int k) {
        Fp2[] b = new Fp2[k];
        for (int j = 0; j < k; j++) {
            b[j] = ((i >>> j) & 1) == 1 ? Fp2.ONE : Fp2.ZERO;
        }
        return b;
    }

    /**
     * The gather coefficients of y = G(x) at output point r: F_r(pos(j)) = sum over output o reading x_j of eq(r, o)
     * (prover, interleaved, 2^xl.logSize() entries), and F_r~ at z (both sides, O(nnz)).
     */
    static long[] gatherCoef(int[] st, int[] cols, Plan.Layout xl, long[] eqR, boolean negate) {
        long[] g = new long[2 << xl.logSize()];
        for (int o = 0; o + 1 < st.length; o++) {
            long e0 = eqR[2 * o];
            long e1 = eqR[2 * o + 1];
            for (int i = st[o]; i < st[o + 1]; i++) {
                int j = xl.pos(cols[i]);
                g[2 * j] = dev.zkscope.field.Goldilocks.add(g[2 * j], e0);
                g[2 * j + 1] = dev.zkscope.field.Goldilocks.add(g[2 * j + 1], e1);
            }
        }
        if (negate) {
            for (int i = 0; i < g.length; i++) {
                g[i] = dev.zkscope.field.Goldilocks.neg(g[i]);
            }
        }
        return g;
    }

    static Fp2 gatherCoefAt(int[] st, int[] cols, Plan.Layout xl, long[] eqR, Fp2[] z) {
        long[] eqZ = Mle.eqTable(z);
        Fp2 s = Fp2.ZERO;
        for (int o = 0; o + 1 < st.length; o++) {
            long a0 = 0;
            long a1 = 0;
            for (int i = st[o]; i < st[o + 1]; i++) {
                int j = xl.pos(cols[i]);
                a0 = dev.zkscope.field.Goldilocks.add(a0, eqZ[2 * j]);
                a1 = dev.zkscope.field.Goldilocks.add(a1, eqZ[2 * j + 1]);
            }
            s = s.add(new Fp2(a0, a1).mul(new Fp2(eqR[2 * o], eqR[2 * o + 1])));
        }
        return s;
    }
}
