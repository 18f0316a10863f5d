package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.List;

/**
 * y[o] = max over a window of x (MaxPool, GlobalMaxPool, ReduceMax, Softmax's row maximum). The windows are laid out
 * on a grid of 2^logK taps by 2^logO outputs, g = k 2^logO + o; a tap is valid when the window has it; its value
 * Xcol(g) is x[src(g)] or a constant (padding). Committed in W: y, a selector S on the grid and the B-bit limbs of
 * D = y(o) - Xcol(g) on valid taps (0 elsewhere), every limb looked up in the range table. One sumcheck (degree 3)
 * proves, for random tau, tau_o and a0..a4:
 * <pre>
 *   sum_g eq(tau, g) [a0 (S - S^2) + a1 S D + a2 (D - Ind Yb + Xcol) + a3 S (1 - Ind)] + a4 sum_g eq(tau_o, o(g)) S(g)
 *     = a4 sum_{o &lt; O} eq(tau_o, o)
 * </pre>
 * with Yb(g) = y(o(g)) (so Yb~(rho) = y~(rho_o)) and Ind the valid taps. Xcol is committed in W (segment mcol), so
 * the sumcheck ends with claims on S, Xcol and the limbs and on y at rho_o (all W); a second, stacked sumcheck at a
 * fresh r proves Xcol~(r) - sum_j F_r(j) x(j) = consts~(r) ({@link LayerKit#stackedIdentity}), i.e. Xcol is x's window
 * gather with the constants (padding) as its bias.
 *
 * <p>Zero knowledge: both sumchecks run through {@link Zk#sumcheck} from fresh challenges, with S, Yb (y), Xcol and the
 * limbs private (masked final values bound to W) and eq, Ind, eq(tau_o) and the gather coefficients public; nothing
 * is sent in the clear.
 *
 * <p>Soundness (each identity holds everywhere except with probability (logK + logO + 1) / |F_p2| per term, by the
 * zero-check and Schwartz-Zippel; the fifth term's sum is a random combination of the per-output sums): S is a bit;
 * S = 0 off the valid taps; sum_k S(k, o) = 1 for every output, so exactly one valid tap is selected; at that tap
 * S D = 0 gives D = 0, so y(o) = Xcol(selected) is a genuine element of the window (a small integer, Xcol being the
 * proved input); at every valid tap D = y(o) - Xcol(g) is a sum of limbs in [0, 2^62), and since both are small
 * integers this is the integer difference: y(o) &gt;= every element of the window. So y(o) is the window's maximum.
 * Calls: one {@link Zk#sumcheck} (degree 3, 6 + limbs tables) and one degree-2 stacked gather sumcheck; claims on W
 * through {@link Zk.Run#bind}.
 */
