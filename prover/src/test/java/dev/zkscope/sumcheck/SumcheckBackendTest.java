package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The sumcheck backend end to end on the sample models: complete, equal to the evaluator, and tamper-proof. */
class SumcheckBackendTest {
    static final PcsParams P = PcsParams.testing();

    static boolean rejects(SumcheckBackend.Keys k, long[] in, long[] out, byte[] proof) {
        try {
            SumcheckBackend.verify(k, in, out, proof);
            return false;
        } catch (Malformed | SumcheckException e) {
            return true;
        }
    }

    @Test
    void mlp_provesVerifiesAndMatchesTheEvaluator() throws Exception {
        Models.Sample s = Models.load("mlp");
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(s.model(), P, new Random(1));
        for (int i = 0; i < 2; i++) {
            long[] in = s.quantizedInput(i);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            assertThat(pr.output()).containsExactly(s.evaluatorOutput(i));
            SumcheckBackend.verify(keys, in, pr.output(), pr.proof());
        }
    }

    @Test
    void cnnAndMlpLarge_proveVerifyAndMatchTheEvaluator() throws Exception {
        for (String name : new String[] {"cnn", "mlp_large"}) {
            Models.Sample s = Models.load(name);
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(s.model(), P, new Random(1));
            long[] in = s.quantizedInput(0);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            assertThat(pr.output()).as(name).containsExactly(s.evaluatorOutput(0));
            SumcheckBackend.verify(keys, in, pr.output(), pr.proof());
            long[] bad = pr.output().clone();
            bad[0] ^= 1;
            assertThat(rejects(keys, in, bad, pr.proof())).as(name + " wrong output").isTrue();
        }
    }

    /** Swapping two of the prover's field elements (claims, round values, final values) is rejected everywhere. */
    @Test
    void mlp_rejectsSwappedClaims() throws Exception {
        Models.Sample s = Models.load("mlp");
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(s.model(), P, new Random(1));
        long[] in = s.quantizedInput(0);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        byte[] proof = pr.proof();
        int start = 4 + 4 + 2 + P.name().length() + 32; // header, witness root: then the field elements of the rounds
        int swapped = 0;
        for (int off = start; off + 32 <= Math.min(proof.length, start + 16 * 400); off += 16 * 7) {
            byte[] b = proof.clone();
            byte[] a = java.util.Arrays.copyOfRange(b, off, off + 16);
            System.arraycopy(b, off + 16, b, off, 16);
            System.arraycopy(a, 0, b, off + 16, 16);
            if (java.util.Arrays.equals(b, proof)) {
                continue;
            }
            swapped++;
            assertThat(rejects(keys, in, pr.output(), b)).as("swap at byte %d", off).isTrue();
        }
        assertThat(swapped).isGreaterThan(20);
    }

    @Test
    void unsupportedModel_isAClearError() throws Exception {
        Models.Sample s = Models.load("mlp_sigmoid_tanh");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SumcheckBackend.keygen(s.model(), P, new Random(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("--backend plonkish");
    }

    @Test
    void mlp_rejectsWrongOutputWrongInputAndByteFlips() throws Exception {
        Models.Sample s = Models.load("mlp");
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(s.model(), P, new Random(1));
        long[] in = s.quantizedInput(0);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        long[] out = pr.output();
        for (int i = 0; i < out.length; i++) {
            long[] bad = out.clone();
            bad[i]++;
            assertThat(rejects(keys, in, bad, pr.proof())).as("output %d changed", i).isTrue();
        }
        long[] badIn = in.clone();
        badIn[3] += 1;
        assertThat(rejects(keys, badIn, out, pr.proof())).as("input changed").isTrue();
        // another input's proof does not prove this statement
        SumcheckBackend.Proved other = SumcheckBackend.prove(keys, s.quantizedInput(1), new Random(3));
        assertThat(rejects(keys, in, out, other.proof())).isTrue();
        byte[] proof = pr.proof();
        SplittableRandom r = new SplittableRandom(5);
        int step = Math.max(1, proof.length / 300);
        for (int i = 0; i < proof.length; i += step) {
            byte[] b = proof.clone();
            b[i] ^= (byte) (1 << r.nextInt(8));
            assertThat(rejects(keys, in, out, b)).as("flip at byte %d of %d", i, proof.length).isTrue();
        }
        assertThat(rejects(keys, in, out, java.util.Arrays.copyOf(proof, proof.length - 1))).isTrue();
        assertThat(rejects(keys, in, out, java.util.Arrays.copyOf(proof, proof.length + 8))).isTrue();
    }
}
