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
 * <pre>
 *   dot products        V                      fixed weights: x*w is linear, 0
 *   element-wise        P                      Mul; Add/Sub/affine are linear, 0
 *   constant division   D * (b_d + 2)          Num2Bits(n) = n booleanity + 1 recomposition, for remainder and quotient
 *   comparison          C * (b_c + 3)          LessThan(n) = Num2Bits(n+1) = n + 2, plus the select b*(u-v)+v
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
 * <h2>Sumcheck / GKR (zkCNN, DeepProve)</h2>
 * Linear layers are proven by sumcheck over the inner dimension without committing to their outputs; nonlinear
 * layers by LogUp lookups whose witness columns are committed; range checks (comparisons, requantization) by lookups
 * of r = ceil(b / rangeBits) limbs.
 * <pre>
 *                       field multiplications        committed elements
 *   dot products        4*M                          0 (private weights: their count, once, in the first layer using them)
 *   element-wise        2*L + 4*P                    0
 *   sums                S                            0
 *   constant division   8*D*r_d                      D*r_d
 *   comparison          8*C*r_c                      C*r_c
 *   witness division    4*Q + 8*Q*3*r_d              3*Q*r_d
 *   lookup              8*(K + T)                    2*K + T (inputs, outputs, multiplicities)
 * </pre>
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
        Step.Work w = layer.work();
        long v = p.privateWeights() ? w.macs() : w.varProducts() - w.products() - w.varDivisions();
        v = Math.max(0, v);
        long r1cs = v + w.products()
                + w.divisions() * (w.divBits() + 2L)
                + w.comparisons() * (w.cmpBits() + 3L)
                + w.varDivisions() * (3L * (w.divBits() + 1) + 1)
                + (w.lookups() == 0 ? 0 : w.lookups() + w.tableSize());

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

        int rb = p.gkrRangeBits();
        long rd = Math.max(1, ceilDiv(w.divBits(), rb));
        long rc = Math.max(1, ceilDiv(w.cmpBits(), rb));
        long mults = 4 * w.macs() + 2 * w.linear() + 4 * w.products() + w.sumTerms()
                + 8 * w.divisions() * rd + 8 * w.comparisons() * rc
                + 4 * w.varDivisions() + 24 * w.varDivisions() * rd
                + (w.lookups() == 0 ? 0 : 8 * (w.lookups() + w.tableSize()));
        long committed = w.divisions() * rd + w.comparisons() * rc + 3 * w.varDivisions() * rd
                + (w.lookups() == 0 ? 0 : 2 * w.lookups() + w.tableSize());
        return new LayerEstimate(layer.layer(), layer.op(), r1cs, ezRows, ezLookups, mults, committed);
    }

    /** Per-layer estimates of compiled layers, plus, with private weights, their commitment in GKR's total. */
    public static List<LayerEstimate> of(List<LayerInfo> layers, EstimateParams p) {
        List<LayerEstimate> out = new ArrayList<>();
        for (LayerInfo l : layers) {
            out.add(of(l, p));
        }
        return out;
    }

    /** Per-layer estimates straight from the layer IR, without compiling. */
    public static List<LayerEstimate> of(QModel model, EstimateParams p) {
        long[] bounds = model.bounds();
        Map<String, LayerInfo> layers = new LinkedHashMap<>();
        for (Step s : model.steps()) {
            LayerInfo prev = layers.get(s.layer());
            Step.Work w = s.work(model, bounds);
            layers.put(s.layer(), prev == null ? new LayerInfo(s.layer(), s.op(), 1, s.size(), w)
                    : new LayerInfo(s.layer(), s.op(), prev.steps() + 1, s.size(), prev.work().plus(w)));
        }
        return of(new ArrayList<>(layers.values()), p);
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
        for (LayerEstimate e : layers) {
            r1 += e.r1csConstraints();
            ez += e.ezklRows();
            el += e.ezklLookups();
            gm += e.gkrFieldMults();
            gc += e.gkrCommitted();
        }
        long table = Math.max(largestTable, 1L << p.ezklDecompBaseBits());
        return new Totals(r1, ez, el, log2Ceil(Math.max(ez, table) + 1), gm, gc);
    }
}
