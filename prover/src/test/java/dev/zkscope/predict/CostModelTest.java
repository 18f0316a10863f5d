package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.zkscope.plonk.ProofShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cost model's fit and cache, on synthetic measurements with known coefficients (no timing involved). */
class CostModelTest {
    private static final double[] SLOPE = {2e-9, 3e-9, 1e-9, 4e-9, 5e-8};
    private static final double[] INTERCEPT = {0.001, 0.0, 0.002, 0.0005, 0.03};

    private static List<CostModel.Measurement> exactMeasurements() {
        List<CostModel.Measurement> ms = new ArrayList<>();
        // extensions of 2^19 points and more: the heap's garbage terms are fitted on those (CostModel.HEAP_FIT_LOG_LDE)
        int[][] shapes = {{15, 10}, {15, 30}, {16, 10}, {16, 30}, {17, 20}};
        for (int[] c : shapes) {
            ProofShape s = new ProofShape(c[0], c[0] + 3, c[0] + 1, 8, c[1], 6, 8, 3, 10, 40L * c[1], 4 + c[1] / 5, 28);
            double[] w = CostModel.work(s);
            double[] t = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                t[i] = SLOPE[i] * w[i] + INTERCEPT[i];
            }
            ms.add(new CostModel.Measurement(s, t, (long) CostModel.heapBytes(s, 1.5, 0)));
        }
        return ms;
    }

    @Test
    void usedAfterGc_runsAFullCollection_andReadsTheHeapItLeft() {
        long before = CostModel.fullCollections();
        assertThat(before).as("G1 names its full collector").isNotNegative();
        long[] garbage = new long[1 << 20]; // 8 MiB, dropped before the collection
        garbage[garbage.length - 1] = 1;
        long used = CostModel.usedAfterGc();
        assertThat(CostModel.fullCollections()).as("a full collection ran").isGreaterThan(before);
        assertThat(used).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().totalMemory());
    }

    @Test
    void fit_recoversKnownCoefficients_andPredictsANewShape() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        ProofShape fresh = new ProofShape(16, 18, 17, 9, 25, 8, 10, 3, 12, 1234, 9, 28);
        double[] w = CostModel.work(fresh);
        double expected = 0;
        for (int i = 0; i < w.length; i++) {
            expected += SLOPE[i] * w[i] + INTERCEPT[i];
        }
        CostModel.Prediction p = m.predict(fresh);
        assertThat(p.proveSeconds()).isCloseTo(expected, within(expected * 1e-6));
        assertThat(p.heapBytesAboveBaseline())
                .isCloseTo((long) CostModel.heapBytes(fresh, 1.5, 0), within(1000L));
        assertThat(p.phaseSeconds()).containsOnlyKeys(CostModel.PHASES);
        assertThat(p.peakHeapBytes(100)).isEqualTo(100 + p.heapBytesAboveBaseline());
    }

    @Test
    void garbageFit_isAMultipleOfTheCount_weightedByTheMeasuredHeap() {
        // one segment-sized proof: counted 361 MiB, measured 649 (residual 288)
        double mib = 1 << 20;
        double[] one = CostModel.garbageFit(List.of(new double[] {361 * mib, 288 * mib, 649 * mib}));
        assertThat(one[0]).isCloseTo(288.0 / 361, within(1e-9));
        assertThat(one[1]).isZero();
        // two sizes whose residuals are 0.5 and 1.0 times the count: the multiple between them, no intercept,
        // minimizing the relative error of the predicted heap: sum (x_i (1 + c) - m_i)^2 / m_i^2, with m_i = x_i r_i
        double[] two = CostModel.garbageFit(List.of(new double[] {400 * mib, 200 * mib, 600 * mib},
                new double[] {800 * mib, 800 * mib, 1600 * mib}));
        double w1 = 1 / (600.0 * 600), w2 = 1 / (1600.0 * 1600);
        double expected = (w1 * 400 * 200 + w2 * 800 * 800) / (w1 * 400 * 400 + w2 * 800 * 800);
        assertThat(two[0]).isCloseTo(expected, within(1e-9)).isBetween(0.5, 1.0);
        assertThat(two[1]).isZero();
        assertThat(CostModel.garbageFit(List.of())).containsExactly(0, 0);
        // garbage never fitted below zero: a proof measured under its count gives no negative multiple
        assertThat(CostModel.garbageFit(List.<double[]>of(new double[] {400 * mib, -50 * mib, 350 * mib}))[0])
                .isZero();
    }

    @Test
    void heapPrediction_neverCountsNegativeGarbage() {
        ProofShape small = new ProofShape(10, 13, 12, 8, 8, 4, 6, 3, 8, 200, 6, 28);
        assertThat(CostModel.heapBytes(small, 0.5, -1e12)).isEqualTo(CostModel.memoryWork(small));
        assertThat(CostModel.heapBytes(small, 0.5, 0)).isEqualTo(1.5 * CostModel.memoryWork(small));
    }

    @Test
    void quotientWork_chargesEachLogUpFractionAsManyNodes_andEveryPoint() {
        // the same circuit with 50 more fractions: 50 x FRACTION_WEIGHT more nodes' work at every quotient point
        ProofShape few = new ProofShape(17, 20, 19, 96, 32, 62, 12, 5, 141, 6864, 64, 28);
        ProofShape many = new ProofShape(17, 20, 19, 96, 32, 62, 12, 5, 141, 6864, 114, 28);
        double q = 1 << 19;
        assertThat(CostModel.work(many)[2] - CostModel.work(few)[2]).isEqualTo(50 * CostModel.FRACTION_WEIGHT * q);
        assertThat(CostModel.quotientPointWork(few)).isEqualTo(6864 + 64 * CostModel.FRACTION_WEIGHT
                + CostModel.POINT_WEIGHT);
        // the openings read every column's n coefficients, not its extension: a higher rate leaves them alone
        ProofShape lowRate = new ProofShape(17, 22, 19, 96, 32, 62, 12, 5, 141, 6864, 64, 17);
        assertThat(CostModel.work(lowRate)[3]).isEqualTo(CostModel.work(few)[3]);
        assertThat(CostModel.work(lowRate)[4]).isGreaterThan(CostModel.work(few)[4]);
    }

    @Test
    void scaled_multipliesEveryPhasesTime_andKeepsTheHeap() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        ProofShape s = new ProofShape(16, 19, 18, 96, 36, 70, 12, 5, 127, 6696, 74, 28);
        CostModel.Prediction p = m.predict(s);
        CostModel.Prediction q = m.scaled(1.6).predict(s);
        assertThat(q.proveSeconds()).isCloseTo(1.6 * p.proveSeconds(), within(1e-9 * p.proveSeconds()));
        for (String ph : CostModel.PHASES) {
            assertThat(q.phaseSeconds().get(ph)).isCloseTo(1.6 * p.phaseSeconds().get(ph), within(1e-12));
        }
        assertThat(q.heapBytesAboveBaseline()).isEqualTo(p.heapBytesAboveBaseline());
        assertThat(m.scaled(1.6).origin()).contains("1.600", "speed check");
        assertThatThrownBy(() -> m.scaled(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.scaled(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static CostModel.Measurement timed(int logN, double seconds) {
        ProofShape s = new ProofShape(logN, logN + 3, logN + 1, 8, 12, 6, 8, 3, 10, 400, 6, 28);
        double[] t = new double[CostModel.PHASES.length];
        t[0] = seconds / 2; // the spread is on the proof's total time, whatever its phases
        t[2] = seconds / 2;
        return new CostModel.Measurement(s, t, 1 << 20);
    }

    @Test
    void repeatSpread_poolsTheLogTimesOfEachCircuitsRepeats_leavingOutSmallOnes() {
        double e = Math.E;
        CostModel.Measurement[][] runs = {
            // 2^16: ln times 0, +0.2, -0.2 around their mean 0: squares 0.08, two degrees of freedom
            {timed(16, 1), timed(16, Math.pow(e, 0.2)), timed(16, Math.pow(e, -0.2))},
            // 2^12 is below SPREAD_MIN_LOG_N (its time mostly grinding): left out however wild
            {timed(12, 0.01), timed(12, 0.05), timed(12, 0.02)},
            // 2^17 repeated exactly: no squares, two more degrees of freedom
            {timed(17, 8), timed(17, 8), timed(17, 8)},
        };
        assertThat(CostModel.repeatSpread(runs, CostModel.SPREAD_MIN_LOG_N))
                .isCloseTo(Math.sqrt(0.08 / 4), within(1e-12));
        assertThat(CostModel.repeatSpread(runs, 10)).as("with the small circuit counted")
                .isGreaterThan(Math.sqrt(0.08 / 4));
        assertThat(CostModel.repeatSpread(new CostModel.Measurement[][] {{timed(16, 1)}}, 14))
                .as("one pass cannot measure it").isNaN();
    }

    @Test
    void timeBand_isTwoSpreadsEitherWay_andUnknownWithoutASpread() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        assertThat(m.timeSpread()).as("a fit alone has not repeated anything").isNaN();
        assertThat(m.timeBand(10)).isNull();
        assertThat(m.withinBand(10, 10)).isNull();
        CostModel w = m.withTimeSpread(0.15);
        double f = Math.exp(0.3);
        assertThat(w.timeBand(10)).containsExactly(new double[] {10 / f, 10 * f}, within(1e-12));
        assertThat(w.withinBand(10, 13.4)).isTrue();
        assertThat(w.withinBand(10, 13.6)).isFalse();
        assertThat(w.withinBand(10, 7.5)).isTrue();
        assertThat(w.withinBand(10, 7.3)).isFalse();
        assertThat(w.scaled(1.5).timeSpread()).as("a speed check moves the band, not its width").isEqualTo(0.15);
        assertThat(w.scaled(1.5).timeBand(10)).containsExactly(new double[] {10 / f, 10 * f}, within(1e-12));
        assertThatThrownBy(() -> m.withTimeSpread(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cache_keepsTheTimeSpread_andReadsItsAbsenceAsUnknown(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.properties");
        CostModel.write(CostModel.fit(exactMeasurements(), "test").withTimeSpread(0.123), f);
        assertThat(Files.readString(f)).contains("timeSpread=0.123");
        assertThat(CostModel.read(f).timeSpread()).isEqualTo(0.123);
        String good = Files.readString(f);
        Files.writeString(f, good.replaceAll("timeSpread=.*\n", ""));
        assertThat(CostModel.read(f)).isNotNull();
        assertThat(CostModel.read(f).timeSpread()).isNaN();
        Files.writeString(f, good.replaceAll("timeSpread=.*", "timeSpread=-0.2"));
        assertThat(CostModel.read(f)).as("a negative spread: damaged").isNull();
        Files.writeString(f, good.replaceAll("timeSpread=.*", "timeSpread=Infinity"));
        assertThat(CostModel.read(f)).as("an infinite spread: damaged").isNull();
        CostModel.write(CostModel.fit(exactMeasurements(), "test"), f);
        assertThat(Files.readString(f)).as("an unknown spread is not written").doesNotContain("timeSpread");
    }

    @Test
    void speedCheck_timesOneCalibrationProof_againstThePrediction() {
        // a model that predicts every phase at a tenth of a microsecond per unit of work: whatever the machine, the
        // check's factor is the measured time of the proof over that prediction
        double[] slope = new double[CostModel.PHASES.length];
        java.util.Arrays.fill(slope, 1e-13);
        CostModel m = new CostModel(slope, new double[slope.length], 0.5, 0, "test");
        CostModel.SpeedCheck c = m.speedCheck(10, 6, 2);
        assertThat(c.proofs()).isEqualTo(2);
        assertThat(c.measuredSeconds()).isPositive();
        assertThat(c.predictedSeconds()).isPositive();
        assertThat(c.factor()).isEqualTo(c.measuredSeconds() / c.predictedSeconds()).isGreaterThan(1);
        assertThat(c.appliedFactor()).isCloseTo(Math.sqrt(c.factor()), within(1e-12))
                .isGreaterThan(1).isLessThan(c.factor());
        assertThat(new CostModel.SpeedCheck(16, 48, 2, 2.0, 8.0).appliedFactor()).isEqualTo(0.5);
        // the scaled model predicts the check proof's shape at the measured time
        CostModel.Measurement again = CostModel.measure(10, 6, dev.zkscope.plonk.ProofParameters.standard());
        assertThat(2 * m.scaled(c.factor()).predict(again.shape()).proveSeconds())
                .isCloseTo(c.measuredSeconds(), within(1e-9 * c.measuredSeconds()));
    }

    @Test
    void predictions_growWithTheTrace() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        // arrays below half a collector region (so no humongous rounding): the heap grows with the trace, up to the
        // trees' top levels (a few digests)
        ProofShape small = new ProofShape(10, 12, 11, 8, 16, 6, 8, 3, 10, 600, 6, 28);
        ProofShape large = new ProofShape(13, 15, 14, 8, 16, 6, 8, 3, 10, 600, 6, 28);
        assertThat(m.predict(large).proveSeconds()).isGreaterThan(2 * m.predict(small).proveSeconds());
        assertThat(m.predict(large).heapBytesAboveBaseline())
                .isCloseTo(8 * m.predict(small).heapBytesAboveBaseline(), within(4000L));
    }

    @Test
    void relativeFit_weighsSmallAndLargeMeasurementsAlike() {
        // y = 2x + 10 except one large outlier 10% high: an unweighted fit would bend to the outlier and miss the small
        // points by far more than 10%; the relative fit keeps every point within about 10%.
        double[] x = {1, 2, 4, 8, 1000};
        double[] y = {12, 14, 18, 26, 1.1 * 2010};
        double[] ab = CostModel.relativeFit(x, y);
        for (int i = 0; i < x.length; i++) {
            assertThat(Math.abs(ab[0] * x[i] + ab[1] - y[i]) / y[i]).isLessThan(0.1);
        }
        assertThat(CostModel.relativeFit(new double[] {1, 2}, new double[] {0, 0})).containsExactly(0, 0);
    }

    @Test
    void cache_roundTrips_andRejectsDamagedOrForeignFiles(@TempDir Path dir) throws Exception {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        Path f = dir.resolve("model.properties");
        CostModel.write(m, f);
        CostModel back = CostModel.read(f);
        assertThat(back).isNotNull();
        ProofShape s = new ProofShape(13, 15, 14, 8, 16, 6, 8, 3, 10, 600, 6, 28);
        assertThat(back.predict(s).proveSeconds()).isEqualTo(m.predict(s).proveSeconds());

        Files.writeString(f, Files.readString(f).replace("slope.2", "slopeX"));
        assertThat(CostModel.read(f)).as("a damaged cache is recalibrated, not trusted").isNull();
        CostModel.write(m, f);
        Files.writeString(f, Files.readString(f).replaceAll("key=.*", "key=another-machine"));
        assertThat(CostModel.read(f)).as("another machine's coefficients are not used").isNull();
        assertThat(CostModel.read(dir.resolve("missing"))).isNull();
    }

    @Test
    void cache_recordsDateAndLoad_expires_andFailsItsLoadCheckOnBadCoefficients(@TempDir Path dir) throws Exception {
        java.time.Instant at = java.time.Instant.parse("2026-11-01T10:00:00Z");
        CostModel m = new CostModel(SLOPE, INTERCEPT, 1.5, 4e6, "test", at, 0.5);
        Path f = dir.resolve("model.properties");
        CostModel.write(m, f);
        assertThat(Files.readString(f)).contains("calibratedAt=2026-11-01T10\\:00\\:00Z", "date=2026-11-01", "load=0.5");
        CostModel back = CostModel.read(f, at.plus(java.time.Duration.ofDays(29)));
        assertThat(back).isNotNull();
        assertThat(back.calibratedAt()).isEqualTo(at);
        assertThat(back.loadDuringCalibration()).isEqualTo(0.5);
        assertThat(back.origin()).contains("2026-11-01");
        assertThat(CostModel.read(f, at.plus(CostModel.MAX_AGE).plusSeconds(60))).as("expired").isNull();
        assertThat(CostModel.read(f, at.minus(java.time.Duration.ofDays(1)))).as("dated in the future").isNull();

        String good = Files.readString(f);
        Files.writeString(f, good.replaceAll("slope\\.1=.*", "slope.1=-3e-9"));
        assertThat(CostModel.read(f, at)).as("a negative slope").isNull();
        Files.writeString(f, good.replaceAll("heapBase=.*", "heapBase=NaN"));
        assertThat(CostModel.read(f, at)).as("a coefficient that is not a number").isNull();
        Files.writeString(f, good.replaceAll("heapBase=.*", "heapBase=-1.5E8"));
        assertThat(CostModel.read(f, at)).as("a negative garbage intercept (the fit never makes one)").isNull();
        Files.writeString(f, good.replaceAll("key=.*", "key=" + CostModel.machineKey().replace("heap", "heap1")));
        assertThat(CostModel.read(f, at)).as("a JVM with another heap calibrates its own garbage fit").isNull();
        Files.writeString(f, good.replaceAll("calibratedAt=.*\n", ""));
        assertThat(CostModel.read(f, at)).as("an undated cache (written before dates were kept)").isNull();
        double[] zero = new double[SLOPE.length];
        CostModel.write(new CostModel(zero, zero, 0, 0, "test", at, 0.5), f);
        assertThat(CostModel.read(f, at)).as("coefficients that predict nothing").isNull();
    }

    @Test
    void caveat_flagsABusyMachineAndAnAgingCache() {
        int cores = Runtime.getRuntime().availableProcessors();
        java.time.Instant now = java.time.Instant.now();
        assertThat(new CostModel(SLOPE, INTERCEPT, 1.5, 4e6, "t", now, cores * 0.5).caveat()).isNull();
        // the calibration's own proofs load every core: a load of cores + 0.1 is the calibration alone
        assertThat(new CostModel(SLOPE, INTERCEPT, 1.5, 4e6, "t", now, cores + 0.1).caveat()).isNull();
        assertThat(new CostModel(SLOPE, INTERCEPT, 1.5, 4e6, "t", now, cores + 3.0).caveat())
                .contains("busy", "calibrate --force");
        assertThat(new CostModel(SLOPE, INTERCEPT, 1.5, 4e6, "t", now.minus(java.time.Duration.ofDays(26)), 0.1)
                .caveat()).contains("26 days ago");
    }

    @Test
    void calibrate_measuresRealProofs_andItsModelPredictsTheirSizes() {
        CostModel m = CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS);
        assertThat(m.origin()).contains("calibrated now on 3 proofs");
        assertThat(m.timeSpread()).as("one pass of each circuit repeats nothing").isNaN();
        assertThat(m.calibratedAt()).isBetween(java.time.Instant.now().minusSeconds(120), java.time.Instant.now());
        dev.zkscope.plonk.ProofParameters params = dev.zkscope.plonk.ProofParameters.standard();
        ProofShape small = ProofShape.of(CalibrationCircuits.mix(9, 6, params.reservedRows()).circuit(), params);
        ProofShape large = ProofShape.of(CalibrationCircuits.mix(11, 6, params.reservedRows()).circuit(), params);
        CostModel.Prediction ps = m.predict(small);
        CostModel.Prediction pl = m.predict(large);
        assertThat(ps.proveSeconds()).isPositive().isLessThan(pl.proveSeconds());
        assertThat(ps.heapBytesAboveBaseline()).isPositive().isLessThan(pl.heapBytesAboveBaseline());
        // A calibrated model survives its own cache's load check.
        Path f = Path.of(System.getProperty("java.io.tmpdir"), "zkscope-costmodel-test-" + ProcessHandle.current().pid()
                + ".properties");
        try {
            CostModel.write(m, f);
            assertThat(CostModel.read(f)).isNotNull();
        } finally {
            f.toFile().delete();
        }
    }

    @Test
    void testsNeverUseTheUsersCache() {
        assertThat(System.getProperty("zkscope.cache")).as("set by surefire's configuration").isNotBlank();
        assertThat(CostModel.cacheFile().toString()).doesNotContain(Path.of(System.getProperty("user.home"), ".cache")
                .toString());
    }

    @Test
    void predictionError_isOnWhatTheModelPredicts_andFlagsAThreefoldMiss() {
        PredictionError ok = new PredictionError(0.2, 0.25, 40L << 20, 30L << 20);
        assertThat(ok.timeError()).isCloseTo(0.25, within(1e-9));
        assertThat(ok.heapError()).isCloseTo(-0.25, within(1e-9));
        assertThat(ok.summary()).isEqualTo("time +25%, heap above baseline -25%");
        assertThat(ok.warning()).isNull();
        PredictionError slow = new PredictionError(0.1, 0.42, 40L << 20, 10L << 20);
        assertThat(slow.warning()).contains("time 4.2x more than predicted", "heap above baseline 4.0x less than "
                + "predicted", "calibrate --force");
    }
}
