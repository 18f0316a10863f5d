package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;

/**
 * Division by a run-time value, y = divRound(num, den) = floor((num + floor(den/2)) / den) with den &gt;= 1 (Softmax's
 * normalisation by the row sum; den is usually broadcast over a row, a {@link GatherSide}). Committed: a parity bit
 * p, the B-bit limbs of rem, of den - 1 - rem and of y + off (off a public power of two above |y|'s bound; the top
 * limb also looked up shifted by 2^B - cap, so that y + off &lt; 2 off exactly even when the limbs hold more bits). One
 * zero-check from fresh tau and alphas (degree 3):
 *
 * <pre>  sum_i eq(tau, i) [a0 (p - p^2) + a1 (2 num + den - p - 2 den y - 2 R) + a2 (den - ind - R - Q)
 *                    + a3 (y + off ind - Y)] = 0</pre>
 *
 * with R, Q, Y the limb recombinations and ind the layout's indicator (public).
 *
 * <p>Soundness: at every position p is a bit, 0 &lt;= R, Q and Y &lt; 2^(B limbs) are integers, so R &gt;= 0,
 * den = 1 + R + Q &gt;= R + 1 (hence den &gt;= 1 and 0 &lt;= R &lt; den) and -off &lt;= y &lt; off. num and den are
 * proved small integers by their own steps (their bounds are the model's), and the key bounds |2 num| + den + 1 + 2 den off + 2 den below 2^63 &lt; p
 * (checked when the plan is built), so 2 num + den - p = 2 (den y + R) holds over the integers: its left side is even, so p is den's
 * parity, and num + floor(den/2) = den y + R with 0 &lt;= R &lt; den: y is the rounded quotient. The range check of
 * y is what the constant division's argument does not need but this one does: without it a wrong remainder gives a
 * field y = (num + h - R) / den that is not small.
 *
 * <p>Zero knowledge: p, num, den, y and the limbs are private tables of one {@link Zk#sumcheck}, bound to W (y checked
 * when it is a model output); the gathered den's own sumcheck; nothing is sent in the clear.
 */
