package dev.zkscope.sumcheck;

import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the sumcheck backend proves one lowered model, derived from the model alone (prover and verifier derive the
 * same plan). Every tensor has a role:
 * <ul>
 *   <li><b>public</b>: the input and the outputs; the verifier evaluates their multilinear extensions itself;</li>
 *   <li><b>virtual</b>: a dot product's output read by exactly one step and not an output: never committed; the step
 *   that reads it hands a claim on it to the dot product's sumcheck (GKR-style);</li>
 *   <li><b>committed</b>: every other activation, in one segment of the per-proof witness commitment W.</li>
 * </ul>
 * Steps are proved in reverse order. Supported steps: Dot with parameter weights (Gemm, MatMul, Conv: any index map,
 * folded into a weight matrix A with y = A x + bias) and Sum (average pooling's sums: A of ones), Div by a constant up to 2^16 (rescale), Compare max(x, 0)
 * (ReLU), and Wire steps that copy a tensor unchanged (Reshape, Flatten). Range checks are B-bit limbs looked up in one
 * table [0, 2^B) by LogUp-GKR, B &lt;= 16 chosen per model.
 */
final class Plan {
    /** Largest range table: 2^16 entries. */
    static final int MAX_LIMB_BITS = 16;

    /** Thrown for a model this backend cannot prove: names the layer and what is unsupported. */
    static UnsupportedOperationException unsupported(Step s, String why) {
        return new UnsupportedOperationException("the sumcheck backend cannot prove layer " + s.layer() + " (" + s.op()
                + "): " + why + "; prove this model with --backend plonkish");
    }

    enum Role { PUBLIC, VIRTUAL, COMMITTED }

    /** A power-of-two region of W: tensor values, remainders, sign bits, limbs or the table's multiplicities. */
    record Segment(String name, int logSize) {}

    /** Where a segment sits in W: its offset (a multiple of its size). */
    record Placed(Segment seg, int offset) {}

    /**
     * An affine lookup column c0 + sum coef_j * seg_j, every entry of which must be in [0, 2^limbBits), placed at
     * {@code offset} (a multiple of its size) in the lookup area of the LogUp-GKR leaves.
     */
    record LookupColumn(long c0, int[] segs, long[] coefs, int logSize, int offset) {}

    sealed interface Op permits DotOp, DivOp, ReluOp {}

    /** y = A x + bias, A dense (outPad x inPad, row-major), x one tensor. */
    record DotOp(Step step, int out, int in, int logOut, int logIn, long[] a, long[] bias) implements Op {}

    /** x + floor(d/2) = d y + rem, rem in [0, d): segments of rem (and of y unless public). */
    record DivOp(Step step, int out, int in, long d, int size, int remSeg) implements Op {}

    /** y = max(x, 0): s(1 - s) = 0, y = s x, (2s - 1) x = sum 2^(16 j) limb_j. */
    record ReluOp(Step step, int out, int in, int size, int signSeg, int[] limbSegs) implements Op {}

    final QModel model;
    final int[] alias;
    final Role[] roles;
    final int[] tensorSeg;
    final List<Segment> segments = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final List<LookupColumn> lookups = new ArrayList<>();
    final int multSeg;
    /** Bits per limb = log2 of the range table's size, chosen per model (see {@link #chooseLimbBits}). */
    final int limbBits;
    /** log2 of the lookup area (columns packed, largest first), at least the table's. */
    final int logLookupArea;
    final List<Placed> placed = new ArrayList<>();
    final int logW;

    Plan(QModel m) {
        this.model = m;
        int nt = m.tensorCount();
        alias = new int[nt];
        for (int t = 0; t < nt; t++) {
            alias[t] = t;
        }
        long[] bounds = m.bounds();
        // aliases of identity wires, and the readers of every tensor
        Map<Integer, Integer> readers = new HashMap<>();
        for (Step s : m.steps()) {
            if (s instanceof Steps.Wire w) {
                Src[] src = w.sources();
                int t = identitySource(src, m);
                if (t < 0) {
                    throw unsupported(s, "a wiring that moves elements (only reshapes that keep the order are supported)");
                }
                alias[s.out()] = alias[t];
            }
        }
        for (Step s : m.steps()) {
            if (s instanceof Steps.Wire) {
                continue;
            }
            for (int t : inputsOf(s)) {
                readers.merge(alias[t], 1, Integer::sum);
            }
        }
        roles = new Role[nt];
        java.util.Set<Integer> publicT = new java.util.HashSet<>();
        publicT.addAll(m.inputTensors());
        for (int o : m.outputTensors()) {
            publicT.add(alias[o]);
        }
        tensorSeg = new int[nt];
        java.util.Arrays.fill(tensorSeg, -1);
        for (Step s : m.steps()) {
            if (s instanceof Steps.Wire) {
                continue;
            }
            int t = s.out();
            if (publicT.contains(t)) {
                roles[t] = Role.PUBLIC;
            } else if ((s instanceof Steps.Dot || s instanceof Steps.Sum) && readers.getOrDefault(t, 0) == 1) {
                roles[t] = Role.VIRTUAL;
            } else {
                roles[t] = Role.COMMITTED;
                tensorSeg[t] = addSeg("t" + t, Mle.logCeil(s.size()));
            }
        }
        for (int t : m.inputTensors()) {
            roles[t] = Role.PUBLIC;
        }
        limbBits = chooseLimbBits(m, bounds);
        int areaUsed = 0;
        for (Step s : m.steps()) {
            if (s instanceof Steps.Wire) {
                continue;
            }
            if (s instanceof Steps.Dot d) {
                ops.add(dot(d, d.xs(), d.ws(), d.biases()));
            } else if (s instanceof Steps.Sum sm) {
                ops.add(dot(sm, sm.windows(), null, null));
            } else if (s instanceof Steps.Div dv) {
                int x = singleIdentityInput(dv, dv.inputs());
                long d = dv.divisor();
                if (d > (1L << limbBits)) {
                    throw unsupported(s, "division by " + d + " (at most 2^" + MAX_LIMB_BITS + ")");
                }
                int log = Mle.logCeil(s.size());
                int rem = addSeg("rem" + s.out(), log);
                lookups.add(new LookupColumn(0, new int[] {rem}, new long[] {1}, log, -1));
                lookups.add(new LookupColumn((1L << limbBits) - d, new int[] {rem}, new long[] {1}, log, -1));
                ops.add(new DivOp(s, s.out(), x, d, s.size(), rem));
            } else if (s instanceof Steps.Compare c) {
                Src[] right = c.right();
                for (Src r : right) {
                    if (!r.isConstant() || r.value() != 0) {
                        throw unsupported(s, "a comparison other than max(x, 0)");
                    }
                }
                if (!c.isMax()) {
                    throw unsupported(s, "min(x, 0)");
                }
                int x = singleIdentityInput(c, c.left());
                int nl = limbsFor(bounds[x], limbBits);
                if (nl * limbBits > 62) {
                    throw unsupported(s, "values bounded by " + bounds[x]);
                }
                int log = Mle.logCeil(s.size());
                int sign = addSeg("sign" + s.out(), log);
                int[] limbs = new int[nl];
                for (int j = 0; j < nl; j++) {
                    limbs[j] = addSeg("limb" + s.out() + "_" + j, log);
                    lookups.add(new LookupColumn(0, new int[] {limbs[j]}, new long[] {1}, log, -1));
                }
                ops.add(new ReluOp(s, s.out(), x, s.size(), sign, limbs));
            } else {
                throw unsupported(s, "step " + s.getClass().getSimpleName() + " is not supported yet");
            }
        }
        multSeg = addSeg("multiplicities", limbBits);
        // pack the lookup columns, largest first, so each offset is a multiple of its size
        List<LookupColumn> cols = new ArrayList<>(lookups);
        cols.sort((a, b) -> Integer.compare(b.logSize(), a.logSize()));
        lookups.clear();
        long area = 0;
        for (LookupColumn c : cols) {
            lookups.add(new LookupColumn(c.c0(), c.segs(), c.coefs(), c.logSize(), (int) area));
            area += 1L << c.logSize();
        }
        logLookupArea = Math.max(limbBits, Mle.logCeil(area));
        // place segments, largest first, so each offset is a multiple of its size
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Integer.compare(segments.get(b).logSize(), segments.get(a).logSize()));
        Placed[] pl = new Placed[segments.size()];
        long off = 0;
        for (int i : order) {
            pl[i] = new Placed(segments.get(i), (int) off);
            off += 1L << segments.get(i).logSize();
        }
        placed.addAll(List.of(pl));
        logW = Mle.logCeil(off);
        if (logW > 28) {
            throw new UnsupportedOperationException("the sumcheck backend's witness would hold 2^" + logW + " values");
        }
    }

    static int limbsFor(long bound, int bits) {
        int b = 64 - Long.numberOfLeadingZeros(Math.max(1, bound));
        return Math.max(1, (b + bits - 1) / bits);
    }

    /**
     * The limb width B (table of 2^B entries) that makes the LogUp-GKR leaves smallest: the lookup area holds every
     * range-checked value (two per division, one per limb of a ReLU input) and must be at least as large as the table,
     * so the leaves are 2 max(2^B, lookups); B is at least the widest divisor's bits and at most 16.
     */
    static int chooseLimbBits(QModel m, long[] bounds) {
        int minB = 1;
        for (Step s : m.steps()) {
            if (s instanceof Steps.Div dv) {
                minB = Math.max(minB, 64 - Long.numberOfLeadingZeros(dv.divisor() - 1));
            }
        }
        int best = MAX_LIMB_BITS;
        long bestCost = Long.MAX_VALUE;
        for (int b = Math.min(MAX_LIMB_BITS, Math.max(4, minB)); b <= MAX_LIMB_BITS; b++) {
            long area = 0;
            for (Step s : m.steps()) {
                long size = 1L << Mle.logCeil(s.size());
                if (s instanceof Steps.Div) {
                    area += 2 * size;
                } else if (s instanceof Steps.Compare c) {
                    Src first = c.left()[0];
                    area += limbsFor(first.isConstant() ? 1 : bounds[first.tensor()], b) * size;
                }
            }
            long cost = Math.max(1L << b, 1L << Mle.logCeil(area));
            if (cost < bestCost) {
                bestCost = cost;
                best = b;
            }
        }
        return best;
    }

    private int addSeg(String name, int log) {
        segments.add(new Segment(name, log));
        return segments.size() - 1;
    }

    /** The tensor that every src reads in order (src[i] = t[i], sizes equal), or -1. */
    static int identitySource(Src[] src, QModel m) {
        if (src.length == 0 || src[0].isConstant()) {
            return -1;
        }
        int t = src[0].tensor();
        if (m.size(t) != src.length) {
            return -1;
        }
        for (int i = 0; i < src.length; i++) {
            if (src[i].isConstant() || src[i].tensor() != t || src[i].index() != i) {
                return -1;
            }
        }
        return t;
    }

    private int singleIdentityInput(Step s, Src[] src) {
        int t = identitySource(src, model);
        if (t < 0) {
            throw unsupported(s, "an element-wise step whose input is not one whole tensor in order");
        }
        return alias[t];
    }

    private static List<Integer> inputsOf(Step s) {
        List<Integer> out = new ArrayList<>();
        if (s instanceof Steps.Sum sm) {
            for (Src[] row : sm.windows()) {
                for (Src x : row) {
                    if (!x.isConstant()) {
                        out.add(x.tensor());
                    }
                }
            }
        } else if (s instanceof Steps.Dot d) {
            for (Src[] row : d.xs()) {
                for (Src x : row) {
                    if (!x.isConstant()) {
                        out.add(x.tensor());
                    }
                }
            }
        } else if (s instanceof Steps.Div dv) {
            for (Src x : dv.inputs()) {
                if (!x.isConstant()) {
                    out.add(x.tensor());
                }
            }
        } else if (s instanceof Steps.Compare c) {
            for (Src x : c.left()) {
                if (!x.isConstant()) {
                    out.add(x.tensor());
                }
            }
        }
        return new ArrayList<>(new java.util.LinkedHashSet<>(out));
    }

    /** A dot product (or a sum: ws null, every weight 1) as y = A x + bias over one input tensor. */
    private DotOp dot(Step d, Src[][] xs, Src[][] ws, Src[] bias) {
        int in = -1;
        int n = xs.length;
        long[] b = new long[1 << Mle.logCeil(n)];
        for (int o = 0; o < n; o++) {
            for (int k = 0; k < xs[o].length; k++) {
                Src x = xs[o][k];
                if (x.isConstant()) {
                    continue;
                }
                if (in >= 0 && alias[x.tensor()] != in) {
                    throw unsupported(d, "a dot product over more than one input tensor");
                }
                in = alias[x.tensor()];
            }
        }
        if (in < 0) {
            throw unsupported(d, "a dot product with no activation input");
        }
        int logIn = Mle.logCeil(model.size(in));
        int logOut = Mle.logCeil(n);
        if (logIn + logOut > 26) {
            throw unsupported(d, "a weight matrix of 2^" + (logIn + logOut) + " entries");
        }
        long[] a = new long[1 << (logIn + logOut)];
        for (int o = 0; o < n; o++) {
            long acc = bias == null ? 0 : paramValue(d, bias[o]);
            for (int k = 0; k < xs[o].length; k++) {
                Src x = xs[o][k];
                long w = ws == null ? 1 : paramValue(d, ws[o][k]);
                if (x.isConstant()) {
                    acc = Math.addExact(acc, Math.multiplyExact(x.value(), w));
                    continue;
                }
                int idx = (o << logIn) + x.index();
                a[idx] = dev.zkscope.field.Goldilocks.add(a[idx], dev.zkscope.field.Goldilocks.fromSigned(w));
            }
            b[o] = dev.zkscope.field.Goldilocks.fromSigned(acc);
        }
        return new DotOp(d, d.out(), in, logOut, logIn, a, b);
    }

    private long paramValue(Step s, Src w) {
        if (w.isConstant()) {
            return w.value();
        }
        if (!model.isParam(w.tensor())) {
            throw unsupported(s, "a product of two activations (weights must be parameters)");
        }
        return model.param(w.tensor())[w.index()];
    }

    /** The point in W's variables at which segment seg's MLE at z (its own variables) is read. */
    Fp2Point wPoint(int seg, dev.zkscope.field.Fp2[] z) {
        Placed p = placed.get(seg);
        int a = p.seg().logSize();
        if (z.length != a) {
            throw new IllegalArgumentException("point of " + z.length + " variables for a segment of 2^" + a);
        }
        dev.zkscope.field.Fp2[] w = new dev.zkscope.field.Fp2[logW];
        System.arraycopy(z, 0, w, 0, a);
        int hi = p.offset() >>> a;
        for (int j = a; j < logW; j++) {
            w[j] = ((hi >>> (j - a)) & 1) == 1 ? dev.zkscope.field.Fp2.ONE : dev.zkscope.field.Fp2.ZERO;
        }
        return new Fp2Point(w);
    }

    record Fp2Point(dev.zkscope.field.Fp2[] coords) {}

    Role role(int t) {
        return roles[alias[t]];
    }
}
