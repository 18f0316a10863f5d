package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.plonk.ProofParameters;
import org.junit.jupiter.api.Test;

/**
 * The counted heap against a measured proof, measured as the CLI measures a segment (baseline after a full
 * collection, then the sampled peak: {@link CostModel#heapAboveBaseline}). No timing is asserted.
 */
class HeapPredictionTest {
    @Test
    void countedHeap_matchesTheMeasuredPeak_ofAWideCircuitWithinABand() {
        // 2^13 rows at rate 1/16 (2^17 extended points, 1 MiB a column: humongous, as a segment's are), 49 advice
        // columns: the commitments dominate, as in model segments. Measured at -Xmx4g: 1.09 and 1.19 times counted in a
        // fresh JVM, 1.90 in the test JVM after CostModelTest's calibration (a larger young generation keeps more of
        // the quotient's and FRI's short-lived arrays: the garbage term the calibration fits).
        ProofParameters params = ProofParameters.standard();
        CostModel.Measurement m = CostModel.measure(13, 48, params);
        double counted = CostModel.memoryWork(m.shape());
        double ratio = m.heapAboveBaseline() / counted;
        assertThat(m.shape().logLde()).isGreaterThanOrEqualTo(CostModel.HUMONGOUS_LOG_LDE);
        // below 0.7: a collection freed the commitments' discarded extensions mid-proof (the model counts them);
        // above 2.5: garbage the model does not know of, larger than the batches themselves
        assertThat(ratio).as("measured %d bytes, counted %.0f", m.heapAboveBaseline(), counted).isBetween(0.7, 2.5);
    }

    @Test
    void heapAboveBaseline_measuresWhatAProofAllocates() {
        long[] bh = CostModel.heapAboveBaseline(() -> {
            long[][] keep = new long[16][];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = new long[1 << 17]; // 16 MiB held until the end
            }
            try {
                Thread.sleep(40); // the sampler (every 10 ms) sees it; peakNow also samples at the end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(keep[15]).hasSize(1 << 17);
        });
        assertThat(bh[1] - bh[0]).isGreaterThanOrEqualTo(16L << 20);
    }
}
