package dev.zkscope.pcs;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.merkle.MultiProof;
import dev.zkscope.poly.Coeffs;
import dev.zkscope.poly.Evals;
import dev.zkscope.transcript.Transcript;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commitment scheme on its own: three batches (values on H, coefficients, and a preprocessed one) opened at two
 * points of F_p2, as the Plonkish argument does. Honest openings verify and survive the byte encoding; a wrong
 * claimed value, a wrong root, a tampered row, salt or multiproof (flipped, dropped, duplicated or reordered nodes, in
 * every tree), a tampered FRI layer and a wrong nonce are each rejected with their typed error.
 */
class FriPcsTest {
    static final int LOG_N = 5;
    static final FriConfig CFG = new FriConfig(LOG_N, 2, 6, 4, 2, 1, true);

    /** An honest run: the batches, the points, the proof, and the commitments in opening order. */
    record Run(Pcs pcs, List<Pcs.ProverData> batches, Fp2[] points, OpeningProof proof, List<Pcs.Commitment> commitments,
               long[][] coeffColumns) { }

    static IntFunctionBytes randomness(long seed) {
        return new IntFunctionBytes(new SplittableRandom(seed));
    }

    /** A seeded byte source (tests only: the prover's is a CSPRNG). */
    record IntFunctionBytes(SplittableRandom rnd) implements java.util.function.IntFunction<byte[]> {
        @Override
        public byte[] apply(int count) {
            byte[] b = new byte[count];
            rnd.nextBytes(b);
            return b;
        }
    }

    static long[] randomColumn(SplittableRandom rnd, int len) {
        long[] c = new long[len];
        for (int i = 0; i < len; i++) {
            c[i] = Goldilocks.reduce(rnd.nextLong());
        }
        return c;
    }

    static Evals[] values(SplittableRandom rnd, int width) {
        Evals[] out = new Evals[width];
        for (int c = 0; c < width; c++) {
            out[c] = new Evals(randomColumn(rnd, 1 << LOG_N), 1);
        }
        return out;
    }

    static Transcript transcriptAfter(List<Pcs.Commitment> commitments) {
        Transcript tr = new Transcript("pcs-test");
        for (Pcs.Commitment c : commitments) {
            tr.absorb(c.root());
        }
        return tr;
    }

