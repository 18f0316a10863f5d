package dev.zkscope.pcs;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.poly.Cancel;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What the tests that prove one statement two ways start from ({@link DeepSumsTest}, {@link StreamedCommitTest}): at
 * 2^{@value #LOG_N} rows, a preprocessed batch of two value columns, a batch of three value columns and a batch of
 * two coefficient columns (the second 7 shorter), committed by a {@link FriPcs} with the given extension cache budget,
 * and two opening points z and z omega. The columns and z are drawn from {@code seed}, the salts from {@code seed + 1},
 * so two calls with one seed and different budgets or settings commit to and open the same polynomials.
 *
 * @param points z, z omega
 */
record CommittedBatches(FriPcs pcs, List<Pcs.ProverData> batches, List<Pcs.Commitment> commitments, Fp2[] points) {
    static final int LOG_N = 8;

    static CommittedBatches of(FriConfig cfg, long ldeCacheBytes, long seed) {
        return of(cfg, ldeCacheBytes, seed, Pcs.STREAMED_FULL_TREE_LOG);
    }

    /** As {@link #of(FriConfig, long, long)}, recomputed batches keeping every tree level up to 2^fullTreeLog points. */
    static CommittedBatches of(FriConfig cfg, long ldeCacheBytes, long seed, int fullTreeLog) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FriPcs pcs = new FriPcs(cfg, FriPcsTest.randomness(seed + 1), Cancel.NEVER, ldeCacheBytes, fullTreeLog);
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
        Fp2 z = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()) | 1);
        return new CommittedBatches(pcs, batches, commitments, new Fp2[] {z, z.mul(Goldilocks.rootOfUnity(LOG_N))});
    }

    /** The opening of columns[p] (indices over the three batches in order) at point p, after the commitments. */
    OpeningProof open(int[][] columns) {
        Fp2[][] v = pcs.evaluate(batches, points, columns);
        return pcs.open(batches, points, columns, v, FriPcsTest.transcriptAfter(commitments));
    }

    /** The verifier's verdict on an opening of {@code columns}: empty when it accepts. */
    Optional<PcsError> verify(int[][] columns, OpeningProof proof) {
        return pcs.verify(commitments, points, columns, proof, FriPcsTest.transcriptAfter(commitments));
    }
}
