package dev.zkscope.compile;

import dev.zkscope.api.Commitments;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hashed weights (issue 10, part 2): the circuit hashes a private salt and the weights with Poseidon2 and publishes the
 * digest, so a verifier holding the owner's published commitment rejects a proof made with other weights of the same
 * architecture, even though it verifies under the same key.
 */
class HashedWeightsTest {
    private static final ProofParameters P = ProofParameters.testing();
    private static final CompileOptions HASHED = CompileOptions.defaults()
            .withWeights(CompileOptions.Visibility.HASHED)
            .withReservedRows(P.reservedRows());

    private static SampleModels.Sample mlp;
    private static QModel honestModel;
    private static CompiledModel honest;
    private static ProvingKey pk;
    private static long[] salt;

    @BeforeAll
    static void setUp() throws Exception {
        mlp = SampleModels.load("mlp");
        honestModel = ModelCompiler.lower(mlp.quantized(), HASHED);
        honest = ModelCompiler.compile(honestModel, HASHED);
        pk = ProofSystem.keygen(honest.circuit(), P, List.of(), PhaseListener.NONE);
        SplittableRandom rnd = new SplittableRandom(42);
        salt = new long[Salts.LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = rnd.nextLong() >>> 1;
        }
    }

    private static Salts salts(long[] weightsSalt) {
        return Salts.random().withWeights(weightsSalt);
    }

    private static Commitments commitments(CompiledModel cm, ModelWitness w) {
        return Commitments.of(cm.publicLayout(), w.publicValues());
    }

    @Test
    void ledger_chargesTheHashToItsOwnLayer() {
        LayerCost hash = honest.ledger().layer(ModelCompiler.HASH_WEIGHTS);
        long perms = dev.zkscope.hash.Poseidon2.permutations(Salts.LENGTH, honestModel.paramCount());
        assertThat(hash.op()).isEqualTo("Poseidon2");
        assertThat(hash.rows()).isEqualTo((int) (perms * 13 + 1));
        assertThat(hash.gates()).containsEntry("p2_full", perms * 8).containsEntry("p2_part6", perms * 3)
                .containsEntry("p2_part4", perms);
        assertThat(honest.publicLayout().weightsDigestAt()).isEqualTo(10);
        assertThat(honest.circuit().numAdvice()).isGreaterThanOrEqualTo(24);
    }

