package dev.zkscope.plonk;

import dev.zkscope.circuit.Checker;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Violation;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoundnessTest {
    static final int LOG_N = 6;
    static ProofParameters params = ProofParameters.testing();
    static TestCircuits.Instance inst;
    static ProvingKey pk;
    static byte[] sample;

    @BeforeAll
    static void setUp() {
        inst = TestCircuits.random(7, LOG_N, params.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), params);
        sample = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
        assertThat(verify(sample).accepted()).isTrue();
    }

    static VerifyResult verify(byte[] bytes) {
        return ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), bytes);
    }

    private static VerifyError rejection(VerifyResult r) {
        assertThat(r).isInstanceOf(VerifyResult.Rejected.class);
        VerifyError e = ((VerifyResult.Rejected) r).error();
        assertThat(e).isNotInstanceOf(VerifyError.InternalFailure.class);
        return e;
    }

    private static void assertBadWitnessRejected(Witness bad, Class<? extends Violation> violation) {
        List<Violation> vs = Checker.check(inst.circuit(), bad);
        assertThat(vs).isNotEmpty();
        assertThat(vs).anyMatch(violation::isInstance);
        assertThatThrownBy(() -> ProofSystem.prove(pk, bad, PhaseListener.NONE)).isInstanceOf(IllegalArgumentException.class);
        byte[] forged = ProofSystem.proveUnchecked(pk, bad).toBytes();
        VerifyError e = rejection(ProofSystem.verify(pk.verifyingKey(), bad.instance(), forged));
        assertThat(e).isInstanceOf(VerifyError.QuotientIdentityFails.class);
    }

    @Test
    void verify_rejectsBrokenGate() {
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.mulRows().get(1);
        adv[2][row] = Goldilocks.add(adv[2][row], 1);
        assertBadWitnessRejected(new Witness(adv, inst.witness().instance()), Violation.GateFailure.class);
    }

    @Test
    void verify_rejectsBrokenCopy() {
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        Copy c = inst.breakableCopies().get(inst.breakableCopies().size() - 1);
        adv[c.b().column().index()][c.b().row()] = Goldilocks.add(adv[c.b().column().index()][c.b().row()], 1);
        Witness bad = new Witness(adv, inst.witness().instance());
        List<Violation> vs = Checker.check(inst.circuit(), bad);
        assertThat(vs).hasSize(1).first().isInstanceOf(Violation.CopyFailure.class);
        assertBadWitnessRejected(bad, Violation.CopyFailure.class);
    }

    @Test
    void verify_rejectsLookupOutsideTable() {
        long[][] adv = TestCircuits.copy(inst.witness().advice());
        int row = inst.lookupRows().get(0);
        adv[1][row] = TestCircuits.TABLE + 5;
        adv[2][row] = (long) (TestCircuits.TABLE + 5) * (TestCircuits.TABLE + 5);
        assertBadWitnessRejected(new Witness(adv, inst.witness().instance()), Violation.LookupFailure.class);
    }

    @Test
    void verify_rejectsWrongPublicValue() {
        long[][] pub = TestCircuits.copy(inst.witness().instance());
        pub[0][1] = Goldilocks.add(pub[0][1], 1);
        rejection(ProofSystem.verify(pk.verifyingKey(), pub, sample));
        pub[0][1] = inst.witness().instance()[0][1];
        pub[0][2] = 5; // a cell that was zero
        rejection(ProofSystem.verify(pk.verifyingKey(), pub, sample));
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), new long[0][], sample)))
                .isInstanceOf(VerifyError.PublicValuesMismatch.class);
    }

    /** Every byte position of the testing-preset sample (the standard preset: {@link EveryByteTamperTest}). */
    @Test
    void verify_rejectsEveryFlippedByte() {
        int positions = sample.length;
        Map<String, Integer> byKind = java.util.stream.IntStream.range(0, positions).parallel().mapToObj(pos -> {
            byte[] b = sample.clone();
            b[pos] ^= (byte) (1 << (pos % 8));
            return rejection(verify(b)).getClass().getSimpleName();
        }).collect(java.util.stream.Collectors.toMap(k -> k, k -> 1, Integer::sum, java.util.TreeMap::new));
        System.out.println("flipped-byte rejections by check: " + byKind);
        // Every section is hit: header, commitments, openings, FRI, queries.
        assertThat(byKind).containsKeys("MalformedProof", "MerkleProofInvalid");
        assertThat(byKind.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(positions);
    }

    @Test
    void verify_rejectsTruncatedAndRandomBytes() {
        for (int cut = 0; cut < sample.length; cut += Math.max(1, sample.length / 300)) {
            rejection(verify(Arrays.copyOf(sample, cut)));
        }
        byte[] longer = Arrays.copyOf(sample, sample.length + 1);
        assertThat(rejection(verify(longer))).isInstanceOf(VerifyError.MalformedProof.class);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[rnd.nextInt(0, 2 * sample.length)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) rnd.nextInt();
            }
            if (i % 2 == 0 && b.length > 64) {
                System.arraycopy(sample, 0, b, 0, 64); // a valid header followed by garbage
            }
            rejection(verify(b));
        }
        rejection(verify(new byte[0]));
        rejection(verify(null));
    }

    @Test
    void verify_rejectsProofForAnotherCircuit() {
        TestCircuits.Instance other = TestCircuits.random(8, LOG_N, params.reservedRows());
        ProvingKey opk = ProofSystem.keygen(other.circuit(), params);
        byte[] op = ProofSystem.prove(opk, other.witness(), PhaseListener.NONE).toBytes();
        assertThat(rejection(ProofSystem.verify(pk.verifyingKey(), other.witness().instance(), op)))
                .isInstanceOf(VerifyError.CircuitDigestMismatch.class);
    }

    @Test
    void prove_isDeterministicWithoutZeroKnowledge() {
        ProofParameters p = params.withZeroKnowledge(false);
        TestCircuits.Instance i = TestCircuits.random(9, LOG_N, p.reservedRows());
        ProvingKey k1 = ProofSystem.keygen(i.circuit(), p);
        ProvingKey k2 = ProofSystem.keygen(i.circuit(), p);
        assertThat(k1.verifyingKey().toBytes()).isEqualTo(k2.verifyingKey().toBytes());
        byte[] a = ProofSystem.prove(k1, i.witness(), PhaseListener.NONE).toBytes();
        byte[] b = ProofSystem.prove(k2, i.witness(), PhaseListener.NONE).toBytes();
        assertThat(a).isEqualTo(b);
        // With zero knowledge the proofs differ (fresh blinding) but both verify.
        byte[] c = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
        assertThat(c).isNotEqualTo(sample);
        assertThat(verify(c).accepted()).isTrue();
    }

    @Test
    void verifyingKey_roundTripsThroughBytes() throws Exception {
        byte[] vkb = pk.verifyingKey().toBytes();
        VerifyingKey back = VerifyingKey.fromBytes(vkb);
        assertThat(back.toBytes()).isEqualTo(vkb);
        assertThat(back.circuitDigest()).isEqualTo(pk.verifyingKey().circuitDigest());
        assertThat(ProofSystem.verify(back, inst.witness().instance(), sample).accepted()).isTrue();
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            byte[] b = vkb.clone();
            int pos = rnd.nextInt(b.length);
            b[pos] ^= (byte) (1 + rnd.nextInt(255));
            try {
                VerifyingKey k = VerifyingKey.fromBytes(b);
                // A flip that still decodes is a different key: the sample proof must not verify against it.
                assertThat(ProofSystem.verify(k, inst.witness().instance(), sample).accepted()).isFalse();
            } catch (VerifyingKey.FormatException expected) {
                // typed error
            }
        }
        assertThatThrownBy(() -> VerifyingKey.fromBytes(Arrays.copyOf(vkb, vkb.length - 1)))
                .isInstanceOf(VerifyingKey.FormatException.class);
    }
}
