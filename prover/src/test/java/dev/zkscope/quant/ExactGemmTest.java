package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.ir.MatKernels;
import dev.zkscope.ir.Tensor;
import dev.zkscope.testing.Property;
import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The exact integer product that converts blocks per tile ({@link MatKernels#gemmExact}), the column bound that
 * decides which path a quantized MatMul takes ({@link MatKernels#maxColAbsSum}) and the parallel weight quantization
 * ({@link QTensor#quantize}), each against a plain reference: a checked-arithmetic triple loop, per-column BigInteger
 * sums, and {@link FixedPoint#quantize} element by element.
 */
class ExactGemmTest {
    private static long[] randomLongs(SplittableRandom r, int n, long bound) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextLong(-bound, bound + 1);
        }
        return v;
    }

    private static long[] tripleLoop(long[] a, long[] b, int m, int k, int n) {
        long[] c = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int t = 0; t < k; t++) {
                    acc = Math.addExact(acc, Math.multiplyExact(a[i * k + t], b[t * n + j]));
                }
                c[i * n + j] = acc;
            }
        }
        return c;
    }

    /** Random shapes over several row, column and k tiles, with magnitudes whose bound is just at 2^53. */
    @TestFactory
    Stream<DynamicTest> gemmExact_equalsBigIntegerTripleLoop_upToTheDoubleBound() {
        return Property.forAll("gemmExact", 0x6E3AL, 30, r -> {
            int m = 1 + r.nextInt(70);
            int k = 1 + r.nextInt(260);
            int n = 1 + r.nextInt(300);
            long[] a = randomLongs(r, m * k, 1L << (4 + r.nextInt(20)));
            // weights as large as the bound allows: max|a| * (largest column sum of |b|) <= 2^53
            long aMax = MatKernels.maxAbs(a);
            long bBound = Math.max(1, MatKernels.EXACT_DOUBLE / Math.max(1, aMax) / k);
            long[] b = randomLongs(r, k * n, bBound);
            if (r.nextBoolean()) {
                // put one column exactly at the bound: |b| = bBound down a column, a row of a at its max
                int j = r.nextInt(n);
                for (int t = 0; t < k; t++) {
                    b[t * n + j] = bBound;
                }
            }
            assertThat(MatKernels.fitsExactDouble(aMax, MatKernels.maxColAbsSum(b, 0, k, n), 0)).isTrue();
            long[] want = tripleLoop(a, b, m, k, n);
            long[] got = new long[m * n];
            java.util.Arrays.fill(got, 12345);
            MatKernels.gemmExact(a, 0, b, 0, got, 0, m, k, n, r.nextBoolean());
            assertThat(got).isEqualTo(want);
            // through the quantized MatMul, which takes this path
            assertThat(QuantizedEvaluator.matmul(new QTensor(new int[] {m, k}, a, 0), new QTensor(new int[] {k, n}, b, 0)))
                    .isEqualTo(want);
        });
    }

    @Test
    void gemmExact_sumsAtTwoToThe53_areNotRounded() {
        // one output whose terms reach 2^53 with an odd partial sum on the way: a rounding double path would lose the 1
        long p = (1L << 26) - 1;
        long[] a = {p, 1, p};
        long[] b = {1L << 26, 1, (1L << 26) + 1};
        long want = p * (1L << 26) + 1 + p * ((1L << 26) + 1);
        assertThat(MatKernels.fitsExactDouble(p, (1L << 27) + 2, 0)).isTrue();
        long[] c = new long[1];
        MatKernels.gemmExact(a, 0, b, 0, c, 0, 1, 3, 1, false);
        assertThat(c[0]).isEqualTo(want);
    }

    @Test
    void gemmExact_atOffsets_leavesTheRestAlone() {
        long[] a = {9, 9, 1, 2, 3, 4};
        long[] b = {7, 5, 6, 7, 8};
        long[] c = {-1, -1, -1, -1, -1, -1};
        // a (2x2 at 2) . b (2x2 at 1) into c at 1
        MatKernels.gemmExact(a, 2, b, 1, c, 1, 2, 2, 2, false);
        assertThat(c).containsExactly(-1, 1 * 5 + 2 * 7, 1 * 6 + 2 * 8, 3 * 5 + 4 * 7, 3 * 6 + 4 * 8, -1);
    }

    /** Column sums with plain adds where they cannot overflow, checked adds where they could, MAX_VALUE past a long. */
    @TestFactory
    Stream<DynamicTest> maxColAbsSum_equalsBigIntegerColumnSums() {
        return Property.forAll("maxColAbsSum", 0xC015L, 60, r -> {
            int k = 1 + r.nextInt(200);
            int n = 1 + r.nextInt(700);
            int off = r.nextInt(5);
            long bound = switch (r.nextInt(4)) {
                case 0 -> 1L << 10;
                case 1 -> Long.MAX_VALUE / k;   // sums near 2^63: the checked path, fitting
                case 2 -> Long.MAX_VALUE / 2;   // sums past 2^63: no bound
                default -> (1L << 62) >> (64 - Long.numberOfLeadingZeros(k)); // at the plain-add threshold
            };
            long[] b = new long[off + k * n];
            for (int i = off; i < b.length; i++) {
                b[i] = r.nextLong(-bound, bound);
            }
            if (r.nextInt(8) == 0) {
                b[off + r.nextInt(k * n)] = Long.MIN_VALUE;
            }
            BigInteger best = BigInteger.ZERO;
            for (int j = 0; j < n; j++) {
                BigInteger s = BigInteger.ZERO;
                for (int t = 0; t < k; t++) {
                    s = s.add(BigInteger.valueOf(b[off + t * n + j]).abs());
                }
                best = best.max(s);
            }
            long want = best.bitLength() < 64 ? best.longValueExact() : Long.MAX_VALUE;
            assertThat(MatKernels.maxColAbsSum(b, off, k, n)).isEqualTo(want);
        });
    }

    @Test
    void quantize_inParallelBlocks_equalsElementByElement() {
        SplittableRandom r = new SplittableRandom(0x9A);
        double[] d = new double[(1 << 18) + 77];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian() * (i % 1000 == 0 ? 1e4 : 1);
        }
        QTensor q = QTensor.quantize(Tensor.of(new int[] {d.length}, d), 12);
        for (int i = 0; i < d.length; i++) {
            assertThat(q.data()[i]).isEqualTo(FixedPoint.quantize(d[i], 12));
        }
    }

    @Test
    void quantize_reportsTheFirstValueOutOfRange_asASequentialPassWould() {
        double[] d = new double[(1 << 18) + 5];
        d[200_000] = 1e30;
        d[100_000] = Double.NaN;
        d[150_000] = -1e30;
        assertThatThrownBy(() -> QTensor.quantize(Tensor.of(new int[] {d.length}, d), 10))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("NaN");
        d[100_000] = 0;
        assertThatThrownBy(() -> QTensor.quantize(Tensor.of(new int[] {d.length}, d), 10))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("-1.0E30");
    }
}
