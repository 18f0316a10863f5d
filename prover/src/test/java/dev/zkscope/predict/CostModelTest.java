package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;
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
        int[][] shapes = {{12, 10}, {12, 30}, {14, 10}, {14, 30}, {15, 20}};
        for (int[] c : shapes) {
            ProofShape s = new ProofShape(c[0], c[0] + 2, c[0] + 1, 8, c[1], 6, 8, 3, 10, 40L * c[1]);
            double[] w = CostModel.work(s);
            double[] t = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                t[i] = SLOPE[i] * w[i] + INTERCEPT[i];
            }
            ms.add(new CostModel.Measurement(s, t, (long) (1.5 * CostModel.memoryWork(s) + 4_000_000)));
        }
        return ms;
    }

    @Test
    void fit_recoversKnownCoefficients_andPredictsANewShape() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        ProofShape fresh = new ProofShape(16, 18, 17, 9, 25, 8, 10, 3, 12, 1234);
        double[] w = CostModel.work(fresh);
        double expected = 0;
        for (int i = 0; i < w.length; i++) {
            expected += SLOPE[i] * w[i] + INTERCEPT[i];
        }
        CostModel.Prediction p = m.predict(fresh);
        assertThat(p.proveSeconds()).isCloseTo(expected, within(expected * 1e-6));
        assertThat(p.heapBytesAboveBaseline())
                .isCloseTo((long) (1.5 * CostModel.memoryWork(fresh) + 4_000_000), within(1000L));
        assertThat(p.phaseSeconds()).containsOnlyKeys(CostModel.PHASES);
        assertThat(p.peakHeapBytes(100)).isEqualTo(100 + p.heapBytesAboveBaseline());
    }

    @Test
    void predictions_growWithTheTrace() {
        CostModel m = CostModel.fit(exactMeasurements(), "test");
        ProofShape small = new ProofShape(12, 14, 13, 8, 16, 6, 8, 3, 10, 600);
        ProofShape large = new ProofShape(16, 18, 17, 8, 16, 6, 8, 3, 10, 600);
        assertThat(m.predict(large).proveSeconds()).isGreaterThan(4 * m.predict(small).proveSeconds());
        assertThat(m.predict(large).heapBytesAboveBaseline() - 4_000_000)
                .isCloseTo(16 * (m.predict(small).heapBytesAboveBaseline() - 4_000_000), within(1000L));
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
        ProofShape s = new ProofShape(13, 15, 14, 8, 16, 6, 8, 3, 10, 600);
        assertThat(back.predict(s).proveSeconds()).isEqualTo(m.predict(s).proveSeconds());

        Files.writeString(f, Files.readString(f).replace("slope.2", "slopeX"));
        assertThat(CostModel.read(f)).as("a damaged cache is recalibrated, not trusted").isNull();
        CostModel.write(m, f);
        Files.writeString(f, Files.readString(f).replaceAll("key=.*", "key=another-machine"));
        assertThat(CostModel.read(f)).as("another machine's coefficients are not used").isNull();
        assertThat(CostModel.read(dir.resolve("missing"))).isNull();
    }
}
