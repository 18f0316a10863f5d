package dev.zkscope.compile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger says when the lookup tables, not the gadgets, set the trace height, and what would shrink them. */
class HeightNoteTest {
    @Test
    void sigmoidTanhSample_tablesSetTheHeight_andTheNoteNamesThem() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp_sigmoid_tanh");
        CostLedger l = ModelCompiler.compile(s.quantized(), CompileOptions.defaults()).ledger();
        assertThat(l.tableRows()).isGreaterThan(l.gadgetRows());
        assertThat(l.tablesSetHeight()).isTrue();
        assertThat(l.logNWithoutTables()).isLessThan(l.logN());
        assertThat((1 << l.logNWithoutTables())).isGreaterThanOrEqualTo(l.gadgetRows() + l.reservedRows());
        assertThat(l.heightNote()).hasValueSatisfying(n -> assertThat(n)
                .contains("2^" + l.logN()).contains("2^" + l.logNWithoutTables()).contains("sigmoid")
                .contains("--input-scale"));
    }

    @Test
    void mlpSample_gadgetsSetTheHeight_noNote() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp");
        CostLedger l = ModelCompiler.compile(s.quantized(), CompileOptions.defaults()).ledger();
        assertThat(l.tablesSetHeight()).isFalse();
        assertThat(l.logNWithoutTables()).isEqualTo(l.logN());
        assertThat(l.heightNote()).isEmpty();
    }
}
