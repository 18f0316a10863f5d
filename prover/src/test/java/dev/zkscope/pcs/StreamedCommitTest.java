package dev.zkscope.pcs;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.poly.Cancel;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that does not keep its extension (recomputed coset by coset to commit, to build the DEEP quotient and to
 * answer the queries) gives byte for byte the proof of one that keeps it, and every tree keeps only its upper levels.
 */
class StreamedCommitTest {
    static final int LOG_N = 8;

    record Result(byte[] proof, List<Pcs.Commitment> commitments, Fp2[] points, OpeningProof opening, Pcs pcs) { }

    static Result run(FriConfig cfg, long ldeCacheBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Pcs pcs = new FriPcs(cfg, FriPcsTest.randomness(seed + 1), Cancel.NEVER, ldeCacheBytes);
        int n = 1 << LOG_N;
        Evals[] pre = {new Evals(FriPcsTest.randomColumn(rnd, n), 1), new Evals(FriPcsTest.randomColumn(rnd, n), 1)};
        Evals[] vals = new Evals[3];
        for (int c = 0; c < 3; c++) {
            vals[c] = new Evals(FriPcsTest.randomColumn(rnd, n), 1);
        }
        Coeffs[] cf = {new Coeffs(FriPcsTest.randomColumn(rnd, n)), new Coeffs(FriPcsTest.randomColumn(rnd, n - 7))};
        List<Pcs.ProverData> batches = List.of(pcs.commitPreprocessed(pre), pcs.commit(vals), pcs.commit(cf));
        List<Pcs.Commitment> commitments = new ArrayList<>();
        for (Pcs.ProverData b : batches) {
            commitments.add(b.commitment());
        }
        // The coset view agrees with the extension.
        for (Pcs.ProverData b : batches) {
            long[] lde = b.lde(0);
            int blow = 1 << cfg.logBlowup();
            for (int j = 0; j < blow; j++) {
                long[] cs = b.coset(0, j);
                for (int t = 0; t < n; t += 37) {
                    assertThat(cs[t]).isEqualTo(lde[j + blow * t]);
                }
            }
        }
        Fp2 z = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()) | 1);
        Fp2[] points = {z, z.mul(Goldilocks.rootOfUnity(LOG_N))};
        Fp2[][] v = pcs.evaluate(batches, points, FriPcsTest.COLUMNS);
        OpeningProof proof = pcs.open(batches, points, FriPcsTest.COLUMNS, v, FriPcsTest.transcriptAfter(commitments));
        return new Result(proof.toBytes(), commitments, points, proof, pcs);
    }

    @Test
    void streamedBatches_giveTheSameProof_whichVerifies() {
        for (FriConfig cfg : new FriConfig[] {
                new FriConfig(LOG_N, 3, 28, 2, 3, 6, true),
                new FriConfig(LOG_N, 2, 9, 1, 2, 2, true),
                new FriConfig(LOG_N, 1, 5, 0, 1, 0, false)}) {
            Result kept = run(cfg, Long.MAX_VALUE, 7);
            Result streamed = run(cfg, 0, 7);
            assertThat(streamed.proof()).as("%s", cfg).isEqualTo(kept.proof());
            for (int b = 0; b < 3; b++) {
                assertThat(streamed.commitments().get(b).root()).isEqualTo(kept.commitments().get(b).root());
            }
            assertThat(streamed.pcs().verify(streamed.commitments(), streamed.points(), FriPcsTest.COLUMNS,
                    streamed.opening(), FriPcsTest.transcriptAfter(streamed.commitments()))).as("%s", cfg).isEmpty();
            // and a tampered row of a streamed batch is still caught
            OpeningProof.Query q0 = streamed.opening().queries()[0];
            OpeningProof.BatchOpening o = q0.batches()[1];
            long[] row = o.row().clone();
            row[0] = Goldilocks.add(row[0], 1);
            OpeningProof.BatchOpening[] bo = q0.batches().clone();
            bo[1] = new OpeningProof.BatchOpening(row, o.salt());
            OpeningProof.Query[] qs = streamed.opening().queries().clone();
            qs[0] = new OpeningProof.Query(bo, q0.friLeaves());
            assertThat(streamed.pcs().verify(streamed.commitments(), streamed.points(), FriPcsTest.COLUMNS,
                    streamed.opening().withQueries(qs), FriPcsTest.transcriptAfter(streamed.commitments())))
                    .get().isInstanceOf(PcsError.BatchProofInvalid.class);
        }
    }
}
