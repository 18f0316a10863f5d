package dev.zkscope.plonk;

import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Proof#sizeBreakdown()}: every byte counted once, each part the size its contents say. */
class ProofSizeTest {
    @Test
    void breakdown_sumsToTheProofSize_andEachPartMatchesItsContents() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(11, 7, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        ProofSize size = proof.sizeBreakdown();
        Map<String, Integer> b = size.bytes();
        assertThat(size.total()).isEqualTo(proof.sizeBytes());
        assertThat(b.keySet()).startsWith("header", "roots", "opened values", "cap fixed", "cap advice", "cap aux",
                "cap quotient", "Merkle paths fixed");
        assertThat(b.keySet()).contains("opened rows advice", "leaf salts", "FRI layer roots", "FRI caps", "FRI leaves",
                "FRI paths", "FRI final polynomial", "proof of work", "framing");
        Layout lay = pk.layout;
        int q = p.numQueries();
        int d = 32;
        // rows: 8 bytes per column per query; salts: 16 bytes per salted (non-fixed) tree per query
        assertThat(b.get("opened rows advice")).isEqualTo(8 * q * lay.widths[Layout.ADVICE]);
        assertThat(b.get("opened rows quotient")).isEqualTo(8 * q * lay.widths[Layout.QUOTIENT]);
        assertThat(b.get("leaf salts")).isEqualTo(16 * q * 3);
        FriConfigView f = new FriConfigView(lay);
        assertThat(b.get("cap advice")).isEqualTo(d << f.capHeight);
        assertThat(b.get("Merkle paths aux")).isEqualTo(d * q * (lay.logLde - f.capHeight));
        assertThat(b.get("FRI final polynomial")).isEqualTo(16 << Math.min(p.logFinalPolyLen(), lay.logN));
        assertThat(b.get("proof of work")).isEqualTo(8);
        int opened = lay.openings()[0].length + lay.openings()[1].length;
        assertThat(b.get("opened values")).isEqualTo(16 * opened);
        assertThat(size.sum("Merkle paths")).isEqualTo(b.get("Merkle paths fixed") + b.get("Merkle paths advice")
                + b.get("Merkle paths aux") + b.get("Merkle paths quotient"));
        assertThat(size.summary()).startsWith(String.format(java.util.Locale.ROOT, "%,d B:", proof.sizeBytes()))
                .contains("opened rows", "Merkle paths", "FRI");
    }

    @Test
    void breakdownOfBytes_equalsTheProofs_andRefusesOtherBytes() {
        ProofParameters p = ProofParameters.testing();
        TestCircuits.Instance inst = TestCircuits.random(12, 6, p.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), p);
        Proof proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
        byte[] bytes = proof.toBytes();
        assertThat(Proof.sizeBreakdown(pk.verifyingKey(), bytes)).isEqualTo(proof.sizeBreakdown());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> Proof.sizeBreakdown(pk.verifyingKey(), cut))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a proof for this key");
    }

    /** The cap height the scheme uses for the batch trees. */
    private record FriConfigView(int capHeight) {
        FriConfigView(Layout lay) {
            this(lay.friConfig().capHeight(lay.logLde));
        }
    }
}
