package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.ir.MatKernels;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The quantized Conv and MatMul kernels are exact: equal to BigInteger sums over the taps (Conv) or the triple loop
 * (MatMul) on seeded random cases whose magnitudes put them on each of the three paths: bound <= 2^53 (doubles),
 * bound < 2^63 (unchecked longs; the large cases, near 2^61), and beyond (checked arithmetic, which gives the exact
 * result when no sum overflows and an ArithmeticException when one does).
 */
class IntegerKernelsTest {
    static final long SEED = 0x1_2026L;

    static long[] randomLongs(SplittableRandom r, int n, long bound) {
        long[] v = new long[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextLong(-bound, bound + 1);
        }
        return v;
    }

    /** out = rescale(B + sum over taps of x*W, shift) with BigInteger sums; null where a sum leaves the long range. */
    static long[] convByTaps(Op.Conv op, QTensor x, long[] w, long[] b, int[] os, int shift) {
        Window g = Window.of(op.kernel(), op.strides(), op.padsBegin(), op.padsEnd(), op.dilations(), x.shape(), os);
        Window.Taps taps = g.convTaps(x.shape()[0], x.shape()[1], os[1], op.group());
        long[] out = new long[(int) Tensor.elementCount(os)];
        for (int o = 0; o < out.length; o++) {
            BigInteger acc = BigInteger.valueOf(b == null ? 0 : b[(o / g.outPositions()) % os[1]]);
            for (int t = taps.start()[o]; t < taps.start()[o + 1]; t++) {
                acc = acc.add(BigInteger.valueOf(x.data()[taps.x()[t]]).multiply(BigInteger.valueOf(w[taps.w()[t]])));
            }
            out[o] = FixedPoint.rescale(acc.longValueExact(), shift);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> conv_equalsBigIntegerSumOverTaps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int caseNo = 0; caseNo < 120; caseNo++) {
            long seed = SEED + caseNo;
            int i = caseNo;
            tests.add(DynamicTest.dynamicTest("seed " + seed, () -> {
                SplittableRandom r = new SplittableRandom(seed);
                int group = 1 + r.nextInt(3);
                int cg = 1 + r.nextInt(3);
                int m = group * (1 + r.nextInt(3));
                int h = 3 + r.nextInt(12);
                int wd = 3 + r.nextInt(30);
                int k = 1 + r.nextInt(3);
                int s = 1 + r.nextInt(2);
                int p = r.nextInt(2);
                Op.Conv op = new Op.Conv(new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {p, p},
                        new int[] {1, 1}, group);
                int[] xs = {1 + r.nextInt(2), cg * group, h, wd};
                int[] os = op.outputShapes(List.of(xs, new int[] {m, cg, k, k})).get(0);
                int taps = cg * k * k;
                // Magnitudes: small (typical scales), or large enough that the bound x*sum|W| is near 2^62.
                long xBound = i % 3 == 0 ? (1L << 40) : 1 << 12;
                long wBound = i % 3 == 0 ? (1L << 21) / taps : 1 << 10;
                QTensor x = new QTensor(xs, randomLongs(r, (int) Tensor.elementCount(xs), xBound), 8);
                long[] w = randomLongs(r, m * taps, wBound);
                long[] b = r.nextBoolean() ? randomLongs(r, m, 1L << 40) : null;
                int shift = r.nextInt(9);
                long[] got = QuantizedEvaluator.convAccumulators(op, x, new QTensor(new int[] {m, cg, k, k}, w, 8),
                        b == null ? null : new QTensor(new int[] {m}, b, 16), os, shift);
                assertThat(got).as("seed %d", seed).containsExactly(convByTaps(op, x, w, b, os, shift));
            }));
        }
        return tests.stream();
    }

    @Test
    void conv_boundFails_butSumsFit_fallsBackAndIsExact() {
        // 1x1 conv over 2 channels: x = (2^40, 0), W = (1, 2^30). The bound 2^40 * (2^30 + 1) exceeds 2^63, the
        // actual sum is 2^40.
        Op.Conv op = new Op.Conv(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1);
        QTensor x = new QTensor(new int[] {1, 2, 1, 1}, new long[] {1L << 40, 0}, 0);
        QTensor w = new QTensor(new int[] {1, 2, 1, 1}, new long[] {1, 1L << 30}, 0);
        assertThat(MatKernels.fitsLong(1L << 40, (1L << 30) + 1, 0)).isFalse();
        assertThat(QuantizedEvaluator.convAccumulators(op, x, w, null, new int[] {1, 1, 1, 1}, 0)).containsExactly(1L << 40);
    }

