package dev.zkscope.sumcheck;

import java.util.Locale;

/**
 * Parameters of the tensor-code commitment ({@link TensorPcs}): the Reed-Solomon code's nominal rate 2^-logBlowup, the
 * number of opened columns, proof-of-work bits before the column queries, and zero knowledge.
 *
 * <p>The code: a row of C data symbols is a message of k = C + pad symbols (pad = the number of columns with zero
 * knowledge, none without), encoded at the N = 2^logCode points of a subgroup with N the smallest power of two at
 * least 2^logBlowup C whose rate k/N is at most {@link #maxRate()} = 9/8 2^-logBlowup (a large row's pad then costs no
 * doubling of the code; a small row's code grows until its rate is below the bound). Until format v6 the message was
 * padded to a power of two (k = 2C for the zero-knowledge rows) and N = 2^logBlowup k, at rate 2^-logBlowup exactly.
 *
 * <p>Security of the column test (Ligero, Ames et al. CCS 2017; Brakedown, Golovnev et al. CRYPTO 2023, Lemma 2 and
 * Theorem 3): the rows are codewords of RS[N, k] with relative distance delta = 1 - (k - 1)/N &gt; 1 - maxRate. If the
 * committed matrix is e-far from the interleaved code, a random combination is e-far too except with probability
 * about N/|F_p2| (negligible here), and each opened column then catches it with probability at least e.
 * <ul>
 *   <li><b>provable</b>: e = delta/3 (the proved proximity bound of the interleaved test): queries * -log2(1 - delta/3)
 *   + grinding bits, with delta = 1 - maxRate;</li>
 *   <li><b>conjectured</b>: e up to 1 - rate (the same up-to-capacity conjecture as the Plonkish backend's FRI):
 *   queries * -log2(maxRate) + grinding bits.</li>
 * </ul>
 */
public record PcsParams(String name, int logBlowup, int queries, int grindingBits, boolean zk) {
    public PcsParams {
        if (logBlowup < 1 || logBlowup > 4 || queries < 1 || queries > 1024 || grindingBits < 0 || grindingBits > 30) {
            throw new IllegalArgumentException("commitment parameters out of range: log blowup " + logBlowup
                    + ", queries " + queries + ", grinding " + grindingBits);
        }
    }

    /**
     * Rate at most 9/32 (nominal 1/4), 112 columns, 14 grinding bits: 219.7 conjectured and 58.3 provable bits for the
     * column test, at least the Plonkish standard preset's provable figure (57.7 on the samples), so the two backends'
     * standard presets are compared at the same provable security. (Formats v4 and v5: rate 1/4 exactly with 106
     * columns, 226 and 58.0 bits, and a code twice as long for every zero-knowledge row; until v4: 46 columns and 8
     * grinding bits, 100 conjectured and 27.1 provable bits.) Rate about 1/4 rather than 1/8: the commitment's NTTs and
     * hashing grow with the code length, the proof only with the columns.
     */
    public static PcsParams standard() {
        return new PcsParams("standard", 2, 112, 14, true);
    }

    /** 100 provable bits: rate at most 9/32, 234 columns, 8 grinding bits (formats up to v5: rate 1/4, 222 columns). */
    public static PcsParams provable() {
        return new PcsParams("provable", 2, 234, 8, true);
    }

    /** INSECURE (about 16 bits), for unit tests only. */
    public static PcsParams testing() {
        return new PcsParams("testing-INSECURE", 1, 12, 4, true);
    }

    public static PcsParams byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "standard": return standard();
            case "provable": return provable();
            case "testing":
            case "testing-insecure": return testing();
            default: throw new IllegalArgumentException("unknown sumcheck preset '" + name
                    + "'; known: standard, provable, testing (INSECURE)");
        }
    }

    public PcsParams withZeroKnowledge(boolean on) {
        return new PcsParams(name, logBlowup, queries, grindingBits, on);
    }

    /** The largest rate k/N of a row code: 9/8 of the nominal 2^-logBlowup ({@link TensorPcs#shape}). */
    public double maxRate() {
        return 9.0 / 8 * Math.pow(2, -logBlowup);
    }

    /** Whether a message of k symbols fits a code of 2^logCode points at this rate: k / 2^logCode &lt;= 9/8 2^-logBlowup. */
    boolean rateFits(long k, int logCode) {
        return (k << (3 + logBlowup)) <= (9L << logCode);
    }

    /** Relative distance of the row code (at least; 1 - (k - 1)/N for each code). */
    public double distance() {
        return 1 - maxRate();
    }

    public double conjecturedBits() {
        return -queries * (Math.log(maxRate()) / Math.log(2)) + grindingBits;
    }

    public double provableBits() {
        return -queries * (Math.log(1 - distance() / 3) / Math.log(2)) + grindingBits;
    }

    public boolean isInsecure() {
        return conjecturedBits() < 100;
    }
}
