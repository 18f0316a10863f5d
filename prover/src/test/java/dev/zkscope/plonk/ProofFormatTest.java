package dev.zkscope.plonk;

import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof format 5 (computed label and indicator columns; since 4, Merkle multiproofs): a proof in an older format is refused by its version with a typed error, never
 * misread as the new layout; bytes of the multiproof section flipped, cut or extended are rejected.
 */
class ProofFormatTest {
    static final ProofParameters P = ProofParameters.testing();
    static final TestCircuits.Instance INST = TestCircuits.random(21, 7, P.reservedRows());
    static final ProvingKey PK = ProofSystem.keygen(INST.circuit(), P);
    static final byte[] BYTES = ProofSystem.prove(PK, INST.witness(), PhaseListener.NONE).toBytes();

    static VerifyResult verify(byte[] bytes) {
        return ProofSystem.verify(PK.verifyingKey(), INST.witness().instance(), bytes);
    }

    static VerifyError rejection(VerifyResult r) {
        assertThat(r.accepted()).isFalse();
        return ((VerifyResult.Rejected) r).error();
    }

    @Test
    void honestProof_verifies_andOlderVersions_getWrongVersion() {
        assertThat(verify(BYTES).accepted()).isTrue();
        assertThat(Proof.VERSION).isEqualTo(5);
        // The version is the u16 after the 4-byte magic; a version-3 proof (caps and per-query paths) carries 3 there,
        // a version-4 proof (labels and row indicators committed in the fixed tree) 4.
        for (int old : new int[] {2, 3, 4}) {
            byte[] b = BYTES.clone();
            b[4] = (byte) old;
            b[5] = 0;
            assertThat(rejection(verify(b))).isEqualTo(new VerifyError.WrongVersion(5, old));
        }
    }

    @Test
    void multiproofBytes_flippedCutOrExtended_areRejected() {
        Proof proof = ProofSystem.prove(PK, INST.witness(), PhaseListener.NONE);
        byte[] bytes = proof.toBytes();
        int merkle = proof.sectionSizes().get("merkle");
        int start = bytes.length - merkle;
        // A flipped bit in every third byte of the section (nodes and u16 counts) is rejected, with a typed error.
        for (int i = start; i < bytes.length; i += 3) {
            byte[] b = bytes.clone();
            b[i] ^= (byte) (1 << (i % 8));
            VerifyError e = rejection(verify(b));
            assertThat(e).as("byte %d", i).isInstanceOfAny(VerifyError.MerkleProofInvalid.class,
                    VerifyError.MalformedProof.class);
        }
        // The last node cut off, or a node appended: the decoder finds the end elsewhere.
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 32);
        assertThat(rejection(verify(cut))).isInstanceOf(VerifyError.MalformedProof.class);
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 32);
        assertThat(rejection(verify(longer))).isInstanceOf(VerifyError.MalformedProof.class);
    }
}