    @Test
    void exactDoubleBound_isTwoToThe53() {
        assertThat(MatKernels.fitsExactDouble(1L << 26, 1L << 27, 0)).isTrue();
        assertThat(MatKernels.fitsExactDouble(1L << 26, 1L << 27, 1)).isFalse();
        assertThat(MatKernels.fitsExactDouble(Long.MAX_VALUE, 2, 0)).isFalse();
        // Just above 2^53 a double sum is no longer exact: the reason for the bound.
        assertThat((double) ((1L << 53) + 1)).isEqualTo((double) (1L << 53));
    }

    @Test
    void conv_nearTheDoubleBound_isExact() {
        // 1x1 conv over 2 channels with x*w sums just at 2^53 + odd bias: the double path must not round.
        Op.Conv op = new Op.Conv(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1);
        QTensor x = new QTensor(new int[] {1, 2, 1, 2}, new long[] {(1L << 26) - 1, 3, (1L << 26) - 1, -5}, 0);
        QTensor w = new QTensor(new int[] {1, 2, 1, 1}, new long[] {1L << 26, (1L << 26) - 1}, 0);
        QTensor b = new QTensor(new int[] {1}, new long[] {1}, 0);
        long[] got = QuantizedEvaluator.convAccumulators(op, x, w, b, new int[] {1, 1, 1, 2}, 0);
        long p = (1L << 26) - 1;
        assertThat(got).containsExactly(p * (1L << 26) + p * p + 1, 3 * (1L << 26) - 5 * p + 1);
    }

    @Test
    void conv_realOverflow_isAnArithmeticException() {
        Op.Conv op = new Op.Conv(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1);
        QTensor x = new QTensor(new int[] {1, 2, 1, 1}, new long[] {1L << 40, 1L << 40}, 0);
        QTensor w = new QTensor(new int[] {1, 2, 1, 1}, new long[] {1L << 22, 1L << 22}, 0);
        assertThatThrownBy(() -> QuantizedEvaluator.convAccumulators(op, x, w, null, new int[] {1, 1, 1, 1}, 0))
                .isInstanceOf(ArithmeticException.class);
    }

    @TestFactory
    Stream<DynamicTest> matmul_equalsBigIntegerTripleLoop() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int caseNo = 0; caseNo < 60; caseNo++) {
            long seed = SEED * 17 + caseNo;
            int i = caseNo;
            tests.add(DynamicTest.dynamicTest("seed " + seed, () -> {
                SplittableRandom r = new SplittableRandom(seed);
                int m = 1 + r.nextInt(12);
                int k = 1 + r.nextInt(i % 4 == 0 ? 400 : 30);
                int n = 1 + r.nextInt(i % 5 == 0 ? 700 : 20);
                int nb = 1 + r.nextInt(3);
                long bound = i % 3 == 0 ? (1L << 30) : 1 << 12;
                QTensor a = new QTensor(new int[] {nb, m, k}, randomLongs(r, nb * m * k, bound), 8);
                QTensor b = new QTensor(new int[] {k, n}, randomLongs(r, k * n, (1L << 31) / k), 8);
                long[] got = QuantizedEvaluator.matmul(a, b);
                for (int p = 0; p < nb; p++) {
                    for (int x = 0; x < m; x++) {
                        for (int z = 0; z < n; z++) {
                            BigInteger acc = BigInteger.ZERO;
                            for (int t = 0; t < k; t++) {
                                acc = acc.add(BigInteger.valueOf(a.data()[(p * m + x) * k + t])
                                        .multiply(BigInteger.valueOf(b.data()[t * n + z])));
                            }
                            assertThat(got[(p * m + x) * n + z]).as("seed %d", seed).isEqualTo(acc.longValueExact());
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void matmul_realOverflow_isAnArithmeticException() {
        QTensor a = new QTensor(new int[] {1, 2}, new long[] {1L << 40, 1L << 40}, 0);
        QTensor b = new QTensor(new int[] {2, 1}, new long[] {1L << 22, 1L << 22}, 0);
        assertThatThrownBy(() -> QuantizedEvaluator.matmul(a, b)).isInstanceOf(ArithmeticException.class);
    }
}
