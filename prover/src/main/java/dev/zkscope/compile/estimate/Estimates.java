package dev.zkscope.compile.estimate;

import dev.zkscope.compile.LayerInfo;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer cost of the same layer IR under other arithmetizations, from each layer's {@link Step.Work}. These are
 * models, not measurements: leading-order counts under stated layouts, so that the comparison view shows where each
 * proof system pays. Notation per layer: M = MACs, V = products of two witness values (all MACs when weights are
 * private), L = linear outputs, P = element-wise products, C = comparisons of b_c-bit differences, D = constant
 * divisions range-checking b_d bits (remainder and quotient), Q = divisions by a witness value, K = lookups into a
 * table of T entries, S = summed terms, O = outputs.
 *
 * <h2>R1CS (circom / Groth16)</h2>
 * One constraint per product of two witness values; linear combinations are free (folded into the next constraint).
 * Checked against circom's counts for generated layers (bench/circom/run.sh, CircomResultsTest, docs/estimates.md).
 * <pre>
 *   dot products        V                      fixed weights: x*w is linear, 0
 *   element-wise        P                      Mul; Add/Sub/affine are linear, 0
 *   constant division   D * b_d                Num2Bits of remainder and shifted quotient: one booleanity per bit (the
 *                                              recompositions are linear: circom's default --O2 substitutes them away)
 *   comparison          C * (b_c + 2)          Num2Bits(b_c + 1) of the shifted difference, plus the select s*(a-b)+b
 *   witness division    Q * (3*(b_d + 1) + 1)  one product y*d and three decompositions (r, d-1-r, y)
 *   lookup              K + T                  a log-derivative lookup argument inside R1CS (see below)
 *   sums, wiring        0
 * </pre>
 * Lookups are priced as an R1CS prover that has a lookup argument pays them: gnark's log-derivative lookup
 * ({@code std/lookup/logderivlookup}, the Groth16 commitment extension supplying the challenge) and Jolt/Lasso-style
 * R1CS both charge about one constraint per query (its inverse 1/(r - x - s*y) times the difference is 1) and one per
 * table entry (its multiplicity over r - t_i), the table once per layer, not once per query. A multiplexer per query
 * (circom's plain Multiplexer: about T constraints for every query) is what a circuit without any lookup argument
 * pays; it made an embedding Gather of a 2-layer GPT decoder cost 26 G constraints, which no R1CS prover would do.
 *
 * <h2>halo2 under EZKL's layout</h2>
 * c = num_inner_cols products or element-wise results per row, comparisons and divisions decomposed into
 * {@code legs} limbs of base 2^baseBits (each limb a lookup), nonlinearities one lookup each.
 * <pre>
 *   dot products        O * ceil(M / (O * c))  each output accumulates c products per row
 *   element-wise        ceil((L + P) / c)
 *   sums                ceil(S / c)
 *   constant division   ceil(D * (legs + 2) / c)        quotient, remainder and the legs of the remainder
 *   comparison          ceil(C * (legs + 2) / c)        difference, sign, and its legs
 *   witness division    ceil(Q * (2*legs + 3) / c)
 *   lookup              ceil(K / c)
 * </pre>
 * Lookups: K plus (legs per division and comparison). Tables also need rows: the trace height is at least the
 * largest table (2^baseBits for the decomposition table) plus EZKL's blinding rows.
 *
 * <h2>Sumcheck / GKR (this project's sumcheck backend, zero-knowledge protocol; zkCNN, DeepProve)</h2>
 * Counted in the unit {@code dev.zkscope.sumcheck.FieldOps} counts (products in F_p2, or of F_p by F_p2), derived from
 * what the backend's prover does per op (docs/sumcheck-zk.md section 3), so {@code SumcheckEstimateTest} compares them
 * with its count per layer. pad(x) is the next power of two, B the range-table bits
 * ({@link EstimateParams#gkrRangeBits}), L = ceil(b_c / B) the limbs of a ReLU input, n a layer's padded layout. A
 * sumcheck over n points with t tables and a form of P products per point at degree d (a masked table counts 2)
 * costs (n - 1)((d + 1) P + t); an eq table or a table's MLE at a point n - 1; a claim term on a segment of n values
 * in the batched opening 2 n - 1 (its eq table and its weighted copy).
 * <pre>
 *   dot product (parameter weights; C channels, K taps, P = O/C positions, Y = pad(C) pad(P), X = pad(|x|),
 *                S = 2 max(X, Y) the stacked table [y | x])
 *                       2 (pad(P) - 1) + pad(C) - 1 + C K + 2 P K + 2 (Y - 1) + 6 (S - 1) + 2 (X - 1) + 5 (pad(K) - 1)
 *                       shared: 4 pad(C) pad(K) (the weight opening) + claim terms on y and x
 *   gather (pools)      6 (S - 1) + 3 (pad(O) - 1) + pad(I) - 1 + O, S = 2 max(pad(O), pad(I)), I the summed terms
 *   constant division   n - 1 (the rounding indicator at r: the identity is a linear claim, no sumcheck);
 *                       shared: 3 claim terms, 2 lookup columns of n (r, r + 2^B - d)
 *   ReLU                (n - 1)(77 + 13 L) (eq, then the degree-5 zero-check: 12 + 2 L products, 4 + L tables);
 *                       shared: 3 + L claim terms, L lookup columns
 *   element-wise        56 (n - 1) (Add, affine maps: eq, alpha, beta, gamma at rho, degree-4 zero-check of 9
 *                       products over 7 tables); shared: 3 claim terms
 *   other ops           priced step by step from their own provers' loops ({@link #sumcheckByLayer}: window
 *                       maxima, products of activations, broadcast operands, run-time divisions, wires, quotient
 *                       limbs; docs/estimates.md); from a layer's summed work alone, 4 M and 4 P and 4 Q + 24 Q r_d
 *                       remain the earlier leading-order model
 * </pre>
 * Committed values (W): each layer's committed tensors (dot and gather outputs, quotients), remainders, signs, limbs
 * and mask slots, the input with the first layer. Whole model ({@link #totals}), lookup area A = max(2^B,
 * pad(entries)), T = 2^B: the helpers by batch inversion 3 A + 4 T, their zero-checks 40 (A - 1) + 25 (T - 1), and
 * the two batched hiding openings, {@code HIDING_OPENING} (12) per value of W = pad(values + T + masks) and of
 * H = pad(2 A + 2 T + masks) plus their row combinations, about 4 per used value (values + T + masks, 2 A + 2 T +
 * masks: only the rows that hold them are committed; {@code hidingRows}), plus their fixed claim terms. Derivation and the measured comparison: docs/estimates.md.
 */
public final class Estimates {
    private Estimates() {}

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static int log2Ceil(long x) {
        return x <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(x - 1);
    }

    /** The estimate of one layer. */
    public static LayerEstimate of(LayerInfo layer, EstimateParams p) {
        return of(layer, sumcheck(layer.work(), p), p);
    }

    /** One layer's estimate with its sumcheck figures given (derived from its steps, {@link #sumcheckByLayer}). */
    static LayerEstimate of(LayerInfo layer, Sumcheck sc, EstimateParams p) {
        Step.Work w = layer.work();
        long v = p.privateWeights() ? w.macs() : w.varProducts() - w.products() - w.varDivisions();
        v = Math.max(0, v);
        long r1cs = v + w.products()
                + w.divBitSum()
                + w.cmpBitSum() + 2L * w.comparisons()
                + w.varDivisions() * (3L * (w.divBits() + 1) + 1)
                + (w.lookups() == 0 ? 0 : w.lookups() + w.tableEntries());

        int c = p.ezklInnerCols();
        int legs = p.ezklDecompLegs();
        long ezRows = 0;
        if (w.macs() > 0) {
            long outs = Math.max(1, w.outputs());
            ezRows += outs * ceilDiv(ceilDiv(w.macs(), outs), c);
        }
        ezRows += ceilDiv(w.linear() + w.products(), c) + ceilDiv(w.sumTerms(), c)
                + ceilDiv(w.divisions() * (legs + 2L), c) + ceilDiv(w.comparisons() * (legs + 2L), c)
                + ceilDiv(w.varDivisions() * (2L * legs + 3), c) + ceilDiv(w.lookups(), c);
        long ezLookups = w.lookups() + (w.divisions() + w.comparisons()) * legs + w.varDivisions() * 2L * legs;
        return new LayerEstimate(layer.layer(), layer.op(), r1cs, ezRows, ezLookups, sc.mults(), sc.committed(),
                sc.lookupEntries(), sc.witnessClaims(), sc.helperEntries());
    }

    /**
     * Products per value of the 2^m of a batched hiding opening ({@code ZkOpening.proveClaims}): the blinding block at
     * tau (1), eq(tau) (1), the degree-2 batching sumcheck over 2^(m+1) values with two tables (10).
     */
    static final int HIDING_OPENING = 12;
    /**
     * The same opening's row combinations over {@code used} of 2^m values (the values up to the last segment's end,
     * whose rows alone are committed, format v5): two combinations over the committed rows + as many blinding rows,
     * each row a message of C + t symbols (format v6; the standard preset's shape for 2^m values). Until v6 a message
     * was twice the columns: 8 products per used value.
     */
    static long hidingRows(long used, long padded) {
        dev.zkscope.sumcheck.TensorPcs.Shape s = dev.zkscope.sumcheck.TensorPcs.shape(log2Ceil(padded),
                dev.zkscope.sumcheck.PcsParams.standard());
        return 4 * Math.max(1, ceilDiv(used, s.cols())) * s.msg();
    }
    /**
     * Opening the key's (non-hiding) commitment of a weight matrix of {@code entries} values: two row combinations
     * (the evaluation vector and the proximity vector) over every row, each a message of C + t symbols (the standard
     * preset's shape; until format v6 a message was twice the columns: 4 products per entry).
     */
    static long weightOpening(long entries) {
        dev.zkscope.sumcheck.TensorPcs.Shape s = dev.zkscope.sumcheck.TensorPcs.shape(log2Ceil(entries),
                dev.zkscope.sumcheck.PcsParams.standard());
        return 2L * s.rows() * s.msg();
    }

    static long pad(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    /**
     * A layer's sumcheck/GKR figures (see the class comment): {@code proving} is the part the backend reports under
     * the layer's own label (its sumchecks), {@code mults} adds its share of the witness opening (its claims' weight
     * tables) and of the weight openings; {@code committed} counts the values the layer adds to the witness W (its
     * committed tensors, remainders, signs, limbs and mask slots), {@code lookupEntries} its entries in the lookup area,
     * {@code witnessClaims} the claim terms it puts on W.
     */
    public record Sumcheck(long proving, long mults, long committed, long lookupEntries, long witnessClaims,
                           long helperEntries) {
        /** Without function-table helpers in H. */
        public Sumcheck(long proving, long mults, long committed, long lookupEntries, long witnessClaims) {
            this(proving, mults, committed, lookupEntries, witnessClaims, 0);
        }

        /** Both figures together (two parts of one layer). */
        public Sumcheck plus(Sumcheck o) {
            return new Sumcheck(proving + o.proving, mults + o.mults, committed + o.committed,
                    lookupEntries + o.lookupEntries, witnessClaims + o.witnessClaims, helperEntries + o.helperEntries);
        }
    }

    /** One claim term on a segment of n values in the batched opening: its eq table and its weighted copy. */
    static long term(long n) {
        return 2 * n - 1;
    }

    /**
     * A gather of O outputs from I summed or moved terms (window sums, element moves): the stacked zk sumcheck over
     * S = 2 max(pad(O), pad(I)) (6 (S - 1)), eq(r) twice and the bias (3 (pad(O) - 1)), eq(rho) (pad(I) - 1) and
     * M_r~(rho), one product per output row (O); y committed; claim terms y and x.
     */
    static Sumcheck gather(long outputs, long terms) {
        long y = pad(outputs);
        long x = pad(terms);
        long st = 2 * Math.max(x, y);
        long proving = 6 * (st - 1) + 3 * (y - 1) + x - 1 + outputs;
        return new Sumcheck(proving, proving + term(y) + term(x), y + 10L * log2Ceil(st), 0, 2);
    }

    /** The padded layout of a layer's committed output: a dot product's pad(C) pad(P), a gather's pad(O); 0 if neither. */
    static long layout(Step.Work w) {
        if (w.dotChannels() > 0) {
            long o = Math.max(1, w.outputs());
            return pad(w.dotChannels()) * pad(ceilDiv(o, w.dotChannels()));
        }
        return w.sumTerms() > 0 ? pad(w.outputs()) : 0;
    }

    /** The sumcheck/GKR figures of one layer's work (the zero-knowledge protocol, docs/sumcheck-zk.md section 3). */
    public static Sumcheck sumcheck(Step.Work w, EstimateParams p) {
        return sumcheck(w, p, 0);
    }

    /**
     * The same with the padded layout of the tensor the work's element-wise part runs over (its input's layout in the
     * backend's plan: a dot product's pad(C) pad(P) carries through its rescale, ReLU and affine map), or 0 to take it
     * from the work itself.
     */
    static Sumcheck sumcheck(Step.Work w, EstimateParams p, long layout) {
        int rb = p.gkrRangeBits();
        long mults = 0;
        long committed = 0;
        long entries = 0;
        long terms = 0;
        long lay = 0;
        long shared = 0;
        long helpers = 0;
        if (w.dotChannels() > 0) {
            long c = w.dotChannels();
            long o = Math.max(1, w.outputs());
            long k = w.dotTaps() > 0 ? w.dotTaps() : ceilDiv(w.macs(), o);
            long pos = ceilDiv(o, c);
            long x = pad(w.dotInputs());
            long y = pad(c) * pad(pos);
            long st = 2 * Math.max(x, y); // the stacked sumcheck's table [y | x]
            mults += 2 * (pad(pos) - 1) + pad(c) - 1 // eq(r_p) twice, eq(r_c)
                    + c * k + 2 * pos * k // Wrow, H, the im2col predicate J
                    + 2 * (y - 1) // eq(r) for A, the bias at r
                    + 6 * (st - 1) // zk sumcheck of A V: degree 3 (4 points, 1 product) + 2 folds
                    + 2 * (x - 1) // h = H~(rho_x), eq(rho_x)
                    + 5 * (pad(k) - 1); // the plain tap sumcheck Wrow J
            shared += weightOpening(pad(c) * pad(k)) + term(y) + term(x);
            terms += 2;
            committed += y + 10L * log2Ceil(st);
            lay = y;
        } else if (w.sumTerms() > 0) {
            Sumcheck g = gather(w.outputs(), w.sumTerms());
            mults += g.proving();
            shared += g.mults() - g.proving();
            terms += g.witnessClaims();
            committed += g.committed();
            lay = pad(w.outputs());
        } else {
            mults += 4 * w.macs();
        }
        if (w.divisions() > 0) {
            long n = lay > 0 ? lay : layout > 0 ? layout : pad(w.divisions());
            mults += n - 1; // the rounding indicator at r (a linear claim, no sumcheck)
            committed += 2 * n; // quotient and remainder
            entries += 2 * n; // r and r + 2^B - d
            shared += 3 * term(n) + 2 * term(n); // claim terms x, y, rem; the remainder's two lookup columns
            terms += 5;
        }
        if (w.comparisons() > 0) {
            long n = lay > 0 ? lay : layout > 0 ? layout : pad(w.comparisons());
            long limbs = Math.max(1, ceilDiv(ceilDiv(w.cmpBitSum(), w.comparisons()), rb));
            // eq(tau), then the degree-5 zero-check (6 points, 12 + 2 L products) folding 4 + L tables
            mults += (n - 1) * (77 + 13 * limbs);
            committed += (2 + limbs) * n + 2L * log2Ceil(n) * (9 + limbs);
            entries += limbs * n;
            shared += (3 + 2 * limbs) * term(n); // sign, y, x, limbs; each limb's lookup column
            terms += 3 + 2 * limbs;
        }
        if (w.linear() > 0) {
            long n = layout > 0 ? layout : pad(w.linear());
            // eq(tau), alpha, beta, gamma at rho, the degree-4 zero-check (5 points, 9 products) folding 7 tables
            mults += 56 * (n - 1);
            committed += n + 16L * log2Ceil(n);
            shared += 3 * term(n);
            terms += 3;
        }
        long rd = Math.max(1, ceilDiv(w.divBits(), rb));
        if (w.lookups() > 0) {
            // function tables (TableOp): LogUp with committed helpers h over the looked-up tensor (N) and g over the
            // table (T, its full calibrated range): eq(tau), the degree-5 zero-check h (beta - x - gamma y) = ind
            // (P = 10, t = 5: 65 (N - 1)) and ind at rho; eq(tau'), the degree-4 zero-check g tb = m (P = 4, t = 4:
            // 24 (T - 1)) and the table's two columns at rho
            long n = lay > 0 ? lay : layout > 0 ? layout : pad(w.lookups());
            long t = pad(w.tableEntries());
            mults += 67 * (n - 1) + 27 * (t - 1);
            committed += n + t + 18L * log2Ceil(n) + 14L * log2Ceil(t); // y, the multiplicities, W's mask slots
            // shared: h and g by batch inversion, the claim terms (x, y, h's two coordinates; m, g's two); H's four
            // helper segments and their mask slots join H (its batched opening is priced in the totals)
            shared += 4 * w.lookups() + 4 * t + 4 * term(n) + 3 * term(t);
            helpers += 2 * n + 2 * t + 2L * log2Ceil(n) + 2L * log2Ceil(t);
            terms += 3;
        }
        mults += 4 * w.products() + 4 * w.varDivisions() + 24 * w.varDivisions() * rd;
        committed += 3 * w.varDivisions() * rd;
        return new Sumcheck(mults, mults + shared, committed, entries, terms, helpers);
    }

    /** Per-layer estimates of compiled layers, plus, with private weights, their commitment in GKR's total. */
    public static List<LayerEstimate> of(List<LayerInfo> layers, EstimateParams p) {
        List<LayerEstimate> out = new ArrayList<>();
        for (LayerInfo l : layers) {
            LayerEstimate e = of(l, p);
            if (out.isEmpty() && l.work().dotInputs() > 0) {
                // the sumcheck backend commits the model's input (private) in W: counted with the first layer
                e = new LayerEstimate(e.layer(), e.op(), e.r1csConstraints(), e.ezklRows(), e.ezklLookups(),
                        e.gkrFieldMults(), e.gkrCommitted() + pad(l.work().dotInputs()), e.gkrLookupEntries(),
                        e.gkrWitnessClaims(), e.gkrHelperEntries());
            }
            out.add(e);
        }
        return out;
    }

    /**
     * Per-layer estimates straight from the layer IR, without compiling; the sumcheck column from each layer's steps
     * ({@link #sumcheckByLayer}).
     */
    public static List<LayerEstimate> of(QModel model, EstimateParams p) {
        return of(layers(model), sumcheckByLayer(model, p), p);
    }

    /** Per-layer estimates of compiled layers with their sumcheck figures derived from the steps ({@link #sumcheckByLayer}). */
    public static List<LayerEstimate> of(List<LayerInfo> layers, Map<String, Sumcheck> sc, EstimateParams p) {
        List<LayerEstimate> out = new ArrayList<>();
        for (LayerInfo l : layers) {
            Sumcheck own = sc.get(l.layer());
            LayerEstimate e = own == null ? of(l, p) : of(l, own, p);
            if (out.isEmpty() && l.work().dotInputs() > 0) {
                e = new LayerEstimate(e.layer(), e.op(), e.r1csConstraints(), e.ezklRows(), e.ezklLookups(),
                        e.gkrFieldMults(), e.gkrCommitted() + pad(l.work().dotInputs()), e.gkrLookupEntries(),
                        e.gkrWitnessClaims(), e.gkrHelperEntries());
            }
            out.add(e);
        }
        return out;
    }

    /**
     * The sumcheck/GKR figures of every layer (in order), derived from its steps: the ops the backend proves with their
     * own argument (window maxima; see {@link SumcheckSteps}) priced step by step, the rest from the layer's summed
     * work ({@link #sumcheck(Step.Work, EstimateParams)}), plus the quotient range checks the backend's plan adds to a
     * division whose readers do not bound its quotient.
     */
    public static Map<String, Sumcheck> sumcheckByLayer(QModel model, EstimateParams p) {
        return SumcheckSteps.byLayer(model, p);
    }

    /** Each layer's steps and summed work, in order, straight from the layer IR. */
    public static List<LayerInfo> layers(QModel model) {
        long[] bounds = model.bounds();
        Map<String, LayerInfo> layers = new LinkedHashMap<>();
        for (Step s : model.steps()) {
            LayerInfo prev = layers.get(s.layer());
            Step.Work w = s.work(model, bounds);
            layers.put(s.layer(), prev == null ? new LayerInfo(s.layer(), s.op(), 1, s.size(), w)
                    : new LayerInfo(s.layer(), s.op(), prev.steps() + 1, s.size(), prev.work().plus(w)));
        }
        return new ArrayList<>(layers.values());
    }

    /** Whole-model totals. */
    public record Totals(long r1csConstraints, long ezklRows, long ezklLookups, int ezklLogRows, long gkrFieldMults,
                         long gkrCommitted) {
    }

    /**
     * Sums over layers; EZKL's trace height covers its rows and its largest table (the decomposition table of
     * 2^baseBits rows, or a larger function table), like this compiler's. Private weights add their count to GKR's
     * committed elements.
     */
    public static Totals totals(List<LayerEstimate> layers, long largestTable, long params, EstimateParams p) {
        long r1 = 0;
        long ez = 0;
        long el = 0;
        long gm = 0;
        long gc = p.privateWeights() ? params : 0;
        long gw = 0;
        long entries = 0;
        long helpers = 0;
        for (LayerEstimate e : layers) {
            r1 += e.r1csConstraints();
            ez += e.ezklRows();
            el += e.ezklLookups();
            gm += e.gkrFieldMults();
            gc += e.gkrCommitted();
            gw += e.gkrCommitted();
            entries += e.gkrLookupEntries();
            helpers += e.gkrHelperEntries();
        }
        if (!layers.isEmpty()) {
            // LogUp with committed helpers over the lookup area (S) and the range table (T = 2^B), then the openings
            int b = p.gkrRangeBits();
            long table = 1L << b;
            long area = Math.max(table, pad(entries));
            int logS = log2Ceil(area);
            gm += 3 * area + 4 * table; // h = 1/(beta - v) and g = m/(beta - t) by batch inversion
            gm += 40 * (area - 1) + 25 * (table - 1); // the zero-checks h (beta - v) = 1 (degree 5), g (beta - t) = m
            long wUsed = gw + table + 14L * logS + 12L * b + 2; // W: the layers' values, multiplicities, masks
            long w = pad(wUsed);
            // W's batched opening (the layers' terms are in their shares); the row combinations cover the used rows
            gm += HIDING_OPENING * w + hidingRows(wUsed, w) + term(table);
            // H: h, g (two coordinates each), masks, and the function tables' helpers
            long hUsed = 2 * area + 2 * table + pad(4L * (logS + b)) + helpers;
            long h = pad(hUsed);
            gm += HIDING_OPENING * h + hidingRows(hUsed, h) + 2 * term(area) + 2 * term(table);
            gc = (p.privateWeights() ? params : 0) + w + h;
        }
        long table = Math.max(largestTable, 1L << p.ezklDecompBaseBits());
        return new Totals(r1, ez, el, log2Ceil(Math.max(ez, table) + 1), gm, gc);
    }
}
