package dev.zkscope.plonk;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Circuit shapes and presets away from the random mix: other degrees (quotient domain smaller than the LDE), other blowups, empty arguments. */
class ShapesTest {
    private static void assertRoundTrip(Circuit c, Witness w, ProofParameters p) {
        assertThat(Checker.check(c, w)).isEmpty();
        ProvingKey pk = ProofSystem.keygen(c, p);
        byte[] proof = ProofSystem.prove(pk, w, PhaseListener.NONE).toBytes();
        assertThat(ProofSystem.verify(pk.verifyingKey(), w.instance(), proof)).isEqualTo(new VerifyResult.Accepted());
        // and a broken proof is still caught on this shape
        byte[] bad = proof.clone();
        bad[bad.length / 2] ^= 4;
        assertThat(ProofSystem.verify(pk.verifyingKey(), w.instance(), bad).accepted()).isFalse();
    }

    /** One degree-2 gate only: constraint degree 2, quotient on n points of a 4n extension; no lookups, no copies. */
    static Circuit squares(int logN, int reserved, long[][] adv) {
        int n = 1 << logN;
        long[][] fixed = new long[1][n];
        for (int r = 0; r < n - reserved; r++) {
            fixed[0][r] = 1;
            adv[0][r] = r + 3;
            adv[1][r] = (long) (r + 3) * (r + 3);
        }
        return new Circuit("squares", logN, n - reserved, 2, 0, fixed,
                List.of(new Gate("sq", Column.fixed(0).cur().times(Column.advice(0).cur().times(Column.advice(0).cur())
                        .minus(Column.advice(1).cur())))), List.of(), List.of(), List.of());
    }

    @Test
    void lowDegreeCircuit_noLookupsNoCopies() {
        for (boolean zk : new boolean[] {true, false}) {
            ProofParameters p = ProofParameters.testing().withZeroKnowledge(zk);
            long[][] adv = new long[2][1 << 5];
            Circuit c = squares(5, p.reservedRows(), adv);
            assertRoundTrip(c, new Witness(adv, new long[0][]), p);
        }
    }

    @Test
    void highPreset_blowup8_withRandomMix() {
        ProofParameters p = ProofParameters.high();
        TestCircuits.Instance inst = TestCircuits.random(77, p.minLogN(), p.reservedRows());
        assertRoundTrip(inst.circuit(), inst.witness(), p);
    }

    @Test
    void standardPreset_smallCircuit() {
        ProofParameters p = ProofParameters.standard();
        TestCircuits.Instance inst = TestCircuits.random(78, p.minLogN(), p.reservedRows());
        assertRoundTrip(inst.circuit(), inst.witness(), p);
    }

    @Test
    void foldingArity2and8_andFinalPolynomialOfOne() {
        for (ProofParameters p : new ProofParameters[] {
                new ProofParameters("arity2", 2, 4, 0, 1, 0, true),
                new ProofParameters("arity8", 2, 4, 1, 3, 1, false),
                new ProofParameters("arity16-blowup16", 4, 3, 0, 4, 4, true)}) {
            TestCircuits.Instance inst = TestCircuits.random(79, 7, p.reservedRows());
            assertRoundTrip(inst.circuit(), inst.witness(), p);
        }
    }

    /** Without zero knowledge a circuit may still leave rows unused at the end (the running sum ends at row u). */
    @Test
    void zkOff_withUnusedRowsAtTheEnd() {
        ProofParameters p = ProofParameters.testing().withZeroKnowledge(false);
        for (int reserved : new int[] {1, 5, 17}) {
            TestCircuits.Instance inst = TestCircuits.random(80 + reserved, 6, reserved);
            assertRoundTrip(inst.circuit(), inst.witness(), p);
        }
    }

    /** Only copy constraints, between advice and instance columns, and a fully usable trace without zero knowledge. */
    @Test
    void copiesOnly_fullTraceWithoutZeroKnowledge() {
        ProofParameters p = ProofParameters.testing().withZeroKnowledge(false);
        int n = 16;
        long[][] adv = new long[2][n];
        long[][] inst = new long[1][n];
        List<Copy> copies = new java.util.ArrayList<>();
        for (int r = 0; r < n; r++) {
            adv[0][r] = Goldilocks.fromSigned(-r);
            adv[1][(r + 5) % n] = adv[0][r];
            copies.add(new Copy(new Cell(Column.advice(0), r), new Cell(Column.advice(1), (r + 5) % n)));
        }
        inst[0][3] = adv[1][3];
        copies.add(new Copy(new Cell(Column.instance(0), 3), new Cell(Column.advice(1), 3)));
        Circuit c = new Circuit("copies", 4, n, 2, 1, new long[0][], List.of(), List.of(), copies, List.of());
        assertRoundTrip(c, new Witness(adv, inst), p);
    }
}
