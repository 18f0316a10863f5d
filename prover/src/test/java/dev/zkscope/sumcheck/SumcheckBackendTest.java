package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.SampleModels;
import dev.zkscope.compile.model.QModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sumcheck backend end to end on the sample models: complete, equal to the evaluator, and tamper-proof. */
class SumcheckBackendTest {
    static final PcsParams P = PcsParams.testing();

    /** Samples this backend proves; the others are refused by layer name. */
    static final List<String> PROVED = List.of("mlp", "mlp_large", "cnn", "residual", "cnn_bn_pool",
            "mlp_sigmoid_tanh", "attention");

    static boolean rejects(SumcheckBackend.Keys k, long[] out, byte[] proof) {
        try {
            SumcheckBackend.verify(k, out, proof);
            return false;
        } catch (Malformed | SumcheckException e) {
            return true;
        }
    }

    static QModel model(String name) throws Exception {
        return SampleModels.lowered(SampleModels.load(name));
    }

    @TestFactory
    Stream<DynamicTest> samples_proveVerifyAndMatchTheEvaluator() {
        return PROVED.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(model(name), P, new Random(1));
            // the verifier holds only the key's bytes
            SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
            assertThat(vk.digest()).isEqualTo(keys.digest());
            for (int i = 0; i < 2; i++) {
                long[] in = s.quantizedInput(i);
                SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2 + i));
                assertThat(pr.output()).as(name).containsExactly(s.quantizedOutput(i));
                SumcheckBackend.verify(vk, pr.output(), pr.proof());
                long[] bad = pr.output().clone();
                bad[bad.length - 1] ^= 1;
                assertThat(rejects(vk, bad, pr.proof())).as(name + " wrong output").isTrue();
            }
        }));
    }

    /** Models with layers this backend lacks are refused at keygen, naming the layer and the other backend. */
    @Test
    void unsupportedModels_areRefusedByLayerName() throws Exception {
        // every sample proves now; the maximum of two activations (an element-wise Max of tensors) does not
        dev.zkscope.compile.model.QModel m = new dev.zkscope.compile.model.QModel("t_max_of_two");
        int x = m.input(new int[] {1, 8}, 100);
        int a = dev.zkscope.compile.model.Ops.relu(m, "relu", x);
        dev.zkscope.compile.model.Src[] as = new dev.zkscope.compile.model.Src[4];
        dev.zkscope.compile.model.Src[] bs = new dev.zkscope.compile.model.Src[4];
        for (int i = 0; i < 4; i++) {
            as[i] = new dev.zkscope.compile.model.Src(a, i);
            bs[i] = new dev.zkscope.compile.model.Src(a, 4 + i);
        }
        int y = m.add(new dev.zkscope.compile.model.Steps.Compare("max", "Max", m.newTensor(4), as, bs,
                dev.zkscope.compile.gadget.CompareGadget.Kind.MAX));
        m.output(y, new int[] {1, 4});
        assertThatThrownBy(() -> SumcheckBackend.keygen(m, P, new Random(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot prove layer")
                .hasMessageContaining("--backend plonkish");
    }

    /** Swapping two of the prover's field elements (claims, round values, final values) is rejected everywhere. */
    @Test
    void residual_rejectsSwappedClaims() throws Exception {
        SampleModels.Sample s = SampleModels.load("residual");
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(model("residual"), P, new Random(1));
        long[] in = s.quantizedInput(0);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        byte[] proof = pr.proof();
        int start = 4 + 4 + 2 + P.name().length() + 32; // header, witness root: then the field elements of the rounds
        int swapped = 0;
        for (int off = start; off + 32 <= Math.min(proof.length, start + 16 * 1200); off += 16 * 7) {
            byte[] b = proof.clone();
            byte[] a = Arrays.copyOfRange(b, off, off + 16);
            System.arraycopy(b, off + 16, b, off, 16);
            System.arraycopy(a, 0, b, off + 16, 16);
            if (Arrays.equals(b, proof)) {
                continue;
            }
            swapped++;
            assertThat(rejects(keys, pr.output(), b)).as("swap at byte %d", off).isTrue();
        }
        assertThat(swapped).isGreaterThan(100);
    }

    /** Wrong outputs, another input's proof, byte flips in every part, truncation: all rejected. */
    @TestFactory
    Stream<DynamicTest> tamperSuite() {
        return Stream.of("mlp", "residual").map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(model(name), P, new Random(1));
            long[] in = s.quantizedInput(0);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            long[] out = pr.output();
            for (int i = 0; i < out.length; i++) {
                long[] bad = out.clone();
                bad[i]++;
                assertThat(rejects(keys, bad, pr.proof())).as("output %d changed", i).isTrue();
            }
            // the input is private: another input's proof proves its own output, not this one
            SumcheckBackend.Proved other = SumcheckBackend.prove(keys, s.quantizedInput(1), new Random(3));
            assertThat(other.output()).isNotEqualTo(out);
            assertThat(rejects(keys, out, other.proof())).as("another input's proof").isTrue();
            assertThat(rejects(keys, other.output(), other.proof())).isFalse();
            byte[] proof = pr.proof();
            SplittableRandom r = new SplittableRandom(5);
            int step = Math.max(1, proof.length / 400);
            for (int i = 0; i < proof.length; i += step) {
                byte[] b = proof.clone();
                b[i] ^= (byte) (1 << r.nextInt(8));
                assertThat(rejects(keys, out, b)).as("flip at byte %d of %d", i, proof.length).isTrue();
            }
            assertThat(rejects(keys, out, Arrays.copyOf(proof, proof.length - 1))).isTrue();
            assertThat(rejects(keys, out, Arrays.copyOf(proof, proof.length + 8))).isTrue();
        }));
    }

    /** A proof checked against another model's key, or a key with a changed byte, is rejected. */
    @Test
    void otherModelsKeyAndEditedKeys_reject() throws Exception {
        SampleModels.Sample s = SampleModels.load("cnn");
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(model("cnn"), P, new Random(1));
        long[] in = s.quantizedInput(0);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        // a second key of the same model (fresh weight-commitment randomness) is a different key
        SumcheckBackend.Keys again = SumcheckBackend.keygen(model("cnn"), P, new Random(9));
        assertThat(rejects(again, pr.output(), pr.proof())).isTrue();
        SumcheckBackend.Keys residual = SumcheckBackend.keygen(model("residual"), P, new Random(1));
        assertThatThrownBy(() -> SumcheckBackend.verify(residual, pr.output(), pr.proof()))
                .isInstanceOf(SumcheckException.class);
        byte[] vk = keys.verifyingKey();
        SplittableRandom r = new SplittableRandom(7);
        int step = Math.max(1, vk.length / 150);
        int tried = 0;
        for (int i = 0; i < vk.length; i += step) {
            byte[] b = vk.clone();
            b[i] ^= (byte) (1 << r.nextInt(8));
            SumcheckBackend.Keys edited;
            try {
                edited = SumcheckBackend.Keys.readVerifyingKey(b);
            } catch (Malformed e) {
                continue;
            }
            tried++;
            boolean rejected;
            try {
                SumcheckBackend.verify(edited, pr.output(), pr.proof());
                rejected = false;
            } catch (Malformed | SumcheckException e) {
                rejected = true;
            }
            assertThat(rejected).as("key byte %d flipped", i).isTrue();
        }
        assertThat(tried).isGreaterThan(50);
    }
}
