package dev.zkscope.security;

import dev.zkscope.plonk.CircuitFigures;
import dev.zkscope.plonk.ProofParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The formulas of {@link SecurityAnalysis} on synthetic circuit figures, against values computed by hand. */
class SecurityAnalysisTest {
    /** 2^10 rows (1000 usable) at rate 1/4, degree 3, 10 constraints, 1 lookup of 1 column, 4 equality columns. */
    private static CircuitFigures figures(int logN, int usable, int columns) {
        ProofParameters p = params(42, 16);
        return new CircuitFigures("synthetic", logN, usable, 2, 3, 10, columns, new int[] {columns, 0, 0, 0, 0}, 2, 1,
                2, 4, friRounds(logN, p), p.logFinalPolyLen(), 2L * columns);
    }

    private static int[] friRounds(int logN, ProofParameters p) {
        return new dev.zkscope.pcs.FriConfig(logN, p.logBlowup(), p.numQueries(), p.grindingBits(),
                p.logFoldingArity(), p.logFinalPolyLen(), true).rounds();
    }

    private static ProofParameters params(int queries, int grinding) {
        return new ProofParameters("t", 2, queries, grinding, 2, 3, true);
    }

    private static Map<String, Double> bits(SecurityAnalysis.Regime r) {
        return r.terms().stream().collect(Collectors.toMap(SecurityAnalysis.Term::name, SecurityAnalysis.Term::bits));
    }

    @Test
    void handComputedConfiguration_uniqueDecoding() {
        // n = 1024, N = 4096, rho = 1/4, s = 120, g = 20, T = 5000 columns; computed by hand (Python, doubles):
        // query 120 log2(8/5) + 20 = 101.3686; batching -log2(9999 * 4096 / p^2) = 102.7124; total 100.8891.
        SecurityAnalysis a = SecurityAnalysis.of(params(120, 20), figures(10, 1000, 5000));
        Map<String, Double> u = bits(a.unique());
        assertThat(u.get("query phase")).isCloseTo(101.3686, within(1e-3));
        assertThat(u.get("DEEP batching")).isCloseTo(102.7124, within(1e-3));
        // commit rounds of arity 4, 4, 4, 2 on domains 1024, 256, 64, 32: -log2(3 * 1024 / p^2) = 116.415 ...
        assertThat(u.get("commit phase round 1 (arity 4)")).isCloseTo(116.4150, within(1e-3));
        assertThat(u.get("commit phase round 4 (arity 2)")).isCloseTo(123.0, within(1e-3));
        // out-of-domain: (3 (1024 + 1) + 1023) / (p^2 - p); ALI 10 / p^2; LogUp 2 * 2000 * 1 / p^2; permutation 2 * 8000 / p^2
        assertThat(u.get("out-of-domain (DEEP)")).isCloseTo(115.9993, within(1e-3));
        assertThat(u.get("ALI (constraint combination)")).isCloseTo(124.6781, within(1e-3));
        assertThat(u.get("LogUp")).isCloseTo(116.0342, within(1e-3));
        assertThat(u.get("permutation")).isCloseTo(114.0342, within(1e-3));
        assertThat(a.unique().bits()).isCloseTo(100.8891, within(1e-3));
        // conjectured: min(120 * 2 + 20, bits of the sum of the other terms = 102.7114)
        assertThat(bits(a.conjectured()).get("query phase")).isCloseTo(260, within(1e-9));
        assertThat(a.conjectured().bits()).isCloseTo(102.7114, within(1e-3));
    }

    @Test
    void handComputedConfiguration_johnsonBoundAtAGivenEta() {
        // eta = 0.05 at rho = 1/4: theta = 0.45, list size 1/(2 eta sqrt(rho)) = 20, m = max(ceil(0.5/0.05), 3) = 10;
        // eps(rho, 4096) = ((2 * 10.5^5 + 3 * 10.5 * 0.45 * 0.25) * 4096 / (3 * 0.125) + 10.5 / 0.5) / p^2 = 2^-96.623
        SecurityAnalysis.Regime j = SecurityAnalysis.johnson(params(42, 16), figures(10, 1000, 50), 0.05);
        Map<String, Double> b = bits(j);
        assertThat(b.get("query phase")).isCloseTo(-(42 * Math.log(0.55) / Math.log(2)) + 16, within(1e-9));
        assertThat(b.get("query phase")).isCloseTo(52.2249, within(1e-3));
        assertThat(b.get("DEEP batching")).isCloseTo(96.6234 - Math.log(99) / Math.log(2), within(1e-3));
        // the list size multiplies the terms drawn after a commitment
        assertThat(b.get("ALI (constraint combination)")).isCloseTo(124.6781 - Math.log(20) / Math.log(2), within(1e-3));
        assertThat(j.note()).contains("list size 20.0", "m = 10");
    }

