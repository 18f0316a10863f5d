package dev.zkscope.pcs;

import dev.zkscope.field.Goldilocks;
import dev.zkscope.merkle.MerkleTree;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of {@link FriPcs} for one trace size: the domain, the low-degree test, and hiding.
 *
 * @param logN            the trace domain has n = 2^logN points
 * @param logBlowup       the extension domain has n 2^logBlowup points (Reed-Solomon rate 2^-logBlowup)
 * @param numQueries      FRI queries
 * @param grindingBits    proof-of-work bits before the queries
 * @param logFoldingArity FRI folds by 2^logFoldingArity per round
 * @param logFinalPolyLen FRI stops at degree bound 2^logFinalPolyLen (capped at n) and sends that polynomial in clear
 * @param hiding          salted leaves for the batches committed while proving
 */
public record FriConfig(int logN, int logBlowup, int numQueries, int grindingBits, int logFoldingArity,
                        int logFinalPolyLen, boolean hiding) {

    public FriConfig {
        if (logN < 0 || logBlowup < 1 || logN + logBlowup > 30) {
            throw new IllegalArgumentException("domain 2^" + logN + " at blowup 2^" + logBlowup + " is not supported");
        }
        if (numQueries < 1 || grindingBits < 0 || grindingBits > 32 || logFoldingArity < 1 || logFinalPolyLen < 0) {
            throw new IllegalArgumentException("bad FRI parameters " + numQueries + " queries, " + grindingBits
                    + " grinding bits, arity 2^" + logFoldingArity + ", final length 2^" + logFinalPolyLen);
        }
    }

    /** The coset shift of the extension domain: the multiplicative generator, outside every subgroup. */
    public static final long SHIFT = Goldilocks.GENERATOR;

    /** Salt bytes per leaf of a hiding batch. */
    public static final int SALT_BYTES = MerkleTree.SALT_BYTES;

    public int logLde() {
        return logN + logBlowup;
    }

    public int logFinalLen() {
        return Math.min(logFinalPolyLen, logN);
    }

    /** The FRI round arities (log2): fold while the degree bound exceeds the final polynomial length. */
    public int[] rounds() {
        List<Integer> r = new ArrayList<>();
        int logDeg = logN;
        int logFinal = logFinalLen();
        while (logDeg > logFinal) {
            int a = Math.min(logFoldingArity, logDeg - logFinal);
            r.add(a);
            logDeg -= a;
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The F_p2 values of the batched DEEP polynomial F that an opening proof reveals beyond those its opened rows
     * determine: in each round a query reads a leaf of 2^a values, one of which the verifier already knows (the
     * opened rows give F at the query point; a fold gives the next round's value), so 2^a - 1 new values per round
     * and query; then the final polynomial's coefficients. Queries are counted as if they never collide (an upper
     * bound).
     */
    public long revealedFriValues() {
        long perQuery = 0;
        for (int a : rounds()) {
            perQuery += (1L << a) - 1;
        }
        return numQueries * perQuery + (1L << logFinalLen());
    }

    /**
     * True when a random masking polynomial R of degree &lt; n (two base-field columns of n coefficients, committed
     * with the quotient and opened at z only) hides every FRI value: R's 2n base-field coefficients must outnumber
     * the base-field functionals a proof reveals of it, 2 numQueries (its rows) + 4 (its values at z, in F_p2)
     * + 2 {@link #revealedFriValues()}. Then F = (terms fixed by the simulated openings) + alpha^i (R - R(z))/(X - z)
     * is uniform on everything FRI shows (Haböck and Al Kindi, eprint 2024/1037: the randomised DEEP batch). At
     * n &lt;= 256 the standard preset reveals more than R can hide.
     */
    public boolean masksFri() {
        return (1L << logN) >= numQueries + 2 + revealedFriValues();
    }
}
