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
}
