package dev.zkscope.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.zkscope.plonk.ProofShape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heap moments and the recomputed-coset work, on hand-counted shapes (no proving). */
class HeapModelTest {
    /** 2^10 rows at rate 1/8, 9 fixed, 6 advice, 10 helper, 4 quotient columns, degree 5 (2^2 cosets). */
    private static final ProofShape SHAPE = new ProofShape(10, 13, 12, 9, 6, 10, 4, 5, 20, 300, 6, 28);
    private static final double N = 1 << 10;
    private static final double L = 1 << 13;
    private static final double Q = 1 << 12;
    private static final double ROOMY = 1L << 40;

    @Test
    void heapMoments_countEveryKeptBatchAndTheGarbageOfTheTwoTraceCommitments() {
        int cores = Runtime.getRuntime().availableProcessors();
        double[] m = CostModel.heapMoments(SHAPE, ROOMY);
        // a kept batch's tree: levels from 2^4 leaves up, one digest (4 values) per node: 4 (L/16 + L/32 + ... + 1)
        double tree = 4 * (2 * L / 16 - 1);
        double advice = 6 * N + tree + 6 * L;
        double aux = 10 * N + tree + 10 * L;
        double quot = 4 * N + tree + 4 * L;
        assertThat(m).hasSize(CostModel.HEAP_MOMENTS.length);
        // a commitment's extension buffers: one natural-order extension and its scratch per core, reused per column
        double adviceBuffers = Math.min(6, cores) * (L + N);
        double auxBuffers = Math.min(10, cores) * (L + N);
        double quotBuffers = Math.min(4, cores) * (L + N);
        // advice commit: the prover's copy, the batch, the buffers in use (and, counted as dropped, once more)
        assertThat(m[0]).isEqualTo(8 * (6 * N + advice + 2 * adviceBuffers));
        // helper commit: both commitments' dropped buffers are still in the used heap
        assertThat(m[1]).isEqualTo(8 * (6 * N + advice + adviceBuffers + 10 * N + aux + auxBuffers));
        // quotient: kept batches are read in place (no coset copies), plus the 2 x 2^qLog n evaluations
        assertThat(m[2]).isEqualTo(8 * (advice + aux + 2 * Q));
        assertThat(m[3]).isEqualTo(8 * (advice + aux + 2 * Q + 4 * N + quot + quotBuffers));
        assertThat(m[4]).isCloseTo(8 * (advice + aux + quot + 2 * L * 8 / 7 + 8 * N), within(1e-6));
        assertThat(CostModel.memoryWork(SHAPE)).isGreaterThan(0);
    }

    @Test
    void heapMoments_aBatchOverTheCacheBudgetKeepsNoExtension_andCopiesItsCosetsWhereRead() {
        // Budget between the quotient batch (4 L x 8 bytes) and the advice batch (6 L x 8 bytes): the advice, helper
        // and fixed batches stream, the quotient's is kept.
        double budget = 8 * 5 * L;
        double[] m = CostModel.heapMoments(SHAPE, budget);
        // a streamed batch of at most 2^20 points keeps every level of its tree: 4 (L + L/2 + ... + 1) values
        double tree = 4 * (2 * L - 1);
        double advice = 6 * N + tree;
        double aux = 10 * N + tree;
        double cosets = (6 + 10 + 9) * N;
        assertThat(m[0]).as("streamed: leaf digests (4 values a point), one reused coset array per column")
                .isEqualTo(8 * (6 * N + advice + 6 * N + 4 * L));
        assertThat(m[2]).isEqualTo(8 * (advice + aux + cosets + 2 * Q));
        assertThat(m[1]).isLessThan(CostModel.heapMoments(SHAPE, ROOMY)[1]);
    }