    @Test
    void moreQueries_giveMoreBits_inEveryRegime() {
        CircuitFigures f = figures(12, 4000, 150);
        double prevConj = 0;
        double prevProv = 0;
        for (int q = 20; q <= 140; q += 20) {
            SecurityAnalysis a = SecurityAnalysis.of(params(q, 16), f);
            assertThat(a.conjecturedBits()).as("conjectured, %d queries", q).isGreaterThanOrEqualTo(prevConj);
            assertThat(a.provableBits()).as("provable, %d queries", q).isGreaterThan(prevProv);
            prevConj = a.conjecturedBits();
            prevProv = a.provableBits();
        }
        // until the field terms cap them: the query phase alone would give 140 * 2 + 16 bits
        assertThat(prevConj).isLessThan(120);
    }

    @Test
    void largerCircuit_givesFewerProvableBits() {
        ProofParameters p = params(120, 20);
        double prev = Double.POSITIVE_INFINITY;
        for (int logN = 10; logN <= 20; logN += 2) {
            int usable = (1 << logN) - 200;
            SecurityAnalysis a = SecurityAnalysis.of(p, figures(logN, usable, 300));
            assertThat(a.provableBits()).as("2^%d rows", logN).isLessThan(prev);
            prev = a.provableBits();
        }
        // more columns: a larger DEEP batch
        assertThat(SecurityAnalysis.of(p, figures(16, 60000, 1000)).provableBits())
                .isLessThan(SecurityAnalysis.of(p, figures(16, 60000, 300)).provableBits());
    }

    @Test
    void johnsonRegime_usesTheBestEta() {
        ProofParameters p = params(42, 16);
        CircuitFigures f = figures(11, 2000, 160);
        SecurityAnalysis a = SecurityAnalysis.of(p, f);
        for (double eta : new double[] {0.001, 0.01, 0.05, 0.1}) {
            assertThat(a.johnson().bits()).isGreaterThanOrEqualTo(SecurityAnalysis.johnson(p, f, eta).bits() - 1e-9);
        }
        assertThat(a.provableBits()).isEqualTo(Math.max(a.johnson().bits(), a.unique().bits()));
        // at rate 1/4 each query is worth at most log2(1/sqrt(rho)) = 1 bit provably, against 2 conjectured
        assertThat(a.provableBits()).isLessThan(42 + 16);
        assertThat(a.conjecturedBits()).isCloseTo(100, within(1e-9));
    }

    @Test
    void termsCarryFormulaAndExplanation_andWeakestIsTheMinimum() {
        SecurityAnalysis a = SecurityAnalysis.of(params(42, 16), figures(10, 1000, 50));
        for (SecurityAnalysis.Regime r : List.of(a.conjectured(), a.unique(), a.johnson())) {
            assertThat(r.terms()).extracting(SecurityAnalysis.Term::name).contains("query phase", "DEEP batching",
                    "out-of-domain (DEEP)", "ALI (constraint combination)", "LogUp", "permutation",
                    "commit phase round 1 (arity 4)");
            for (SecurityAnalysis.Term t : r.terms()) {
                assertThat(t.formula()).isNotBlank();
                assertThat(t.explanation()).isNotBlank();
                assertThat(t.bits()).isGreaterThanOrEqualTo(r.weakest().bits());
            }
        }
        assertThat(a.summary()).isEqualTo("conjectured 100.0 bits, provable "
                + SecurityAnalysis.format(a.provableBits()) + " bits (" + a.provable().name() + ")");
    }

    @Test
    void noLookups_meansNoLookupError_andFormatRoundsDown() {
        CircuitFigures f = new CircuitFigures("x", 10, 1000, 2, 3, 10, 50, new int[] {50, 0, 0, 0, 0}, 2, 0, 0, 0,
                new int[] {2, 2, 2, 1}, 3, 100);
        SecurityAnalysis a = SecurityAnalysis.of(params(42, 16), f);
        assertThat(bits(a.unique()).get("LogUp")).isInfinite();
        assertThat(bits(a.unique()).get("permutation")).isInfinite();
        assertThat(SecurityAnalysis.format(99.99)).isEqualTo("99.9");
        assertThat(SecurityAnalysis.format(100.0)).isEqualTo("100.0");
    }

    @Test
    void figuresOfAnotherBlowup_areRefused() {
        ProofParameters high = ProofParameters.high();
        assertThatThrownBy(() -> SecurityAnalysis.of(high, figures(10, 1000, 50)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blowup");
    }
}
