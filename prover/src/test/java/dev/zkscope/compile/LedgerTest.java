package dev.zkscope.compile;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Region;
import dev.zkscope.circuit.Witness;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger, counted while placing, must sum to what the built circuit and its witness actually use. */
class LedgerTest {

    static void assertLedgerMatchesTrace(CompiledModel cm, Witness w) {
        CostLedger l = cm.ledger();
        Circuit c = cm.circuit();
        List<String> names = cm.layout().fixedNames();

        // rows: the layers' rows tile [0, gadgetRows) exactly, as the regions do
        assertThat(l.layers().stream().mapToInt(LayerCost::rows).sum()).isEqualTo(l.gadgetRows());
        assertThat(c.regions().stream().mapToInt(Region::rows).sum()).isEqualTo(l.gadgetRows());
        assertThat(l.gadgetRows() + l.reservedRows()).isLessThanOrEqualTo(c.n());
        assertThat(l.tableRows() + 1 + l.reservedRows()).isLessThanOrEqualTo(c.n());
        assertThat(c.n() / 2).isLessThan(Math.max(Math.max(l.gadgetRows(), l.tableRows() + 1), cm.publicCount())
                + l.reservedRows());

        // copies
        assertThat(l.totalCopies()).isEqualTo(c.copies().size());

        // gate activations by kind = rows where the kind's selector is on
        Map<String, Long> sel = new HashMap<>();
        long fixedNonzero = 0;
        Map<Long, Long> tagUse = new HashMap<>();
        for (int f = 0; f < names.size(); f++) {
            String name = names.get(f);
            long[] col = c.fixed()[f];
            if (name.startsWith("table_")) {
                continue;
            }
            long on = 0;
            for (long v : col) {
                if (v != 0) {
                    on++;
                    if (name.startsWith("range_tag") || name.startsWith("fn_tag")) {
                        tagUse.merge(v, 1L, Long::sum);
                    }
                }
            }
            fixedNonzero += on;
            if (name.startsWith("q_") && on > 0) {
                sel.put(name.substring(2), on);
            }
        }
        assertThat(l.totalGates()).isEqualTo(sel);
        assertThat(l.totalFixedCells()).isEqualTo(fixedNonzero);

        // lookups by table = rows whose lookup tag names that table
        Map<String, Long> byTable = l.totalLookupsByTable();
        for (TableInfo t : l.tables()) {
            assertThat(byTable.getOrDefault(t.name(), 0L)).as(t.name()).isEqualTo(tagUse.getOrDefault((long) t.tag(), 0L));
        }
        assertThat(l.totalLookups()).isEqualTo(tagUse.values().stream().mapToLong(Long::longValue).sum());

        // advice cells: every nonzero witness cell is an assigned cell, and the ledger counts exactly the assigned cells
        assertThat(l.totalAdviceCells()).isEqualTo(cm.layout().assignedCount());
        for (int col = 0; col < w.advice().length; col++) {
            for (int row = 0; row < c.n(); row++) {
                if (w.advice()[col][row] != 0) {
                    assertThat(cm.layout().isAssigned(col, row)).as("a%d[%d]", col, row).isTrue();
                }
            }
        }
        // shares add up to one
        assertThat(l.layers().stream().mapToDouble(LayerCost::share).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void ledgerSumsToTraceUsage_mlp() {
        CompiledModel cm = ModelCompiler.compile(TestModels.mlp(), CompileOptions.defaults().withInnerCols(4));
        assertLedgerMatchesTrace(cm, cm.witness(TestModels.input(16, 1)).witness());
    }

    @Test
    void ledgerSumsToTraceUsage_cnnHashedWeights() {
        CompiledModel cm = ModelCompiler.compile(TestModels.cnn(), CompileOptions.defaults().withInnerCols(3)
                .withWeights(CompileOptions.Visibility.HASHED));
        assertLedgerMatchesTrace(cm, cm.witness(TestModels.input(36, 1)).witness());
        assertThat(cm.ledger().layer("conv").gates()).containsKey("dotv");
    }

    @Test
    void csv_quotesNamesWithCommas() {
        assertThat(CostLedger.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CostLedger.field("say \"x\", y")).isEqualTo("\"say \"\"x\"\", y\"");
        assertThat(CostLedger.field("/conv1/Conv")).isEqualTo("/conv1/Conv");
    }

    @Test
    void ledgerCountsPerLayer_dense() {
        // fc1: 8 outputs of 16 terms, 4 inner columns: 4 dot rows each, then 8 rescales two per row
        CompiledModel cm = ModelCompiler.compile(TestModels.mlp(), CompileOptions.defaults().withInnerCols(4));
        assertThat(cm.layout().geometry().rescaleSlots()).isEqualTo(2);
        LayerCost fc1 = cm.ledger().layer("fc1");
        assertThat(fc1.rows()).isEqualTo(8 * 4 + 4);
        assertThat(fc1.gates()).containsEntry("dot", 32L).containsEntry("dot_link", 24L).containsEntry("dot_bias", 8L)
                .containsEntry("rescale", 4L);
        assertThat(fc1.copies()).isEqualTo(8 * 16 + 8);
        assertThat(fc1.rangeChecks()).isEqualTo(8);
        assertThat(cm.ledger().layer("relu1").rows()).isEqualTo(8);
    }
}
