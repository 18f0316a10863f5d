package dev.zkscope.compile.model;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.ir.Window;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dot product's terms are index arithmetic, not objects: a convolution of 115M multiply-adds is held as its two
 * operand tensors and its geometry, and counting it charges exactly what the gadget places per term (checked here
 * against the closed-form count and, on a small geometry with padding, strides and groups, against the filled layout).
 */
class DotMemoryTest {
    private static final int C = 64;
    private static final int HW = 56;

    private static long[] weights(int n, long seed) {
        Random r = new Random(seed);
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = r.nextInt(5) == 0 ? 0 : r.nextInt(255) - 127;
        }
        return w;
    }

    private static QModel conv(int channels, int outChannels, int hw, int k, int stride, int pad, int group, long seed) {
        QModel m = new QModel("conv");
        int x = m.input(new int[] {1, channels, hw, hw}, 127);
        long[] w = weights(outChannels * (channels / group) * k * k, seed);
        int wt = m.param(w);
        int bt = m.param(weights(outChannels, seed + 1));
        int oh = (hw + 2 * pad - k) / stride + 1;
        Window g = Window.of(new int[] {k, k}, new int[] {stride, stride}, new int[] {pad, pad}, new int[] {pad, pad},
                new int[] {1, 1}, new int[] {1, channels, hw, hw}, new int[] {1, outChannels, oh, oh});
        Steps.Dot.ConvTerms terms = new Steps.Dot.ConvTerms(g, 1, channels, outChannels, group);
        int out = m.add(new Steps.Dot("conv", "Conv", m.newTensor(terms.outputs()),
                Steps.Dot.Operand.tensor(x, m.size(x)), Steps.Dot.Operand.tensor(wt, w.length), terms,
                Steps.Dot.Operand.tensor(bt, outChannels)));
        m.output(out, new int[] {1, outChannels, oh, oh});
        return m;
    }

    @Test
    void largeConv_isHeldAsOperandsAndGeometry_andCountsInClosedForm() {
        QModel m = conv(C, C, HW, 3, 1, 1, 1, 7);
        Steps.Dot dot = (Steps.Dot) m.steps().get(0);
        assertThat(m.steps()).hasSize(1);
        // no per-term state: whole-tensor operands, terms by geometry (115,605,504 multiply-adds)
        assertThat(dot.xOperand().isTensor()).isTrue();
        assertThat(dot.wOperand().isTensor()).isTrue();
        assertThat(dot.termIndex()).isInstanceOf(Steps.Dot.ConvTerms.class);
        long macs = dot.work(m, null).macs();
        long expected = 0;
        long rows = 0;
        int c = 16;
        for (int oy = 0; oy < HW; oy++) {
            for (int ox = 0; ox < HW; ox++) {
                int ky = 3 - (oy == 0 ? 1 : 0) - (oy == HW - 1 ? 1 : 0);
                int kx = 3 - (ox == 0 ? 1 : 0) - (ox == HW - 1 ? 1 : 0);
                int k = C * ky * kx;
                expected += (long) C * k;
                rows += (long) C * ((k + c - 1) / c);
            }
        }
        assertThat(macs).isEqualTo(expected).isGreaterThan(100_000_000L);

        CompiledModel counted = ModelCompiler.count(m, CompileOptions.defaults().withInnerCols(c).withMaxLogN(30));
        LayerCost layer = counted.ledger().layer("conv");
        assertThat(layer.rows()).isEqualTo(rows);
        assertThat(layer.gates().get("dot")).isEqualTo(rows);
        assertThat(layer.gates().get("dot_link")).isEqualTo(rows - (long) C * HW * HW);
        // one copy and one advice cell per term, plus prev and out per row
        assertThat(layer.copies()).isEqualTo(expected);
        assertThat(layer.adviceCells()).isEqualTo(expected + 2 * rows);
    }

    @Test
    void countedDot_equalsFilledDot_withPaddingStridesAndGroups() {
        for (int[] p : new int[][] {{4, 6, 9, 3, 2, 1, 2}, {3, 3, 7, 3, 1, 1, 3}, {2, 4, 6, 1, 2, 0, 1}, {4, 4, 5, 5, 1, 2, 1}}) {
            QModel m = conv(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[0] * 31L + p[2]);
            for (int c : new int[] {2, 4, 16}) {
                CompileOptions o = CompileOptions.defaults().withInnerCols(c);
                CompiledModel filled = ModelCompiler.compile(m, o);
                CompiledModel counted = ModelCompiler.count(m, o);
                assertThat(counted.ledger()).as("geometry %s, %d columns", java.util.Arrays.toString(p), c)
                        .isEqualTo(filled.ledger());
                assertThat(counted.constraintSystem().equalityColumns())
                        .isEqualTo(dev.zkscope.plonk.ConstraintSystem.of(filled.circuit()).equalityColumns());
            }
        }
    }
}
