package dev.zkscope.plonk;

import java.util.List;

/**
 * The proof system's parameters, as a plain record with named presets.
 *
 * <p>{@link #conjecturedSecurityBits()} is the query phase's share of the usual FRI conjecture (ethSTARK, eprint
 * 2021/582; Plonky3's {@code conjectured_security_bits}): each query catches a far-from-low-degree codeword except with
 * probability ~ rho = 2^-logBlowup, so numQueries queries give numQueries * logBlowup bits, and grinding adds
 * grindingBits by making every retry cost 2^grindingBits hashes. It is not the security of a proof: the challenges'
 * errors (LogUp, permutation, constraint combination, out-of-domain point, DEEP batching, folding) grow with the
 * circuit's rows, columns and degree, and the conjecture behind the query phase is not proved (its strongest forms
 * were disproved in 2025). {@link dev.zkscope.security.SecurityAnalysis} computes both the conjectured and the
 * provable figure for an actual circuit, term by term.
 *
 * @param name            preset name shown to users
 * @param logBlowup       the Reed-Solomon rate is 2^-logBlowup; also bounds the constraint degree (d - 1 <= 2^logBlowup)
 * @param numQueries      FRI queries
 * @param grindingBits    proof-of-work bits before the query phase
 * @param logFoldingArity FRI folds by 2^logFoldingArity per round
 * @param logFinalPolyLen FRI stops when the degree bound is at most 2^logFinalPolyLen and sends that polynomial in clear
 * @param zeroKnowledge   blinding rows, masked quotient chunks and salted leaves
 * @param smallLogLde     a trace whose extension at rate 2^-logBlowup is smaller than 2^smallLogLde points is proved
 *                        at a lower rate (down to 1/32, its extension at most 2^smallLogLde) with fewer queries, the
 *                        same query-phase bits ({@link #forTrace(int)}); 0: every trace at these parameters
 */
