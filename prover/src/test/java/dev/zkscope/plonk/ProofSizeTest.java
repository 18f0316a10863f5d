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
        assertThat(b.keySet()).startsWith("header", "roots", "opened values", "Merkle nodes fixed",
                "Merkle nodes advice", "Merkle nodes aux", "Merkle nodes quotient", "opened rows fixed");
        assertThat(b.keySet()).contains("opened rows advice", "leaf salts", "FRI layer roots", "FRI Merkle nodes",
                "FRI leaves", "FRI final polynomial", "proof of work", "framing");
        ArgumentLayout lay = pk.layout;
        int q = p.numQueries();
        int d = 32;
        // rows: 8 bytes per column per query; salts: 16 bytes per salted (non-fixed) tree per query
        assertThat(b.get("opened rows advice")).isEqualTo(8 * q * lay.widths[ArgumentLayout.ADVICE]);
        assertThat(b.get("opened rows quotient")).isEqualTo(8 * q * lay.widths[ArgumentLayout.QUOTIENT]);
        assertThat(b.get("leaf salts")).isEqualTo(16 * q * 3);
        // Merkle nodes: the multiproof of the queried rows, the same shape in every batch tree, fewer than full paths
        int nodes = proof.opening.batchNodes()[0].length;
        assertThat(b.get("Merkle nodes advice")).isEqualTo(d * nodes);
        assertThat(b.get("Merkle nodes aux")).isEqualTo(d * nodes);
        assertThat(nodes).isPositive().isLessThan(q * lay.logLde);
        int friNodes = 0;
        for (byte[][] n : proof.opening.friNodes()) {
            friNodes += n.length;
        }
        assertThat(b.get("FRI Merkle nodes")).isEqualTo(d * friNodes);
        assertThat(b.get("framing")).isEqualTo(4 * 2 + 1 + 4 + 2
                + 2 * (proof.opening.batchNodes().length + proof.opening.friNodes().length));
        assertThat(b.get("FRI final polynomial")).isEqualTo(16 << Math.min(p.logFinalPolyLen(), lay.logN));
        assertThat(b.get("proof of work")).isEqualTo(8);
        int opened = lay.openings()[0].length + lay.openings()[1].length;
        assertThat(b.get("opened values")).isEqualTo(16 * opened);
        assertThat(size.sum("Merkle nodes")).isEqualTo(b.get("Merkle nodes fixed") + b.get("Merkle nodes advice")
                + b.get("Merkle nodes aux") + b.get("Merkle nodes quotient"));
        assertThat(size.summary()).startsWith(String.format(java.util.Locale.ROOT, "%,d B:", proof.sizeBytes()))
                .contains("opened rows", "Merkle nodes", "FRI");
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
}
