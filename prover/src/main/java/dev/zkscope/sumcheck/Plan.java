package dev.zkscope.sumcheck;

import dev.zkscope.compile.gadget.Limbs;
import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the sumcheck backend proves one lowered model: everything the verifier needs (and nothing secret), derived from
 * the model by {@link #of} and written into the verifying key by {@link #write} (a verifier reads it back with
 * {@link #read}, without the model). Every tensor has a role:
 * <ul>
 *   <li><b>public</b>: the outputs; the verifier evaluates their multilinear extensions itself;</li>
 *   <li><b>committed</b>: the input and every other activation, in one segment of the per-proof witness commitment W
 *   (private: the proof is zero-knowledge, docs/sumcheck-zk.md).</li>
 * </ul>
 * Every tensor has a {@link Layout}: where its n values sit in its table of 2^m. A convolution's output is laid out
 * (channel, position) with both dimensions padded to powers of two, so that its multilinear extension splits into a
 * channel point and a position point; element-wise steps keep their input's layout; gathers write the identity layout.
 * Steps are proved in reverse order. Supported: Dot with parameter weights shared across positions (Conv as matrix
 * multiplication, Gemm, MatMul with a parameter matrix; BatchNorm folded into them at import), Sum and Wire steps that
 * move elements (average pooling, global average pooling, Pad, Transpose: a public sparse 0/1 map), Linear
 * (residual Add, BatchNorm's affine map, scale alignment, bias adds), Div by a constant up to 2^16 (rescale), ReLU,
 * and order-preserving reshapes (aliases). Range checks are B-bit limbs looked up in one table [0, 2^B) by
 * LogUp-GKR, B &lt;= 16 chosen per model.
 */
final class Plan {
    /** Largest range table: 2^16 entries. */
    static final int MAX_LIMB_BITS = 16;
    static final int MAGIC = 0x5A4B5350 ^ 0x00000A0A; // "ZKSZ": sumcheck plan
    static final int VERSION = 1;

    /** Thrown for a model this backend cannot prove: names the layer and what is unsupported. */
    static UnsupportedOperationException unsupported(Step s, String why) {
        return new UnsupportedOperationException("the sumcheck backend cannot prove layer " + s.layer() + " (" + s.op()
                + "): " + why + "; prove this model with --backend plonkish");
    }

    enum Role { PUBLIC, COMMITTED }

    /** A power-of-two region of W: tensor values, remainders, sign bits, limbs or the table's multiplicities. */
    record Segment(String name, int logSize) {}

    /** Where a segment sits in W: its offset (a multiple of its size). */
    record Placed(Segment seg, int offset) {}

    /**
     * An affine lookup column c0 + sum coef_j * seg_j, every entry of which must be in [0, 2^limbBits), placed at
     * {@code offset} (a multiple of its size) in the lookup area of the LogUp-GKR leaves.
     */
    record LookupColumn(long c0, int[] segs, long[] coefs, int logSize, int offset) {}

    /**
     * Where n values sit in a table of 2^logSize: element o at (o / inner) 2^logInner + o mod inner. The identity
     * layout has inner = n.
     */
    record Layout(int n, int inner) {
        static Layout identity(int n) {
            return new Layout(n, Math.max(1, n));
        }

        int logInner() {
            return Mle.logCeil(inner);
        }

        int logSize() {
            return logInner() + Mle.logCeil((n + inner - 1) / inner);
        }

        int pos(int o) {
            return ((o / inner) << logInner()) | (o % inner);
        }

        /** The table of signed integer values (converted to the field) in this layout, zeros elsewhere. */
        long[] table(long[] signed) {
            long[] t = new long[1 << logSize()];
            for (int o = 0; o < n; o++) {
                t[pos(o)] = Goldilocks.fromSigned(signed[o]);
            }
            return t;
        }

        /** The table of field values in this layout. */
        long[] fieldTable(long[] field) {
            long[] t = new long[1 << logSize()];
            for (int o = 0; o < n; o++) {
                t[pos(o)] = field[o];
            }
            return t;
        }

        /** 1 where an element sits, 0 in the padding. */
        long[] indicator() {
            long[] t = new long[1 << logSize()];
            for (int o = 0; o < n; o++) {
                t[pos(o)] = 1;
            }
            return t;
        }
    }

    sealed interface Op permits DotOp, MapOp, LinearOp, DivOp, ReluOp, LayerOp {
        String layer();

        String kind();

        int out();
    }

    /**
     * Conv / Gemm / MatMul as a matrix product Y[c][p] = sum_k Wm[c][k] Xcol[k][p] + bias: c channels, p positions, k
     * taps; Xcol[k][p] = x[im2col[p K + k]] (-1: the constant 0 of padding) is never formed: the verifier evaluates its
     * extension through x's. Y's layout is (c, p) when channelMajor (output o = c P + p), else (p, c). Wm (channels
     * padded to 2^logC rows of 2^logK) is committed in the key: {@code weight} is its index there. bias is the table
     * of the output's layout (field).
     */
    record DotOp(String layer, String kind, int out, int in, int c, int p, int k, boolean channelMajor, int[] im2col,
                 long[] bias, int weight) implements Op {
        int logC() { return Mle.logCeil(c); }
        int logP() { return Mle.logCeil(p); }
        int logK() { return Mle.logCeil(k); }
    }

    /**
     * y[o] = sum_{j in row o} x[cols[j]] + bias[o] (sums of windows, element moves): a public sparse 0/1 map, output in
     * the identity layout; bias is the table (field) of the output.
     */
    record MapOp(String layer, String kind, int out, int in, int[] rowStart, int[] cols, long[] bias) implements Op {}

    /** y = alpha a + beta b + gamma element-wise (a or b -1 when absent), tables (field) in the output's layout. */
    record LinearOp(String layer, String kind, int out, int a, int b, long[] alpha, long[] beta, long[] gamma)
            implements Op {}

    /** x + floor(d/2) = d y + rem, rem in [0, d): the segment of rem. */
    /**
     * y = floor((x + floor(d/2)) / d): x + floor(d/2) = d y + rem with 0 &lt;= rem &lt; d (rem range-checked). The quotient
     * must be range-checked too: with rem moved to rem' in [0, d), y' = y + (rem - rem') / d in the field is a field
     * element at distance more than p/d - 1 from y (docs/sumcheck-backend.md, "The quotient of a division"). So
     * either {@code off} &gt; 0 and y + off is decomposed into {@code yLimbs} (y in [-off, off), top limb capped), or
     * {@code off} = 0 and every reader of y is a ReLU or a function table that bounds |y| tightly enough
     * ({@link #quotientChecks}).
     */
    record DivOp(String layer, String kind, int out, int in, long d, int remSeg, long off, int[] yLimbs)
            implements Op {
        DivOp(String layer, String kind, int out, int in, long d, int remSeg) {
            this(layer, kind, out, in, d, remSeg, 0, new int[0]);
        }
    }

    /** y = max(x, 0): s(1 - s) = 0, y = s x, (2s - 1) x = sum 2^(B j) limb_j. */
    record ReluOp(String layer, String kind, int out, int in, int signSeg, int[] limbSegs) implements Op {}

    String name;
    int tensorCount;
    int[] alias;
    Role[] roles;
    Layout[] layouts;
    int[] tensorSeg;
    int[] inputs;
    int[] outputs;
    final List<Segment> segments = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final List<LookupColumn> lookups = new ArrayList<>();
    int multSeg;
    /** The segment of W that holds the zero-knowledge masks ({@link Zk.Pool}). */
    int maskSeg;
    /** Bits per limb = log2 of the range table's size, chosen per model (see {@link #chooseLimbBits}). */
    int limbBits;
    /** log2 of the lookup area (columns packed, largest first), at least the table's. */
    int logLookupArea;
    final List<Placed> placed = new ArrayList<>();
    int logW;
    /** Prover only (not in the key): each DotOp's weight matrix, field, 2^logC x 2^logK row-major. */
    final List<long[]> weightMatrices = new ArrayList<>();

    private Plan() {}

    /** The plan of a lowered model. Throws UnsupportedOperationException naming the first layer it cannot prove. */
    static Plan of(QModel m) {
        return new Builder(m).build();
    }

    // ----------------------------------------------------------------------------------------------- building

    static final class Builder {
        final QModel m;
        final Plan p = new Plan();
        final long[] bounds;

        Builder(QModel m) {
            this.m = m;
            this.bounds = m.bounds();
        }

        Plan build() {
            int nt = m.tensorCount();
            p.name = m.name();
            p.tensorCount = nt;
            p.alias = new int[nt];
            for (int t = 0; t < nt; t++) {
                p.alias[t] = t;
            }
            p.layouts = new Layout[nt];
            for (int t : m.inputTensors()) {
                p.layouts[t] = Layout.identity(m.size(t));
            }
            p.limbBits = chooseLimbBits(m, bounds);
            for (Step s : m.steps()) {
                if (s instanceof Steps.Wire w) {
                    int t = m.identitySource(w.sources());
                    if (t >= 0) {
                        p.alias[s.out()] = p.alias[t];
                        continue;
                    }
                    p.ops.add(map(s, new Src[][] {}, w.sources()));
                } else if (s instanceof Steps.Dot d) {
                    p.ops.add(ActDotOp.activationWeights(this, d) ? ActDotOp.of(this, d) : dot(d));
                } else if (s instanceof Steps.Sum sm) {
                    p.ops.add(map(sm, sm.windows(), null));
                } else if (s instanceof Steps.Linear lin) {
                    p.ops.add(ElementOp.needed(this, lin.lefts(), lin.rights()) ? ElementOp.linear(this, lin) : linear(lin));
                } else if (s instanceof Steps.Div dv) {
                    int x = singleIdentityInput(dv, dv.inputs());
                    long d = dv.divisor();
                    if (d < 1 || d > (1L << p.limbBits)) {
                        throw unsupported(s, "division by " + d + " (at most 2^" + MAX_LIMB_BITS + ")");
                    }
                    Layout l = layoutOf(s, x);
                    p.layouts[s.out()] = l;
                    int rem = addSeg("rem" + s.out(), l.logSize());
                    p.lookups.add(new LookupColumn(0, new int[] {rem}, new long[] {1}, l.logSize(), -1));
                    p.lookups.add(new LookupColumn((1L << p.limbBits) - d, new int[] {rem}, new long[] {1}, l.logSize(), -1));
                    p.ops.add(new DivOp(s.layer(), s.op(), s.out(), x, d, rem,
                            Long.highestOneBit(Math.max(1, bounds[s.out()])) << 1, new int[0]));
                } else if (s instanceof Steps.Compare c && !c.isRelu()) {
                    p.ops.add(LayerOps.clamp(this, c));
                } else if (s instanceof Steps.Compare c) {
                    for (Src r : c.right()) {
                        if (!r.isConstant() || r.value() != 0) {
                            throw unsupported(s, "a comparison other than max(x, 0) (Clip, Max of two tensors)");
                        }
                    }
                    if (!c.isMax()) {
                        throw unsupported(s, "min(x, 0)");
                    }
                    int x = singleIdentityInput(c, c.left());
                    int nl = Limbs.count(bounds[x], p.limbBits);
                    if (nl * p.limbBits > 62) {
                        throw unsupported(s, "values bounded by " + bounds[x]);
                    }
                    Layout l = layoutOf(s, x);
                    p.layouts[s.out()] = l;
                    int sign = addSeg("sign" + s.out(), l.logSize());
                    int[] limbs = new int[nl];
                    for (int j = 0; j < nl; j++) {
                        limbs[j] = addSeg("limb" + s.out() + "_" + j, l.logSize());
                        p.lookups.add(new LookupColumn(0, new int[] {limbs[j]}, new long[] {1}, l.logSize(), -1));
                    }
                    p.ops.add(new ReluOp(s.layer(), s.op(), s.out(), x, sign, limbs));
                } else if (s instanceof Steps.MaxReduce mr) {
                    p.ops.add(LayerOps.max(this, mr));
                } else if (s instanceof Steps.Lookup lk) {
                    p.ops.add(LayerOps.table(this, lk));
                } else if (s instanceof Steps.Mul mu) {
                    p.ops.add(ElementOp.needed(this, mu.lefts(), mu.rights()) ? ElementOp.product(this, mu) : LayerOps.product(this, mu));
                } else if (s instanceof Steps.VarDiv vd) {
                    p.ops.add(VarDivOp.of(this, vd));
                } else {
                    throw unsupported(s, "step " + s.getClass().getSimpleName() + " is not supported");
                }
            }
            p.inputs = m.inputTensors().stream().mapToInt(Integer::intValue).toArray();
            p.outputs = m.outputTensors().stream().mapToInt(t -> p.alias[t]).toArray();
            for (int o : p.outputs) {
                if (p.layouts[o] == null) {
                    throw new UnsupportedOperationException("the sumcheck backend cannot prove model " + m.name()
                            + ": an output is not computed by any step; prove this model with --backend plonkish");
                }
            }
            try {
                p.quotientChecks(null);
            } catch (Malformed e) {
                throw new IllegalStateException(e); // not thrown on the builder's side
            }
            p.assignRoles();
            p.finish();
            return p;
        }

        Layout layoutOf(Step s, int t) {
            if (p.layouts[t] == null) {
                throw unsupported(s, "an input that no step computes (a parameter used as an activation)");
            }
            return p.layouts[t];
        }

        private int addSeg(String name, int log) {
            p.segments.add(new Segment(name, log));
            return p.segments.size() - 1;
        }

        int singleIdentityInput(Step s, Src[] src) {
            int t = m.identitySource(src);
            if (t < 0) {
                throw unsupported(s, "an element-wise step whose input is not one whole tensor in order");
            }
            return p.alias[t];
        }

        private long paramValue(Step s, Src w) {
            if (w.isConstant()) {
                return w.value();
            }
            if (!m.isParam(w.tensor())) {
                throw unsupported(s, "a product of two activations (weights must be parameters)");
            }
            return m.param(w.tensor())[w.index()];
        }

        /**
         * A Dot step as a matrix product with weights shared across positions (see {@link DotOp}). Channels are the
         * connected sets of weight elements (outputs that share a weight are in one channel: a convolution's border
         * outputs, whose padding taps the lowering dropped, share the rest with the interior ones); a channel's taps
         * are its weight elements in index order; the input a tap reads at a position must not depend on the channel.
         */
        private Op dot(Steps.Dot d) {
            Src[][] xs = d.xs();
            Src[][] ws = d.ws();
            int n = xs.length;
            // weight elements as ints, union-find over the elements each output uses
            Map<Long, Integer> elem = new HashMap<>();
            List<Long> keys = new ArrayList<>();
            int[][] wid = new int[n][];
            for (int o = 0; o < n; o++) {
                wid[o] = new int[ws[o].length];
                for (int k = 0; k < ws[o].length; k++) {
                    Src w = ws[o][k];
                    if (w.isConstant() || !m.isParam(w.tensor())) {
                        throw unsupported(d, w.isConstant() ? "constant weights" : "a product of two activations "
                                + "(weights must be parameters)");
                    }
                    long key = ((long) w.tensor() << 32) | w.index();
                    Integer id = elem.get(key);
                    if (id == null) {
                        id = keys.size();
                        elem.put(key, id);
                        keys.add(key);
                    }
                    wid[o][k] = id;
                }
                if (ws[o].length == 0) {
                    throw unsupported(d, "an output with no terms");
                }
            }
            int[] parent = new int[keys.size()];
            for (int i = 0; i < parent.length; i++) {
                parent[i] = i;
            }
            for (int o = 0; o < n; o++) {
                for (int k = 1; k < wid[o].length; k++) {
                    int a = find(parent, wid[o][0]);
                    int b = find(parent, wid[o][k]);
                    if (a != b) {
                        parent[Math.max(a, b)] = Math.min(a, b);
                    }
                }
            }
            Map<Integer, Integer> chanOfRoot = new HashMap<>();
            int[] ch = new int[n];
            for (int o = 0; o < n; o++) {
                int root = find(parent, wid[o][0]);
                Integer c = chanOfRoot.get(root);
                if (c == null) {
                    c = chanOfRoot.size();
                    chanOfRoot.put(root, c);
                }
                ch[o] = c;
            }
            int c = chanOfRoot.size();
            if (n % c != 0) {
                throw unsupported(d, "weights that are not shared by the same number of positions per channel");
            }
            int pp = n / c;
            boolean channelMajor = true;
            boolean positionMajor = true;
            for (int o = 0; o < n; o++) {
                channelMajor &= ch[o] == o / pp;
                positionMajor &= ch[o] == o % c;
            }
            if (!channelMajor && !positionMajor) {
                throw unsupported(d, "a dot product that is neither channel-major nor position-major in its output");
            }
            boolean cm = channelMajor;
            // taps: each channel's weight elements in (tensor, index) order
            List<List<Long>> chanKeys = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                chanKeys.add(new ArrayList<>());
            }
            Map<Integer, Integer> rootChan = chanOfRoot;
            for (int id = 0; id < keys.size(); id++) {
                Integer cc = rootChan.get(find(parent, id));
                if (cc == null) {
                    throw unsupported(d, "weights of no channel");
                }
                chanKeys.get(cc).add(keys.get(id));
            }
            int k = chanKeys.get(0).size();
            int[] tap = new int[keys.size()];
            for (int cc = 0; cc < c; cc++) {
                List<Long> l = chanKeys.get(cc);
                if (l.size() != k) {
                    throw unsupported(d, "channels with different numbers of weights");
                }
                l.sort(null);
                for (int i = 0; i < k; i++) {
                    tap[elem.get(l.get(i))] = i;
                }
            }
            int logC = Mle.logCeil(c);
            int logK = Mle.logCeil(k);
            if (logC + logK > 26) {
                throw unsupported(d, "a weight matrix of 2^" + (logC + logK) + " entries");
            }
            long[] wm = new long[1 << (logC + logK)];
            for (int cc = 0; cc < c; cc++) {
                List<Long> l = chanKeys.get(cc);
                for (int i = 0; i < k; i++) {
                    long key = l.get(i);
                    wm[(cc << logK) + i] = Goldilocks.fromSigned(m.param((int) (key >>> 32))[(int) (key & 0xFFFFFFFFL)]);
                }
            }
            if (channelDependent(d, xs, cm, pp, c, k, tap, wid)) {
                return LayerOps.groupedDot(this, d, ch, tap, wid, wm, c, pp, k, cm);
            }
            int[] im2col = new int[pp * k];
            Arrays.fill(im2col, -2);
            int[] setCount = new int[pp];
            int in = -1;
            long[] bias = new long[n];
            Src[] b = d.biases();
            int[] active = new int[n];
            for (int o = 0; o < n; o++) {
                int q = cm ? o % pp : o / c;
                long acc = b == null ? 0 : paramValue(d, b[o]);
                for (int kk = 0; kk < xs[o].length; kk++) {
                    Src x = xs[o][kk];
                    if (x.isConstant()) {
                        acc = Math.addExact(acc, Math.multiplyExact(x.value(), paramValue(d, ws[o][kk])));
                        continue;
                    }
                    if (m.isParam(x.tensor())) {
                        throw unsupported(d, "a dot product whose both operands are parameters");
                    }
                    int a = p.alias[x.tensor()];
                    if (in >= 0 && a != in) {
                        throw unsupported(d, "a dot product over more than one input tensor");
                    }
                    in = a;
                    int at = q * k + tap[wid[o][kk]];
                    if (im2col[at] == -2) {
                        im2col[at] = x.index();
                        setCount[q]++;
                    } else if (im2col[at] != x.index()) {
                        throw unsupported(d, "a dot product whose input at a tap depends on the channel "
                                + "(not a convolution or a matrix product with a parameter matrix)");
                    }
                    active[o]++;
                }
                bias[o] = Goldilocks.fromSigned(acc);
            }
            for (int o = 0; o < n; o++) {
                int q = cm ? o % pp : o / c;
                if (active[o] != setCount[q]) {
                    throw unsupported(d, "a dot product whose outputs at one position read different taps");
                }
            }
            for (int i = 0; i < im2col.length; i++) {
                if (im2col[i] == -2) {
                    im2col[i] = -1;
                }
            }
            if (in < 0) {
                throw unsupported(d, "a dot product with no activation input");
            }
            layoutOf(d, in);
            Layout out = new Layout(n, cm ? pp : c);
            p.layouts[d.out()] = out;
            p.weightMatrices.add(wm);
            return new DotOp(d.layer(), d.op(), d.out(), in, c, pp, k, cm, im2col, out.fieldTable(bias),
                    p.weightMatrices.size() - 1);
        }

        /** Whether the input read at some (position, tap) differs between channels (depthwise, grouped convolution). */
        private boolean channelDependent(Steps.Dot d, Src[][] xs, boolean cm, int pp, int c, int k, int[] tap, int[][] wid) {
            int[] at = new int[pp * k];
            Arrays.fill(at, -2);
            for (int o = 0; o < xs.length; o++) {
                int q = cm ? o % pp : o / c;
                for (int kk = 0; kk < xs[o].length; kk++) {
                    Src x = xs[o][kk];
                    if (x.isConstant() || m.isParam(x.tensor())) {
                        continue;
                    }
                    int i = q * k + tap[wid[o][kk]];
                    if (at[i] == -2) {
                        at[i] = x.index();
                    } else if (at[i] != x.index()) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static int find(int[] parent, int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        /** Sum windows (rows of several sources) or a moving wire (single sources) as a sparse 0/1 map. */
        private Op map(Step s, Src[][] windows, Src[] singles) {
            int n = singles != null ? singles.length : windows.length;
            int[] start = new int[n + 1];
            List<Integer> cols = new ArrayList<>();
            long[] bias = new long[n];
            int in = -1;
            for (int o = 0; o < n; o++) {
                Src[] row = singles != null ? new Src[] {singles[o]} : windows[o];
                long acc = 0;
                for (Src x : row) {
                    if (x.isConstant()) {
                        acc = Math.addExact(acc, x.value());
                        continue;
                    }
                    int a = p.alias[x.tensor()];
                    if (m.isParam(x.tensor())) {
                        acc = Math.addExact(acc, m.param(x.tensor())[x.index()]);
                        continue;
                    }
                    if (in >= 0 && a != in) {
                        return LayerOps.concat(this, s, windows, singles);
                    }
                    in = a;
                    cols.add(x.index());
                }
                bias[o] = Goldilocks.fromSigned(acc);
                start[o + 1] = cols.size();
            }
            if (in < 0) {
                throw unsupported(s, "a step with no activation input (constant folding left it)");
            }
            layoutOf(s, in);
            p.layouts[s.out()] = Layout.identity(n);
            return new MapOp(s.layer(), s.op(), s.out(), in, start, cols.stream().mapToInt(Integer::intValue).toArray(),
                    Layout.identity(n).fieldTable(bias));
        }

        /** The activation tensor a side of a Linear step reads element-wise (-1: none); constants go to gamma. */
        private int side(Steps.Linear s, Src[] xs, long[] coef, long[] eff, long[] gamma) {
            if (xs == null) {
                return -1;
            }
            int t = -1;
            for (int i = 0; i < xs.length; i++) {
                Src x = xs[i];
                if (x.isConstant() || m.isParam(x.tensor())) {
                    long v = x.isConstant() ? x.value() : m.param(x.tensor())[x.index()];
                    gamma[i] = Math.addExact(gamma[i], Math.multiplyExact(coef[i], v));
                    continue;
                }
                int a = p.alias[x.tensor()];
                if ((t >= 0 && a != t) || x.index() != i || m.size(x.tensor()) != xs.length) {
                    throw unsupported(s, "an element-wise step that broadcasts or moves an activation");
                }
                t = a;
                eff[i] = coef[i];
            }
            return t;
        }

        private LinearOp linear(Steps.Linear s) {
            int n = s.size();
            long[] alpha = s.alphas();
            long[] beta = s.betas();
            long[] gamma = s.gammas().clone();
            long[] ea = new long[n];
            long[] eb = new long[n];
            int a = side(s, s.lefts(), alpha, ea, gamma);
            int b = side(s, s.rights(), beta, eb, gamma);
            if (a < 0 && b < 0) {
                throw unsupported(s, "an element-wise step with no activation input");
            }
            Layout l = a >= 0 ? layoutOf(s, a) : layoutOf(s, b);
            if (a >= 0 && b >= 0 && !layoutOf(s, a).equals(layoutOf(s, b))) {
                throw unsupported(s, "an element-wise sum of two tensors laid out differently");
            }
            p.layouts[s.out()] = l;
            return new LinearOp(s.layer(), s.op(), s.out(), a, b, l.table(ea), l.table(eb), l.table(gamma));
        }
    }

    // ---------------------------------------------------------------------------------------- roles and W layout

    /** Tensors each op reads, one entry per read (a Linear step reading one tensor twice reads it twice). */
    static int[] reads(Op op) {
        if (op instanceof DotOp d) {
            return new int[] {d.in()};
        } else if (op instanceof MapOp mp) {
            return new int[] {mp.in()};
        } else if (op instanceof LinearOp l) {
            return l.a() >= 0 && l.b() >= 0 ? new int[] {l.a(), l.b()} : new int[] {Math.max(l.a(), l.b())};
        } else if (op instanceof DivOp dv) {
            return new int[] {dv.in()};
        } else if (op instanceof LayerOp lo) {
            return lo.reads();
        }
        return new int[] {((ReluOp) op).in()};
    }

    /**
     * Roles: the outputs are public; every other tensor a step computes, and the input, is committed in W (private).
     * Zero knowledge needs no virtual tensor: every step starts from fresh challenges and sends no value of a private
     * tensor, so a dot product's output is committed rather than handed on as a claim (docs/sumcheck-zk.md).
     */
    private void assignRoles() {
        roles = new Role[tensorCount];
        tensorSeg = new int[tensorCount];
        Arrays.fill(tensorSeg, -1);
        Set<Integer> pub = new HashSet<>();
        for (int t : outputs) {
            pub.add(t);
        }
        List<Integer> computed = new ArrayList<>();
        for (int t : inputs) {
            computed.add(t);
        }
        for (Op op : ops) {
            computed.add(op.out());
        }
        for (int t : computed) {
            if (roles[t] != null) {
                continue;
            }
            if (pub.contains(t)) {
                roles[t] = Role.PUBLIC;
            } else {
                roles[t] = Role.COMMITTED;
                segments.add(new Segment("t" + t, layouts[t].logSize()));
                tensorSeg[t] = segments.size() - 1;
            }
        }
    }

    /** Multiplicities, then packs the lookup columns and places the segments (largest first: aligned offsets). */
    /**
     * The quotient range checks of the divisions by constants, after every step is known (in step order, the same on
     * the builder's and the key reader's side, so segment indices agree). A division whose every reader is a ReLU
     * with limbs * B + 1 + bitlen(d) &lt;= 62, or a function table whose domain [lo, lo + T) lies in (-2^k, 2^k) with
     * k + 1 + bitlen(d) &lt;= 62, needs none: the reader bounds |y| &lt; 2^k (k = limbs B for a ReLU), so a cheating y'
     * is within 2^(k + 1) &lt;= 2^(63 - bitlen(d)) - 1 &lt; p/d - 1 of y, which no other remainder can reach. Any
     * other division decomposes y + off, and needs log2(off) + 1 + bitlen(d) &lt;= 62 for the same reason; when y is a
     * public output the verifier checks -off &lt;= y &lt; off on the stated values instead (no limbs).
     *
     * @param r null on the builder's side (decides); the key's reader on the verifier's side (checks the key's choice)
     */
    void quotientChecks(ByteReader r) throws Malformed {
        for (int i = 0; i < ops.size(); i++) {
            if (!(ops.get(i) instanceof DivOp dv)) {
                continue;
            }
            int dBits = 64 - Long.numberOfLeadingZeros(dv.d());
            boolean covered = reluCovered(dv, dBits);
            long off = dv.off();
            if (r == null) {
                off = covered ? 0 : off;
            } else if (off == 0 && !covered) {
                throw r.malformed("division " + dv.layer() + " has no quotient range check");
            }
            if (off == 0) {
                ops.set(i, new DivOp(dv.layer(), dv.kind(), dv.out(), dv.in(), dv.d(), dv.remSeg()));
                continue;
            }
            int logOff = Long.numberOfTrailingZeros(off);
            if (logOff + 1 + dBits > 62) {
                if (r != null) {
                    throw r.malformed("division " + dv.layer() + ": quotient bound " + off);
                }
                throw new UnsupportedOperationException("the sumcheck backend cannot prove layer " + dv.layer() + " ("
                        + dv.kind() + "): a quotient bounded by " + off + " after a division by " + dv.d()
                        + " is too large to range-check soundly; prove this model with --backend plonkish");
            }
            if (isOutput(dv.out())) { // public: the verifier checks -off <= y < off on the stated values
                ops.set(i, new DivOp(dv.layer(), dv.kind(), dv.out(), dv.in(), dv.d(), dv.remSeg(), off, new int[0]));
                continue;
            }
            int[] yl = VarDivOp.quotientLimbs(this, "dq" + dv.out(), layouts[dv.out()].logSize(), off);
            ops.set(i, new DivOp(dv.layer(), dv.kind(), dv.out(), dv.in(), dv.d(), dv.remSeg(), off, yl));
        }
    }

    private boolean isOutput(int t) {
        for (int o : outputs) {
            if (o == t) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bits k with which {@code op}, reading tensor y, bounds every value of y it accepts to |y| &lt; 2^k, or 64
     * (no bound) when it is not a bounding reader: a ReLU bounds |y| &lt; 2^(limbs B) by its limbs, a function table
     * ({@link TableOp}) bounds y to its domain [lo, lo + T) by the lookup (an input outside it has no table pair).
     */
    private int boundBits(Op op, int y) {
        if (op instanceof ReluOp rl && rl.in() == y) {
            return rl.limbSegs().length * limbBits;
        }
        if (op instanceof TableOp t && t.in() == y) {
            long far = Math.max(Math.abs(t.lo()), Math.abs(t.lo() + t.values().length - 1));
            return 64 - Long.numberOfLeadingZeros(far);
        }
        return 64;
    }

    /**
     * Whether y = dv's output is not public and is read only by ReLUs or function tables that bound it tightly enough
     * ({@link #boundBits}).
     */
    private boolean reluCovered(DivOp dv, int dBits) {
        if (isOutput(dv.out())) {
            return false;
        }
        for (Op op : ops) {
            for (int t : reads(op)) {
                if (t != dv.out()) {
                    continue;
                }
                if (boundBits(op, dv.out()) + 1 + dBits > 62) {
                    return false;
                }
            }
        }
        return true;
    }

    private void finish() {
        segments.add(new Segment("multiplicities", limbBits));
        multSeg = segments.size() - 1;
        List<LookupColumn> cols = new ArrayList<>(lookups);
        cols.sort((a, b) -> Integer.compare(b.logSize(), a.logSize()));
        lookups.clear();
        long area = 0;
        for (LookupColumn c : cols) {
            lookups.add(new LookupColumn(c.c0(), c.segs(), c.coefs(), c.logSize(), (int) area));
            area += 1L << c.logSize();
        }
        logLookupArea = Math.max(limbBits, Mle.logCeil(area));
        segments.add(new Segment("masks", Mle.logCeil(Math.max(2, SumcheckBackend.maskBudget(this)))));
        maskSeg = segments.size() - 1;
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
        placed.clear();
        placed.addAll(List.of(pl));
        logW = Mle.logCeil(off);
        if (logW > 28) {
            throw new UnsupportedOperationException("the sumcheck backend's witness would hold 2^" + logW + " values");
        }
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
                    area += Limbs.count(first.isConstant() ? 1 : bounds[first.tensor()], b) * size;
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

    /** The point in W's variables at which segment seg's MLE at z (its own variables) is read. */
    Fp2[] wPoint(int seg, Fp2[] z) {
        Placed pl = placed.get(seg);
        int a = pl.seg().logSize();
        if (z.length != a) {
            throw new IllegalArgumentException("point of " + z.length + " variables for a segment of 2^" + a);
        }
        Fp2[] w = new Fp2[logW];
        System.arraycopy(z, 0, w, 0, a);
        int hi = pl.offset() >>> a;
        for (int j = a; j < logW; j++) {
            w[j] = ((hi >>> (j - a)) & 1) == 1 ? Fp2.ONE : Fp2.ZERO;
        }
        return w;
    }

    /** W as a {@link Zk.Space}: every segment at its offset. */
    Zk.Space space() {
        int[] off = new int[placed.size()];
        int[] log = new int[placed.size()];
        for (int i = 0; i < off.length; i++) {
            off[i] = placed.get(i).offset();
            log[i] = placed.get(i).seg().logSize();
        }
        return new Zk.Space(logW, off, log);
    }

    /** W's mask pool over W's values (null on the verifier's side). */
    Zk.Pool pool(long[] w) {
        return new Zk.Pool("witness", placed.get(maskSeg).offset(), 1 << segments.get(maskSeg).logSize(), w);
    }

    /** Segments of 2^logSizes[i] values placed largest first at aligned offsets. */
    static Zk.Space place(int[] logSizes) {
        Integer[] order = new Integer[logSizes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(logSizes[b], logSizes[a]));
        int[] off = new int[logSizes.length];
        long at = 0;
        for (int i : order) {
            off[i] = (int) at;
            at += 1L << logSizes[i];
        }
        return new Zk.Space(Mle.logCeil(at), off, logSizes.clone());
    }

    Role role(int t) {
        return roles[alias[t]];
    }

    Layout layout(int t) {
        return layouts[alias[t]];
    }

    int size(int t) {
        return layouts[alias[t]].n();
    }

    int inputSize() {
        int n = 0;
        for (int t : inputs) {
            n += size(t);
        }
        return n;
    }

    int outputSize() {
        int n = 0;
        for (int t : outputs) {
            n += size(t);
        }
        return n;
    }

    /** How many weight matrices the key commits. */
    int weightCount() {
        int n = 0;
        for (Op op : ops) {
            if (op instanceof DotOp || op instanceof GroupedDotOp) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------- serialization

    void write(ByteWriter w) {
        w.u32(MAGIC).u32(VERSION).string(name).u32(tensorCount).u8(limbBits);
        for (int t = 0; t < tensorCount; t++) {
            w.u32(alias[t]);
            Layout l = layouts[t];
            if (l == null) {
                w.u8(0);
            } else {
                w.u8(1).u32(l.n()).u32(l.inner());
            }
        }
        ints(w, inputs);
        ints(w, outputs);
        // the segments the ops allocate, in order (tensor segments and multiplicities are re-derived)
        w.u32(ops.size());
        for (Op op : ops) {
            w.string(op.layer()).string(op.kind()).u32(op.out());
            if (op instanceof DotOp d) {
                w.u8(1).u32(d.in()).u32(d.c()).u32(d.p()).u32(d.k()).u8(d.channelMajor() ? 1 : 0).u32(d.weight());
                ints(w, d.im2col());
                TensorPcs.writeLongs(w, d.bias());
            } else if (op instanceof MapOp mp) {
                w.u8(2).u32(mp.in());
                ints(w, mp.rowStart());
                ints(w, mp.cols());
                TensorPcs.writeLongs(w, mp.bias());
            } else if (op instanceof LinearOp l) {
                w.u8(3).u32(l.a() + 1).u32(l.b() + 1);
                TensorPcs.writeLongs(w, l.alpha());
                TensorPcs.writeLongs(w, l.beta());
                TensorPcs.writeLongs(w, l.gamma());
            } else if (op instanceof DivOp dv) {
                w.u8(4).u32(dv.in()).u64(dv.d()).u64(dv.off());
            } else if (op instanceof ReluOp r) {
                w.u8(5).u32(r.in()).u8(r.limbSegs().length);
            } else if (op instanceof LayerOp lo) {
                w.u8(lo.tag());
                lo.write(w);
            }
        }
    }

    /** Reads a plan written by {@link #write}, re-deriving segments, lookups and placement as the builder does. */
    static Plan read(ByteReader r) throws Malformed {
        r.section("sumcheck plan");
        if (r.u32() != MAGIC) {
            throw r.malformed("not a sumcheck verifying key (bad plan magic)");
        }
        int v = r.u32();
        if (v != VERSION) {
            throw r.malformed("plan version " + v + ", this verifier reads " + VERSION);
        }
        Plan p = new Plan();
        p.name = r.string();
        p.tensorCount = r.u32();
        if (p.tensorCount < 1 || p.tensorCount > (1 << 24)) {
            throw r.malformed(p.tensorCount + " tensors");
        }
        p.limbBits = r.u8();
        if (p.limbBits < 1 || p.limbBits > MAX_LIMB_BITS) {
            throw r.malformed("limb bits " + p.limbBits);
        }
        p.alias = new int[p.tensorCount];
        p.layouts = new Layout[p.tensorCount];
        for (int t = 0; t < p.tensorCount; t++) {
            p.alias[t] = tensor(r, p.tensorCount, r.u32());
            if (r.u8() == 1) {
                int n = r.u32();
                int inner = r.u32();
                if (n < 1 || inner < 1 || n > (1 << 26) || inner > n) {
                    throw r.malformed("layout of " + n + " values, inner " + inner);
                }
                p.layouts[t] = new Layout(n, inner);
                if (p.layouts[t].logSize() > 26) {
                    throw r.malformed("layout of 2^" + p.layouts[t].logSize());
                }
            }
        }
        p.inputs = readInts(r, p.tensorCount);
        p.outputs = readInts(r, p.tensorCount);
        int nops = r.u32();
        if (nops < 0 || nops > (1 << 20)) {
            throw r.malformed(nops + " steps");
        }
        for (int i = 0; i < nops; i++) {
            String layer = r.string();
            String kind = r.string();
            int out = tensor(r, p.tensorCount, r.u32());
            int tag = r.u8();
            Op op;
            switch (tag) {
                case 1 -> {
                    int in = tensor(r, p.tensorCount, r.u32());
                    int c = r.u32();
                    int pp = r.u32();
                    int k = r.u32();
                    boolean cm = r.u8() == 1;
                    int weight = r.u32();
                    int[] im2col = readInts(r, Integer.MAX_VALUE);
                    long[] bias = TensorPcs.readLongs(r);
                    if (c < 1 || pp < 1 || k < 1 || (long) pp * k != im2col.length || Mle.logCeil(c) + Mle.logCeil(k) > 26) {
                        throw r.malformed("dot product shape");
                    }
                    op = new DotOp(layer, kind, out, in, c, pp, k, cm, im2col, bias, weight);
                }
                case 2 -> {
                    int in = tensor(r, p.tensorCount, r.u32());
                    op = new MapOp(layer, kind, out, in, readInts(r, Integer.MAX_VALUE), readInts(r, Integer.MAX_VALUE),
                            TensorPcs.readLongs(r));
                }
                case 3 -> {
                    int a = r.u32() - 1;
                    int b = r.u32() - 1;
                    if (a >= p.tensorCount || b >= p.tensorCount || a < -1 || b < -1 || (a < 0 && b < 0)) {
                        throw r.malformed("element-wise step inputs");
                    }
                    op = new LinearOp(layer, kind, out, a, b, TensorPcs.readLongs(r), TensorPcs.readLongs(r), TensorPcs.readLongs(r));
                }
                case 4 -> {
                    int in = tensor(r, p.tensorCount, r.u32());
                    long d = r.u64();
                    if (d < 1 || d > (1L << p.limbBits)) {
                        throw r.malformed("divisor " + d);
                    }
                    Layout l = p.layouts[in];
                    if (l == null) {
                        throw r.malformed("division of a tensor with no layout");
                    }
                    int rem = p.segments.size();
                    p.segments.add(new Segment("rem" + out, l.logSize()));
                    p.lookups.add(new LookupColumn(0, new int[] {rem}, new long[] {1}, l.logSize(), -1));
                    p.lookups.add(new LookupColumn((1L << p.limbBits) - d, new int[] {rem}, new long[] {1}, l.logSize(), -1));
                    long off = r.u64();
                    if (off < 0 || off > (1L << 61) || (off != 0 && Long.bitCount(off) != 1)) {
                        throw r.malformed("quotient bound " + off);
                    }
                    op = new DivOp(layer, kind, out, in, d, rem, off, new int[0]);
                }
                case 5 -> {
                    int in = tensor(r, p.tensorCount, r.u32());
                    int nl = r.u8();
                    Layout l = p.layouts[in];
                    if (l == null || nl < 1 || nl * p.limbBits > 62) {
                        throw r.malformed("ReLU limbs");
                    }
                    int sign = p.segments.size();
                    p.segments.add(new Segment("sign" + out, l.logSize()));
                    int[] limbs = new int[nl];
                    for (int j = 0; j < nl; j++) {
                        limbs[j] = p.segments.size();
                        p.segments.add(new Segment("limb" + out + "_" + j, l.logSize()));
                        p.lookups.add(new LookupColumn(0, new int[] {limbs[j]}, new long[] {1}, l.logSize(), -1));
                    }
                    op = new ReluOp(layer, kind, out, in, sign, limbs);
                }
                default -> op = LayerOps.read(tag, r, p, layer, kind, out);
            }
            p.ops.add(op);
        }
        p.validate(r);
        p.quotientChecks(r);
        p.assignRoles();
        p.finish();
        return p;
    }

    /** Structural checks of a plan read from bytes, so that proving and verifying never index out of range. */
    private void validate(ByteReader r) throws Malformed {
        int weights = 0;
        for (Op op : ops) {
            Layout lo = layouts[op.out()];
            if (lo == null || alias[op.out()] != op.out()) {
                throw r.malformed("step " + op.layer() + " writes a tensor with no layout");
            }
            for (int t : reads(op)) {
                if (layouts[t] == null || alias[t] != t) {
                    throw r.malformed("step " + op.layer() + " reads a tensor with no layout");
                }
            }
            int size = 1 << lo.logSize();
            if (op instanceof LayerOp x) {
                x.validate(this);
                if (x instanceof GroupedDotOp g && g.weight() != weights++) {
                    throw r.malformed("grouped dot product " + g.layer());
                }
            } else if (op instanceof DotOp d) {
                if (d.weight() != weights++ || d.bias().length != size
                        || lo.logSize() != d.logC() + d.logP() || !lo.equals(new Layout(d.c() * d.p(), d.channelMajor() ? d.p() : d.c()))) {
                    throw r.malformed("dot product " + d.layer());
                }
                int n = layouts[d.in()].n();
                for (int x : d.im2col()) {
                    if (x < -1 || x >= n) {
                        throw r.malformed("dot product " + d.layer() + " reads outside its input");
                    }
                }
            } else if (op instanceof MapOp mp) {
                int n = layouts[mp.in()].n();
                int[] st = mp.rowStart();
                if (st.length != lo.n() + 1 || st[0] != 0 || st[st.length - 1] != mp.cols().length || mp.bias().length != size
                        || !lo.equals(Layout.identity(lo.n()))) {
                    throw r.malformed("map " + mp.layer());
                }
                for (int i = 1; i < st.length; i++) {
                    if (st[i] < st[i - 1]) {
                        throw r.malformed("map " + mp.layer());
                    }
                }
                for (int x : mp.cols()) {
                    if (x < 0 || x >= n) {
                        throw r.malformed("map " + mp.layer() + " reads outside its input");
                    }
                }
            } else if (op instanceof LinearOp l) {
                if (l.alpha().length != size || l.beta().length != size || l.gamma().length != size
                        || (l.a() >= 0 && !layouts[l.a()].equals(lo)) || (l.b() >= 0 && !layouts[l.b()].equals(lo))) {
                    throw r.malformed("element-wise step " + l.layer());
                }
            } else if (!lo.equals(layouts[reads(op)[0]])) {
                throw r.malformed("element-wise step " + op.layer() + " changes its layout");
            }
        }
        for (int t : inputs) {
            if (layouts[t] == null || !layouts[t].equals(Layout.identity(layouts[t].n()))) {
                throw r.malformed("input tensor layout");
            }
        }
        for (int t : outputs) {
            if (layouts[t] == null) {
                throw r.malformed("output tensor layout");
            }
        }
    }

    private static int tensor(ByteReader r, int count, int t) throws Malformed {
        if (t < 0 || t >= count) {
            throw r.malformed("tensor " + t + " of " + count);
        }
        return t;
    }

    static void ints(ByteWriter w, int[] v) {
        w.u32(v.length);
        for (int x : v) {
            w.u32(x);
        }
    }

    static int[] readInts(ByteReader r, int bound) throws Malformed {
        int n = r.u32();
        if (n < 0 || n > (1 << 26)) {
            throw r.malformed("list of " + n + " integers");
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.u32();
            if (bound != Integer.MAX_VALUE && (v[i] < 0 || v[i] >= bound)) {
                throw r.malformed("tensor " + v[i]);
            }
        }
        return v;
    }
}
