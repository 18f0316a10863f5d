package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.compile.model.TableSpec;
import dev.zkscope.field.Goldilocks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link LayerOp}s from the model's steps (the plan builder's side) and reads them back from a key. */
final class LayerOps {
    private LayerOps() {}

    static LayerOp read(int tag, ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        return switch (tag) {
            case ClampOp.TAG -> ClampOp.read(r, p, layer, kind, out);
            case ConcatOp.TAG -> ConcatOp.read(r, p, layer, kind, out);
            case MaxOp.TAG -> MaxOp.read(r, p, layer, kind, out);
            case ProductOp.TAG -> ProductOp.read(r, p, layer, kind, out);
            case TableOp.TAG -> TableOp.read(r, p, layer, kind, out);
            case GroupedDotOp.TAG -> GroupedDotOp.read(r, p, layer, kind, out);
            case ElementOp.TAG -> ElementOp.read(r, p, layer, kind, out);
            case VarDivOp.TAG -> VarDivOp.read(r, p, layer, kind, out);
            case ActDotOp.TAG -> ActDotOp.read(r, p, layer, kind, out);
            default -> throw r.malformed("step tag " + tag);
        };
    }

    private static long constValue(Plan.Builder b, Step s, Src x) {
        if (x.isConstant()) {
            return x.value();
        }
        if (b.m.isParam(x.tensor())) {
            return b.m.param(x.tensor())[x.index()];
        }
        return Long.MIN_VALUE;
    }

    /** max(x, c) / min(x, c) with constants (Clip, ReLU6). */
    static ClampOp clamp(Plan.Builder b, Steps.Compare c) {
        Plan p = b.p;
        int x = b.singleIdentityInput(c, c.left());
        Src[] right = c.right();
        long[] consts = new long[right.length];
        long cmax = 0;
        for (int i = 0; i < right.length; i++) {
            long v = constValue(b, c, right[i]);
            if (v == Long.MIN_VALUE) {
                throw Plan.unsupported(c, "the maximum or minimum of two activations");
            }
            consts[i] = v;
            cmax = Math.max(cmax, Math.abs(v));
        }
        int nl = LayerKit.limbCount(p, Math.addExact(b.bounds[x], cmax), c);
        Plan.Layout l = b.layoutOf(c, x);
        p.layouts[c.out()] = l;
        return ClampOp.create(p, c.layer(), c.op(), c.out(), x, c.isMax(), consts, nl);
    }

    /** A running maximum over windows of one tensor (MaxPool, ReduceMax, Softmax's maximum). */
    static MaxOp max(Plan.Builder b, Steps.MaxReduce mr) {
        Plan p = b.p;
        Src[][] w = mr.windows();
        int o = w.length;
        int k = 0;
        for (Src[] row : w) {
            k = Math.max(k, row.length);
        }
        int[] src = new int[o * k];
        long[] consts = new long[o * k];
        java.util.Arrays.fill(src, MaxOp.ABSENT);
        int in = -1;
        long cmax = 0;
        for (int oo = 0; oo < o; oo++) {
            if (w[oo].length == 0) {
                throw Plan.unsupported(mr, "an empty window");
            }
            for (int kk = 0; kk < w[oo].length; kk++) {
                Src x = w[oo][kk];
                long v = constValue(b, mr, x);
                if (v != Long.MIN_VALUE) {
                    src[oo * k + kk] = MaxOp.CONST;
                    consts[oo * k + kk] = v;
                    cmax = Math.max(cmax, Math.abs(v));
                    continue;
                }
                int a = p.alias[x.tensor()];
                if (in >= 0 && a != in) {
                    throw Plan.unsupported(mr, "a maximum over more than one tensor");
                }
                in = a;
                src[oo * k + kk] = x.index();
            }
        }
        if (in < 0) {
            throw Plan.unsupported(mr, "a maximum with no activation input (constant folding left it)");
        }
        b.layoutOf(mr, in);
        if (Mle.logCeil(o) + Mle.logCeil(k) > 26) {
            throw Plan.unsupported(mr, "a window grid of 2^" + (Mle.logCeil(o) + Mle.logCeil(k)));
        }
        long bound = Math.multiplyExact(2, Math.max(b.bounds[in], cmax));
        int nl = LayerKit.limbCount(p, bound, mr);
        p.layouts[mr.out()] = Plan.Layout.identity(o);
        return MaxOp.create(p, mr.layer(), mr.op(), mr.out(), in, o, k, src, consts, nl);
    }

    /** A function table over its calibrated input range. */
    static TableOp table(Plan.Builder b, Steps.Lookup lk) {
        Plan p = b.p;
        int x = b.singleIdentityInput(lk, lk.inputs());
        TableSpec ts = lk.table();
        long size = ts.hi() - ts.lo() + 1;
        if (size > (1L << TableOp.MAX_LOG)) {
            throw Plan.unsupported(lk, "a function table of " + size + " entries (at most 2^" + TableOp.MAX_LOG + ")");
        }
        long[] values = new long[(int) size];
        for (int i = 0; i < values.length; i++) {
            values[i] = ts.f().applyAsLong(ts.lo() + i);
        }
        p.layouts[lk.out()] = b.layoutOf(lk, x);
        return TableOp.create(p, lk.layer(), lk.op(), lk.out(), x, ts.name(), ts.lo(), values);
    }

