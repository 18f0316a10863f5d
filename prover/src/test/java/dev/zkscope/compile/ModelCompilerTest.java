package dev.zkscope.compile;

import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCompilerTest {

    private static void compilesChecksAndMatches(QModel m, CompileOptions o) {
        CompiledModel cm = ModelCompiler.compile(m, o);
        long[] in = TestModels.input(m.size(m.inputTensor()), 3);
        ModelWitness w = cm.witness(in);
        assertThat(cm.check(w.witness())).isEmpty();
        long[][] ref = m.evaluate(in);
        assertThat(w.output()).containsExactly(ref[m.outputTensor()]);
        // Poseidon2 rows (hashed visibility) have degree 4, x^7 through an x^3 cell; every other gate degree 3
        assertThat(cm.circuit().maxGateDegree()).isLessThanOrEqualTo(o.hashing() ? 4 : 3);
        assertThat(cm.circuit().usableRows()).isEqualTo(cm.circuit().n() - o.reservedRows());
    }

    @Test
    void mlp_fixedWeights_checksCleanAndMatchesIntegerSemantics() {
        compilesChecksAndMatches(TestModels.mlp(), CompileOptions.defaults().withInnerCols(4));
    }

    @Test
    void mlp_hashedWeightsPublicInput_checksClean() {
        CompileOptions o = CompileOptions.defaults().withInnerCols(5)
                .withWeights(CompileOptions.Visibility.HASHED).withInput(CompileOptions.Visibility.PUBLIC);
        compilesChecksAndMatches(TestModels.mlp(), o);
        CompiledModel cm = ModelCompiler.compile(TestModels.mlp(), o);
        ModelWitness w = cm.witness(TestModels.input(16, 5));
        assertThat(w.publicValues()).hasSize(16 + 4 + 4);
        assertThat(w.publicValues()).startsWith(TestModels.input(16, 5));
    }

    @Test
    void cnn_allStepKinds_checkClean() {
        compilesChecksAndMatches(TestModels.cnn(), CompileOptions.defaults().withInnerCols(3));
    }

    @Test
    void tamperedNodeOutput_isCaughtAndNamesTheNode() {
        QModel m = TestModels.cnn();
        CompiledModel cm = ModelCompiler.compile(m, CompileOptions.defaults().withInnerCols(3));
        ModelWitness w = cm.witness(TestModels.input(36, 9));
        for (String node : List.of("conv", "relu", "bn", "maxpool", "avgpool", "fc")) {
            Cell c = cm.nodeCells(node)[1];
            Witness t = copy(w.witness());
            long[] col = t.advice()[c.column().index()];
            col[c.row()] = Goldilocks.add(col[c.row()], 1);
            List<ModelViolation> v = cm.check(t);
            assertThat(v).as(node).isNotEmpty();
            assertThat(v.get(0).node()).as(node).isEqualTo(node);
        }
    }

    @Test
    void valueOutsideCalibratedTable_isWitnessErrorNamingNodeAndValue() {
        QModel m = new QModel("narrow");
        int x = m.input(new int[]{3}, 32);
        int y = dev.zkscope.compile.model.Ops.lookup(m, "act/Tanh_0", "Tanh", x, new dev.zkscope.compile.model.TableSpec(
                "tanh_s4_s4", "tanh(s4->s4)", v -> dev.zkscope.quant.FixedPoint.tableValue(Math::tanh, v, 4, 4), -10, 10));
        m.output(y, new int[]{3});
        CompiledModel cm = ModelCompiler.compile(m, CompileOptions.defaults());
        assertThat(cm.check(cm.witness(new long[]{-10, 0, 10}).witness())).isEmpty();
        assertThatThrownBy(() -> cm.witness(new long[]{1, 11, 2})).isInstanceOf(WitnessException.class)
                .hasMessageContaining("act/Tanh_0").hasMessageContaining("11");
    }

    @Test
    void saturatingTable_storesOnlyItsCore_andClampsBeforeTheLookup() {
        QModel m = TestModels.mlp();
        CompiledModel cm = ModelCompiler.compile(m, CompileOptions.defaults());
        TableInfo sig = cm.tables().stream().filter(t -> t.name().startsWith("sigmoid")).findFirst().orElseThrow();
        // sigmoid at scale 2^5 is 0 below about -5.5 and 32 above about 5.5: far fewer than the 8001 calibrated entries
        assertThat(sig.size()).isLessThan(400);
        assertThat(cm.ledger().layer("sig").gates()).containsKeys("max", "min");
        for (long seed = 0; seed < 5; seed++) {
            long[] in = TestModels.input(16, seed);
            ModelWitness w = cm.witness(in);
            assertThat(cm.check(w.witness())).isEmpty();
            assertThat(w.output()).containsExactly(m.evaluate(in)[m.outputTensor()]);
        }
    }

    @Test
    void tooSmallTraceLimit_saysWhatSetsTheHeight() {
        assertThatThrownBy(() -> ModelCompiler.compile(TestModels.mlp(), CompileOptions.defaults().withMinLogN(4).withMaxLogN(8)))
                .isInstanceOf(CompileException.class).hasMessageContaining("lookup tables set the height")
                .hasMessageContaining("sigmoid_s5_s5=").hasMessageContaining("2^8");
    }

    static Witness copy(Witness w) {
        long[][] a = new long[w.advice().length][];
        for (int i = 0; i < a.length; i++) {
            a[i] = w.advice()[i].clone();
        }
        long[][] in = new long[w.instance().length][];
        for (int i = 0; i < in.length; i++) {
            in[i] = w.instance()[i].clone();
        }
        return new Witness(a, in);
    }
}
