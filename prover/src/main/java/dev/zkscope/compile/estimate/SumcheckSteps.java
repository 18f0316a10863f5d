package dev.zkscope.compile.estimate;

import dev.zkscope.compile.gadget.Limbs;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.SrcWindows;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.StepOperands;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.compile.model.TableSpec;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.zkscope.compile.estimate.Estimates.pad;
import static dev.zkscope.compile.estimate.Estimates.term;

/**
 * The sumcheck column priced from a layer's steps rather than only its summed work: the ops the sumcheck backend
 * proves with their own argument are priced from their shape (the prover's loop sizes, docs/estimates.md), and a
 * division by a constant gets the quotient limbs the backend's plan adds when its readers do not bound the quotient
 * (the rule of {@code dev.zkscope.sumcheck.Plan#quotientChecks}, applied to the layer IR). Everything else is the
 * layer's summed work through {@link Estimates#sumcheck(Step.Work, EstimateParams)}.
 */
final class SumcheckSteps {
    private SumcheckSteps() {}

    /** Per layer, in step order. */
    static Map<String, Estimates.Sumcheck> byLayer(QModel m, EstimateParams p) {
        long[] bounds = m.bounds();
        List<Step> steps = m.steps();
        Map<Integer, List<Step>> readers = new HashMap<>();
        for (Step s : steps) {
            BitSet r = StepOperands.reads(s);
            for (int t = r.nextSetBit(0); t >= 0; t = r.nextSetBit(t + 1)) {
                readers.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
        }
        Set<Integer> outputs = new HashSet<>(m.outputTensors());
        Map<String, Estimates.Sumcheck> out = new LinkedHashMap<>();
        Map<Integer, Long> lay = new HashMap<>(); // each tensor's padded layout in the backend's plan
        for (Step s : steps) {
            String l = s.layer();
            out.putIfAbsent(l, zero());
            Step.Work w = s.work(m, bounds);
            long in = inputLayout(s, m, lay);
            Estimates.Sumcheck priced;
            long own = pad(s.size());
            if (s instanceof Steps.MaxReduce mr) {
                priced = maxPool(mr, m, bounds, p);
            } else if (s instanceof Steps.Dot d && activationWeights(d, m)) {
                priced = actDot(d, m, w);
            } else if (s instanceof Steps.Mul mu) {
                long n = in > 0 ? in : own;
                priced = product(n).plus(side(mu.lefts(), n, m)).plus(side(mu.rights(), n, m));
                own = n;
            } else if (s instanceof Steps.VarDiv vd) {
                priced = varDiv(vd, m, bounds, p);
            } else if (s instanceof Steps.Wire wi) {
                int t = m.identitySource(wi.sources());
                priced = t >= 0 ? zero() : wire(wi);
                own = t >= 0 ? lay.getOrDefault(t, own) : own;
            } else if (s instanceof Steps.Linear lin) {
                // the element-wise identity over its input's layout; a broadcast or moved side adds its gather
                long n = in > 0 ? in : own;
                priced = Estimates.sumcheck(w, p, n).plus(side(lin.lefts(), n, m)).plus(side(lin.rights(), n, m));
                own = n;
            } else if (s instanceof Steps.Dot || s instanceof Steps.Sum) {
                priced = Estimates.sumcheck(w, p);
                long y = Estimates.layout(w);
                own = y > 0 ? y : own;
            } else {
                long n = in > 0 ? in : own;
                priced = Estimates.sumcheck(w, p, n);
                own = n;
                if (s instanceof Steps.Div dv && !outputs.contains(dv.out())
                        && !covered(dv, readers.getOrDefault(dv.out(), List.of()), bounds, p, readers, outputs, m)) {
                    priced = priced.plus(quotientLimbs(n, bounds[dv.out()], p.gkrRangeBits()));
                }
            }
            lay.put(s.out(), own);
            out.put(l, out.get(l).plus(priced));
        }
        return out;
    }

    /** The layout of an element-wise step's input read whole and in order (the backend keeps it), or 0. */
    private static long inputLayout(Step s, QModel m, Map<Integer, Long> lay) {
        Src[] src = null;
        if (s instanceof Steps.Div d) {
            src = d.inputs();
        } else if (s instanceof Steps.Compare c) {
            src = c.left();
        } else if (s instanceof Steps.Lookup lk) {
            src = lk.inputs();
        } else if (s instanceof Steps.Linear lin) {
            int a = m.identitySource(lin.lefts());
            return a >= 0 ? lay.getOrDefault(a, 0L) : lin.rights() == null ? 0
                    : lay.getOrDefault(m.identitySource(lin.rights()), 0L);
        } else if (s instanceof Steps.Mul mu) {
            int a = m.identitySource(mu.lefts());
            return a >= 0 ? lay.getOrDefault(a, 0L) : lay.getOrDefault(m.identitySource(mu.rights()), 0L);
        }
        if (src == null) {
            return 0;
        }
        int t = m.identitySource(src);
        return t >= 0 ? lay.getOrDefault(t, 0L) : 0;
    }

    static Estimates.Sumcheck zero() {
        return new Estimates.Sumcheck(0, 0, 0, 0, 0);
    }

    /** Bits of |v| (0 for 0). */
    private static int bitLength(long v) {
        return 64 - Long.numberOfLeadingZeros(Math.abs(v));
    }

    /**
     * Whether every reader of the quotient bounds it below p/d: a ReLU by its limbs (limbs B + 1 + bitlen(d) &lt;= 62),
     * a function table by its domain (bitlen(max |lo|, |hi|) + 1 + bitlen(d) &lt;= 62); docs/sumcheck-backend.md.
     */
    private static boolean covered(Steps.Div dv, List<Step> readers, long[] bounds, EstimateParams p,
                                   Map<Integer, List<Step>> all, Set<Integer> outputs, QModel m) {
        int dBits = bitLength(dv.divisor());
        for (Step r : readers) {
            int k;
            if (r instanceof Steps.Wire w && m.identitySource(w.sources()) >= 0) {
                // an identity wire is an alias in the backend's plan: its readers read the quotient
                if (outputs.contains(w.out()) || !covered(dv, all.getOrDefault(w.out(), List.of()), bounds, p, all,
                        outputs, m)) {
                    return false;
                }
                continue;
            } else if (r instanceof Steps.Compare c && c.isRelu()) {
                k = Limbs.count(bounds[dv.out()], p.gkrRangeBits()) * p.gkrRangeBits();
            } else if (r instanceof Steps.Lookup lk) {
                TableSpec t = lk.table();
                k = Math.max(bitLength(t.lo()), bitLength(t.hi()));
            } else {
                return false;
            }
            if (k + 1 + dBits > 62) {
                return false;
            }
        }
        return true;
    }

    /**
     * A constant division's quotient range check over n values: y + off in B-bit limbs (off = 2^ceil(log2 of y's
     * bound)), the top limb also looked up shifted when it holds fewer than B bits. No sumcheck (the claim
     * y~(r) + off ind~(r) - sum 2^(B j) l_j~(r) = 0 reuses the division's point and its indicator value): the limbs
     * are committed and looked up, and their claim terms join the batched opening.
     */
    static Estimates.Sumcheck quotientLimbs(long n, long bound, int b) {
        long off = Long.highestOneBit(Math.max(1, bound)) << 1;
        int k = Long.numberOfTrailingZeros(off) + 1;
        int yl = (k + b - 1) / b;
        int capped = k - b * (yl - 1) < b ? 1 : 0;
        long cols = yl + capped;
        long shared = (1 + yl) * term(n) + cols * term(n); // y and the limbs at r; each lookup column
        return new Estimates.Sumcheck(0, shared, yl * n, cols * n, 1 + yl + cols);
    }

    /**
     * A window maximum (MaxPool, GlobalMaxPool, ReduceMax) on a grid of N = pad(O) pad(K) taps: eq(tau), the
     * degree-5 zero-check of 15 + 5 L products over 6 + L tables ((N - 1)(96 + 31 L)), the indicator at rho, eq(tau_o)
     * twice (the broadcast table and the claimed sum), then the window gather at a fresh r: eq(r), the padding
     * constants at r, the stacked sumcheck over S = 2 max(N, X) (6 (S - 1)) and the gather coefficients at its point
     * (eq over X); L = limbs of 2 max(|x|, |c|).
     */
    static Estimates.Sumcheck maxPool(Steps.MaxReduce mr, QModel m, long[] bounds, EstimateParams p) {
        SrcWindows w = mr.windowSrcs();
        int o = w.size();
        int k = 0;
        int in = -1;
        long cmax = 0;
        for (int i = 0; i < o; i++) {
            k = Math.max(k, w.count(i));
            for (int j = 0; j < w.count(i); j++) {
                Src s = w.get(i, j);
                if (s.isConstant()) {
                    cmax = Math.max(cmax, Math.abs(s.value()));
                } else {
                    in = s.tensor();
                }
            }
        }
        long xb = in >= 0 ? bounds[in] : 0;
        int nl = Limbs.count(2 * Math.max(xb, cmax), p.gkrRangeBits());
        long po = pad(o);
        long n = po * pad(k);
        long x = pad(in >= 0 ? m.size(in) : 1);
        long st = 2 * Math.max(n, x);
        long proving = (n - 1) * (100 + 31L * nl) + 2 * (po - 1) + 6 * (st - 1) + x - 1;
        int lg = Long.numberOfTrailingZeros(n);
        int ls = Long.numberOfTrailingZeros(st);
        long committed = (2 + nl) * n + po + 2L * lg * (9 + nl) + 10L * ls; // S, Xcol, limbs, y, mask slots
        long shared = (3 + 2L * nl) * term(n) + term(po) + term(x); // S, Xcol twice, limbs, lookups; y; x
        return new Estimates.Sumcheck(proving, proving + shared, committed, nl * n, 5 + 2L * nl);
    }

    /** Whether a Dot's weight side reads an activation (the backend's product of two activations). */
    static boolean activationWeights(Steps.Dot d, QModel m) {
        BitSet ts = new BitSet();
        d.wOperand().readTensors(ts);
        for (int t = ts.nextSetBit(0); t >= 0; t = ts.nextSetBit(t + 1)) {
            if (!m.isParam(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A product of two activations y = a b element-wise, both read in order: eq(tau) and the degree-5 zero-check
     * eq (y - a b) (4 products over 4 tables): 29 (n - 1). y committed, its mask slots; claim terms y, a, b.
     */
    static Estimates.Sumcheck product(long n) {
        long proving = 29 * (n - 1);
        int lg = Long.numberOfTrailingZeros(n);
        return new Estimates.Sumcheck(proving, proving + 3 * term(n), n + 18L * lg, 0, 3);
    }

    /**
     * A wire that moves elements out of order (Transpose, Slice, a reshaping gather): the backend's gather of O outputs
     * from I moved elements, priced as a window sum ({@link Estimates#gather}).
     */
    static Estimates.Sumcheck wire(Steps.Wire w) {
        Src[] src = w.sources();
        long terms = 0;
        for (Src s : src) {
            terms += s.isConstant() ? 0 : 1;
        }
        return Estimates.gather(src.length, terms);
    }

    /**
     * The stacked identity proving a committed copy G of 2^g values is a gather of a tensor of X values: eq(r) over
     * G, the constants at r, the gather coefficients at the sumcheck's point (eq over X) and the stacked sumcheck over
     * S = 2 max(G, X) (degree 3, 1 product, 2 tables: 6 (S - 1)).
     */
    static long gatherSide(long g, long x) {
        long st = 2 * Math.max(g, x);
        return 2 * (g - 1) + x - 1 + 6 * (st - 1);
    }

    /**
     * A dot product of two activations (attention's Q K^T and its product with V) on a grid of N = pad(O) pad(K):
     * eq(r) and the bias at r over the outputs (2 (pad(O) - 1)), the degree-5 zero-check
     * eq(r, o) X W - eq(r, o) eq(0, k) Yb (4 products, 5 tables: 29 (N - 1)), and each operand grid's gather
     * ({@link #gatherSide}). X, W committed (and y); claim terms X, W, y and each gather's two.
     */
    static Estimates.Sumcheck actDot(Steps.Dot d, QModel m, Step.Work w) {
        long o = Math.max(1, w.outputs());
        long k = Math.max(1, Estimates.ceilDiv(w.macs(), o));
        long po = pad(o);
        long n = po * pad(k);
        long xa = pad(operandTensorSize(d.xOperand(), m));
        long wa = pad(operandTensorSize(d.wOperand(), m));
        long proving = 2 * (po - 1) + 29 * (n - 1) + gatherSide(n, xa) + gatherSide(n, wa);
        int lg = Long.numberOfTrailingZeros(n);
        int lx = Long.numberOfTrailingZeros(2 * Math.max(n, xa));
        int lw = Long.numberOfTrailingZeros(2 * Math.max(n, wa));
        long committed = 2 * n + po + 18L * lg + 10L * (lx + lw);
        long shared = 4 * term(n) + term(po) + term(xa) + term(wa);
        return new Estimates.Sumcheck(proving, proving + shared, committed, 0, 7);
    }

    /** The size of the activation an operand reads (1 if it reads none). */
    private static long operandTensorSize(Steps.Dot.Operand op, QModel m) {
        BitSet ts = new BitSet();
        op.readTensors(ts);
        for (int t = ts.nextSetBit(0); t >= 0; t = ts.nextSetBit(t + 1)) {
            if (!m.isParam(t)) {
                return m.size(t);
            }
        }
        return 1;
    }

    /**
     * One side of an element-wise step (ElementOp): nothing when it is a tensor read whole and in order or has no
     * activation, else a gathered copy of n values committed and proved by {@link #gatherSide}.
     */
    static Estimates.Sumcheck side(Src[] srcs, long n, QModel m) {
        if (srcs == null || m.identitySource(srcs) >= 0) {
            return zero();
        }
        int t = -1;
        for (Src x : srcs) {
            if (!x.isConstant() && !m.isParam(x.tensor())) {
                t = x.tensor();
                break;
            }
        }
        if (t < 0) {
            return zero();
        }
        long x = pad(m.size(t));
        long proving = gatherSide(n, x);
        int ls = Long.numberOfTrailingZeros(2 * Math.max(n, x));
        return new Estimates.Sumcheck(proving, proving + term(n) + term(x), n + 10L * ls, 0, 2);
    }

    private static long bound(Src[] xs, QModel m, long[] bounds) {
        long b = 0;
        for (Src x : xs) {
            long v;
            if (x.isConstant()) {
                v = Math.abs(x.value());
            } else if (m.isParam(x.tensor())) {
                v = Math.abs(m.param(x.tensor())[x.index()]);
            } else {
                v = bounds[x.tensor()];
            }
            b = Math.max(b, v);
        }
        return b;
    }

    /**
     * Division by a run-time value (VarDivOp, Softmax's normalisation) over n values with R = limbs of the divisor's
     * bound (for rem and for den - 1 - rem) and Y = limbs of y + off: eq(tau), the degree-5 zero-check of
     * 16 + 4 R + 2 Y products over 6 + 2 R + Y tables ((n - 1)(102 + 26 R + 13 Y)), the indicator at its point, and
     * the gathers of a broadcast numerator or divisor ({@link #side}).
     */
    static Estimates.Sumcheck varDiv(Steps.VarDiv vd, QModel m, long[] bounds, EstimateParams p) {
        int b = p.gkrRangeBits();
        long n = pad(vd.size());
        int nr = Limbs.count(bound(vd.dens(), m, bounds), b);
        long off = Long.highestOneBit(Math.max(1, bounds[vd.out()])) << 1;
        int k = Long.numberOfTrailingZeros(off) + 1;
        int ny = (k + b - 1) / b;
        int capped = k - b * (ny - 1) < b ? 1 : 0;
        long proving = (n - 1) * (104 + 26L * nr + 13L * ny);
        int lg = Long.numberOfTrailingZeros(n);
        int nl = 2 * nr + ny;
        long cols = nl + capped;
        long committed = (2 + nl) * n + 12L * lg + 2L * lg * (5 + nl); // parity, y, limbs, mask slots
        long shared = (4 + nl + cols) * term(n); // parity, num, den, y, the limbs; each lookup column
        Estimates.Sumcheck own = new Estimates.Sumcheck(proving, proving + shared, committed, cols * n, 4 + nl + cols);
        return own.plus(side(vd.nums(), n, m)).plus(side(vd.dens(), n, m));
    }
}
