package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.viz.LayerRow;
import dev.zkscope.viz.graph.GraphLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The analysis pipeline and the report, without JavaFX. */
class AnalyzerTest {
    static Analysis sigmoid;

    @BeforeAll
    static void analyse() throws Exception {
        ModelSession s = new ModelLoader(GraphLayout::estimateWidth).load(AppFixture.sample("mlp_sigmoid_tanh"), 1);
        sigmoid = new Analyzer().analyze(s, ModelSettings.defaults());
    }

    @Test
    void aTraceThatDoesNotFitTheHeap_isCounted_withTheSameLedger_andNoTraceOrProof() {
        // The preflight's refusal, as Pipeline.prepare throws it when the filled trace exceeds the free heap.
        Analyzer tight = new Analyzer((name, g, c, inputs, s, listener) -> {
            throw new dev.zkscope.predict.HeapPreflight.HeapLimitException("not enough memory for the circuit's trace "
                    + "and witness: it needs about 9.0 GiB of heap, 1.0 GiB is free", 9L << 30, 1L << 30);
        });
        Analysis counted = tight.analyze(sigmoid.session(), sigmoid.settings());
        assertThat(counted.compiled()).isNull();
        assertThat(counted.trace()).isNull();
        assertThat(counted.counted()).isNotNull();
        assertThat(counted.problem()).startsWith("Counted, not laid out").contains("9.0 GiB");
        // Exactly the ledger the filled layout gives: rows, lookups, copies per layer, and the table rows charged.
        assertThat(counted.ledger().logN()).isEqualTo(sigmoid.ledger().logN());
        assertThat(counted.ledger().gadgetRows()).isEqualTo(sigmoid.ledger().gadgetRows());
        assertThat(counted.ledger().layers()).isEqualTo(sigmoid.ledger().layers());
        assertThat(counted.rows()).isEqualTo(sigmoid.rows());
        assertThat(counted.estimateTotals()).isEqualTo(sigmoid.estimateTotals());
    }

    @Test
    void tableRows_areChargedToTheLayersThatLookIntoThem_andAddUpToTheCircuits() {
        dev.zkscope.compile.CostLedger l = sigmoid.ledger();
        List<LayerRow> rows = sigmoid.rows();
        assertThat(rows.stream().mapToLong(r -> r.cost().tableRows()).sum()).isEqualTo(l.tableRows());
        long sigmoidLayers = rows.stream().filter(r -> r.op().equals("Sigmoid")).mapToLong(r -> r.cost().tableRows())
                .sum();
        long sigmoidTable = l.tables().stream().filter(t -> t.function().contains("sigmoid"))
                .mapToLong(t -> t.size()).sum();
        assertThat(sigmoidTable).isPositive();
        assertThat(sigmoidLayers).as("the Sigmoid layers own their table").isGreaterThanOrEqualTo(sigmoidTable);
    }

    @Test
    void blowupChart_putsRowsInThePrimaryPanel_andGivesEveryKindItsOwnVisibleBar_onBothScales() {
        for (boolean log : new boolean[] {true, false}) {
            org.jfree.chart.plot.CombinedDomainCategoryPlot comb = (org.jfree.chart.plot.CombinedDomainCategoryPlot)
                    dev.zkscope.viz.BlowupView.chart(sigmoid.ledger(), log).getPlot();
            List<org.jfree.chart.plot.CategoryPlot> panels = comb.getSubplots();
            assertThat(panels).hasSize(2);
            org.jfree.chart.plot.CategoryPlot rowsPanel = panels.get(0);
            org.jfree.chart.plot.CategoryPlot kindsPanel = panels.get(1);
            // Rows: the top panel, the larger one, on its own axis (never a marker under the copy constraints).
            assertThat(rowsPanel.getWeight()).isGreaterThan(kindsPanel.getWeight());
            assertThat(rowsPanel.getRangeAxis()).isNotSameAs(kindsPanel.getRangeAxis());
            assertThat(rowsPanel.getRangeAxis()).isInstanceOf(log ? org.jfree.chart.axis.LogAxis.class
                    : org.jfree.chart.axis.NumberAxis.class);
            for (org.jfree.chart.plot.CategoryPlot p : panels) {
                assertThat(p.getRenderer()).isNotInstanceOf(
                        org.jfree.chart.renderer.category.StackedBarRenderer.class);
                assertThat(((org.jfree.chart.renderer.category.BarRenderer) p.getRenderer()).getMinimumBarLength())
                        .isPositive();
            }
            var rowsData = rowsPanel.getDataset();
            var d = kindsPanel.getDataset();
            assertThat(rowsData.getRowKeys()).containsExactly("trace rows");
            assertThat(d.getRowCount()).isEqualTo(4);
            for (dev.zkscope.compile.LayerCost c : sigmoid.ledger().layers()) {
                Number rows = rowsData.getValue("trace rows", c.layer());
                if (c.rows() > 0) {
                    assertThat(rows.longValue()).as(c.layer()).isEqualTo(c.rows());
                }
                long kinds = 0;
                for (int r = 0; r < d.getRowCount(); r++) {
                    Number v = d.getValue(d.getRowKey(r), c.layer());
                    kinds += v == null ? 0 : v.longValue();
                    if (log) {
                        // On the log axis a zero is left out (it has no place), every other count is drawn.
                        assertThat(v == null || v.longValue() > 0).isTrue();
                    }
                }
                assertThat(kinds).as(c.layer()).isEqualTo(c.gateCount() + c.lookupCount() + c.copies());
            }
        }
    }

