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
 * folded into a weight matrix A with y = A x + bias), Div by a constant up to 2^16 (rescale), Compare max(x, 0)
 * (ReLU), and Wire steps that copy a tensor unchanged (Reshape, Flatten). Range checks are 16-bit limbs looked up in one
 * table [0, 2^16) by LogUp-GKR.
 */
final class Plan {
    static final int LIMB_BITS = 16;
    static final int TABLE_LOG = LIMB_BITS;

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

    /** An affine lookup column c0 + sum coef_j * seg_j, every entry of which must be in [0, 2^16). */
    record LookupColumn(long c0, int[] segs, long[] coefs, int logSize) {}

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
            } else if (s instanceof Steps.Dot && readers.getOrDefault(t, 0) == 1) {
                roles[t] = Role.VIRTUAL;
            } else {
                roles[t] = Role.COMMITTED;
                tensorSeg[t] = addSeg("t" + t, Mle.logCeil(s.size()));
            }
        }
        for (int t : m.inputTensors()) {
            roles[t] = Role.PUBLIC;
        }
        for (Step s : m.steps()) {
            if (s instanceof Steps.Wire) {
                continue;
            }
            if (s instanceof Steps.Dot d) {
                ops.add(dot(d));
            } else if (s instanceof Steps.Div dv) {
                int x = singleIdentityInput(dv, dv.inputs());
                long d = dv.divisor();
                if (d > (1L << LIMB_BITS)) {
                    throw unsupported(s, "division by " + d + " (at most 2^16)");
                }
                int log = Mle.logCeil(s.size());
                int rem = addSeg("rem" + s.out(), log);
                lookups.add(new LookupColumn(0, new int[] {rem}, new long[] {1}, log));
                lookups.add(new LookupColumn((1L << LIMB_BITS) - d, new int[] {rem}, new long[] {1}, log));
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
                int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, bounds[x]));
                int nl = Math.max(1, (bits + LIMB_BITS - 1) / LIMB_BITS);
                if (nl > 3) {
                    throw unsupported(s, "values of " + bits + " bits");
                }
                int log = Mle.logCeil(s.size());
                int sign = addSeg("sign" + s.out(), log);
                int[] limbs = new int[nl];
                for (int j = 0; j < nl; j++) {
                    limbs[j] = addSeg("limb" + s.out() + "_" + j, log);
                    lookups.add(new LookupColumn(0, new int[] {limbs[j]}, new long[] {1}, log));
                }
                ops.add(new ReluOp(s, s.out(), x, s.size(), sign, limbs));
            } else {
                throw unsupported(s, "step " + s.getClass().getSimpleName() + " is not supported yet");
            }
        }
        multSeg = addSeg("multiplicities", TABLE_LOG);
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
        if (s instanceof Steps.Dot d) {
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

    private DotOp dot(Steps.Dot d) {
        Src[][] xs = d.xs();
        Src[][] ws = d.ws();
        Src[] bias = d.biases();
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
                long w = paramValue(d, ws[o][k]);
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