    @Test
    void circuitCommitment_equalsTheNativeCommitment_andIsStableAcrossProofs() {
        ModelWitness w1 = honest.witness(mlp.quantizedInput(0), salts(salt));
        ModelWitness w2 = honest.witness(mlp.quantizedInput(1), salts(salt));
        assertThat(honest.check(w1.witness())).isEmpty();
        long[] native1 = ModelCompiler.weightsCommitment(honestModel, salt);
        assertThat(commitments(honest, w1).weights()).containsExactly(native1);
        // two proofs, other inputs, the same weights and salt: the same public commitment
        Proof a = ProofSystem.prove(pk, w1.witness(), PhaseListener.NONE);
        Proof b = ProofSystem.prove(pk, w2.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk.verifyingKey(), w1.instance(), a.toBytes()).accepted()).isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), w2.instance(), b.toBytes()).accepted()).isTrue();
        assertThat(commitments(honest, w2).weights()).containsExactly(native1);
    }

    @Test
    void differentSalts_giveUnrelatedCommitments() {
        long[] other = salt.clone();
        other[3] ^= 1;
        long[] c1 = commitments(honest, honest.witness(mlp.quantizedInput(0), salts(salt))).weights();
        long[] c2 = commitments(honest, honest.witness(mlp.quantizedInput(0), salts(other))).weights();
        assertThat(c2).isNotEqualTo(c1);
        for (int i = 0; i < c1.length; i++) {
            assertThat(c2[i]).as("element %d", i).isNotEqualTo(c1[i]);
        }
        // fresh random salts (the default) link to nothing either
        long[] r1 = commitments(honest, honest.witness(mlp.quantizedInput(0))).weights();
        long[] r2 = commitments(honest, honest.witness(mlp.quantizedInput(0))).weights();
        assertThat(r1).isNotEqualTo(r2).isNotEqualTo(c1);
    }

    /**
     * Chaining: a hashed output's commitment is the hash of its integers in the domain that hashed inputs use, so the
     * next circuit, taking the same integers as a hashed input with the same salt, publishes the same value.
     */
    @Test
    void hashedOutputCommitment_isWhatAHashedInputOfTheSameValuesPublishes() {
        CompileOptions o = HASHED.withWeights(CompileOptions.Visibility.FIXED)
                .withInput(CompileOptions.Visibility.HASHED).withOutput(CompileOptions.Visibility.HASHED);
        CompiledModel cm = ModelCompiler.compile(honestModel, o);
        Salts salts = Salts.random();
        long[] x = mlp.quantizedInput(0);
        ModelWitness w = cm.witness(x, salts);
        assertThat(cm.check(w.witness())).isEmpty();
        assertThat(cm.publicLayout().outputCount()).isZero();
        assertThat(w.publicValues()).hasSize(8);
        Commitments c = commitments(cm, w);
        long[] out = new long[w.output().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = dev.zkscope.field.Goldilocks.fromSigned(w.output()[i]);
        }
        long[] in = new long[x.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = dev.zkscope.field.Goldilocks.fromSigned(x[i]);
        }
        assertThat(c.output()).containsExactly(dev.zkscope.hash.Poseidon2.hash(dev.zkscope.hash.Poseidon2.DOMAIN_INPUT,
                salts.output(), out));
        assertThat(c.input()).containsExactly(dev.zkscope.hash.Poseidon2.hash(dev.zkscope.hash.Poseidon2.DOMAIN_INPUT,
                salts.input(), in));
        // a changed output cell is caught
        dev.zkscope.circuit.Witness t = ModelCompilerTest.copy(w.witness());
        dev.zkscope.circuit.Cell cell = cm.nodeCells("/fc2/Gemm")[0];
        t.advice()[cell.column().index()][cell.row()] = dev.zkscope.field.Goldilocks.add(
                t.advice()[cell.column().index()][cell.row()], 1);
        assertThat(cm.check(t)).isNotEmpty();
    }

    /**
     * The attack of the issue: the last Gemm's rows (and biases) for classes 2 and 7 swapped. The circuit is the
     * same (same digest, the honest key verifies the proof) and the attested argmax moves from 2 to 7, but the
     * proof's public weights commitment is not the owner's: a verifier pinning the commitment rejects it.
     */
    @Test
    void swappedRowsAttack_verifiesUnderTheKey_butNotUnderTheCommitment() {
        QModel lowered = ModelCompiler.lower(mlp.quantized(), HASHED);
        long[] weights = null;
        long[] bias = null;
        int wTensor = -1;
        int bTensor = -1;
        for (int t = 0; t < lowered.tensorCount(); t++) {
            if (lowered.isParam(t)) {
                // copies: the lowered model shares its arrays with the quantized graph, which must stay honest
                long[] v = lowered.param(t);
                if (v.length == 10) {
                    bias = v.clone();
                    bTensor = t;
                } else if (v.length % 10 == 0) {
                    weights = v.clone();
                    wTensor = t;
                }
            }
        }
        assertThat(weights).isNotNull();
        assertThat(bias).isNotNull();
        // the quantized Gemm weight is [in][out] (ONNX's transB folded in), so class c's row is column c
        int in = weights.length / 10;
        for (int j = 0; j < in; j++) {
            long x = weights[j * 10 + 2];
            weights[j * 10 + 2] = weights[j * 10 + 7];
            weights[j * 10 + 7] = x;
        }
        long b = bias[2];
        bias[2] = bias[7];
        bias[7] = b;
        QModel attacked = lowered.withParam(wTensor, weights).withParam(bTensor, bias);
        CompiledModel cheat = ModelCompiler.compile(attacked, HASHED);
        ProvingKey cheatKey = ProofSystem.keygen(cheat.circuit(), P, List.of(), PhaseListener.NONE);
        assertThat(cheatKey.verifyingKey().circuitDigestHex()).isEqualTo(pk.verifyingKey().circuitDigestHex());

        int sample = -1;
        for (int i = 0; i < 50 && sample < 0; i++) {
            if (SampleModels.argmax(mlp.quantizedOutput(i)) == 2) {
                sample = i;
            }
        }
        assertThat(sample).as("a test input of class 2").isNotNegative();
        long[] x = mlp.quantizedInput(sample);
        ModelWitness w = cheat.witness(x, salts(salt));
        assertThat(SampleModels.argmax(w.output())).isEqualTo(7);
        Proof proof = ProofSystem.prove(cheatKey, w.witness(), PhaseListener.NONE);
        // the honest verifying key accepts the proof on its own: the key alone does not pin the weights
        assertThat(ProofSystem.verify(pk.verifyingKey(), w.instance(), proof.toBytes()).accepted()).isTrue();
        // but its public commitment is not the owner's, so verify --weights-commitment rejects it
        long[] published = ModelCompiler.weightsCommitment(honestModel, salt);
        assertThat(commitments(cheat, w).weights()).isNotEqualTo(published);
        // and claiming the owner's commitment as the public value breaks the proof
        long[] forged = w.publicValues().clone();
        int at = cheat.publicLayout().weightsDigestAt();
        for (int i = 0; i < published.length; i++) {
            forged[at + i] = dev.zkscope.field.Goldilocks.toSigned(published[i]);
        }
        assertThat(ProofSystem.verify(pk.verifyingKey(), ModelWitness.instanceOf(forged), proof.toBytes()).accepted())
                .isFalse();
    }
}
