package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.profile.PhaseListener;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Private weights live in dedicated advice columns that the proof system commits to apart: every proof with the same
 * weights publishes the same commitment, a proof made with other weights (same circuit) does not match it.
 */
class PrivateWeightsTest {
    private static final CompileOptions PRIVATE = CompileOptions.defaults()
            .withWeights(CompileOptions.Visibility.PRIVATE)
            .withReservedRows(ProofParameters.testing().reservedRows());

    @Test
    void weightsSitAloneInTheirColumns() {
        QModel m = TestModels.mlp();
        CompiledModel cm = ModelCompiler.compile(m, PRIVATE);
        List<Integer> cols = cm.weightColumns();
        assertThat(cols).isNotEmpty();
        ModelWitness w = cm.witness(TestModels.input(16, 1));
        assertThat(cm.check(w.witness())).isEmpty();
        long nonzero = 0;
        for (int c : cols) {
            for (long v : w.witness().advice()[c]) {
                nonzero += v != 0 ? 1 : 0;
            }
        }
        long params = 0;
        for (int t = 0; t < m.tensorCount(); t++) {
            if (m.isParam(t)) {
                params += Arrays.stream(m.param(t)).filter(v -> v != 0).count();
            }
        }
        assertThat(nonzero).isEqualTo(params);
        // the weight columns are the same for every input
        ModelWitness w2 = cm.witness(TestModels.input(16, 2));
        for (int c : cols) {
            assertThat(w2.witness().advice()[c]).isEqualTo(w.witness().advice()[c]);
        }
        // a weight used in a dot row differs from its committed cell: the copy constraint catches it
        Cell weight = new Cell(dev.zkscope.circuit.Column.advice(cols.get(0)), 0);
        dev.zkscope.circuit.Witness t = ModelCompilerTest.copy(w.witness());
        t.advice()[weight.column().index()][0] = Goldilocks.add(t.advice()[weight.column().index()][0], 1);
        assertThat(cm.check(t)).isNotEmpty();
    }

    @Test
    void commitmentBindsEachProof_andOtherWeightsDoNotMatchIt() {
        ProofParameters p = ProofParameters.testing();
        CompiledModel cm = ModelCompiler.compile(TestModels.mlp(7), PRIVATE);
        CompiledModel other = ModelCompiler.compile(TestModels.mlp(8), PRIVATE);
        assertThat(other.circuit().numAdvice()).isEqualTo(cm.circuit().numAdvice());
        ProvingKey pk = ProofSystem.keygen(cm.circuit(), p, cm.weightColumns(), PhaseListener.NONE);
        ModelWitness w1 = cm.witness(TestModels.input(16, 1));
        ModelWitness w2 = cm.witness(TestModels.input(16, 2));
        Proof a = ProofSystem.prove(pk, w1.witness(), PhaseListener.NONE);
        Proof b = ProofSystem.prove(pk, w2.witness(), PhaseListener.NONE);
        // freshly blinded per proof: the same weights do not link two proofs
        assertThat(a.publicCommitment()).isNotEqualTo(b.publicCommitment());
        assertThat(ProofSystem.verify(pk.verifyingKey(), w2.instance(), b.toBytes(), b.publicCommitment()).accepted())
                .isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), w2.instance(), b.toBytes(), a.publicCommitment()).accepted())
                .isFalse();

        // the same circuit proved with other weights: valid on its own, but not with the announced commitment
        ProvingKey pk2 = ProofSystem.keygen(other.circuit(), p, other.weightColumns(), PhaseListener.NONE);
        ModelWitness w3 = other.witness(TestModels.input(16, 1));
        Proof c = ProofSystem.prove(pk2, w3.witness(), PhaseListener.NONE);
        assertThat(ProofSystem.verify(pk2.verifyingKey(), w3.instance(), c.toBytes()).accepted()).isTrue();
        assertThat(ProofSystem.verify(pk.verifyingKey(), w3.instance(), c.toBytes(), a.publicCommitment()).accepted())
                .isFalse();
    }
}
