package dev.zkscope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.testing.Property;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Proof and verifying-key files: round trips, and any damaged byte string is a FormatException, never a crash. */
class ArtifactFilesTest {
    private static final ArtifactFiles.ProofFile PROOF =
            new ArtifactFiles.ProofFile("mlp", new long[] {0, 1, -1, 42, -12345}, new byte[] {9, 8, 7, 6, 5, 4, 3});
    private static final ArtifactFiles.KeyFile KEY =
            new ArtifactFiles.KeyFile("mlp", 0, new int[] {1, 10}, 6, new byte[] {1, 2, 3, 4, 5});

    @Test
    void roundTrip() throws Exception {
        ArtifactFiles.ProofFile p = ArtifactFiles.decodeProof(ArtifactFiles.encode(PROOF));
        assertThat(p.model()).isEqualTo("mlp");
        assertThat(p.publicValues()).containsExactly(PROOF.publicValues());
        assertThat(p.proof()).containsExactly(PROOF.proof());
        ArtifactFiles.KeyFile k = ArtifactFiles.decodeKey(ArtifactFiles.encode(KEY));
        assertThat(k.outputShape()).containsExactly(1, 10);
        assertThat(k.outputSize()).isEqualTo(10);
        assertThat(k.outputScale()).isEqualTo(6);
        assertThat(k.verifyingKey()).containsExactly(KEY.verifyingKey());
    }

    @Test
    void keyAndProofAreNotInterchangeable() {
        assertThatThrownBy(() -> ArtifactFiles.decodeProof(ArtifactFiles.encode(KEY)))
                .isInstanceOf(ArtifactFiles.FormatException.class).hasMessageContaining("not a zkscope proof");
        assertThatThrownBy(() -> ArtifactFiles.decodeKey(ArtifactFiles.encode(PROOF)))
                .isInstanceOf(ArtifactFiles.FormatException.class).hasMessageContaining("not a zkscope verifying-key");
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] b = ArtifactFiles.encode(PROOF);
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        assertThatThrownBy(() -> ArtifactFiles.decodeProof(longer)).isInstanceOf(ArtifactFiles.FormatException.class);
    }

    @TestFactory
    Stream<DynamicTest> damagedProofFile_isAFormatExceptionOrDecodes() {
        return Property.forAll("damagedProofFile_isAFormatExceptionOrDecodes", 0xA27_F11E5L, 300, r ->
                damagedProofFile(r.nextInt(0, 201), (byte) r.nextInt(), r.nextInt(0, 61)));
    }

    private static void damagedProofFile(int position, byte value, int cut) {
        byte[] b = ArtifactFiles.encode(PROOF);
        b[position % b.length] = value;
        byte[] damaged = Arrays.copyOf(b, Math.max(0, b.length - cut % (b.length + 1)));
        try {
            ArtifactFiles.decodeProof(damaged);
        } catch (ArtifactFiles.FormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @TestFactory
    Stream<DynamicTest> randomBytes_areAFormatExceptionOrDecode() {
        return Property.forAll("randomBytes_areAFormatExceptionOrDecode", 0xB17E5L, 300, r -> {
            byte[] bytes = new byte[r.nextInt(0, 301)];
            r.nextBytes(bytes);
            randomBytes(bytes);
        });
    }

    private static void randomBytes(byte[] bytes) {
        for (int kind = 0; kind < 2; kind++) {
            try {
                if (kind == 0) {
                    ArtifactFiles.decodeProof(bytes);
                } else {
                    ArtifactFiles.decodeKey(bytes);
                }
            } catch (ArtifactFiles.FormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