record VarDivOp(String layer, String kind, int out, GatherSide num, GatherSide den, long off, int paritySeg,
                int[] remLimbs, int[] gapLimbs, int[] yLimbs) implements LayerOp {
    static final int TAG = 21;

    static VarDivOp create(Plan p, String layer, String kind, int out, GatherSide num, GatherSide den, long off,
                           int nr) {
        int log = p.layouts[out].logSize();
        int par = LayerKit.segment(p, "vpar" + out, log);
        int[] rl = LayerKit.limbs(p, "vrem" + out, log, nr);
        int[] gl = LayerKit.limbs(p, "vgap" + out, log, nr);
        int[] yl = quotientLimbs(p, "vy" + out, log, off);
        return new VarDivOp(layer, kind, out, num, den, off, par, rl, gl, yl);
    }

    /**
     * The limb segments of y + off in [0, 2 off), each looked up in the range table, the top one also shifted by
     * 2^B - cap so that y + off &lt; 2 off exactly even when the limbs hold more bits (also the constant division's
     * quotient check, {@link Plan#quotientChecks}).
     */
    static int[] quotientLimbs(Plan p, String name, int log, long off) {
        int[] yl = LayerKit.limbs(p, name, log, yLimbCount(p, off));
        long cap = topCap(p, off);
        if (cap < (1L << p.limbBits)) {
            p.lookups.add(new Plan.LookupColumn((1L << p.limbBits) - cap, new int[] {yl[yl.length - 1]},
                    new long[] {1}, log, -1));
        }
        return yl;
    }

    /** Writes the limbs of y + off at {@code at}; a cheating prover (tests) keeps the top limb inside its cap. */
    static void fillQuotient(Plan p, long[][] seg, int[] yl, int at, long y, long off, String layer) {
        LayerKit.fillLimbs(p, seg, yl, at, y + off, layer);
        if (LayerKit.LENIENT.get()) {
            seg[yl[yl.length - 1]][at] %= topCap(p, off);
        }
    }

    /** Limbs of y + off in [0, 2 off): ceil(log2(2 off) / B). */
    static int yLimbCount(Plan p, long off) {
        int k = Long.numberOfTrailingZeros(off) + 1;
        return (k + p.limbBits - 1) / p.limbBits;
    }

    /** The top limb's exclusive bound, 2 off / 2^(B (limbs - 1)) (a power of two, at most 2^B). */
    static long topCap(Plan p, long off) {
        int k = Long.numberOfTrailingZeros(off) + 1;
        return 1L << (k - p.limbBits * (yLimbCount(p, off) - 1));
    }

    static VarDivOp of(Plan.Builder b, Steps.VarDiv s) {
        Plan p = b.p;
        int n = s.size();
        Plan.Layout l = identityLayout(b, s);
        p.layouts[s.out()] = l;
        GatherSide num = GatherSide.of(b, s, s.nums(), l, "vnum" + s.out());
        GatherSide den = GatherSide.of(b, s, s.dens(), l, "vden" + s.out());
        long numB = bound(b, s.nums());
        long denB = bound(b, s.dens());
        long yB = Math.max(1, b.bounds[s.out()]);
        long off = Long.highestOneBit(yB) << 1;
        if (off > (1L << 61)) {
            throw Plan.unsupported(s, "a division whose quotient is bounded by " + yB + " (more than 2^61)");
        }
        // |2 num| + den + 1 + 2 den (off + 1) + 2 den must stay below p for the identity to hold over the integers
        java.math.BigInteger total = java.math.BigInteger.valueOf(numB).shiftLeft(1)
                .add(java.math.BigInteger.valueOf(denB).multiply(java.math.BigInteger.valueOf(2 * off + 5)));
        if (total.bitLength() > 63) {
            throw Plan.unsupported(s, "a division whose identity may wrap the field (|num| " + numB + ", den "
                    + denB + ", |y| " + yB + ")");
        }
        int nr = LayerKit.limbCount(p, denB, s);
        if (n != l.n()) {
            throw Plan.unsupported(s, "a division of mismatched operands");
        }
        return create(p, s.layer(), s.op(), s.out(), num, den, off, nr);
    }

    /** The numerator's layout when it is a tensor in order, else the identity. */
    private static Plan.Layout identityLayout(Plan.Builder b, Steps.VarDiv s) {
        int t = b.m.identitySource(s.nums());
        if (t >= 0 && b.p.layouts[b.p.alias[t]] != null) {
            return b.p.layouts[b.p.alias[t]];
        }
        return Plan.Layout.identity(s.size());
    }

    private static long bound(Plan.Builder b, dev.zkscope.compile.model.Src[] xs) {
        long m = 0;
        for (dev.zkscope.compile.model.Src x : xs) {
            long v;
            if (x.isConstant()) {
                v = Math.abs(x.value());
            } else if (b.m.isParam(x.tensor())) {
                v = Math.abs(b.m.param(x.tensor())[x.index()]);
            } else {
                v = b.bounds[x.tensor()];
            }
            m = Math.max(m, v);
        }
        return m;
    }

    static VarDivOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        GatherSide num = GatherSide.read(r, p, "vnum" + out);
        GatherSide den = GatherSide.read(r, p, "vden" + out);
        long off = r.u64();
        int nr = r.u8();
        int ny = r.u8();
        if (off < 1 || off > (1L << 61) || Long.bitCount(off) != 1 || nr < 1 || nr * p.limbBits > 62
                || p.layouts[out] == null || ny != yLimbCount(p, off)) {
            throw r.malformed("division " + layer);
        }
        return create(p, layer, kind, out, num, den, off, nr);
    }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {num.tensor(), den.tensor()}; }

    @Override public boolean commitsOutput() { return false; }

    @Override
    public void write(ByteWriter w) {
        num.write(w);
        den.write(w);
        w.u64(off).u8(remLimbs.length).u8(yLimbs.length);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        int log = p.layouts[out].logSize();
        for (GatherSide s : new GatherSide[] {num, den}) {
            if (s.logSize() != log || (!s.gathered() && !p.layouts[s.tensor()].equals(p.layouts[out]))) {
                throw new Malformed("sumcheck plan", "division " + layer + ": an operand of another layout");
            }
        }
    }

    private static long valueAt(GatherSide s, long[][] t, Plan.Layout l, int o) {
        if (!s.gathered()) {
            return t[s.tensor()][o];
        }
        int g = l.pos(o);
        return s.src()[g] >= 0 ? t[s.tensor()][s.src()[g]] : s.consts()[g];
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        num.witness(t, seg);
        den.witness(t, seg);
        Plan.Layout l = p.layouts[out];
        long[] y = t[out];
        for (int o = 0; o < l.n(); o++) {
            int at = l.pos(o);
            long x = valueAt(num, t, l, o);
            long d = valueAt(den, t, l, o);
            // in the field (a cheating y need not be a small integer), read back as a signed integer
            long remF = Goldilocks.sub(Goldilocks.fromSigned(x + Math.floorDiv(d, 2)),
                    Goldilocks.mul(Goldilocks.fromSigned(d), Goldilocks.fromSigned(y[o])));
            long rem = Goldilocks.toSigned(remF);
            seg[paritySeg][at] = d & 1;
            LayerKit.fillLimbs(p, seg, remLimbs, at, rem, layer);
            LayerKit.fillLimbs(p, seg, gapLimbs, at, d - 1 - rem, layer);
            fillQuotient(p, seg, yLimbs, at, y[o], off, layer);
        }
    }

    /** Tables: 0 eq, 1 p, 2 num, 3 den, 4 y, 5 ind, then rem limbs, gap limbs, y limbs. */
    Sumcheck.Form form(Fp2[] a, int bits) {
        List<int[]> terms = new ArrayList<>();
        List<Fp2> cs = new ArrayList<>();
        terms.add(new int[] {0, 1});
        cs.add(a[0].sub(a[1]));
        terms.add(new int[] {0, 1, 1});
        cs.add(a[0].neg());
        terms.add(new int[] {0, 2});
        cs.add(a[1].mul(2));
        terms.add(new int[] {0, 3});
        cs.add(a[1].add(a[2]));
        terms.add(new int[] {0, 3, 4});
        cs.add(a[1].mul(2).neg());
        terms.add(new int[] {0, 5});
        cs.add(a[2].neg().add(a[3].mul(Goldilocks.fromSigned(off))));
        terms.add(new int[] {0, 4});
        cs.add(a[3]);
        int nr = remLimbs.length;
        int ny = yLimbs.length;
        for (int j = 0; j < nr; j++) {
            Fp2 w = Fp2.of(Goldilocks.pow(2, (long) bits * j));
            terms.add(new int[] {0, 6 + j});
            cs.add(a[1].mul(2).add(a[2]).mul(w).neg());
            terms.add(new int[] {0, 6 + nr + j});
            cs.add(a[2].mul(w).neg());
        }
        for (int j = 0; j < ny; j++) {
            terms.add(new int[] {0, 6 + 2 * nr + j});
            cs.add(a[3].mul(Fp2.of(Goldilocks.pow(2, (long) bits * j))).neg());
        }
        return new Sumcheck.Form(terms.toArray(new int[0][]), cs.toArray(new Fp2[0]));
    }

    private int[] limbSeg(int i) {
        int nr = remLimbs.length;
        if (i < nr) {
            return new int[] {remLimbs[i]};
        }
        return new int[] {i < 2 * nr ? gapLimbs[i - nr] : yLimbs[i - 2 * nr]};
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        int log = p.layout(out).logSize();
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, log);
        Fp2[] a = SumcheckBackend.challenges(c.zk.tr, 4);
        int nl = 2 * remLimbs.length + yLimbs.length;
        Sumcheck.Form form = form(a, p.limbBits);
        boolean[] priv = new boolean[6 + nl];
        java.util.Arrays.fill(priv, true);
        priv[0] = false;
        priv[2] = num.priv(c);
        priv[3] = den.priv(c);
        priv[4] = c.priv(out);
        priv[5] = false;
        long[] ind = p.layout(out).indicator();
        long[][] tabs = null;
        if (c.prover()) {
            tabs = new long[6 + nl][];
            tabs[1] = c.segment(paritySeg);
            tabs[2] = num.table(c);
            tabs[3] = den.table(c);
            tabs[4] = c.lifted(out);
            tabs[5] = Ext.lift(ind);
            for (int j = 0; j < nl; j++) {
                tabs[6 + j] = c.segment(limbSeg(j)[0]);
            }
        }
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, log, priv, new int[6 + nl], 0, Fp2.ZERO);
        Fp2[] pt = run.point;
        run.expect(0, Mle.eq(tau, pt), what);
        run.bind(1, new Zk.Lin().seg(paritySeg, pt, Fp2.ONE));
        num.bind(c, run, 2, pt, what);
        den.bind(c, run, 3, pt, what);
        c.bindTensor(run, 4, out, pt, what);
        run.expect(5, Mle.evaluateBase(ind, pt), what);
        for (int j = 0; j < nl; j++) {
            run.bind(6 + j, new Zk.Lin().seg(limbSeg(j)[0], pt, Fp2.ONE));
        }
        run.check(form, what + ": division identities");
        num.prove(c, what);
        den.prove(c, what);
    }

    @Override
    public int masks(Plan p) {
        int nl = 2 * remLimbs.length + yLimbs.length;
        return Zk.slots(p.layout(out).logSize(), 5, 5 + nl) + num.masks(p) + den.masks(p);
    }
}
