package dev.zkscope.pcs;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.transcript.Transcript;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A polynomial commitment scheme for batches of columns over one trace domain H = &lt;omega_n&gt;, the layer between
 * the Plonkish argument and the low-degree test (as Plonky3's {@code commit::Pcs} sits between {@code uni-stark} and
 * {@code fri}). The prover commits batches of columns one protocol round at a time; at the end it opens every
 * committed batch at a few points of F_p2 (here z and z omega) with one proof. The caller absorbs each
 * {@link Commitment#root()} into the transcript itself, when its protocol round says so; {@link #open} and
 * {@link #verify} absorb the claimed values and everything after them.
 *
 * <p>Columns are numbered across the batches in the order given. Each point opens only the columns its caller
 * names ({@code columns[point]}, ascending global indices): every value a proof reveals about a column is one more
 * linear functional of it that its blinding must hide, so a column is opened only where its constraints read it.
 * Every column must be opened at one point at least (the low-degree test reaches a column through its DEEP
 * quotient). Values are indexed {@code values[point][k]}, the value of column {@code columns[point][k]}.
 * Evaluating ({@link #evaluate}) and proving ({@link #open}) are two calls so that the prover can time them as its
 * two last rounds ("openings", "fri").
 */
public interface Pcs {

    /**
     * What a verifier knows of a committed batch: its root and width, and whether it was committed at key generation
     * ({@link #commitPreprocessed}: unsalted, so that the root is a deterministic function of the columns).
     */
    record Commitment(byte[] root, int width, boolean preprocessed) { }

    /** The prover's side of a committed batch: its commitment and the columns in both forms (read-only). */
    interface ProverData {
        Commitment commitment();

        /** Column c in coefficient form (n coefficients). */
        long[] coeffs(int c);

        /**
         * Column c on the extension coset {@link #cosetShift()} * &lt;omega_(n 2^logBlowup)&gt;, natural order (computed
         * afresh when the batch does not keep its extension: prefer {@link #coset}).
         */
        long[] lde(int c);

        /**
         * Column c on the j-th coset of the trace domain inside the extension, {@link #cosetShift()} omega_N^j
         * &lt;omega_n&gt; (N = n 2^logBlowup, j &lt; 2^logBlowup): n values, value t at extension index j + 2^logBlowup t.
         */
        long[] coset(int c, int j);

        /**
         * As {@link #coset(int, int)}, where a batch that recomputes its cosets writes them into {@code buffer} (n
         * values; null: a new array) and returns it, so that a reader going coset by coset reuses one array per column
         * instead of leaving one behind per coset (they live long enough to be promoted, and filled the old
         * generation in the quotient of wide segments). A batch that keeps its extension returns its own array.
         */
        default long[] coset(int c, int j, long[] buffer) {
            return coset(c, j);
        }

        default int width() {
            return commitment().width();
        }
    }

    /** The FRI-based scheme of this project: Merkle trees over LDE rows, DEEP quotients, FRI. */
    /**
     * Reports the steps of {@link #open} (the DEEP quotient, each FRI folding round, grinding, the queries) to
     * {@code steps}; by default a scheme reports none.
     */
    default void reportSteps(dev.zkscope.profile.PhaseListener steps) {
    }

    static Pcs fri(FriConfig config, IntFunction<byte[]> randomness) {
        return new FriPcs(config, randomness, dev.zkscope.poly.Cancel.NEVER);
    }

    /** As {@link #fri(FriConfig, IntFunction)}, polling {@code cancel} inside every NTT the scheme runs. */
    static Pcs fri(FriConfig config, IntFunction<byte[]> randomness, dev.zkscope.poly.Cancel cancel) {
        return new FriPcs(config, randomness, cancel);
    }

    /**
     * Extensions of at most 2^STREAMED_FULL_TREE_LOG points: a batch that recomputes its extension keeps all its
     * tree's levels (at most 2 x 32 MiB of digests), so that the query phase needs only the queried rows and not the
     * 2^low rows around each; at twice that it keeps the levels from 1 up (the same 2 x 32 MiB, two rows per query).
     */
    int STREAMED_FULL_TREE_LOG = 20;

    /**
     * The work, in transform units (points x log2 points; one Horner multiply-add counts one), that the FRI scheme's
     * query phase spends per column of a batch that recomputes its extension instead of keeping it: its queried rows
     * are evaluated from the coefficients, or the cosets they fall in are transformed, by the same rule as the prover
     * ({@link FriPcs#streamedQueryWork}). The cost model prices it.
     */
    static double streamedQueryWork(int logN, int logBlowup, int queries) {
        return FriPcs.streamedQueryWork(logN, logBlowup, queries);
    }

    /**
     * The lowest level of its Merkle tree that the FRI scheme keeps for a batch over 2^logLde points, kept or
     * recomputed ({@code recomputed}); the levels below are rehashed from the rows when a path is asked for.
     */
    static int lowestKeptLevel(int logLde, boolean recomputed) {
        return FriPcs.lowestKeptLevel(logLde, recomputed);
    }

    /** The Reed-Solomon blowup: the extension domain has n 2^logBlowup points. */
    int logBlowup();

    /** The shift g of the extension coset g &lt;omega_(n 2^logBlowup)&gt; (disjoint from H, so Z_H has no zero on it). */
    long cosetShift();

    /** Commits columns given by their values on H (shift 1, n values each); salted leaves when hiding. */
    ProverData commit(Evals[] columns);

    /** Commits columns given in coefficient form (at most n coefficients each); salted leaves when hiding. */
    ProverData commit(Coeffs[] columns);

    /** Commits columns given by their values on H, never salted: for the verifying key's fixed columns. */
    ProverData commitPreprocessed(Evals[] columns);

    /** The values of the named columns at each point: {@code values[point][k]} for column {@code columns[point][k]}. */
    Fp2[][] evaluate(List<ProverData> batches, Fp2[] points, int[][] columns);

    /**
     * Proves that the batches' columns take the claimed values at the points: absorbs the values into the
     * transcript, then draws the batching challenge, runs the low-degree test and answers its queries.
     */
    OpeningProof open(List<ProverData> batches, Fp2[] points, int[][] columns, Fp2[][] values, Transcript tr);

    /**
     * Checks an opening proof against the commitments (in the order the prover opened them), replaying the
     * transcript from where {@link #open} took it over. Empty when the proof holds.
     */
    Optional<PcsError> verify(List<Commitment> batches, Fp2[] points, int[][] columns, OpeningProof proof, Transcript tr);

    /**
     * Decodes an opening proof that fills {@code bytes} from {@code offset} to the end, every size fixed by this
     * scheme's parameters, the batches' widths and the columns opened at each point. Field elements must be
     * canonical.
     */
    OpeningProof read(byte[] bytes, int offset, List<Commitment> batches, int[][] columns) throws Malformed;

    /**
     * Checks that {@code columns} names, per point, ascending column indices below {@code total}, and every column
     * at one point at least; returns each column's set of points as a bit mask.
     */
    static int[] pointMasks(int[][] columns, int total) {
        if (columns.length > 30) {
            throw new IllegalArgumentException("at most 30 opening points");
        }
        int[] mask = new int[total];
        for (int p = 0; p < columns.length; p++) {
            int prev = -1;
            for (int c : columns[p]) {
                if (c <= prev || c >= total) {
                    throw new IllegalArgumentException("point " + p + ": column indices must ascend below " + total);
                }
                mask[c] |= 1 << p;
                prev = c;
            }
        }
        for (int c = 0; c < total; c++) {
            if (mask[c] == 0) {
                throw new IllegalArgumentException("column " + c + " is opened at no point");
            }
        }
        return mask;
    }
}
