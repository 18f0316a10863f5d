package dev.zkscope.compile;

import dev.zkscope.onnx.Samples;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end per sample model: compile, witness from a test input, check clean, prove and verify with the insecure
 * test preset; the verified public output is the quantized output and its argmax is the float model's; a tampered
 * proof, a changed public output and the verifying key of another model are rejected.
 */
class ProveSamplesTest {
    private static final Map<String, ProvingKey> KEYS = new HashMap<>();

    private static ProvingKey key(String name, CompiledModel cm, ProofParameters p) {
        return KEYS.computeIfAbsent(name + "/" + p.name(), k -> ProofSystem.keygen(cm.circuit(), p));
    }

    private static CompiledModel compile(String name, ProofParameters p) throws Exception {
        return ModelCompiler.compile(SampleModels.load(name).quantized(),
                CompileOptions.auto().withReservedRows(p.reservedRows()));
    }

    @TestFactory
    Stream<DynamicTest> sample_provesAndVerifies_testPreset() throws Exception {
        ProofParameters p = ProofParameters.testing();
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            CompiledModel cm = compile(name, p);
            ModelWitness w = cm.witness(s.quantizedInput(0), s.reference(0));
            assertThat(cm.check(w.witness())).isEmpty();
            ProvingKey pk = key(name, cm, p);
            long t0 = System.nanoTime();
            Proof proof = ProofSystem.prove(pk, w.witness(), PhaseListener.NONE);
            long t1 = System.nanoTime();
            byte[] bytes = proof.toBytes();
            VerifyResult ok = ProofSystem.verify(pk.verifyingKey(), w.instance(), bytes);
            long t2 = System.nanoTime();
            System.out.printf("prove %s (test preset): 2^%d, prove %.0f ms, verify %.0f ms, %d bytes%n", name,
                    cm.circuit().logN(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, bytes.length);
            assertThat(ok.accepted()).as(ok.toString()).isTrue();

            // the verified output is the quantized inference output, and its argmax is the float model's
            assertThat(w.output()).containsExactly(s.quantizedOutput(0));
            assertThat(SampleModels.argmax(w.output()))
                    .isEqualTo(Samples.argmax(s.testSet().floatOutputs().get(0)));

            // a flipped byte in the proof
            byte[] flipped = bytes.clone();
            flipped[flipped.length / 2] ^= 0x10;
            assertThat(ProofSystem.verify(pk.verifyingKey(), w.instance(), flipped).accepted()).isFalse();

            // a changed public output
            long[] pub = w.publicValues().clone();
            pub[pub.length - 1] += 1;
            assertThat(ProofSystem.verify(pk.verifyingKey(), ModelWitness.instanceOf(pub), bytes).accepted()).isFalse();
        }));
    }

    @Test
    void verifyingKeyOfAnotherModel_isRejected() throws Exception {
        ProofParameters p = ProofParameters.testing();
        SampleModels.Sample s = SampleModels.load("mlp");
        CompiledModel mlp = compile("mlp", p);
        CompiledModel other = compile("mlp_sigmoid_tanh", p);
        ModelWitness w = mlp.witness(s.quantizedInput(1));
        Proof proof = ProofSystem.prove(key("mlp", mlp, p), w.witness(), PhaseListener.NONE);
        VerifyResult r = ProofSystem.verify(key("mlp_sigmoid_tanh", other, p).verifyingKey(), w.instance(), proof.toBytes());
        assertThat(r.accepted()).isFalse();
        assertThat(ProofSystem.verify(key("mlp", mlp, p).verifyingKey(), w.instance(), proof.toBytes()).accepted()).isTrue();
    }

    /** The standard preset (100 bits, zero knowledge on) on the small CNN and the MLP. Run alone with -Dgroups=slow. */
    @Tag("slow")
    @Test
    void standardPreset_cnnAndMlp_proveAndVerify() throws Exception {
        ProofParameters p = ProofParameters.standard();
        for (String name : new String[]{"cnn", "mlp"}) {
            SampleModels.Sample s = SampleModels.load(name);
            CompiledModel cm = compile(name, p);
            ModelWitness w = cm.witness(s.quantizedInput(2));
            assertThat(cm.check(w.witness())).isEmpty();
            ProvingKey pk = ProofSystem.keygen(cm.circuit(), p);
            long t0 = System.nanoTime();
            Proof proof = ProofSystem.prove(pk, w.witness(), PhaseListener.NONE);
            long t1 = System.nanoTime();
            System.out.printf("prove %s (standard): 2^%d, %.0f ms, %d bytes%n", name, cm.circuit().logN(),
                    (t1 - t0) / 1e6, proof.toBytes().length);
            assertThat(ProofSystem.verify(pk.verifyingKey(), w.instance(), proof.toBytes()).accepted()).isTrue();
        }
    }
}
