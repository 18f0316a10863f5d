package dev.zkscope.pcs;

import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that does not keep its extension (recomputed coset by coset to commit, to build the DEEP quotient and to
 * answer the queries) gives byte for byte the proof of one that keeps it, and every tree keeps only its upper levels.
 */
class StreamedCommitTest {
    static final int LOG_N = CommittedBatches.LOG_N;

    /** The batches committed with an extension cache of {@code ldeCacheBytes}, and their opening. */
    record Result(CommittedBatches committed, OpeningProof opening) { }

    static Result run(FriConfig cfg, long ldeCacheBytes, long seed) {
        return run(cfg, ldeCacheBytes, seed, Pcs.STREAMED_FULL_TREE_LOG);
    }

    static Result run(FriConfig cfg, long ldeCacheBytes, long seed, int fullTreeLog) {
        CommittedBatches c = CommittedBatches.of(cfg, ldeCacheBytes, seed, fullTreeLog);
        // The coset view agrees with the extension.
        int n = 1 << LOG_N;
        for (Pcs.ProverData b : c.batches()) {
            long[] lde = b.lde(0);
            int blow = 1 << cfg.logBlowup();
            for (int j = 0; j < blow; j++) {
                long[] cs = b.coset(0, j);
                for (int t = 0; t < n; t += 37) {
                    assertThat(cs[t]).isEqualTo(lde[j + blow * t]);
                }
            }
        }
        return new Result(c, c.open(FriPcsTest.COLUMNS));
    }

    @Test
    void recomputedBatches_keepEveryLevelUpToTheFullTreeSize_levelOneAtTwice_thenTheDefault() {
        int full = Pcs.STREAMED_FULL_TREE_LOG;
        assertThat(FriPcs.lowestKeptLevel(full - 3, true)).isZero();
        assertThat(FriPcs.lowestKeptLevel(full, true)).isZero();
        assertThat(FriPcs.lowestKeptLevel(full + 1, true)).isEqualTo(1);
        assertThat(FriPcs.lowestKeptLevel(full + 2, true)).isEqualTo(dev.zkscope.merkle.MerkleTree.DEFAULT_LOW);
        assertThat(FriPcs.lowestKeptLevel(full + 1, false)).isEqualTo(dev.zkscope.merkle.MerkleTree.DEFAULT_LOW);
        assertThat(FriPcs.lowestKeptLevel(3, false)).isEqualTo(3);
        // the query phase's work per recomputed column falls with it: 28 queries of two rows by Horner at 2^18 rows
        // (2^21 points), where 16 rows each meant transforming every coset
        assertThat(FriPcs.streamedQueryWork(18, 3, 28)).isEqualTo(56.0 * (1 << 18));
        assertThat(FriPcs.streamedQueryWork(19, 3, 28)).isEqualTo(8.0 * (1 << 19) * 19);
    }

    /**
     * The trees of recomputed batches kept from level 1 and from the default level (2 and 16 rows per query, as on
     * 2^21 and 2^22 extended points) give the proof of a kept batch, byte for byte, and it verifies.
     */
    @Test
    void streamedBatches_withTheirLowerLevelsRehashed_giveTheSameProof() {
        FriConfig cfg = new FriConfig(LOG_N, 3, 28, 2, 3, 6, true);
        int depth = cfg.logLde();
        Result kept = run(cfg, Long.MAX_VALUE, 11);
        for (int full : new int[] {depth - 1, depth - 2}) {
            Result streamed = run(cfg, 0, 11, full);
            int expectLow = full == depth - 1 ? 1 : dev.zkscope.merkle.MerkleTree.DEFAULT_LOW;
            for (Pcs.ProverData b : streamed.committed().batches()) {
                assertThat(((FriPcs.Data) b).tree.lowestStoredLevel()).as("full tree 2^%d", full).isEqualTo(expectLow);
            }
            assertThat(streamed.opening().toBytes()).as("full tree 2^%d", full).isEqualTo(kept.opening().toBytes());
            assertThat(streamed.committed().verify(FriPcsTest.COLUMNS, streamed.opening())).isEmpty();
        }
    }

    @Test
    void streamedBatches_giveTheSameProof_whichVerifies() {
        for (FriConfig cfg : new FriConfig[] {
                new FriConfig(LOG_N, 3, 28, 2, 3, 6, true),
                new FriConfig(LOG_N, 2, 9, 1, 2, 2, true),
                new FriConfig(LOG_N, 1, 5, 0, 1, 0, false)}) {
            Result kept = run(cfg, Long.MAX_VALUE, 7);
            Result streamed = run(cfg, 0, 7);
            assertThat(streamed.opening().toBytes()).as("%s", cfg).isEqualTo(kept.opening().toBytes());
            for (int b = 0; b < 3; b++) {
                assertThat(streamed.committed().commitments().get(b).root())
                        .isEqualTo(kept.committed().commitments().get(b).root());
            }
            assertThat(streamed.committed().verify(FriPcsTest.COLUMNS, streamed.opening())).as("%s", cfg).isEmpty();
            // and a tampered row of a streamed batch is still caught
            OpeningProof.Query q0 = streamed.opening().queries()[0];
            OpeningProof.BatchOpening o = q0.batches()[1];
            long[] row = o.row().clone();
            row[0] = Goldilocks.add(row[0], 1);
            OpeningProof.BatchOpening[] bo = q0.batches().clone();
            bo[1] = new OpeningProof.BatchOpening(row, o.salt());
            OpeningProof.Query[] qs = streamed.opening().queries().clone();
            qs[0] = new OpeningProof.Query(bo, q0.friLeaves());
            assertThat(streamed.committed().verify(FriPcsTest.COLUMNS, streamed.opening().withQueries(qs)))
                    .get().isInstanceOf(PcsError.BatchProofInvalid.class);
        }
    }
}