public record ProofParameters(String name, int logBlowup, int numQueries, int grindingBits, int logFoldingArity,
                              int logFinalPolyLen, boolean zeroKnowledge, int smallLogLde) {

    public ProofParameters {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException("preset name must be 1..64 characters");
        }
        if (logBlowup < 1 || logBlowup > 6) {
            throw new IllegalArgumentException("logBlowup must be in [1, 6], got " + logBlowup);
        }
        if (numQueries < 1 || numQueries > 1000) {
            throw new IllegalArgumentException("numQueries must be in [1, 1000], got " + numQueries);
        }
        if (grindingBits < 0 || grindingBits > 32) {
            throw new IllegalArgumentException("grindingBits must be in [0, 32], got " + grindingBits);
        }
        if (logFoldingArity < 1 || logFoldingArity > 4) {
            throw new IllegalArgumentException("logFoldingArity must be in [1, 4], got " + logFoldingArity);
        }
        if (logFinalPolyLen < 0 || logFinalPolyLen > 10) {
            throw new IllegalArgumentException("logFinalPolyLen must be in [0, 10], got " + logFinalPolyLen);
        }
        if (smallLogLde < 0 || smallLogLde > 30) {
            throw new IllegalArgumentException("smallLogLde must be in [0, 30], got " + smallLogLde);
        }
    }

    /** Parameters that prove every trace alike (no small-trace rate). */
    public ProofParameters(String name, int logBlowup, int numQueries, int grindingBits, int logFoldingArity,
                           int logFinalPolyLen, boolean zeroKnowledge) {
        this(name, logBlowup, numQueries, grindingBits, logFoldingArity, logFinalPolyLen, zeroKnowledge, 0);
    }

    /** The lowest rate a small trace is proved at: 1/32. */
    public static final int MAX_SMALL_LOG_BLOWUP = 5;

    /**
     * The parameters a trace of 2^logN rows is proved with. With smallLogLde 0, or when the extension at this rate
     * already has 2^smallLogLde points or more, these. Otherwise the rate drops (logBlowup grows, to at most
     * {@link #MAX_SMALL_LOG_BLOWUP}) while the extension stays within 2^smallLogLde points, and the queries drop to
     * the fewest that keep the query phase's conjectured bits, ceil(numQueries logBlowup / logBlowup'): each query
     * is worth logBlowup' bits; when they give exactly the same bits, one more grinding bit (the provable figure's
     * other terms grow a little with the extension, and must not cost a bit). The proof and the verifying key carry the parameters returned here (smallLogLde 0),
     * so the verifier reads the rate and the query count from the key, as for any preset.
     *
     * <p>Why: a proof is mostly per-query data (opened rows, Merkle nodes, FRI leaves), so fewer queries make it
     * smaller; the price, a larger extension, is bounded by 2^smallLogLde points and is not paid by large traces
     * (see docs/proof-size.md).
     */
    public ProofParameters forTrace(int logN) {
        if (smallLogLde == 0) {
            return this;
        }
        int lb = logBlowup;
        while (lb < MAX_SMALL_LOG_BLOWUP && logN + lb + 1 <= smallLogLde) {
            lb++;
        }
        if (lb == logBlowup) {
            return new ProofParameters(name, logBlowup, numQueries, grindingBits, logFoldingArity, logFinalPolyLen,
                    zeroKnowledge, 0);
        }
        int q = (numQueries * logBlowup + lb - 1) / lb;
        // Where the queries alone give exactly the preset's bits (1/16: 21 x 4 = 28 x 3), one more grinding bit pays
        // for the larger extension's terms in the provable figure, which would otherwise lose a hundredth of a bit.
        int g = q * lb == numQueries * logBlowup ? Math.min(32, grindingBits + 1) : grindingBits;
        return new ProofParameters(name, lb, q, g, logFoldingArity, logFinalPolyLen, zeroKnowledge, 0);
    }

    /**
     * The standard preset's extension bound for small traces ({@link #forTrace(int)}): traces of at most 2^12 rows
     * are proved at rate 1/32 with 17 queries, 2^13 at rate 1/16 with 21 and 17 grinding bits, larger ones (LeNet-5 is 2^15, its segments
     * 2^14) at rate 1/8 with 28. Every digits sample is at most 2^13 rows.
     */
    public static final int SMALL_LOG_LDE = 17;

    /**
     * 28 queries at rate 1/8 plus 16 grinding bits: 100 bits conjectured (28 x 3 + 16), the choice of plonky2's
     * standard configuration. The default. FRI folds by 8 per round down to a final polynomial of 64 coefficients.
     *
     * <p>Chosen for proof size: a proof is mostly the opened rows and Merkle paths of the queries, so its size goes with
     * the number of queries. At rate 1/4 the same 100 bits need 42 queries: the digits samples' proofs were 103-227
     * KiB with 42 queries, arity 4 and a final polynomial of 8; with 28 queries, arity 8 and 64 final coefficients they
     * are about a third smaller (see docs/proof-size.md). Security is unchanged under the conjecture (each query is
     * worth log2(8) = 3 bits instead of 2); the price is an extension twice as large, so the prover's low-degree
     * extensions, Merkle trees and DEEP quotient cost twice the time and memory per column. The commit-phase terms of
     * {@link dev.zkscope.security.SecurityAnalysis} grow with the arity ((k - 1) eps per round) and stay above 110 bits.
     *
     * <p>Small traces are proved at a lower rate with fewer queries, at the same 100 bits (see
     * {@link #SMALL_LOG_LDE}): 2^13 rows at rate 1/16 with 21 queries (21 x 4 + 17), 2^12 rows and fewer at 1/32 with
     * 17 (17 x 5 + 16 = 101): a quarter and two fifths fewer queries, for an extension of at most 2^17 points.
     */
    public static ProofParameters standard() {
        return new ProofParameters("standard", 3, 28, 16, 3, 6, true, SMALL_LOG_LDE);
    }

    /**
     * 38 queries at rate 1/8 plus 16 grinding bits: 130 bits by queries and grinding; for a circuit the conjectured
     * figure is lower (about 103-108 bits for the samples), set by the challenges' field terms.
     */
    public static ProofParameters high() {
        return new ProofParameters("high", 3, 38, 16, 2, 3, true);
    }

    /**
     * At least 100 provable bits for every sample circuit (unique-decoding regime, see
     * {@link dev.zkscope.security.SecurityAnalysis}): 126 queries at rate 1/4 and 16 grinding bits. The query phase
     * gives 126 log2(8/5) + 16 = 101.4 bits provably (268 conjectured); the other terms cost about 0.2 bits on the
     * samples. Chosen by measurement against rate 1/8 with 100 queries (1.2-1.7 times the predicted proving time for the
     * same bits) and against 20 grinding bits (0.3-0.9 s of grinding per proof on this machine). The extension field
     * limits it: for a circuit of about 2^16 rows and 300 committed columns the DEEP batching term alone reaches
     * 2^-100 (see the README).
     */
    public static ProofParameters provable() {
        return new ProofParameters("provable", 2, 126, 16, 2, 3, true);
    }

    /** INSECURE (about 10 bits): 4 queries, 2 grinding bits. For unit tests only; never offered to users. */
    public static ProofParameters testing() {
        return new ProofParameters("testing-INSECURE", 2, 4, 2, 2, 2, true);
    }

    /** The presets offered to users (each at least 100 bits). */
    public static List<ProofParameters> presets() {
        return List.of(standard(), high(), provable());
    }

    /** A preset by name: "standard", "high", "provable", or "testing" / "testing-INSECURE". */
    public static ProofParameters byName(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "standard": return standard();
            case "high": return high();
            case "provable": return provable();
            case "testing":
            case "testing-insecure": return testing();
            default: throw new IllegalArgumentException("unknown preset '" + name + "'; known: standard, high, provable, testing (INSECURE)");
        }
    }

    public ProofParameters withZeroKnowledge(boolean zk) {
        return new ProofParameters(name, logBlowup, numQueries, grindingBits, logFoldingArity, logFinalPolyLen, zk,
                smallLogLde);
    }

    /**
     * numQueries * logBlowup + grindingBits: the query phase under the ethSTARK conjecture, the preset's nominal
     * figure. A circuit's conjectured figure is at most this (see {@link dev.zkscope.security.SecurityAnalysis}).
     */
    public int conjecturedSecurityBits() {
        return numQueries * logBlowup + grindingBits;
    }

    /**
     * The largest constraint degree d these parameters can prove: the quotient, of degree about (d - 1) n, is
     * evaluated on a coset inside the extension of size 2^logBlowup n, so d - 1 <= 2^logBlowup. The degree counts
     * the proof system's own constraints too (a LogUp helper is 2 + the degree of its lookup input).
     */
    public int maxConstraintDegree() {
        return (1 << logBlowup) + 1;
    }

    /** True for presets below 100 nominal conjectured bits, which must be labelled insecure wherever they show. */
    public boolean isInsecure() {
        return conjecturedSecurityBits() < 100;
    }

    /**
     * Rows at the end of the trace the compiler must leave free (every selector off) for blinding.
     *
     * <p>With zero knowledge every witness-dependent polynomial (advice, multiplicities, LogUp helpers, the running
     * sum) must be uniformly random on every linear functional a proof determines of it (Haböck and Al Kindi, eprint
     * 2024/1037). A column is opened at numQueries rows of the low-degree extension and at the out-of-domain points
     * its constraints read it at: z, and z omega for a column read at the next row, each an F_p2 value, so two
     * base-field functionals. Nothing else determines it: the quotient the verifier can rebuild at a query point x
     * is masked by an independent random polynomial read at x omega (see {@link ArgumentLayout}), so C(x) = Z_H(x) Q(x)
     * reveals nothing about the trace at x omega, and the DEEP polynomial that FRI reads is masked by a random
     * polynomial too ({@link dev.zkscope.pcs.FriConfig#masksFri()}). A polynomial with r uniformly random values on
     * rows outside the circuit's use is uniform on any r functionals independent of those rows, so
     * r = numQueries + 4 random rows hide the most-opened column; one more row holds the running sum's final
     * value (zero). Without zero knowledge nothing is needed: the running sum then wraps cyclically.
     */
    public int reservedRows() {
        return zeroKnowledge ? numQueries + 5 : 0;
    }

    /**
     * The smallest trace, log2, that these parameters can prove: with zero knowledge it must hold the blinding rows
     * and one usable row, and be large enough for the FRI masking polynomial to hide what the queries reveal
     * ({@link dev.zkscope.pcs.FriConfig#masksFri()}: at the standard preset 2^9 rows). The compiler pads a smaller
     * circuit up to it and says so.
     */
    public int minLogN() {
        if (!zeroKnowledge) {
            return 1;
        }
        for (int logN = 1; logN + logBlowup <= 30; logN++) {
            ProofParameters t = forTrace(logN);
            dev.zkscope.pcs.FriConfig c = new dev.zkscope.pcs.FriConfig(logN, t.logBlowup, t.numQueries, grindingBits,
                    logFoldingArity, logFinalPolyLen, true);
            if ((1 << logN) > reservedRows() && c.masksFri()) {
                return logN;
            }
        }
        throw new IllegalStateException("no trace size up to 2^30 gives zero knowledge at " + name);
    }

    @Override
    public String toString() {
        return name + " (" + (isInsecure() ? "INSECURE, " : "") + "rate 1/" + (1 << logBlowup) + ", " + numQueries + " queries, " + grindingBits + " grinding bits, "
                + (smallLogLde == 0 ? "" : "small traces at lower rates with fewer queries, extension up to 2^"
                        + smallLogLde + ", ")
                + "zk " + (zeroKnowledge ? "on" : "off") + ")";
    }
}
