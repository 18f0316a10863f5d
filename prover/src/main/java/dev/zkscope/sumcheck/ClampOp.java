package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;

/**
 * y = max(x, c) or y = min(x, c) element-wise with public constants c (Clip's two halves, ReLU6, LeakyRelu's
 * clamps; ReLU itself stays {@link Plan.ReluOp}). With sigma = +1 for max and -1 for min and s = [sigma (x - c) &gt;= 0]:
 * y - c = s (x - c) and (2s - 1) sigma (x - c) = sum_j 2^(B j) l_j with B-bit limbs l_j looked up in the range table,
 * s a bit. A zero-check sumcheck of eq(tau, i) [a0 (s - s^2) + a1 (y - c - s x + s c) + a2 (L - sigma (2 s x - 2 s c
 * - x + c))] = 0 proves the three identities at every position (degree 3); it ends with claims on s, the limbs and y
 * (all in W: y is committed) and on x; c~ is the verifier's own (the constants are in the key).
 *
 * <p>Zero knowledge: fresh tau and alphas; the sumcheck runs through {@link Zk#sumcheck} with s, y, x and the limbs
 * private (masked final values bound to their W segments), eq and c public; nothing else is sent.
 *
 * <p>Soundness: s in {0, 1}; the limbs make |x - c| a non-negative integer below 2^62 when s picks the side sigma
 * says, so s = 1 exactly when sigma (x - c) &gt;= 0 (for x - c = 0 both choices give y = c) and y = c + s (x - c) is the
 * max or the min. Calls: one {@link Zk#sumcheck} (degree 3, 5 + limbs tables), claims on W through {@link Zk.Run#bind}.
 */
record ClampOp(String layer, String kind, int out, int in, boolean max, long[] consts, int signSeg, int[] limbSegs)
        implements LayerOp {
    static final int TAG = 6;

    /** Allocates the sign and limb segments (builder and reader alike). */
    static ClampOp create(Plan p, String layer, String kind, int out, int in, boolean max, long[] consts, int nl) {
        int log = p.layouts[in].logSize();
        int sign = LayerKit.segment(p, "csign" + out, log);
        int[] limbs = LayerKit.limbs(p, "climb" + out, log, nl);
        return new ClampOp(layer, kind, out, in, max, consts, sign, limbs);
    }

    static ClampOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int in = r.u32();
        if (in < 0 || in >= p.tensorCount || p.layouts[in] == null) {
            throw r.malformed("clamp input");
        }
        boolean max = r.u8() == 1;
        int nl = r.u8();
        long[] c = LayerKit.readSigned(r);
        if (nl < 1 || nl * p.limbBits > 62 || c.length != p.layouts[in].n()) {
            throw r.malformed("clamp " + layer);
        }
        return create(p, layer, kind, out, in, max, c, nl);
    }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {in}; }

    @Override public boolean commitsOutput() { return true; }

    @Override
    public void write(ByteWriter w) {
        w.u32(in).u8(max ? 1 : 0).u8(limbSegs.length);
        LayerKit.writeSigned(w, consts);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        if (!p.layouts[out].equals(p.layouts[in])) {
            throw new Malformed("sumcheck plan", "clamp " + layer + " changes its layout");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        long[] x = t[in];
        Plan.Layout l = p.layout(in);
        for (int i = 0; i < l.n(); i++) {
            int at = l.pos(i);
            long d = Math.subtractExact(x[i], consts[i]);
            long sd = max ? d : -d;
            seg[signSeg][at] = sd >= 0 ? 1 : 0;
            LayerKit.fillLimbs(p, seg, limbSegs, at, Math.abs(d), layer);
        }
    }

    /** The constants' table (field) in the layout. */
    long[] constTable(Plan p) {
        return p.layout(in).table(consts);
    }

    /** Tables: 0 eq, 1 s, 2 y, 3 x, 4 c, 5.. limbs. */
    Sumcheck.Form form(Fp2[] a, int bits) {
        Fp2 sg = max ? Fp2.ONE : Fp2.ONE.neg();
        List<int[]> terms = new ArrayList<>();
        List<Fp2> cs = new ArrayList<>();
        terms.add(new int[] {0, 1});
        cs.add(a[0]);
        terms.add(new int[] {0, 1, 1});
        cs.add(a[0].neg());
        terms.add(new int[] {0, 2});
        cs.add(a[1]);
        terms.add(new int[] {0, 4});
        cs.add(a[1].neg().sub(a[2].mul(sg)));
        terms.add(new int[] {0, 1, 3});
        cs.add(a[1].neg().sub(a[2].mul(sg).mul(2)));
        terms.add(new int[] {0, 1, 4});
        cs.add(a[1].add(a[2].mul(sg).mul(2)));
        terms.add(new int[] {0, 3});
        cs.add(a[2].mul(sg));
        for (int j = 0; j < limbSegs.length; j++) {
            terms.add(new int[] {0, 5 + j});
            cs.add(a[2].mul(Goldilocks.pow(2, (long) bits * j)));
        }
        return new Sumcheck.Form(terms.toArray(new int[0][]), cs.toArray(new Fp2[0]));
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        int log = p.layout(out).logSize();
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, log);
        Fp2[] a = SumcheckBackend.challenges(c.zk.tr, 3);
        int nl = limbSegs.length;
        Sumcheck.Form form = form(a, p.limbBits);
        boolean[] priv = new boolean[5 + nl];
        java.util.Arrays.fill(priv, true);
        priv[0] = false;
        priv[2] = c.priv(out);
        priv[3] = c.priv(in);
        priv[4] = false;
        long[][] tabs = null;
        if (c.prover()) {
            tabs = new long[5 + nl][];
            tabs[1] = c.segment(signSeg);
            tabs[2] = c.lifted(out);
            tabs[3] = c.lifted(in);
            tabs[4] = Ext.lift(constTable(p));
            for (int j = 0; j < nl; j++) {
                tabs[5 + j] = c.segment(limbSegs[j]);
            }
        }
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, log, priv, new int[5 + nl], 0, Fp2.ZERO);
        Fp2[] pt = run.point;
        run.expect(0, Mle.eq(tau, pt), what);
        run.bind(1, new Zk.Lin().seg(signSeg, pt, Fp2.ONE));
        c.bindTensor(run, 2, out, pt, what);
        c.bindTensor(run, 3, in, pt, what);
        run.expect(4, Mle.evaluateBase(constTable(p), pt), what);
        for (int j = 0; j < nl; j++) {
            run.bind(5 + j, new Zk.Lin().seg(limbSegs[j], pt, Fp2.ONE));
        }
        run.check(form, what + ": clamp identities");
    }

    @Override
    public int masks(Plan p) {
        return Zk.slots(p.layout(out).logSize(), 5, 3 + limbSegs.length);
    }
}
