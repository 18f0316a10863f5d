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
        CommittedBatches c = CommittedBatches.of(cfg, ldeCacheBytes, seed);
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
