package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every function table of the model ({@link TableOp}) in one LogUp-GKR ({@link LogUpGkr}): after gamma, delta and beta
 * are drawn (W, holding every looked-up output and the tables' multiplicities, is already committed), the leaves are
 * <ul>
 *   <li>lookups (top variable 0): op t's positions, packed at aligned offsets: p = 1 on an element, 0 on the layout's
 *   padding; q = beta - (x + gamma y + delta tag_t);</li>
 *   <li>tables (top variable 1): table t's entries a in [lo, lo + T), packed likewise: p = -m_t(a), q = beta -
 *   (a + gamma f(a) + delta tag_t) (0 past T);</li>
 * </ul>
 * and the fractional sum is zero. At the leaf point the prover sends x~, y~ of every op at its column's point and m_t~
 * of every table; the verifier rebuilds p~ and q~ from them, the layouts' indicators and the public tables.
 *
 * <p>Soundness: the sum being zero as a rational function of beta (except with probability (leaves) / |F_p2| in beta)
 * means every (x, y, tag) folded by (gamma, delta) equals some table entry's fold with multiplicity (m_t &lt; p); a fold
 * collision of two different triples has probability 1 / |F_p2| over gamma, delta, which are drawn after W is
 * committed (x is W's or a function of committed values and the public input). So every y = f_t(x) with x in the
 * calibrated range. Calls: {@link LogUpGkr#prove}/{@link LogUpGkr#verify} (one degree-3 sumcheck per tree layer), the
 * sent values through {@link ProofStream}, claims on W through {@link SumcheckBackend.Claims#onSegment} /
 * {@code onTensor}.
 */
final class FunctionLookups {
    private FunctionLookups() {}

    static List<TableOp> ops(Plan p) {
        List<TableOp> l = new ArrayList<>();
        for (Plan.Op op : p.ops) {
            if (op instanceof TableOp t) {
                l.add(t);
            }
        }
        return l;
    }

    /** Aligned offsets of blocks of 2^logs[i] (largest first); the last entry is log2 of the area. */
    static int[] pack(int[] logs) {
        Integer[] order = new Integer[logs.length];
        for (int i = 0; i < logs.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(logs[b], logs[a]));
        int[] off = new int[logs.length + 1];
        long at = 0;
        for (int i : order) {
            off[i] = (int) at;
            at += 1L << logs[i];
        }
        off[logs.length] = Mle.logCeil(Math.max(1, at));
        return off;
    }

    record Shape(int[] colOff, int[] tabOff, int logL) {}

    static Shape shape(Plan p, List<TableOp> ops) {
        int[] cl = new int[ops.size()];
        int[] tl = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            cl[i] = p.layout(ops.get(i).in()).logSize();
            tl[i] = ops.get(i).logT();
        }
        int[] co = pack(cl);
        int[] to = pack(tl);
        return new Shape(co, to, Math.max(co[ops.size()], to[ops.size()]));
    }

    static Fp2 fold(long a, long b, Fp2 gamma, Fp2 delta, int tag) {
        return Fp2.of(a).add(gamma.mul(b)).add(delta.mul(tag));
    }

    /** Prover: runs the argument and records each op's claim on its input in c. */
    static void prove(LayerProver c) {
        List<TableOp> ops = ops(c.plan);
        if (ops.isEmpty()) {
            return;
        }
        Plan p = c.plan;
        Transcript tr = c.tr;
        Fp2 gamma = tr.challengeExt();
        Fp2 delta = tr.challengeExt();
        Fp2 beta = tr.challengeExt();
        Shape sh = shape(p, ops);
        int n = 1 << sh.logL();
        long[] pl = new long[4 * n];
        long[] ql = new long[4 * n];
        for (int i = 0; i < 2 * n; i++) {
            ql[2 * i] = beta.c0();
            ql[2 * i + 1] = beta.c1();
        }
        for (int t = 0; t < ops.size(); t++) {
            TableOp op = ops.get(t);
            long[] x = c.table(op.in());
            long[] y = c.table(op.out());
            long[] ind = p.layout(op.in()).indicator();
            int off = sh.colOff()[t];
            for (int i = 0; i < x.length; i++) {
                pl[2 * (off + i)] = ind[i];
                Fp2 q = beta.sub(fold(x[i], y[i], gamma, delta, t + 1));
                ql[2 * (off + i)] = q.c0();
                ql[2 * (off + i) + 1] = q.c1();
            }
            long[] m = c.seg[op.multSeg()];
            int toff = n + sh.tabOff()[t];
            for (int i = 0; i < op.values().length; i++) {
                pl[2 * (toff + i)] = Goldilocks.neg(m[i]);
                Fp2 q = beta.sub(fold(Goldilocks.fromSigned(op.lo() + i), Goldilocks.fromSigned(op.values()[i]), gamma,
                        delta, t + 1));
                ql[2 * (toff + i)] = q.c0();
                ql[2 * (toff + i) + 1] = q.c1();
            }
        }
        LogUpGkr.LeafClaim leaf = LogUpGkr.prove(pl, ql, tr, c.out);
        Fp2[] low = LayerKit.prefix(leaf.point(), sh.logL());
        for (TableOp op : ops) {
            Fp2[] z = LayerKit.prefix(low, p.layout(op.in()).logSize());
            Fp2 xv = Mle.evaluateBase(c.table(op.in()), z);
            c.out.fp2(xv, tr);
            Fp2 yv = Mle.evaluateBase(c.table(op.out()), z);
            c.out.fp2(yv, tr);
            c.claims.onTensor(op.out(), z, yv);
            c.sendSegment(op.multSeg(), LayerKit.prefix(low, op.logT()));
            c.lookupInputPoints.put(op, z);
        }
    }

    /** Verifier: checks the argument and records each op's claim on its input in c. */
    static void verify(LayerVerifier c) throws Malformed {
        List<TableOp> ops = ops(c.plan);
        if (ops.isEmpty()) {
            return;
        }
        Plan p = c.plan;
        Transcript tr = c.tr;
        Fp2 gamma = tr.challengeExt();
        Fp2 delta = tr.challengeExt();
        Fp2 beta = tr.challengeExt();
        Shape sh = shape(p, ops);
        LogUpGkr.LeafClaim leaf = LogUpGkr.verify(sh.logL() + 1, tr, c.in);
        Fp2[] low = LayerKit.prefix(leaf.point(), sh.logL());
        Fp2 top = leaf.point()[sh.logL()];
        Fp2 pA = Fp2.ZERO;
        Fp2 qA = beta;
        Fp2 pB = Fp2.ZERO;
        Fp2 qB = beta;
        for (int t = 0; t < ops.size(); t++) {
            TableOp op = ops.get(t);
            Plan.Layout l = p.layout(op.in());
            Fp2[] z = LayerKit.prefix(low, l.logSize());
            Fp2 xv = c.in.fp2(tr);
            Fp2 yv = c.in.fp2(tr);
            c.claims.onTensor(op.out(), z, yv);
            Fp2[] zt = LayerKit.prefix(low, op.logT());
            Fp2 mv = c.readSegment(op.multSeg(), zt);
            c.lookupInputClaims.put(op, new Object[] {z, xv});
            Fp2 selA = LayerKit.selector(low, sh.colOff()[t], l.logSize());
            pA = pA.add(selA.mul(Mle.evaluateBase(l.indicator(), z)));
            qA = qA.sub(selA.mul(xv.add(gamma.mul(yv)).add(delta.mul(t + 1))));
            Fp2 selB = LayerKit.selector(low, sh.tabOff()[t], op.logT());
            int nt = 1 << op.logT();
            long[] as = new long[nt];
            long[] fs = new long[nt];
            long[] ind = new long[nt];
            for (int i = 0; i < op.values().length; i++) {
                as[i] = Goldilocks.fromSigned(op.lo() + i);
                fs[i] = Goldilocks.fromSigned(op.values()[i]);
                ind[i] = 1;
            }
            Fp2 tv = Mle.evaluateBase(as, zt).add(gamma.mul(Mle.evaluateBase(fs, zt)))
                    .add(delta.mul(t + 1).mul(Mle.evaluateBase(ind, zt)));
            pB = pB.sub(selB.mul(mv));
            qB = qB.sub(selB.mul(tv));
        }
        Fp2 pLeaf = Fp2.ONE.sub(top).mul(pA).add(top.mul(pB));
        Fp2 qLeaf = Fp2.ONE.sub(top).mul(qA).add(top.mul(qB));
        if (!pLeaf.equals(leaf.p()) || !qLeaf.equals(leaf.q())) {
            throw new SumcheckException("function tables: the lookup's leaf claim does not match the committed "
                    + "inputs, outputs and multiplicities (an output is not its table's value)");
        }
    }
}