record MaxOp(String layer, String kind, int out, int in, int o, int k, int[] src, long[] consts, int selSeg,
             int colSeg, int[] limbSegs) implements LayerOp {
    static final int TAG = 8;
    /** src entries: an index into x, or one of these. */
    static final int CONST = -1;
    static final int ABSENT = -2;

    static MaxOp create(Plan p, String layer, String kind, int out, int in, int o, int k, int[] src, long[] consts,
                        int nl) {
        int log = Mle.logCeil(o) + Mle.logCeil(k);
        int sel = LayerKit.segment(p, "msel" + out, log);
        int col = LayerKit.segment(p, "mcol" + out, log);
        int[] limbs = LayerKit.limbs(p, "mlimb" + out, log, nl);
        return new MaxOp(layer, kind, out, in, o, k, src, consts, sel, col, limbs);
    }

    static MaxOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int in = r.u32();
        int o = r.u32();
        int k = r.u32();
        int nl = r.u8();
        int[] src = Plan.readInts(r, Integer.MAX_VALUE);
        long[] consts = LayerKit.readSigned(r);
        if (in < 0 || in >= p.tensorCount || p.layouts[in] == null || o < 1 || k < 1 || (long) o * k != src.length
                || consts.length != src.length || Mle.logCeil(o) + Mle.logCeil(k) > 26 || nl < 1
                || nl * p.limbBits > 62) {
            throw r.malformed("max pooling " + layer);
        }
        int n = p.layouts[in].n();
        for (int s : src) {
            if (s < ABSENT || s >= n) {
                throw r.malformed("max pooling " + layer + " reads outside its input");
            }
        }
        return create(p, layer, kind, out, in, o, k, src, consts, nl);
    }

    int logO() { return Mle.logCeil(o); }

    int logK() { return Mle.logCeil(k); }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {in}; }

    @Override public boolean commitsOutput() { return true; }

    @Override
    public void write(ByteWriter w) {
        w.u32(in).u32(o).u32(k).u8(limbSegs.length);
        Plan.ints(w, src);
        LayerKit.writeSigned(w, consts);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        if (!p.layouts[out].equals(Plan.Layout.identity(o))) {
            throw new Malformed("sumcheck plan", "max pooling " + layer + " output layout");
        }
        for (int oo = 0; oo < o; oo++) {
            boolean any = false;
            for (int kk = 0; kk < k; kk++) {
                any |= src[oo * k + kk] != ABSENT;
            }
            if (!any) {
                throw new Malformed("sumcheck plan", "max pooling " + layer + " has an empty window");
            }
        }
    }

    int grid(int oo, int kk) {
        return (kk << logO()) | oo;
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        long[] x = t[in];
        long[] y = t[out];
        for (int oo = 0; oo < o; oo++) {
            boolean chosen = false;
            for (int kk = 0; kk < k; kk++) {
                int s = src[oo * k + kk];
                if (s == ABSENT) {
                    continue;
                }
                long v = s == CONST ? consts[oo * k + kk] : x[s];
                long d = Math.subtractExact(y[oo], v);
                int g = grid(oo, kk);
                seg[colSeg][g] = Goldilocks.fromSigned(v);
                if (d == 0 && !chosen) {
                    seg[selSeg][g] = 1;
                    chosen = true;
                }
                LayerKit.fillLimbs(p, seg, limbSegs, g, d, layer);
            }
            if (!chosen && !LayerKit.LENIENT.get()) {
                throw new IllegalStateException("layer " + layer + ": the maximum is not in its window");
            }
        }
    }

    /** The gather of the window values onto the grid (constants as its bias), reading x in its layout. */
    Plan.MapOp gather() {
        int rows = 1 << (logO() + logK());
        int[] start = new int[rows + 1];
        int[] at = new int[rows];
        java.util.Arrays.fill(at, -1);
        long[] bias = new long[rows];
        for (int oo = 0; oo < o; oo++) {
            for (int kk = 0; kk < k; kk++) {
                int s = src[oo * k + kk];
                int g = grid(oo, kk);
                if (s >= 0) {
                    at[g] = s;
                } else if (s == CONST) {
                    bias[g] = Goldilocks.fromSigned(consts[oo * k + kk]);
                }
            }
        }
        List<Integer> cols = new ArrayList<>();
        for (int g = 0; g < rows; g++) {
            if (at[g] >= 0) {
                cols.add(at[g]);
            }
            start[g + 1] = cols.size();
        }
        return new Plan.MapOp(layer, kind, out, in, start, cols.stream().mapToInt(Integer::intValue).toArray(), bias);
    }

    /** 1 on valid taps. */
    long[] indicator() {
        long[] ind = new long[1 << (logO() + logK())];
        for (int oo = 0; oo < o; oo++) {
            for (int kk = 0; kk < k; kk++) {
                if (src[oo * k + kk] != ABSENT) {
                    ind[grid(oo, kk)] = 1;
                }
            }
        }
        return ind;
    }

    /** Tables: 0 eq(tau), 1 S, 2 Yb, 3 Xcol, 4 Ind, 5 eq(tau_o) broadcast, 6.. limbs. */
    Sumcheck.Form form(Fp2[] a, int bits) {
        List<int[]> terms = new ArrayList<>();
        List<Fp2> cs = new ArrayList<>();
        terms.add(new int[] {0, 1});
        cs.add(a[0].add(a[3]));
        terms.add(new int[] {0, 1, 1});
        cs.add(a[0].neg());
        terms.add(new int[] {0, 1, 4});
        cs.add(a[3].neg());
        terms.add(new int[] {0, 4, 2});
        cs.add(a[2].neg());
        terms.add(new int[] {0, 3});
        cs.add(a[2]);
        terms.add(new int[] {5, 1});
        cs.add(a[4]);
        for (int j = 0; j < limbSegs.length; j++) {
            Fp2 w = Fp2.of(Goldilocks.pow(2, (long) bits * j));
            terms.add(new int[] {0, 1, 6 + j});
            cs.add(a[1].mul(w));
            terms.add(new int[] {0, 6 + j});
            cs.add(a[2].mul(w));
        }
        return new Sumcheck.Form(terms.toArray(new int[0][]), cs.toArray(new Fp2[0]));
    }

    /** eq(tau_o, .) on the outputs, repeated over the taps. */
    long[] eqOutputs(Fp2[] tauO) {
        long[] e = Mle.eqTable(tauO);
        int n = 1 << (logO() + logK());
        long[] b = new long[2 * n];
        for (int g = 0; g < n; g++) {
            int oo = g & ((1 << logO()) - 1);
            b[2 * g] = e[2 * oo];
            b[2 * g + 1] = e[2 * oo + 1];
        }
        return b;
    }

    Fp2 claimedSum(Fp2[] tauO, Fp2 a4) {
        long[] e = Mle.eqTable(tauO);
        Fp2 s = Fp2.ZERO;
        for (int oo = 0; oo < o; oo++) {
            s = s.add(Ext.get(e, oo));
        }
        return s.mul(a4);
    }

    @Override
    public void step(SumcheckBackend.Ctx c, String what) throws Malformed {
        Plan p = c.plan;
        int lg = logO() + logK();
        int nl = limbSegs.length;
        // 1. the window identities over the grid, from fresh challenges
        Fp2[] tau = SumcheckBackend.challenges(c.zk.tr, lg);
        Fp2[] tauO = SumcheckBackend.challenges(c.zk.tr, logO());
        Fp2[] a = SumcheckBackend.challenges(c.zk.tr, 5);
        Sumcheck.Form form = form(a, p.limbBits);
        boolean[] priv = new boolean[6 + nl];
        java.util.Arrays.fill(priv, true);
        priv[0] = false;
        priv[2] = c.priv(out);
        priv[4] = false;
        priv[5] = false;
        long[][] tabs = null;
        if (c.prover()) {
            int n = 1 << lg;
            long[] y = c.tables[p.alias[out]];
            long[] yb = new long[n];
            for (int g = 0; g < n; g++) {
                yb[g] = y[g & ((1 << logO()) - 1)];
            }
            tabs = new long[6 + nl][];
            tabs[1] = c.segment(selSeg);
            tabs[2] = Ext.lift(yb);
            tabs[3] = c.segment(colSeg);
            tabs[4] = Ext.lift(indicator());
            tabs[5] = eqOutputs(tauO);
            for (int j = 0; j < nl; j++) {
                tabs[6 + j] = c.segment(limbSegs[j]);
            }
        }
        Zk.Run run = c.zk.zeroCheck(form, tau, tabs, lg, priv, new int[6 + nl], 0, claimedSum(tauO, a[4]));
        Fp2[] rho = run.point;
        run.expect(0, Mle.eq(tau, rho), what);
        run.bind(1, new Zk.Lin().seg(selSeg, rho, Fp2.ONE));
        c.bindTensor(run, 2, out, LayerKit.prefix(rho, logO()), what);
        run.bind(3, new Zk.Lin().seg(colSeg, rho, Fp2.ONE));
        run.expect(4, Mle.evaluateBase(indicator(), rho), what);
        run.expect(5, Mle.eq(tauO, LayerKit.prefix(rho, logO())), what);
        for (int j = 0; j < nl; j++) {
            run.bind(6 + j, new Zk.Lin().seg(limbSegs[j], rho, Fp2.ONE));
        }
        run.check(form, what + ": max pooling identities");
        // 2. Xcol is the gather of x's window values (constants as its bias), at a fresh r
        Plan.MapOp gm = gather();
        Plan.Layout xl = p.layout(in);
        Fp2[] r = SumcheckBackend.challenges(c.zk.tr, lg);
        long[] eqR = Mle.eqTable(r);
        LayerKit.Part[] parts = {
            new LayerKit.Part(-1, colSeg, lg, c.prover() ? c.seg[colSeg] : null, eqR, z -> Mle.eq(r, z)),
            new LayerKit.Part(in, -1, xl.logSize(), c.prover() ? c.tables[p.alias[in]] : null,
                    c.prover() ? LayerKit.gatherCoef(gm.rowStart(), gm.cols(), xl, eqR, true) : null,
                    z -> LayerKit.gatherCoefAt(gm.rowStart(), gm.cols(), xl, eqR, z).neg())};
        LayerKit.stackedIdentity(c, parts, Mle.evaluateBase(gm.bias(), r), what + ": window gather");
    }

    @Override
    public int masks(Plan p) {
        int lg = logO() + logK();
        return Zk.slots(lg, 5, 3 + limbSegs.length) + LayerKit.stackedMasks(2, lg, p.layout(in).logSize());
    }
}
