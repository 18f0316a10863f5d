package dev.zkscope.compile;

import dev.zkscope.circuit.Witness;
import dev.zkscope.onnx.Samples;
import dev.zkscope.quant.FixedPoint;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The drill-down recipe of every layer of every sample adds up to the ledger, and its formulas predict the rows. */
class LayerRecipeTest {
    @TestFactory
    Stream<DynamicTest> recipeRows_equalLedgerRows_onEverySampleLayer() throws Exception {
        return Samples.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            CompiledModel cm = ModelCompiler.compile(SampleModels.load(name).quantized(), CompileOptions.auto());
            int checkedFormulas = 0;
            for (LayerInfo info : cm.layers()) {
                LayerRecipe r = LayerRecipe.of(cm, info.layer());
                LayerCost cost = cm.ledger().layers().stream().filter(l -> l.layer().equals(info.layer()))
                        .findFirst().orElseThrow();
                assertThat(r.rows()).isEqualTo(cost.rows());
                assertThat(r.parts().stream().mapToLong(LayerRecipe.Part::rows).sum())
                        .as(name + "/" + info.layer() + " recipe rows").isEqualTo(cost.rows());
                for (LayerRecipe.Part p : r.parts()) {
                    if (p.predicted() >= 0) {
                        assertThat(p.predicted()).as(name + "/" + info.layer() + " " + p.gadget() + ": " + p.formula())
                                .isEqualTo(p.rows());
                        assertThat(p.formula()).endsWith("= " + p.rows());
                        checkedFormulas++;
                    }
                }
            }
            assertThat(checkedFormulas).as("formulas checked in " + name).isPositive();
        }));
    }

    @Test
    void gemmRecipe_namesKAndColumns_andExampleFollowsTheWitness() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp");
        CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto());
        String gemm = cm.layers().stream().filter(l -> l.op().equals("Gemm")).findFirst().orElseThrow().layer();
        LayerRecipe r = LayerRecipe.of(cm, gemm);
        LayerRecipe.Part dot = r.parts().stream().filter(p -> p.gadget().equals("dot")).findFirst().orElseThrow();
        int c = cm.layout().geometry().innerCols();
        assertThat(dot.formula()).contains("/" + c + "⌉");
        assertThat(r.parts()).anyMatch(p -> p.gadget().equals("rescale"));
        assertThat(r.rowsPerMac()).isEqualTo((double) r.rows() / cm.work(gemm).macs());

        Witness w = cm.witness(s.quantizedInput(0)).witness();
        LayerRecipe.Example ex = LayerRecipe.example(cm, gemm, w);
        assertThat(ex).isNotNull();
        long[] ref = s.reference(0).get(gemm);
        // values: (prev, out) per dot row, then rescale x, y, r
        var v = ex.values();
        long x = v.get(v.size() - 3);
        long y = v.get(v.size() - 2);
        long rem = v.get(v.size() - 1);
        assertThat(x).as("rescale input is the last partial sum").isEqualTo(v.get(v.size() - 4));
        int kb = 0;
        for (String line : ex.lines()) {
            if (line.startsWith("rescale by 2^")) {
                kb = Integer.parseInt(line.substring("rescale by 2^".length(), line.indexOf(',')));
            }
        }
        assertThat(y).isEqualTo(FixedPoint.rescale(x, kb));
        assertThat(rem).isBetween(0L, (1L << kb) - 1);
        assertThat(y).as("the layer's output element 0 (quantized evaluator)").isEqualTo(ref[0]);
        for (int i = 2; i < v.size() - 3; i += 2) {
            assertThat(v.get(i)).as("prev of a row is the out of the row before").isEqualTo(v.get(i - 1));
        }
    }

    @Test
    void reluExample_isTheSignBitAndTheLimbDecompositionOfTheWitness() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp");
        CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto());
        String relu = cm.layers().stream().filter(l -> l.op().equals("Relu")).findFirst().orElseThrow().layer();
        LayerRecipe r = LayerRecipe.of(cm, relu);
        assertThat(r.parts()).anyMatch(p -> p.gadget().equals("max") && p.meaning().contains("limb decomposition"));
        assertThat(r.rangeChecks()).isEqualTo(cm.ledger().layers().stream().filter(l -> l.layer().equals(relu))
                .findFirst().orElseThrow().rangeChecks());
        Witness w = cm.witness(s.quantizedInput(0)).witness();
        LayerRecipe.Example ex = LayerRecipe.example(cm, relu, w);
        var v = ex.values();
        long u = v.get(0);
        long vk = v.get(1);
        long b = v.get(2);
        long big = v.get(3);
        assertThat(b).isEqualTo(u - vk >= 0 ? 1 : 0);
        assertThat(big).isEqualTo((2 * b - 1) * (u - vk) + b - 1).isNotNegative();
        assertThat(v.get(4)).as("limbs recompose R").isEqualTo(big);
        assertThat(v.get(5)).isEqualTo(Math.max(u, vk)).isEqualTo(s.reference(0).get(relu)[0]);
    }

    @Test
    void exampleAtARow_followsTheOutputWhoseChainHoldsThatRow() throws Exception {
        SampleModels.Sample s = SampleModels.load("cnn");
        CompiledModel cm = ModelCompiler.compile(s.quantized(), CompileOptions.auto());
        String conv = "/conv2/Conv";
        Witness w = cm.witness(s.quantizedInput(0)).witness();
        long[] ref = s.reference(0).get(conv);
        TraceLayout.Placement dot = cm.layout().placements().stream()
                .filter(p -> p.layer().equals(conv) && p.gadget().startsWith("dot")).findFirst().orElseThrow();
        TraceLayout.Placement rescale = cm.layout().placements().stream()
                .filter(p -> p.layer().equals(conv) && p.gadget().equals("rescale")).findFirst().orElseThrow();
        // the last dot row belongs to the last output; a rescale row to the output it rescales
        for (int[] at : new int[][] {{dot.start() + dot.rows() - 1, ref.length - 1}, {rescale.start() + 7, -1}}) {
            LayerRecipe.Example ex = LayerRecipe.example(cm, conv, w, at[0]);
            int el = Integer.parseInt(ex.title().replaceAll(".*output element (\\d+) .*", "$1"));
            if (at[1] >= 0) {
                assertThat(el).isEqualTo(at[1]);
            }
            var v = ex.values();
            assertThat(v.get(v.size() - 2)).as("y of element " + el).isEqualTo(ref[el]);
            assertThat(v.get(v.size() - 3)).as("x is the last partial sum").isEqualTo(v.get(v.size() - 4));
        }
    }
}
