package dev.zkscope.security;

import dev.zkscope.plonk.CircuitFigures;
import dev.zkscope.plonk.ConstraintSystem;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.VerifyingKey;
import dev.zkscope.circuit.Circuit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The soundness of one circuit's proofs under one preset, in two figures: <b>conjectured</b> (the ethSTARK
 * up-to-capacity conjecture, as every STARK library states its bits) and <b>provable</b> (from proximity-gap theorems
 * that are proved), each with the terms it is made of.
 *
 * <h2>The protocol these terms follow</h2>
 * The prover commits the advice (trace) columns; the verifier draws the LogUp and permutation challenges (beta, gamma
 * and beta', gamma' in F_p2); the prover commits the LogUp helpers and running sum; the verifier draws alpha and the
 * prover commits the quotient of the C constraints combined by powers of alpha; the verifier draws an out-of-domain
 * point z and the prover opens every one of the T committed columns at z and z*omega (DEEP-ALI, Ben-Sasson, Goldberg,
 * Kopparty, Saraf, eprint 2019/336); the 2T quotients (f - v)/(X - z) are batched by powers of one challenge and FRI
 * (folding rounds of arity k_r, final polynomial in clear) tests the batch for degree &lt; n on the coset of size
 * N = n / rho; after proof-of-work grinding of g bits, s queries check the folding. |F| = p^2 throughout.
 *
 * <h2>Soundness error: the sum of the terms</h2>
 * A cheating prover wins only if one of the events below happens (union bound), so the soundness error is at most
 * the sum of the terms and the provable figure is -log2 of that sum. The terms:
 * <ul>
 *   <li><b>LogUp</b> (Haböck, eprint 2022/1530, Lemma 5, with tuples compressed by powers of gamma): if some looked-up
 *   tuple is not in its table, sum_i 1/(beta - c_i(gamma)) - sum_j m_j/(beta - t_j(gamma)) is a nonzero rational
 *   function of (beta, gamma); clearing its M = 2 L u denominators (L lookups, u rows, an input and a table fraction
 *   each) gives a numerator of total degree below M e, e = max(1, w - 1) for tuples of w components, and the sum
 *   fails to be caught, or a denominator vanishes, with probability at most 2 M e / |F| (Schwartz-Zippel).</li>
 *   <li><b>Permutation</b>: the same argument for the copy constraints' log-derivative sum with its own challenges:
 *   M' = 2 E u fractions (E equality columns), e = 1: at most 2 M' / |F|. Both sums share one running sum; as they are
 *   proper fractions in independent challenges, their total vanishes only if each does, and the two terms bound the
 *   joint event.</li>
 *   <li><b>ALI</b> (ethSTARK, eprint 2021/582; Haböck, eprint 2022/1216, Theorem 8): some constraint fails but the
 *   combination by powers of alpha vanishes on the trace domain: at most L C / |F|.</li>
 *   <li><b>Out-of-domain (DEEP)</b> (eprint 2019/336; 2022/1216, Theorem 8): a wrong quotient agrees with the
 *   constraints at z: at most L (d (n + 1) + n - 1) / (|F| - p) (z is drawn outside F_p).</li>
 *   <li><b>DEEP batching</b> (BCIKS20, eprint 2020/654, Theorem 1.5 for curves): one of the 2T quotients is far from
 *   degree &lt; n but the combination by powers of one challenge is close: at most (2T - 1) eps(rho, N).</li>
 *   <li><b>Commit phase, round r</b>: a fold of arity k_r is a combination of k_r functions by powers of beta:
 *   at most (k_r - 1) eps(rho, N_r) with N_r the folded domain's size.</li>
 *   <li><b>Query phase</b>: a function theta-far from the code passes s queries with probability (1 - theta)^s, and
 *   grinding makes each attempt cost 2^g hashes: (1 - theta)^s 2^-g.</li>
 * </ul>
 * L is the list size of the decoding radius theta and eps(rho, N) the proximity-gap error for a line.
 *
 * <h2>The regimes</h2>
 * <ul>
 *   <li><b>Conjectured</b> (ethSTARK 2021/582; the up-to-capacity proximity-gaps conjecture of BCIKS20, Section 8,
 *   with constants 1): theta = 1 - rho, so the query phase is rho^s 2^-g, i.e. s log2(1/rho) + g bits (this is
 *   {@link ProofParameters#conjecturedSecurityBits()}); eps(rho, N) = N / |F|, L = 1. As in ethSTARK and Plonky2/3 the
 *   figure is the smaller of the query-phase bits and the bits of the sum of the algebraic terms: the conjecture is
 *   about the best attack, and the strongest forms of it were disproved in 2025 (Crites and Stewart, eprint 2025/2046;
 *   Diamond and Gruen, eprint 2025/2010), so it is an estimate, not a bound.</li>
 *   <li><b>Unique decoding</b> (proved; BCIKS20 Theorem 1.2 / 4.1): theta = (1 - rho)/2, L = 1, eps(rho, N) = N / |F|.</li>
 *   <li><b>Johnson bound</b> (proved; BCIKS20 Theorem 1.5 with the 2025 improvement of Ben-Sasson, Carmon, Haböck,
 *   Kopparty and Saraf, eprint 2025/2055, Theorem 4.2, as the Ethereum Foundation's soundcalc transcribes it):
 *   theta = 1 - sqrt(rho) - eta, L = 1/(2 eta sqrt(rho)) (the Johnson bound; it multiplies every term whose challenge
 *   comes after a commitment that may decode to any of L codewords, conservatively including LogUp and permutation),
 *   m = max(ceil(sqrt(rho)/eta), 3), eps(rho, N) = ((2 (m+1/2)^5 + 3 (m+1/2) theta rho) N / (3 rho^(3/2))
 *   + (m+1/2)/sqrt(rho)) / |F|. eta is free; the code picks, on a fine grid, the one that maximises the total.</li>
 * </ul>
 * The provable figure is the better of the two proved regimes (either is a proof). Over F_p2 (|F| ~ 2^128) the
 * Johnson regime's batching term, linear in N and in the 2T batched quotients with a factor about 2^8/rho^(3/2), often
 * loses to unique decoding; a cubic extension or independent batching challenges would change that.
 *
 * <p>Not counted: the hash (collisions of the 256-bit Merkle and transcript hash, ~2^-128 per pair of queries) and
 * the Fiat-Shamir transformation's loss, which depends on the attacker's budget of hash queries.
 *
 * @param preset      the preset's name
 * @param circuit     the circuit's figures under that preset
 * @param conjectured the ethSTARK-conjecture figure and its terms
 * @param unique      the unique-decoding-regime bound and its terms
 * @param johnson     the Johnson-bound-regime bound and its terms (at the best eta)
 */
public record SecurityAnalysis(String preset, CircuitFigures circuit, Regime conjectured, Regime unique,
                               Regime johnson) {

    /** p = 2^64 - 2^32 + 1 as a double (the + 1 is below its precision). */
    static final double P = Math.pow(2, 64) - Math.pow(2, 32);

    /** |F_p2| = p^2. */
    public static final double FIELD_SIZE = fieldSize();

    /** One probability bound: its name, its bits (-log2 of the bound), its formula and what it bounds. */
    public record Term(String name, double bits, String formula, String explanation) {
        public double error() {
            return Math.pow(2, -bits);
        }
    }

    /**
     * One regime's figure: {@code bits} is -log2 of the sum of the terms (for the conjectured regime, the minimum of
     * the query phase's bits and those of the other terms' sum, see the class note).
     */
    public record Regime(String name, double bits, List<Term> terms, String note) {
        public Regime {
            terms = List.copyOf(terms);
        }

        /** The term with the fewest bits: the one to improve. */
        public Term weakest() {
            return Collections.min(terms, (a, b) -> Double.compare(a.bits(), b.bits()));
        }
    }

    /** The analysis of a circuit's proofs under the preset its figures were taken with. */
    public static SecurityAnalysis of(ProofParameters preset, CircuitFigures c) {
        ProofParameters params = preset.forTrace(c.logN()); // a small trace's rate and query count
        if (c.logBlowup() != params.logBlowup()) {
            throw new IllegalArgumentException("figures taken at blowup 2^" + c.logBlowup() + ", preset "
                    + params.name() + " has 2^" + params.logBlowup());
        }
        return new SecurityAnalysis(params.name(), c, conjectured(params, c), unique(params, c), johnsonBest(params, c));
    }

    /** The analysis of the proofs a verifying key accepts. */
    public static SecurityAnalysis of(VerifyingKey vk) {
        return of(vk.parameters(), vk.figures());
    }

    /** The analysis of a circuit under a preset (throws IllegalArgumentException if the preset cannot prove it). */
    public static SecurityAnalysis of(Circuit circuit, ProofParameters params) {
        return of(params, CircuitFigures.of(circuit, params));
    }

    /**
     * The analysis of a circuit compiled for one preset, under another: the same gates, lookups and copies in the
     * trace height the other preset's reserved rows need, as the compiler would choose it from the rows the circuit
     * uses ({@code usedRows}, without blinding rows; heights from 2^4). For a preset chooser, which shows every
     * preset's figures before recompiling.
     */
    public static SecurityAnalysis ofResized(Circuit circuit, int usedRows, ProofParameters params) {
        ConstraintSystem c = ConstraintSystem.of(circuit);
        int logN = Math.max(4, params.minLogN());
        while ((1L << logN) < (long) usedRows + params.reservedRows()) {
            logN++;
        }
        ConstraintSystem resized = new ConstraintSystem(c.name(), logN, (1 << logN) - params.reservedRows(),
                c.numFixed(), c.numAdvice(), c.numInstance(), c.gates(), c.lookups(), c.equalityColumns(),
                c.committedAdvice());
        return of(params, CircuitFigures.of(resized, params));
    }

    /** The conjectured figure (see the class note). */
    public double conjecturedBits() {
        return conjectured.bits();
    }

    /** The provable figure: the better of the unique-decoding and Johnson-bound regimes. */
    public double provableBits() {
        return provable().bits();
    }

    /** The proved regime that gives the larger figure. */
    public Regime provable() {
        return johnson.bits() > unique.bits() ? johnson : unique;
    }

    /** "conjectured 99.9 bits, provable 62.3 bits (Johnson bound)". */
    public String summary() {
        return "conjectured " + format(conjecturedBits()) + " bits, provable " + format(provableBits()) + " bits ("
                + provable().name() + ")";
    }

    /** Bits rounded down to a tenth (a security figure is never rounded up). */
    public static String format(double bits) {
        if (Double.isInfinite(bits)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.1f", Math.floor(bits * 10) / 10);
    }

    // ---- the regimes ----

    static Regime conjectured(ProofParameters p, CircuitFigures c) {
        double rho = rate(c);
        List<Term> terms = algebraic(p, c, 1, n -> n / FIELD_SIZE, "N / |F|");
        double algebraicBits = bits(sum(terms));
        Term query = queryTerm(p, rho, "rho^s 2^-g",
                "each query catches a function far from the code except with probability rho (the up-to-capacity "
                        + "conjecture); grinding makes every attempt cost 2^g hashes");
        terms.add(0, query);
        double total = Math.min(query.bits(), algebraicBits);
        return new Regime("conjectured", total, terms, "ethSTARK conjecture (up to capacity), constants 1: the smaller "
                + "of the query phase and the sum of the other terms; an estimate, disproved in its strongest forms in 2025");
    }

    static Regime unique(ProofParameters p, CircuitFigures c) {
        double rho = rate(c);
        List<Term> terms = algebraic(p, c, 1, n -> n / FIELD_SIZE, "N / |F|");
        terms.add(0, queryTerm(p, (1 + rho) / 2, "((1 + rho)/2)^s 2^-g",
                "a function farther than the unique-decoding radius (1 - rho)/2 passes each query with probability at "
                        + "most (1 + rho)/2 (proved); grinding makes every attempt cost 2^g hashes"));
        return new Regime("unique decoding", bits(sum(terms)), terms,
                "proved: BCIKS20 Theorem 1.2 (proximity gaps up to the unique-decoding radius), list size 1");
    }

    /** The Johnson-bound regime at the eta (gap to the Johnson radius) that maximises the total. */
    static Regime johnsonBest(ProofParameters p, CircuitFigures c) {
        double sqrtRho = Math.sqrt(rate(c));
        double rho = rate(c);
        // theta must stay above the unique-decoding radius (1 - rho)/2, else that regime applies.
        double etaMax = 1 - sqrtRho - (1 - rho) / 2;
        Regime best = null;
        for (int k = 0; k <= 320; k++) {
            double eta = etaMax * Math.pow(2, -k / 16.0);
            Regime r = johnson(p, c, eta);
            if (best == null || r.bits() > best.bits()) {
                best = r;
            }
        }
        return best;
    }

    /** The Johnson-bound regime at proximity theta = 1 - sqrt(rho) - eta. */
    static Regime johnson(ProofParameters p, CircuitFigures c, double eta) {
        double rho = rate(c);
        double sqrtRho = Math.sqrt(rho);
        double theta = 1 - sqrtRho - eta;
        double listSize = 1 / (2 * eta * sqrtRho);
        double m = Math.max(Math.ceil(sqrtRho / eta), 3);
        double ms = m + 0.5;
        List<Term> terms = algebraic(p, c, listSize,
                n -> ((2 * Math.pow(ms, 5) + 3 * ms * theta * rho) * n / (3 * rho * sqrtRho) + ms / sqrtRho) / FIELD_SIZE,
                "((2 (m+1/2)^5 + 3 (m+1/2) theta rho) N / (3 rho^1.5) + (m+1/2)/sqrt(rho)) / |F|");
        terms.add(0, queryTerm(p, sqrtRho + eta, "(sqrt(rho) + eta)^s 2^-g",
                "a function farther than theta = 1 - sqrt(rho) - eta passes each query with probability at most "
                        + "sqrt(rho) + eta (proved); grinding makes every attempt cost 2^g hashes"));
        return new Regime("Johnson bound", bits(sum(terms)), terms, String.format(Locale.ROOT,
                "proved: BCIKS20 with BCHKS25 (eprint 2025/2055) Theorem 4.2; eta = %.4g, theta = %.4f, list size %.1f, m = %d",
                eta, theta, listSize, (int) m));
    }

    /** The terms other than the query phase, for list size L and line proximity-gap error eps(N). */
    private static List<Term> algebraic(ProofParameters p, CircuitFigures c, double listSize,
                                        java.util.function.DoubleUnaryOperator eps, String epsFormula) {
        List<Term> t = new ArrayList<>();
        String l = listSize == 1 ? "" : "L ";
        double bigN = (double) c.n() * (1L << c.logBlowup());
        int[] rounds = c.friRounds();
        double size = bigN;
        for (int r = 0; r < rounds.length; r++) {
            int k = 1 << rounds[r];
            size /= k;
            t.add(term("commit phase round " + (r + 1) + " (arity " + k + ")", (k - 1) * eps.applyAsDouble(size),
                    "(k - 1) eps(rho, N_r), eps(rho, N) = " + epsFormula + ", N_r = " + (long) size,
                    "the fold by powers of a random beta keeps a far function far, except for this many bad betas "
                            + "(proximity gaps for curves of degree k - 1)"));
        }
        long pairs = c.openedPairs();
        t.add(term("DEEP batching", (pairs - 1) * eps.applyAsDouble(bigN),
                "(2T - 1) eps(rho, N), 2T = " + pairs + " opened (column, point) pairs, N = " + (long) bigN,
                "the " + pairs + " opening quotients are combined by powers of one challenge; a far quotient could "
                        + "hide in the combination for this fraction of challenges"));
        double n = c.n();
        double d = c.maxDegree();
        t.add(term("out-of-domain (DEEP)", listSize * (d * (n + 1) + n - 1) / (FIELD_SIZE - P),
                l + "(d (n + 1) + n - 1) / (|F| - p), d = " + c.maxDegree() + ", n = " + c.n(),
                "a wrong quotient agrees with the constraints at the random out-of-domain point z (a polynomial of "
                        + "degree d (n + 1) + n - 1 has that many roots at most)"));
        t.add(term("ALI (constraint combination)", listSize * c.constraints() / FIELD_SIZE,
                l + "C / |F|, C = " + c.constraints() + " constraints",
                "a violated constraint cancels out of the random combination by powers of alpha"));
        long mL = c.lookupFractions();
        int e = Math.max(1, c.maxLookupTuple() - 1);
        t.add(term("LogUp", mL == 0 ? 0 : listSize * 2.0 * mL * e / FIELD_SIZE,
                l + "2 M e / |F|, M = 2 L u = " + mL + " fractions (" + c.lookups() + " lookups x " + c.usableRows()
                        + " rows), e = " + e,
                "a value outside its table still balances the log-derivative sum at the random beta, gamma "
                        + "(Schwartz-Zippel over the cleared fractions; conservative: counts every fraction, repeated or not)"));
        long mP = c.permutationFractions();
        t.add(term("permutation", mP == 0 ? 0 : listSize * 2.0 * mP / FIELD_SIZE,
                l + "2 M' / |F|, M' = 2 E u = " + mP + " fractions (" + c.equalityColumns() + " equality columns x "
                        + c.usableRows() + " rows)",
                "a broken copy constraint still balances the permutation's log-derivative sum at the random "
                        + "beta', gamma' (Schwartz-Zippel, conservative likewise)"));
        return t;
    }

    private static Term queryTerm(ProofParameters p, double perQuery, String formula, String explanation) {
        double log2 = p.numQueries() * Math.log(perQuery) / Math.log(2) - p.grindingBits();
        return new Term("query phase", -log2, formula + ", s = " + p.numQueries() + ", g = " + p.grindingBits(),
                explanation);
    }

    private static Term term(String name, double error, String formula, String explanation) {
        return new Term(name, bits(error), formula, explanation);
    }

    static double rate(CircuitFigures c) {
        return Math.pow(2, -c.logBlowup());
    }

    private static double sum(List<Term> terms) {
        double s = 0;
        for (Term t : terms) {
            s += t.error();
        }
        return s;
    }

    /** -log2(error); infinite for an impossible event. */
    static double bits(double error) {
        return error <= 0 ? Double.POSITIVE_INFINITY : -Math.log(error) / Math.log(2);
    }

    private static double fieldSize() {
        return P * P;
    }
}