    static Run honest(FriConfig cfg, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Pcs pcs = Pcs.fri(cfg, randomness(seed + 1));
        long[][] cf = {randomColumn(rnd, 1 << LOG_N), randomColumn(rnd, (1 << LOG_N) - 3)};
        List<Pcs.ProverData> batches = List.of(
                pcs.commitPreprocessed(values(rnd, 2)),
                pcs.commit(values(rnd, 3)),
                pcs.commit(new Coeffs[] {new Coeffs(cf[0]), new Coeffs(cf[1])}));
        List<Pcs.Commitment> commitments = new ArrayList<>();
        for (Pcs.ProverData b : batches) {
            commitments.add(b.commitment());
        }
        Fp2 z = new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()) | 1);
        Fp2[] points = {z, z.mul(Goldilocks.rootOfUnity(LOG_N))};
        Fp2[][] vals = pcs.evaluate(batches, points, COLUMNS);
        OpeningProof proof = pcs.open(batches, points, COLUMNS, vals, transcriptAfter(commitments));
        return new Run(pcs, batches, points, proof, commitments, cf);
    }

    /** Every column at z; at z omega only some (a preprocessed, a committed and both coefficient columns). */
    static final int[][] COLUMNS = {{0, 1, 2, 3, 4, 5, 6}, {0, 2, 5, 6}};

    static Optional<PcsError> verify(Run r, List<Pcs.Commitment> commitments, OpeningProof proof) {
        return r.pcs.verify(commitments, r.points, COLUMNS, proof, transcriptAfter(r.commitments));
    }

    static Fp2 naive(long[] coeffs, Fp2 x) {
        Fp2 acc = Fp2.ZERO;
        Fp2 xi = Fp2.ONE;
        for (long c : coeffs) {
            acc = acc.add(xi.mul(c));
            xi = xi.mul(x);
        }
        return acc;
    }

    @Test
    void honestOpening_verifies_andRoundTripsThroughBytes() throws Exception {
        Run r = honest(CFG, 1);
        assertThat(verify(r, r.commitments, r.proof)).isEmpty();
        byte[] bytes = r.proof.toBytes();
        OpeningProof read = r.pcs.read(bytes, 0, r.commitments, COLUMNS);
        assertThat(read.toBytes()).isEqualTo(bytes);
        assertThat(verify(r, r.commitments, read)).isEmpty();
        assertThat(r.proof.sectionSizes().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(bytes.length);
        // A verifier that knows nothing but the parameters (no randomness) checks it as well.
        Pcs verifierSide = Pcs.fri(CFG, null);
        assertThat(verifierSide.verify(r.commitments, r.points, COLUMNS, read, transcriptAfter(r.commitments))).isEmpty();
    }

    @Test
    void claimedValues_areTheColumnsAtThePoints() {
        Run r = honest(CFG, 2);
        int first = r.batches.get(0).width() + r.batches.get(1).width();
        for (int p = 0; p < 2; p++) {
            int at = Arrays.binarySearch(COLUMNS[p], first);
            assertThat(r.proof.values()[p][at]).isEqualTo(naive(r.coeffColumns[0], r.points[p]));
            assertThat(r.proof.values()[p][at + 1]).isEqualTo(naive(r.coeffColumns[1], r.points[p]));
            assertThat(r.proof.values()[p][0]).isEqualTo(naive(r.batches.get(0).coeffs(0), r.points[p]));
        }
        assertThat(r.proof.values()[1]).hasSize(COLUMNS[1].length);
    }

    @Test
    void columnSets_mustNameEveryColumnOnceInOrder() {
        Run r = honest(CFG, 3);
        int[][] missing = {{0, 1, 2, 3, 4, 5}, {0, 2, 5}};
        assertThatThrownBy(() -> r.pcs.evaluate(r.batches, r.points, missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 6 is opened at no point");
        int[][] unordered = {{0, 2, 1, 3, 4, 5, 6}, {0}};
        assertThatThrownBy(() -> r.pcs.evaluate(r.batches, r.points, unordered))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascend");
        // A verifier that expects another column set rejects the shape before any check.
        int[][] other = {COLUMNS[0], {0, 2, 5}};
        assertThat(r.pcs.verify(r.commitments, r.points, other, r.proof, transcriptAfter(r.commitments)))
                .get().isInstanceOf(PcsError.Malformed.class);
    }

    @Test
    void hiding_saltsEveryBatchButThePreprocessedOne() {
        Run r = honest(CFG, 3);
        OpeningProof.Query q = r.proof.queries()[0];
        assertThat(q.batches()[0].salt()).isEmpty();
        assertThat(q.batches()[1].salt()).hasSize(FriConfig.SALT_BYTES);
        assertThat(q.batches()[2].salt()).hasSize(FriConfig.SALT_BYTES);
        // Same columns, fresh salts: a different root; preprocessed: the same root.
        Pcs pcs = Pcs.fri(CFG, randomness(99));
        Evals[] cols = values(new SplittableRandom(5), 2);
        assertThat(pcs.commit(cols).commitment().root()).isNotEqualTo(pcs.commit(cols).commitment().root());
        assertThat(pcs.commitPreprocessed(cols).commitment().root())
                .isEqualTo(pcs.commitPreprocessed(cols).commitment().root());
        FriConfig plain = new FriConfig(LOG_N, 2, 6, 4, 2, 1, false);
        Run p = honest(plain, 3);
        assertThat(p.proof.queries()[0].batches()[1].salt()).isEmpty();
        assertThat(verify(p, p.commitments, p.proof)).isEmpty();
        assertThatThrownBy(() -> Pcs.fri(CFG, null).commit(cols)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wrongClaimedValue_isRejected() {
        for (FriConfig cfg : List.of(CFG, new FriConfig(LOG_N, 2, 6, 0, 2, 1, true))) {
            Run r = honest(cfg, 4);
            for (int p = 0; p < 2; p++) {
                for (int c = 0; c < r.proof.values()[p].length; c++) {
                    Fp2[][] vals = {r.proof.values()[0].clone(), r.proof.values()[1].clone()};
                    vals[p][c] = vals[p][c].add(Fp2.ONE);
                    OpeningProof lie = r.proof.withValues(vals);
                    // The values are absorbed before every later challenge, so a lie moves the batching challenge,
                    // the folding challenges and the query positions: the proof-of-work, the batches' multiproofs
                    // (rows opened elsewhere) or the first query's DEEP value catches it.
                    assertThat(verify(r, r.commitments, lie)).as("point %d column %d", p, c).get()
                            .isInstanceOfAny(PcsError.GrindingInvalid.class, PcsError.BatchProofInvalid.class,
                                    PcsError.DeepValueMismatch.class);
                }
            }
        }
    }

    @Test
    void wrongRoot_isRejected() {
        Run r = honest(CFG, 5);
        List<Pcs.Commitment> bad = new ArrayList<>(r.commitments);
        byte[] root = bad.get(1).root().clone();
        root[7] ^= 1;
        bad.set(1, new Pcs.Commitment(root, bad.get(1).width(), false));
        // The opened rows and the multiproof no longer hash up to the (wrong) root.
        assertThat(verify(r, bad, r.proof)).contains(
                new PcsError.BatchProofInvalid(1, MultiProof.Failure.ROOT.reason()));
    }

    static byte[][][] deepCopy(byte[][][] nodes) {
        byte[][][] out = new byte[nodes.length][][];
        for (int t = 0; t < nodes.length; t++) {
            out[t] = new byte[nodes[t].length][];
            for (int i = 0; i < nodes[t].length; i++) {
                out[t][i] = nodes[t][i].clone();
            }
        }
        return out;
    }

    /** The multiproof nodes of tree {@code tree} (batches first, then FRI layers) replaced. */
    static OpeningProof withTreeNodes(OpeningProof p, int tree, byte[][] nodes) {
        byte[][][] batch = deepCopy(p.batchNodes());
        byte[][][] fri = deepCopy(p.friNodes());
        if (tree < batch.length) {
            batch[tree] = nodes;
        } else {
            fri[tree - batch.length] = nodes;
        }
        return p.withNodes(batch, fri);
    }

    static PcsError expectedFailure(OpeningProof p, int tree, MultiProof.Failure f) {
        int batches = p.batchNodes().length;
        return tree < batches ? new PcsError.BatchProofInvalid(tree, f.reason())
                : new PcsError.FriProofInvalid(tree - batches, f.reason());
    }

    @Test
    void tamperedMultiProof_isRejectedInEveryTree() {
        Run r = honest(CFG, 6);
        int trees = r.proof.batchNodes().length + r.proof.friNodes().length;
        assertThat(trees).isEqualTo(3 + CFG.rounds().length);
        for (int t = 0; t < trees; t++) {
            byte[][] nodes = t < 3 ? r.proof.batchNodes()[t] : r.proof.friNodes()[t - 3];
            assertThat(nodes.length).as("tree %d", t).isGreaterThanOrEqualTo(2);
            // A flipped bit in each node.
            for (int i = 0; i < nodes.length; i++) {
                byte[][] c = deepCopy(new byte[][][] {nodes})[0];
                c[i][i % 32] ^= (byte) (1 << (i % 8));
                assertThat(verify(r, r.commitments, withTreeNodes(r.proof, t, c))).as("tree %d node %d", t, i)
                        .contains(expectedFailure(r.proof, t, MultiProof.Failure.ROOT));
            }
            // A node dropped, one duplicated, one appended: the count the queries fix.
            byte[][] dropped = Arrays.copyOf(nodes, nodes.length - 1);
            byte[][] duplicated = Arrays.copyOf(nodes, nodes.length + 1);
            duplicated[nodes.length] = nodes[0];
            assertThat(verify(r, r.commitments, withTreeNodes(r.proof, t, dropped))).as("tree %d dropped", t)
                    .contains(expectedFailure(r.proof, t, MultiProof.Failure.NODE_COUNT));
            assertThat(verify(r, r.commitments, withTreeNodes(r.proof, t, duplicated))).as("tree %d duplicated", t)
                    .contains(expectedFailure(r.proof, t, MultiProof.Failure.NODE_COUNT));
            // Two nodes swapped, and the first replaced by a copy of the second: the same count, another root.
            byte[][] swapped = nodes.clone();
            swapped[0] = nodes[1];
            swapped[1] = nodes[0];
            byte[][] copied = nodes.clone();
            copied[0] = nodes[1];
            for (byte[][] bad : List.of(swapped, copied)) {
                assertThat(verify(r, r.commitments, withTreeNodes(r.proof, t, bad))).as("tree %d reordered", t)
                        .contains(expectedFailure(r.proof, t, MultiProof.Failure.ROOT));
            }
            // Another tree's nodes.
            byte[][] other = t == 0 ? r.proof.batchNodes()[1] : r.proof.batchNodes()[0];
            assertThat(verify(r, r.commitments, withTreeNodes(r.proof, t, other))).as("tree %d other", t).isPresent();
        }
    }

    @Test
    void tamperedRowSaltOrQueryOrder_isRejected() {
        Run r = honest(CFG, 6);
        OpeningProof.Query q0 = r.proof.queries()[2];
        OpeningProof.BatchOpening b = q0.batches()[2];
        long[] row = b.row().clone();
        row[1] = Goldilocks.add(row[1], 1);
        PcsError root = new PcsError.BatchProofInvalid(2, MultiProof.Failure.ROOT.reason());
        assertThat(verify(r, r.commitments, withBatch(r.proof, 2, 2, new OpeningProof.BatchOpening(row, b.salt()))))
                .contains(root);
        byte[] salt = b.salt().clone();
        salt[0] ^= 1;
        assertThat(verify(r, r.commitments, withBatch(r.proof, 2, 2, new OpeningProof.BatchOpening(b.row(), salt))))
                .contains(root);
        // Two queries' openings swapped: each row now stands at the other's index.
        OpeningProof.Query[] qs = r.proof.queries().clone();
        qs[0] = r.proof.queries()[1];
        qs[1] = r.proof.queries()[0];
        assertThat(verify(r, r.commitments, r.proof.withQueries(qs))).get()
                .isInstanceOf(PcsError.BatchProofInvalid.class);
    }

    @Test
    void repeatedLeaf_mustOpenTheSameRow() {
        // With 64 queries of an extension of 2^7 rows some index repeats; a repeat opened with another row is caught
        // even when its first opening is the honest one.
        FriConfig many = new FriConfig(LOG_N, 2, 64, 0, 2, 1, true);
        Run r = honest(many, 11);
        int[] idx = queryIndices(r, many);
        int second = -1;
        for (int i = 0; i < idx.length && second < 0; i++) {
            for (int j = 0; j < i; j++) {
                if (idx[i] == idx[j]) {
                    second = i;
                    break;
                }
            }
        }
        assertThat(second).as("a repeated index among 64 of 128").isPositive();
        OpeningProof.BatchOpening b = r.proof.queries()[second].batches()[1];
        long[] row = b.row().clone();
        row[0] = Goldilocks.add(row[0], 1);
        assertThat(verify(r, r.commitments, withBatch(r.proof, second, 1, new OpeningProof.BatchOpening(row, b.salt()))))
                .contains(new PcsError.BatchProofInvalid(1, MultiProof.Failure.REPEATED_LEAF.reason()));
        assertThat(verify(r, r.commitments, r.proof)).isEmpty();
    }

    /** The query indices an honest verifier draws for the run (replaying the transcript up to the queries). */
    static int[] queryIndices(Run r, FriConfig cfg) {
        Transcript tr = transcriptAfter(r.commitments);
        for (Fp2[] atPoint : r.proof.values()) {
            for (Fp2 v : atPoint) {
                tr.absorb(v);
            }
        }
        tr.challengeExt();
        for (byte[] root : r.proof.friRoots()) {
            tr.absorb(root);
            tr.challengeExt();
        }
        for (Fp2 c : r.proof.finalPoly()) {
            tr.absorb(c);
        }
        tr.checkGrind(r.proof.powNonce(), cfg.grindingBits());
        int[] idx = new int[cfg.numQueries()];
        for (int q = 0; q < idx.length; q++) {
            idx[q] = tr.challengeIndex(cfg.logLde());
        }
        return idx;
    }

    static OpeningProof withBatch(OpeningProof p, int query, int batch, OpeningProof.BatchOpening o) {
        OpeningProof.Query[] qs = p.queries().clone();
        OpeningProof.BatchOpening[] bs = qs[query].batches().clone();
        bs[batch] = o;
        qs[query] = new OpeningProof.Query(bs, qs[query].friLeaves());
        return p.withQueries(qs);
    }

    static OpeningProof withFri(OpeningProof p, int query, long[][] leaves) {
        OpeningProof.Query[] qs = p.queries().clone();
        qs[query] = new OpeningProof.Query(qs[query].batches(), leaves);
        return p.withQueries(qs);
    }

    @Test
    void tamperedFriLayer_isRejected() {
        Run r = honest(CFG, 7);
        assertThat(CFG.rounds()).hasSizeGreaterThanOrEqualTo(2);
        OpeningProof.Query q = r.proof.queries()[1];
        // Every value of the round-1 leaf moved: the one on the query's path no longer matches the fold of round 0.
        long[][] leaves = q.friLeaves().clone();
        leaves[1] = leaves[1].clone();
        for (int i = 0; i < leaves[1].length; i++) {
            leaves[1][i] = Goldilocks.add(leaves[1][i], 1);
        }
        assertThat(verify(r, r.commitments, withFri(r.proof, 1, leaves))).get()
                .isInstanceOf(PcsError.FriFoldMismatch.class)
                .extracting(e -> ((PcsError.FriFoldMismatch) e).round(), e -> ((PcsError.FriFoldMismatch) e).query())
                .containsExactly(1, 1);
        // Round 0 itself: the DEEP value is off.
        long[][] l0 = q.friLeaves().clone();
        l0[0] = l0[0].clone();
        for (int i = 0; i < l0[0].length; i++) {
            l0[0][i] = Goldilocks.add(l0[0][i], 1);
        }
        assertThat(verify(r, r.commitments, withFri(r.proof, 1, l0))).get()
                .isInstanceOf(PcsError.DeepValueMismatch.class);
    }

    @Test
    void wrongNonceOrShape_isRejected() {
        Run r = honest(CFG, 8);
        int rejected = 0;
        for (long nonce = 0; nonce < 8; nonce++) {
            if (nonce == r.proof.powNonce()) {
                continue;
            }
            Optional<PcsError> e = verify(r, r.commitments, r.proof.withNonce(nonce));
            assertThat(e).isPresent();
            if (e.get() instanceof PcsError.GrindingInvalid g) {
                assertThat(g.bits()).isEqualTo(CFG.grindingBits());
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(0);
        OpeningProof fewer = r.proof.withQueries(Arrays.copyOf(r.proof.queries(), 2));
        assertThat(verify(r, r.commitments, fewer)).get().isInstanceOf(PcsError.Malformed.class);
        assertThat(r.pcs.verify(r.commitments, new Fp2[] {r.points[0]}, new int[][] {COLUMNS[0]}, r.proof, transcriptAfter(r.commitments)))
                .get().isInstanceOf(PcsError.Malformed.class);
    }

    @Test
    void malformedBytes_areRejectedWithTheirSection() {
        Run r = honest(CFG, 9);
        byte[] bytes = r.proof.toBytes();
        assertThatThrownBy(() -> r.pcs.read(Arrays.copyOf(bytes, bytes.length - 1), 0, r.commitments, COLUMNS))
                .isInstanceOf(Malformed.class)
                .satisfies(e -> assertThat(((Malformed) e).section()).isEqualTo("merkle"));
        assertThatThrownBy(() -> r.pcs.read(Arrays.copyOf(bytes, bytes.length + 1), 0, r.commitments, COLUMNS))
                .isInstanceOf(Malformed.class).hasMessageContaining("trailing");
        byte[] nonCanonical = bytes.clone();
        Arrays.fill(nonCanonical, 4, 12, (byte) 0xFF);
        assertThatThrownBy(() -> r.pcs.read(nonCanonical, 0, r.commitments, COLUMNS))
                .isInstanceOf(Malformed.class).hasMessageContaining("non-canonical")
                .satisfies(e -> assertThat(((Malformed) e).section()).isEqualTo("openings"));
        byte[] count = bytes.clone();
        count[0]++;
        assertThatThrownBy(() -> r.pcs.read(count, 0, r.commitments, COLUMNS)).isInstanceOf(Malformed.class);
        // Every single-byte flip is either a decoding error or a rejection.
        SplittableRandom rnd = new SplittableRandom(10);
        for (int k = 0; k < 300; k++) {
            byte[] t = bytes.clone();
            t[rnd.nextInt(t.length)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                OpeningProof p = r.pcs.read(t, 0, r.commitments, COLUMNS);
                assertThat(verify(r, r.commitments, p)).as("flip %d", k).isPresent();
            } catch (Malformed expected) {
                assertThat(expected.section()).isNotBlank();
            }
        }
    }

    @Test
    void config_derivesRoundsAndRejectsNonsense() {
        assertThat(new FriConfig(10, 2, 10, 0, 2, 3, true).rounds()).containsExactly(2, 2, 2, 1);
        assertThat(new FriConfig(2, 2, 10, 0, 2, 3, true).rounds()).isEmpty();
        assertThatThrownBy(() -> new FriConfig(29, 2, 10, 0, 2, 3, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pcs.fri(CFG, null).commit(new Evals[] {new Evals(new long[8], 1)}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
