package dev.zkscope.compile.model;

import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.ir.Window;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counting a dot product in closed form ({@code Steps.Dot.countedClosedForm}: the operand elements read from the
 * geometry, kept terms from {@code Terms.count}, nonzero weights per tap or per column) gives exactly what the pass over
 * every term gives ({@code countedByTerms}), on random convolutions (padding, strides, dilations, groups, batches) and
 * batched, broadcast matrix products, with whole, permuted and zero-padded operands, fixed and private weights.
 */
class DotCountingTest {

    private static long[] weights(SplittableRandom r, int n) {
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(255) - 127;
        }
        return w;
    }

    /** An operand over tensor t of the given size: whole, a random permutation, or with zero constants mixed in. */
    private static Steps.Dot.Operand operand(SplittableRandom r, int t, int size, int kind) {
        if (kind == 0) {
            return Steps.Dot.Operand.tensor(t, size);
        }
        Src[] s = new Src[size];
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < size; i++) {
            s[i] = kind == 2 && r.nextInt(4) == 0 ? Src.constant(0) : new Src(t, perm[i]);
        }
        return Steps.Dot.Operand.of(s);
    }

    private static void assertSame(Steps.Dot dot, QModel m, boolean priv, boolean fixed, String what) {
        Steps.Dot.Counted closed = dot.countedClosedForm(m, priv, fixed);
        Steps.Dot.Counted byTerms = dot.countedByTerms(m, priv, fixed);
        assertThat(closed).as("closed form applies: %s", what).isNotNull();
        assertThat(closed.kept()).as("kept, %s", what).containsExactly(byTerms.kept());
        if (fixed) {
            assertThat(closed.nonzero()).as("nonzero, %s", what).containsExactly(byTerms.nonzero());
        }
        assertThat(closed.constants()).as("constants, %s", what).containsExactly(byTerms.constants());
        Map<Integer, BitSet> a = closed.cells();
        Map<Integer, BitSet> b = byTerms.cells();
        assertThat(a).as("cells read, %s", what).isEqualTo(b);
    }

    @TestFactory
    Stream<DynamicTest> conv_closedForm_equalsTermByTerm() {
        return Property.forAll("conv_closedForm_equalsTermByTerm", 11L, 200, r -> {
            int group = 1 + r.nextInt(3);
            int channels = group * (1 + r.nextInt(3));
            int outChannels = group * (1 + r.nextInt(3));
            int batch = 1 + r.nextInt(2);
            int h = 1 + r.nextInt(8);
            int w = 1 + r.nextInt(8);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(3);
            int sw = 1 + r.nextInt(3);
            int dh = 1 + r.nextInt(2);
            int dw = 1 + r.nextInt(2);
            int[] pb = {r.nextInt(3), r.nextInt(3)};
            int[] pe = {r.nextInt(3), r.nextInt(3)};
            int oh = (h + pb[0] + pe[0] - ((kh - 1) * dh + 1)) / sh + 1;
            int ow = (w + pb[1] + pe[1] - ((kw - 1) * dw + 1)) / sw + 1;
            if (oh < 1 || ow < 1) {
                return;
            }
            int[] xs = {batch, channels, h, w};
            int[] os = {batch, outChannels, oh, ow};
            Window g = Window.of(new int[] {kh, kw}, new int[] {sh, sw}, pb, pe, new int[] {dh, dw}, xs, os);
            Steps.Dot.ConvTerms terms = new Steps.Dot.ConvTerms(g, batch, channels, outChannels, group);
            QModel m = new QModel("conv");
            int x = m.input(xs, 100);
            int xSize = m.size(x);
            int wSize = outChannels * (channels / group) * kh * kw;
            int wt = m.param(weights(r, wSize));
            int bt = m.param(weights(r, outChannels));
            int kind = r.nextInt(3);
            Steps.Dot dot = new Steps.Dot("conv", "Conv", m.newTensor(terms.outputs()), operand(r, x, xSize, kind),
                    Steps.Dot.Operand.tensor(wt, wSize), terms, Steps.Dot.Operand.tensor(bt, outChannels));
            String what = "conv x" + java.util.Arrays.toString(xs) + " k" + kh + "x" + kw + " s" + sh + "," + sw
                    + " d" + dh + "," + dw + " p" + java.util.Arrays.toString(pb) + java.util.Arrays.toString(pe)
                    + " g" + group + " operand kind " + kind;
            assertSame(dot, m, false, true, what + ", fixed");
            assertSame(dot, m, true, true, what + ", private params, fixed form");
            if (kind != 2) {
                // cell weights: the w side is marked too (private weights read as cells)
                assertSame(dot, m, true, false, what + ", private weights");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> matmul_closedForm_equalsTermByTerm() {
        return Property.forAll("matmul_closedForm_equalsTermByTerm", 12L, 200, r -> {
            int rows = 1 + r.nextInt(4);
            int k = 1 + r.nextInt(5);
            int cols = 1 + r.nextInt(4);
            int na = 1 + r.nextInt(3);
            int nb = r.nextBoolean() ? na : 1;
            if (r.nextBoolean()) {
                int t = na;
                na = nb;
                nb = t;
            }
            int batches = Math.max(na, nb);
            int[] ai = new int[batches];
            int[] bi = new int[batches];
            for (int p = 0; p < batches; p++) {
                ai[p] = na == 1 ? 0 : p;
                bi[p] = nb == 1 ? 0 : p;
            }
            boolean swap = r.nextBoolean();
            boolean activations = r.nextBoolean();
            QModel m = new QModel("mm");
            int aSize = na * rows * k;
            int bSize = nb * k * cols;
            int xSize = swap ? bSize : aSize;
            int wSize = swap ? aSize : bSize;
            int x = m.input(new int[] {xSize}, 100);
            int wt;
            if (activations) {
                wt = m.newTensor(wSize);
            } else {
                wt = m.param(weights(r, wSize));
            }
            Steps.Dot.MatMulTerms terms = new Steps.Dot.MatMulTerms(batches, rows, k, cols, ai, bi, swap, null);
            int kind = activations ? r.nextInt(2) : r.nextInt(3);
            Steps.Dot dot = new Steps.Dot("mm", "MatMul", m.newTensor(terms.outputs()), operand(r, x, xSize, kind),
                    activations ? operand(r, wt, wSize, r.nextInt(2)) : Steps.Dot.Operand.tensor(wt, wSize), terms,
                    null);
            String what = "matmul " + batches + "x" + rows + "x" + k + "x" + cols + " a" + na + " b" + nb + " swap "
                    + swap + " activations " + activations + " kind " + kind;
            if (activations) {
                assertSame(dot, m, false, false, what);
            } else {
                assertSame(dot, m, false, true, what + ", fixed");
                if (kind != 2) {
                    assertSame(dot, m, true, false, what + ", private weights");
                }
            }
        });
    }

    @Test
    void closedForm_declinesWhenTermsAskForConstants() {
        QModel m = new QModel("c");
        int x = m.input(new int[] {4}, 10);
        int wt = m.param(new long[] {1, 2, 3, 4});
        // x reads a nonzero constant: its cell's first request follows the terms' order
        Steps.Dot.Operand xs = Steps.Dot.Operand.of(new Src[] {new Src(x, 0), Src.constant(5), new Src(x, 2),
                new Src(x, 3)});
        Steps.Dot.MatMulTerms terms = new Steps.Dot.MatMulTerms(1, 1, 4, 1, new int[] {0}, new int[] {0}, false, null);
        Steps.Dot dot = new Steps.Dot("d", "MatMul", m.newTensor(1), xs, Steps.Dot.Operand.tensor(wt, 4), terms, null);
        assertThat(dot.countedClosedForm(m, false, true)).isNull();
        assertThat(dot.countedByTerms(m, false, true).constants()).containsExactly(5L);
    }

    @Test
    void strided1x1Conv_readsEveryOtherPixel_andCountsAsFilled() {
        // a 1x1 convolution with stride 2 reads a quarter of its input: the closed form must not mark the rest
        int c = 3;
        int hw = 6;
        Window g = Window.of(new int[] {1, 1}, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0},
                new int[] {1, 1}, new int[] {1, c, hw, hw}, new int[] {1, 2, 3, 3});
        Steps.Dot.ConvTerms terms = new Steps.Dot.ConvTerms(g, 1, c, 2, 1);
        BitSet read = terms.reads(true);
        assertThat(read.cardinality()).isEqualTo(c * 3 * 3);
        assertThat(read.get(0)).isTrue();
        assertThat(read.get(1)).isFalse();
        assertThat(read.get(2)).isTrue();
        assertThat(read.get(hw)).isFalse();
        assertThat(read.get(2 * hw)).isTrue();

        QModel m = new QModel("s2");
        int x = m.input(new int[] {1, c, hw, hw}, 100);
        int wt = m.param(new long[] {1, -2, 0, 3, 4, 0});
        int out = m.add(new Steps.Dot("conv", "Conv", m.newTensor(terms.outputs()), Steps.Dot.Operand.tensor(x,
                m.size(x)), Steps.Dot.Operand.tensor(wt, 6), terms, null));
        m.output(out, new int[] {1, 2, 3, 3});
        for (int cols : new int[] {2, 4}) {
            CompileOptions o = CompileOptions.defaults().withInnerCols(cols);
            CompiledModel filled = ModelCompiler.compile(m, o);
            CompiledModel counted = ModelCompiler.count(m, o);
            assertThat(counted.ledger()).isEqualTo(filled.ledger());
            assertThat(counted.constraintSystem().equalityColumns())
                    .isEqualTo(dev.zkscope.plonk.ConstraintSystem.of(filled.circuit()).equalityColumns());
        }
    }
}
