package dev.zkscope.plonk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sizes read from a key are bounded before anything is sized by them: a crafted key declaring 2^28 rows (which the
 * verifier used to pad every instance column to, gigabytes) is refused at load with a clear message, having allocated
 * next to nothing; the tallest key the compiler can make still loads.
 */
class KeyBoundsTest {
    private static final ProofParameters P = ProofParameters.testing();

    private static byte[] keyWithRows(int logN) {
        ConstraintSystem cs = new ConstraintSystem("crafted", logN, (1 << logN) - P.reservedRows(), 0, 1, 1, List.of(),
                List.of(), List.of(), List.of());
        return new VerifyingKey(cs, P, new byte[32]).toBytes();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void fromBytes_refusesAKeyOf2To28Rows_withoutAllocating() {
        for (int logN : new int[] {28, VerifyingKey.MAX_LOG_N + 1}) {
            byte[] vk = keyWithRows(logN);
            long before = allocatedBytes();
            assertThatThrownBy(() -> VerifyingKey.fromBytes(vk)).isInstanceOf(VerifyingKey.FormatException.class)
                    .hasMessageContaining("2^" + logN);
            assertThat(allocatedBytes() - before).as("bytes allocated while refusing 2^%d rows", logN)
                    .isLessThan(16L << 20);
        }
    }

    @Test
    void fromBytes_loadsTheTallestKeyTheCompilerMakes() throws Exception {
        assertThat(VerifyingKey.fromBytes(keyWithRows(VerifyingKey.MAX_LOG_N)).constraintSystem().logN())
                .isEqualTo(VerifyingKey.MAX_LOG_N);
    }

    /**
     * A crafted key at the tallest size a key may declare (2^24 rows) with a crafted proof of exactly the shape that
     * key fixes (all zeros, zero knowledge off): the proof decodes, so the verifier gets as far as the public values
     * and the constraint identity, and must reject it without sizing anything by the 2^24 rows (it used to pad each
     * instance column to 2^logN cells: 128 MiB here, gigabytes at the 2^28 keys it used to load).
     */
    @Test
    void verify_ofACraftedProofForATallKey_rejectsWithoutAllocatingByRows() throws Exception {
        ProofParameters p = ProofParameters.testing().withZeroKnowledge(false);
        int logN = VerifyingKey.MAX_LOG_N;
        ConstraintSystem cs = new ConstraintSystem("crafted", logN, (1 << logN) - p.reservedRows(), 0, 1, 1, List.of(),
                List.of(), List.of(), List.of());
        VerifyingKey vk = VerifyingKey.fromBytes(new VerifyingKey(cs, p, new byte[32]).toBytes());
        byte[] proof = zeroProof(vk);
        long before = allocatedBytes();
        VerifyResult r = ProofSystem.verify(vk, new long[][] {{1, 2, 3}}, proof);
        long allocated = allocatedBytes() - before;
        assertThat(r.accepted()).isFalse();
        VerifyError e = ((VerifyResult.Rejected) r).error();
        assertThat(e).as(e.describe()).isNotInstanceOf(VerifyError.MalformedProof.class)
                .isNotInstanceOf(VerifyError.InternalFailure.class);
        assertThat(allocated).as("bytes allocated verifying against a 2^%d-row key", logN).isLessThan(16L << 20);
    }

    /** A proof of the shape the key fixes (every count and depth right), all values and digests zero. */
    private static byte[] zeroProof(VerifyingKey vk) {
        ArgumentLayout lay = vk.layout();
        dev.zkscope.pcs.FriConfig cfg = lay.friConfig();
        byte[][] roots = new byte[ArgumentLayout.TREES][];
        for (int t = 1; t < ArgumentLayout.TREES; t++) {
            roots[t] = lay.present(t) ? new byte[32] : null;
        }
        List<dev.zkscope.pcs.Pcs.Commitment> batches = lay.commitments(vk.fixedRoot(), roots);
        int[][] columns = lay.openings();
        dev.zkscope.field.Fp2[][] values = new dev.zkscope.field.Fp2[2][];
        for (int p = 0; p < 2; p++) {
            values[p] = new dev.zkscope.field.Fp2[columns[p].length];
            java.util.Arrays.fill(values[p], dev.zkscope.field.Fp2.ZERO);
        }
        int[] rounds = cfg.rounds();
        dev.zkscope.field.Fp2[] fin = new dev.zkscope.field.Fp2[1 << cfg.logFinalLen()];
        java.util.Arrays.fill(fin, dev.zkscope.field.Fp2.ZERO);
        dev.zkscope.pcs.OpeningProof.Query[] queries = new dev.zkscope.pcs.OpeningProof.Query[cfg.numQueries()];
        for (int q = 0; q < queries.length; q++) {
            dev.zkscope.pcs.OpeningProof.BatchOpening[] bo = new dev.zkscope.pcs.OpeningProof.BatchOpening[batches.size()];
            for (int b = 0; b < bo.length; b++) {
                bo[b] = new dev.zkscope.pcs.OpeningProof.BatchOpening(new long[batches.get(b).width()], new byte[0]);
            }
            long[][] leaves = new long[rounds.length][];
            for (int rd = 0; rd < rounds.length; rd++) {
                leaves[rd] = new long[2 << rounds[rd]];
            }
            queries[q] = new dev.zkscope.pcs.OpeningProof.Query(bo, leaves);
        }
        // One node per tree: a shape the decoder accepts (the count is checked against the queries when verifying).
        byte[][][] batchNodes = new byte[batches.size()][1][32];
        byte[][][] friNodes = new byte[rounds.length][1][32];
        dev.zkscope.pcs.OpeningProof opening = new dev.zkscope.pcs.OpeningProof(values, new byte[rounds.length][32], fin,
                0, queries, batchNodes, friNodes);
        return new Proof(vk.parameters(), vk.circuitDigest(), lay.logN, roots, opening, columns, lay.totalColumns)
                .toBytes();
    }
}
