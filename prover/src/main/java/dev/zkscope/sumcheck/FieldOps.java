package dev.zkscope.sumcheck;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the extension-field multiplications (F_p2 x F_p2 and F_p x F_p2, one each) the prover performs, so that the
 * sumcheck/GKR estimate ({@code compile.estimate.Estimates}) can be checked against what this backend does. Kernels
 * add the products of a whole loop at once (never one call per product), from whichever thread runs them, so the
 * count costs one volatile read per kernel call. Counted (every table-sized loop of the zero-knowledge protocol):
 * sumcheck round polynomials and folds (masked or plain), eq tables, MLE evaluations, the dot product's tap tables
 * (Wrow, H, the im2col predicate J), the gather's M~ at rho, the lookup helpers' batch inversions, the batched
 * openings' claim weights and the tensor code's row combinations; not counted: the Reed-Solomon encoding and Merkle
 * hashing of a commitment (base-field work, priced by the committed elements instead), additions, and scalar work of
 * O(variables) per sumcheck (eq at a point, the round mask's univariates).
 *
 * <p>The unit is the reference prover's products (the generic {@link Sumcheck#roundPoly} over materialised tables,
 * each table folded every round), which the estimate prices. Kernels that reach the same values with fewer products
 * count what they replace: the factored zero-check ({@link Sumcheck#roundPolyEq}: no eq table built or folded, g(1)
 * read off the claim), the batched opening's g(1) from its claim ({@link ProductSumcheck}), and eq tables started
 * from a scalar; so the counts are a deterministic measure of the protocol's size, not of this prover's work
 * (docs/sumcheck-speed.md has the measured times).
 *
 * <p>One proof at a time is counted: {@link #begin} returns null while another proof holds the counter, and that
 * proof then reports no counts.
 */
public final class FieldOps {
    private FieldOps() {}

    private static volatile Counter active;

    /** The products counted since the last {@link #attribute}, collected per label in order. */
    public static final class Counter {
        private final LongAdder pending = new LongAdder();
        private final Map<String, Long> byLabel = new LinkedHashMap<>();

        /** Everything counted since the last call goes to {@code label} (added to what it has). */
        public void attribute(String label) {
            byLabel.merge(label, pending.sumThenReset(), Long::sum);
        }

        /** The counts per label so far. */
        public Map<String, Long> counts() {
            return new LinkedHashMap<>(byLabel);
        }
    }

    /** Starts counting for the calling proof; null when another proof is being counted. */
    public static synchronized Counter begin() {
        if (active != null) {
            return null;
        }
        active = new Counter();
        return active;
    }

    /** Stops counting (a null counter is ignored). */
    public static synchronized void end(Counter c) {
        if (c != null && active == c) {
            active = null;
        }
    }

    /** The counter of the proof the calling thread runs (null: not counted). */
    static final ThreadLocal<Counter> CURRENT = new ThreadLocal<>();

    /** Labels what was counted since the last label, for the proof the calling thread runs. */
    static void attribute(String label) {
        Counter c = CURRENT.get();
        if (c != null) {
            c.attribute(label);
        }
    }

    /** Adds n products to the running count, if a proof is being counted. */
    static void add(long n) {
        Counter c = active;
        if (c != null) {
            c.pending.add(n);
        }
    }
}
