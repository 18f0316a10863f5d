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
        // 2^16 rows at rate 1/8 (2^19 extended points, 4 MiB a column: humongous, as a segment's are), 49 advice
        // columns: the commitments dominate, as in model segments. The measured peak is the counted live bytes plus
        // the garbage the collector has not freed yet (the term the calibration fits: 1.7-1.8 times counted here).
        // Two proofs, the smaller ratio kept: the garbage at the peak depends on when the collector ran (a clean-clone
        // CI run once measured 2.51), while a wrong count would put both proofs out of the band.
        ProofParameters params = ProofParameters.standard();
        CostModel.Measurement m = CostModel.measure(16, 48, params);
        CostModel.Measurement again = CostModel.measure(16, 48, params);
        double counted = CostModel.memoryWork(m.shape());
        long measured = Math.min(m.heapAboveBaseline(), again.heapAboveBaseline());
        double ratio = measured / counted;
        assertThat(m.shape().logLde()).isGreaterThanOrEqualTo(CostModel.HEAP_FIT_LOG_LDE);
        // below 0.7: the count holds arrays the prover does not (a batch kept twice, buffers never allocated); above
        // 2.5: garbage the model does not know of, larger than the batches themselves
        assertThat(ratio).as("measured %d bytes (the smaller of %d and %d), counted %.0f", measured,
                m.heapAboveBaseline(), again.heapAboveBaseline(), counted).isBetween(0.7, 2.5);
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
