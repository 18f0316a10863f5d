package dev.zkscope.plonk;

import dev.zkscope.circuit.Checker;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prover's speed work changes how it computes, never what it sends: with zero knowledge off a proof is a
 * deterministic function of the circuit and witness, and these SHA-256 digests of whole proofs were recorded with the
 * prover of c03597c (before the extension spread in output order, the aux constraints' left-to-right products with
 * Karatsuba, and the constraint blocks' in-place column runs). Each case is proved with the extension kept and with
 * it recomputed coset by coset ({@code zkscope.ldeCacheBytes=0}), which must give the same bytes. A digest that moves
 * means the proof format or the protocol changed: that is a format version bump, not a speed-up.
 */
class ProofBytesGoldenTest {
    /** seed, log2 rows, preset (zero knowledge off), digest of the proof bytes. */
    private static final Object[][] CASES = {
        {1L, 8, "standard", "f020adeee0aa6c7cd1b2b1babbf5616dd0638afaeef745ef94e4e3b0c5c939e1"},
        {2L, 11, "standard", "b4b3ed8c1cb801bac7a48daf41edac608ba89ce89e4a0c6b2509244f22e95ed4"},
        {3L, 9, "testing-INSECURE", "01e6ca4e9ab40621ba40e0d98595cef635d1c4ddd9027239e0607d86e336832e"},
    };

    @Test
    void proofs_areByteIdenticalToTheRecordedOnes_keptAndRecomputedExtensions() {
        for (Object[] c : CASES) {
            for (String budget : new String[] {null, "0"}) {
                String before = System.getProperty("zkscope.ldeCacheBytes");
                try {
                    if (budget != null) {
                        System.setProperty("zkscope.ldeCacheBytes", budget);
                    }
                    assertThat(digest((long) c[0], (int) c[1], (String) c[2]))
                            .as("seed %s, 2^%s rows, %s, extension budget %s", c[0], c[1], c[2], budget)
                            .isEqualTo(c[3]);
                } finally {
                    if (before == null) {
                        System.clearProperty("zkscope.ldeCacheBytes");
                    } else {
                        System.setProperty("zkscope.ldeCacheBytes", before);
                    }
                }
            }
        }
    }

    static String digest(long seed, int logN, String preset) {
        ProofParameters params = ProofParameters.byName(preset).withZeroKnowledge(false);
        TestCircuits.Instance inst = TestCircuits.random(seed, logN, params.reservedRows());
        assertThat(Checker.check(inst.circuit(), inst.witness())).isEmpty();
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), params);
        byte[] bytes = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the digests of {@link #CASES} with the prover on the class path (to record them from a given build). */
    public static void main(String[] args) {
        for (Object[] c : CASES) {
            System.out.println(c[0] + " " + c[1] + " " + c[2] + " " + digest((long) c[0], (int) c[1], (String) c[2]));
        }
    }
}
