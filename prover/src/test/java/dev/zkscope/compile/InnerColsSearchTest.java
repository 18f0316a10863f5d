package dev.zkscope.compile;

import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.ir.Window;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inner-column search skips a candidate whose dot products alone overflow the target height and reuses the
 * counting placement of the width it chooses: its choice is the fewest candidate columns that reach the widest
 * candidate's height (checked against counting every candidate), and {@code count} gives that width's ledger.
 */
class InnerColsSearchTest {

    /** A convolution followed by a ReLU: dot rows dominate at narrow widths, so the search prunes candidates. */
    private static QModel convRelu(int channels, int hw, long seed) {
        Random r = new Random(seed);
        QModel m = new QModel("conv_relu");
        int x = m.input(new int[] {1, channels, hw, hw}, 100);
        long[] w = new long[channels * channels * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(7) == 0 ? 0 : r.nextInt(61) - 30;
        }
        int wt = m.param(w);
        Window g = Window.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, channels, hw, hw}, new int[] {1, channels, hw, hw});
        Steps.Dot.ConvTerms terms = new Steps.Dot.ConvTerms(g, 1, channels, channels, 1);
        int acc = m.add(new Steps.Dot("conv", "Conv", m.newTensor(terms.outputs()),
                Steps.Dot.Operand.tensor(x, m.size(x)), Steps.Dot.Operand.tensor(wt, w.length), terms, null));
        int y = dev.zkscope.compile.model.Ops.relu(m, "relu", acc);
        m.output(y, new int[] {1, channels, hw, hw});
        return m;
    }

    @Test
    void search_choosesTheFewestColumnsReachingTheWidestHeight_andCountReusesIt() {
        for (int[] p : new int[][] {{8, 12}, {16, 16}, {4, 30}}) {
            QModel m = convRelu(p[0], p[1], p[0] * 7L + p[1]);
            CompileOptions auto = CompileOptions.defaults();
            int[] cands = ModelCompiler.INNER_COLS_CANDIDATES;
            int target = ModelCompiler.count(m, auto.withInnerCols(cands[cands.length - 1])).ledger().logN();
            int expected = -1;
            for (int c : cands) {
                if (ModelCompiler.count(m, auto.withInnerCols(c)).ledger().logN() <= target) {
                    expected = c;
                    break;
                }
            }
            QModel fresh = convRelu(p[0], p[1], p[0] * 7L + p[1]);
            assertThat(ModelCompiler.chooseInnerCols(fresh, auto)).as("model %s", java.util.Arrays.toString(p))
                    .isEqualTo(expected);
            CompiledModel counted = ModelCompiler.count(fresh, auto);
            assertThat(counted.options().innerCols()).isEqualTo(expected);
            assertThat(counted.ledger()).isEqualTo(ModelCompiler.count(m, auto.withInnerCols(expected)).ledger());
        }
    }

    /** The smallest candidate whose counted height reaches the widest candidate's, by counting every candidate. */
    private static int exhaustiveChoice(QModel m, CompileOptions auto) {
        int[] cands = ModelCompiler.INNER_COLS_CANDIDATES;
        int target = ModelCompiler.count(m, auto.withInnerCols(cands[cands.length - 1])).ledger().logN();
        for (int c : cands) {
            try {
                if (ModelCompiler.count(m, auto.withInnerCols(c)).ledger().logN() <= target) {
                    return c;
                }
            } catch (CompileException e) {
                // too tall for any trace: not a choice
            }
        }
        throw new AssertionError("no candidate reaches the widest height");
    }

    /**
     * On every sample, the search (which also prunes a candidate whose dot rows plus the other gadgets' rows at the
     * widest candidate overflow the target) chooses what counting every candidate chooses.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> everySample_searchEqualsCountingEveryCandidate()
            throws java.io.IOException {
        return dev.zkscope.onnx.Samples.names().stream().map(name -> org.junit.jupiter.api.DynamicTest.dynamicTest(name,
                () -> {
                    QModel m = QuantizedLowering.lower(SampleModels.load(name).quantized(),
                            CompileOptions.defaults().inputAbsMax());
                    CompileOptions auto = CompileOptions.defaults();
                    assertThat(ModelCompiler.chooseInnerCols(m, auto)).as(name).isEqualTo(exhaustiveChoice(m, auto));
                }));
    }
}