    @Test
    void analyze_quantizesAndCompiles_withLedgerCostsOnEveryLayer() {
        assertThat(sigmoid.problem()).isNull();
        assertThat(sigmoid.lookupTables()).extracting(e -> e.table().name()).contains("sigmoid", "tanh");
        assertThat(sigmoid.calibration()).contains("testset");
        assertThat(sigmoid.fidelity().argmaxAgreement()).isGreaterThan(0.5);
        assertThat(sigmoid.compiled()).isNotNull();
        List<LayerRow> rows = sigmoid.rows();
        assertThat(rows).allSatisfy(r -> assertThat(r.cost()).as(r.name()).isNotNull());
        long ledgerRows = sigmoid.ledger().layers().stream().filter(l -> rows.stream()
                .anyMatch(r -> r.name().equals(l.layer()))).mapToLong(l -> l.rows()).sum();
        assertThat(rows.stream().mapToLong(r -> r.cost().rows()).sum()).isEqualTo(ledgerRows);
        assertThat(sigmoid.trace().n()).isEqualTo(sigmoid.ledger().n());
        assertThat(sigmoid.estimates()).isNotEmpty();
    }

    @Test
    void settings_changeTheCompiledCircuit() throws Exception {
        Analysis narrow = new Analyzer().analyze(sigmoid.session(), ModelSettings.defaults().withInnerCols(2));
        Analysis wide = new Analyzer().analyze(sigmoid.session(), ModelSettings.defaults().withInnerCols(16));
        assertThat(narrow.ledger().gadgetRows()).isGreaterThan(wide.ledger().gadgetRows());
        Analysis noZk = new Analyzer().analyze(sigmoid.session(), ModelSettings.defaults().withZeroKnowledge(false));
        assertThat(noZk.ledger().reservedRows()).isLessThan(sigmoid.ledger().reservedRows());
    }

    @Test
    void report_jsonCsvHtml_carryTheLedger() throws Exception {
        JsonNode j = new ObjectMapper().readTree(Report.json(sigmoid, List.of()));
        assertThat(j.path("layers")).hasSize(sigmoid.session().graph().nodes().size());
        assertThat(j.path("circuit").path("k").asInt()).isEqualTo(sigmoid.ledger().logN());
        assertThat(j.path("circuit").path("layers")).hasSize(sigmoid.ledger().layers().size());
        assertThat(j.path("circuit").path("tables_set_height").asBoolean()).isTrue();
        assertThat(j.path("security").path("conjectured_bits").asDouble()).isGreaterThanOrEqualTo(100);
        assertThat(j.path("security").path("provable_bits").asDouble())
                .isEqualTo(Math.floor(sigmoid.security().provableBits() * 10) / 10).isLessThan(100);
        String csv = Report.csv(sigmoid);
        assertThat(csv.lines().count()).isGreaterThan(sigmoid.rows().size());
        assertThat(csv).contains("/Sigmoid");
        String html = Report.html(sigmoid, List.of(), Map.of("Blowup", Exporter.png(
                dev.zkscope.viz.BlowupView.chart(sigmoid.ledger(), false))));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("data:image/png;base64,").contains("/Tanh");
    }

    @Test
    void analyzer_returnsTheKeptAnalysis_onlyForTheSameSessionAndEqualSettings() throws Exception {
        Analyzer analyzer = new Analyzer();
        ModelSettings on = ModelSettings.defaults().withPreset("testing");
        ModelSettings off = on.withZeroKnowledge(false);
        Analysis a = analyzer.analyze(sigmoid.session(), on);
        Analysis b = analyzer.analyze(sigmoid.session(), off);
        assertThat(b).isNotSameAs(a);
        assertThat(b.prepared()).isNotSameAs(a.prepared());
        assertThat(analyzer.analyze(sigmoid.session(), ModelSettings.defaults().withPreset("testing"))).isSameAs(a);
        assertThat(analyzer.analyze(sigmoid.session(), off)).isSameAs(b);
        // Another session (the model opened again) never gets an analysis of the previous one.
        ModelSession reopened = new ModelLoader(GraphLayout::estimateWidth).load(sigmoid.session().file(), 1);
        Analysis c = analyzer.analyze(reopened, on);
        assertThat(c).isNotSameAs(a);
        assertThat(c.prepared()).isNotSameAs(a.prepared());
    }
}