    /** An element-wise product of two activations. */
    static ProductOp product(Plan.Builder b, Steps.Mul mu) {
        Plan p = b.p;
        int a = b.m.identitySource(mu.lefts());
        int c = b.m.identitySource(mu.rights());
        if (a < 0 || c < 0) {
            throw Plan.unsupported(mu, "a product whose factors are not two whole activations in order (broadcast)");
        }
        a = p.alias[a];
        c = p.alias[c];
        Plan.Layout l = b.layoutOf(mu, a);
        if (!l.equals(b.layoutOf(mu, c))) {
            throw Plan.unsupported(mu, "a product of two tensors laid out differently");
        }
        p.layouts[mu.out()] = l;
        return new ProductOp(mu.layer(), mu.op(), mu.out(), a, c);
    }

    /** A gather whose elements come from several tensors (Concat), as one sparse map per tensor. */
    static ConcatOp concat(Plan.Builder b, Step s, Src[][] windows, Src[] singles) {
        Plan p = b.p;
        int n = singles != null ? singles.length : windows.length;
        Map<Integer, List<Integer>> cols = new LinkedHashMap<>();
        Map<Integer, int[]> starts = new LinkedHashMap<>();
        long[] bias = new long[n];
        List<Integer> order = new ArrayList<>();
        for (int o = 0; o < n; o++) {
            Src[] row = singles != null ? new Src[] {singles[o]} : windows[o];
            long acc = 0;
            for (Src x : row) {
                long v = constValue(b, s, x);
                if (v != Long.MIN_VALUE) {
                    acc = Math.addExact(acc, v);
                    continue;
                }
                int a = p.alias[x.tensor()];
                if (!cols.containsKey(a)) {
                    b.layoutOf(s, a);
                    cols.put(a, new ArrayList<>());
                    starts.put(a, new int[n + 1]);
                    order.add(a);
                }
                cols.get(a).add(x.index());
            }
            for (int t : order) {
                starts.get(t)[o + 1] = cols.get(t).size();
            }
            bias[o] = Goldilocks.fromSigned(acc);
        }
        int[] ins = new int[order.size()];
        int[][] st = new int[order.size()][];
        int[][] cs = new int[order.size()][];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = order.get(i);
            st[i] = starts.get(ins[i]);
            cs[i] = cols.get(ins[i]).stream().mapToInt(Integer::intValue).toArray();
        }
        p.layouts[s.out()] = Plan.Layout.identity(n);
        return new ConcatOp(s.layer(), s.op(), s.out(), ins, st, cs, Plan.Layout.identity(n).fieldTable(bias));
    }

    /** A convolution whose input at a tap depends on the channel (depthwise, grouped): see {@link GroupedDotOp}. */
    static GroupedDotOp groupedDot(Plan.Builder b, Steps.Dot d, int[] ch, int[] tap, int[][] wid, long[] wm, int c,
                                   int pp, int k, boolean cm) {
        Plan p = b.p;
        if (!cm) {
            throw Plan.unsupported(d, "a grouped dot product that is not channel-major in its output");
        }
        Src[][] xs = d.xs();
        Src[] bs = d.biases();
        int n = xs.length;
        if ((long) c * pp * k > (1L << 28)) {
            throw Plan.unsupported(d, "a grouped convolution of more than 2^28 (channel, position, tap) entries");
        }
        int[] im2col = new int[c * pp * k];
        java.util.Arrays.fill(im2col, -1);
        long[] bias = new long[n];
        int in = -1;
        Src[][] ws = d.ws();
        for (int o = 0; o < n; o++) {
            int q = o % pp;
            long acc = bs == null ? 0 : constValue(b, d, bs[o]);
            if (acc == Long.MIN_VALUE) {
                throw Plan.unsupported(d, "a bias that is an activation");
            }
            for (int kk = 0; kk < xs[o].length; kk++) {
                Src x = xs[o][kk];
                long v = constValue(b, d, x);
                if (v != Long.MIN_VALUE) {
                    long w = constValue(b, d, ws[o][kk]);
                    acc = Math.addExact(acc, Math.multiplyExact(v, w));
                    continue;
                }
                int a = p.alias[x.tensor()];
                if (in >= 0 && a != in) {
                    throw Plan.unsupported(d, "a dot product over more than one input tensor");
                }
                in = a;
                int at = (ch[o] * pp + q) * k + tap[wid[o][kk]];
                if (im2col[at] != -1) {
                    throw Plan.unsupported(d, "a grouped dot product that reads one weight twice for an output");
                }
                im2col[at] = x.index();
            }
            bias[o] = Goldilocks.fromSigned(acc);
        }
        if (in < 0) {
            throw Plan.unsupported(d, "a dot product with no activation input");
        }
        b.layoutOf(d, in);
        Plan.Layout out = new Plan.Layout(n, pp);
        p.layouts[d.out()] = out;
        p.weightMatrices.add(wm);
        return new GroupedDotOp(d.layer(), d.op(), d.out(), in, c, pp, k, im2col, out.fieldTable(bias),
                p.weightMatrices.size() - 1);
    }
}