    @Test
    void footprint_countsAHumongousArrayByTheRegionsItSpans() {
        assertThat(CostModel.footprint(1000)).isEqualTo(1000);
        long region = CostModel.REGION_BYTES;
        if (region > 0) { // G1, as the JVMs here run: a region's worth of longs plus the header spans two regions
            assertThat(CostModel.footprint(region / 8)).isEqualTo(2.0 * region / 8);
            assertThat(CostModel.footprint(region / 16 - 2)).as("just under half a region").isEqualTo(region / 16 - 2);
            assertThat(CostModel.footprint(region / 16)).as("half a region and the header: one whole region")
                    .isEqualTo(region / 8.0);
        }
    }

    @Test
    void recomputeWork_isZeroWhenEveryBatchIsKept_andCountsTransformsOtherwise() {
        System.setProperty("zkscope.ldeCacheBytes", Long.toString(1L << 40));
        try {
            assertThat(CostModel.recomputeWork(SHAPE)).containsOnly(0.0);
        } finally {
            System.clearProperty("zkscope.ldeCacheBytes");
        }
        System.setProperty("zkscope.ldeCacheBytes", Long.toString((long) (8 * 5 * L)));
        try {
            double[] r = CostModel.recomputeWork(SHAPE);
            double coset = N * 10;
            // quotient: advice, helper and fixed columns, one transform per coset of the quotient domain (Q / N)
            assertThat(r[2]).isEqualTo((6 + 10 + 9) * (Q / N) * coset);
            // fri queries: an extension of at most 2^20 points keeps its whole tree, so each of the 28 queries opens
            // one row of every streamed column, evaluated from its N coefficients (Horner)
            assertThat(r[4]).isEqualTo((6 + 10 + 9) * 28 * N);
            assertThat(r[0]).isZero();
            assertThat(r[1]).isZero();
            assertThat(r[3]).isZero();
        } finally {
            System.clearProperty("zkscope.ldeCacheBytes");
        }
    }

    @Test
    void recomputeWork_aLargeExtensionTransformsEveryCosetItsQueriesTouch() {
        // 2^19 rows at rate 1/8: the tree keeps levels from 2^4 leaves up, so a query opens 16 rows; 28 x 16 rows
        // touch all 8 cosets, and 2 x 448 > 8 x 19, so the query phase transforms every coset of every column
        ProofShape big = new ProofShape(19, 22, 21, 9, 6, 10, 4, 5, 20, 300, 6, 28);
        System.setProperty("zkscope.ldeCacheBytes", "1");
        try {
            double n = 1 << 19;
            assertThat(CostModel.recomputeWork(big)[4]).isEqualTo((6 + 10 + 9 + 4) * 8 * n * 19);
        } finally {
            System.clearProperty("zkscope.ldeCacheBytes");
        }
    }

    @Test
    void predict_pricesRecomputedCosetsAtTheCommitmentsRate_andCarriesTheShape() {
        double[] slope = {2e-9, 3e-9, 1e-9, 4e-9, 5e-8};
        double[] intercept = {0.001, 0.0, 0.002, 0.0005, 0.03};
        CostModel m = new CostModel(slope, intercept, 1.0, 0, "test");
        System.setProperty("zkscope.ldeCacheBytes", Long.toString(1L << 40));
        CostModel.Prediction kept;
        try {
            kept = m.predict(SHAPE);
        } finally {
            System.clearProperty("zkscope.ldeCacheBytes");
        }
        System.setProperty("zkscope.ldeCacheBytes", Long.toString((long) (8 * 5 * L)));
        try {
            CostModel.Prediction streamed = m.predict(SHAPE);
            double[] r = CostModel.recomputeWork(SHAPE);
            Map<String, Double> k = kept.phaseSeconds();
            Map<String, Double> s = streamed.phaseSeconds();
            assertThat(s.get("quotient") - k.get("quotient")).isCloseTo(slope[0] * r[2], within(1e-12));
            assertThat(s.get("fri") - k.get("fri")).isCloseTo(slope[0] * r[4], within(1e-12));
            assertThat(s.get("witness commit")).isEqualTo(k.get("witness commit"));
            assertThat(streamed.shape()).isEqualTo(SHAPE);
        } finally {
            System.clearProperty("zkscope.ldeCacheBytes");
        }
    }
}
