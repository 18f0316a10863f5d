package dev.zkscope.sumcheck;

import java.util.Locale;

/**
 * Parameters of the tensor-code commitment ({@link TensorPcs}): the Reed-Solomon code's rate 2^-logBlowup, the number
 * of opened columns, proof-of-work bits before the column queries, and zero knowledge.
 *
 * <p>Security of the column test (Ligero, Ames et al. CCS 2017; Brakedown, Golovnev et al. CRYPTO 2023, Lemma 2 and
 * Theorem 3): the rows are codewords of RS[N, k] with relative distance delta = 1 - k/N = 1 - 2^-logBlowup. If the
 * committed matrix is e-far from the interleaved code, a random combination is e-far too except with probability
 * about N/|F_p2| (negligible here), and each opened column then catches it with probability at least e.
 * <ul>
 *   <li><b>provable</b>: e = delta/3 (the proved proximity bound of the interleaved test): queries * -log2(1 - delta/3)
 *   + grinding bits;</li>
 *   <li><b>conjectured</b>: e up to 1 - rate (the same up-to-capacity conjecture as the Plonkish backend's FRI):
 *   queries * logBlowup + grinding bits.</li>
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
     * Rate 1/4, 106 columns, 14 grinding bits: 226 conjectured and 58.0 provable bits for the column test, at least the
     * Plonkish standard preset's provable figure (57.7 on the samples), so the two backends' standard presets are
     * compared at the same provable security. (Until format v4: 46 columns and 8 grinding bits, 100 conjectured and
     * 27.1 provable bits.) Rate 1/4 rather than 1/8: the commitment's NTTs and hashing grow with the code length, the
     * proof only with the columns; 84 columns at rate 1/8 would give the same bits.
     */
    public static PcsParams standard() {
        return new PcsParams("standard", 2, 106, 14, true);
    }

    /** 100 provable bits: rate 1/4, 222 columns, 8 grinding bits. */
    public static PcsParams provable() {
        return new PcsParams("provable", 2, 222, 8, true);
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

    /** Relative distance of the row code. */
    public double distance() {
        return 1 - Math.pow(2, -logBlowup);
    }

    public double conjecturedBits() {
        return queries * (double) logBlowup + grindingBits;
    }

    public double provableBits() {
        return -queries * (Math.log(1 - distance() / 3) / Math.log(2)) + grindingBits;
    }

    public boolean isInsecure() {
        return conjecturedBits() < 100;
    }
}
