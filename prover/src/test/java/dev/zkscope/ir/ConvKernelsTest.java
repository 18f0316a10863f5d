package dev.zkscope.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The blocked float kernels (im2col + {@link MatKernels}) against the plain definitions: Conv against the sum over
 * {@link Window#convTaps} (the taps that the circuit lowering iterates), Gemm and MatMul against triple loops, on
 * seeded random geometries (1-D and 2-D, groups, strides, pads, dilations, batches, sizes crossing the tile edges and
 * the parallel threshold). A failing case prints its seed.
 */
class ConvKernelsTest {
    static final long SEED = 0x8_2026L;

    /** A random Conv case: op, input and weights (bias present or not). */
    record ConvCase(long seed, Op.Conv op, Tensor x, Tensor w, Tensor b) {}

    static ConvCase convCase(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean oneD = r.nextInt(4) == 0;
        int group = new int[] {1, 1, 2, 3}[r.nextInt(4)];
        if (r.nextInt(6) == 0) {
            group = 4; // depthwise below
        }
        int cg = group == 4 ? 1 : 1 + r.nextInt(4);
        int channels = cg * group;
        int m = group * (1 + r.nextInt(group == 4 ? 2 : 5));
        int batch = 1 + r.nextInt(2);
        int h = oneD ? 1 : 3 + r.nextInt(20);
        int wd = 3 + r.nextInt(40);
        int kh = oneD ? 1 : 1 + r.nextInt(Math.min(h, 5));
        int kw = 1 + r.nextInt(Math.min(wd, 5));
        int s = 1 + r.nextInt(3);
        int d = 1 + r.nextInt(2);
        int p0 = r.nextInt(3);
        int p1 = r.nextInt(3);
        int[] kernel = oneD ? new int[] {kw} : new int[] {kh, kw};
        int[] strides = oneD ? new int[] {s} : new int[] {s, 1 + r.nextInt(2)};
        int[] dil = oneD ? new int[] {d} : new int[] {d, 1};
        int[] pb = oneD ? new int[] {p0} : new int[] {p0, p1};
        int[] pe = oneD ? new int[] {p1} : new int[] {p1, p0};
        int[] xs = oneD ? new int[] {batch, channels, wd} : new int[] {batch, channels, h, wd};
        int[] ws = oneD ? new int[] {m, cg, kw} : new int[] {m, cg, kh, kw};
        Op.Conv op = new Op.Conv(kernel, strides, pb, pe, dil, group);
        try {
            op.outputShapes(List.of(xs, ws));
        } catch (RuntimeException e) {
            return convCase(seed + 1_000_003); // the kernel does not fit the padded input: another case
        }
        return new ConvCase(seed, op, random(r, xs), random(r, ws), r.nextBoolean() ? random(r, new int[] {m}) : null);
    }

    static Tensor random(SplittableRandom r, int[] shape) {
        double[] d = new double[Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble(-1, 1);
        }
        return Tensor.of(shape, d);
    }

    /** The definition: bias plus the sum over the output's taps. */
    static double[] convByTaps(ConvCase c, int[] os) {
        Window g = Window.of(c.op().kernel(), c.op().strides(), c.op().padsBegin(), c.op().padsEnd(), c.op().dilations(),
                c.x().shape(), os);
        Window.Taps taps = g.convTaps(c.x().dim(0), c.x().dim(1), os[1], c.op().group());
        double[] out = new double[Tensor.checkedSize(os)];
        for (int o = 0; o < out.length; o++) {
            double acc = c.b() == null ? 0 : c.b().get((o / g.outPositions()) % os[1]);
            for (int t = taps.start()[o]; t < taps.start()[o + 1]; t++) {
                acc += c.x().get(taps.x()[t]) * c.w().get(taps.w()[t]);
            }
            out[o] = acc;
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> conv_blocked_equalsSumOverTaps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int caseNo = 0; caseNo < 150; caseNo++) {
            long seed = SEED + caseNo;
            int i = caseNo;
            tests.add(DynamicTest.dynamicTest("seed " + seed, () -> {
                ConvCase c = convCase(seed);
                List<Tensor> in = c.b() == null ? List.of(c.x(), c.w()) : List.of(c.x(), c.w(), c.b());
                Tensor y = Kernels.conv(c.op(), in);
                double[] want = convByTaps(c, y.shape());
                assertThat(y.size()).isEqualTo(want.length);
                for (int k = 0; k < want.length; k++) {
                    assertThat(y.get(k)).as("seed %d, output %d", seed, k).isCloseTo(want[k], within(1e-9));
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void conv_large_parallelPathEqualsTaps() {
        // 16 output channels x 9 x 16 input taps x 1024 positions: far above the parallel threshold, several tiles.
        SplittableRandom r = new SplittableRandom(SEED);
        Op.Conv op = new Op.Conv(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        ConvCase c = new ConvCase(SEED, op, random(r, new int[] {1, 16, 32, 32}), random(r, new int[] {16, 16, 3, 3}),
                random(r, new int[] {16}));
        Tensor y = Kernels.conv(op, List.of(c.x(), c.w(), c.b()));
        double[] want = convByTaps(c, y.shape());
        for (int k = 0; k < want.length; k++) {
            assertThat(y.get(k)).as("output %d", k).isCloseTo(want[k], within(1e-9));
        }
    }

    @TestFactory
    Stream<DynamicTest> gemmAndMatmul_blocked_equalTripleLoops() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int caseNo = 0; caseNo < 60; caseNo++) {
            long seed = SEED * 31 + caseNo;
            int i = caseNo;
            tests.add(DynamicTest.dynamicTest("seed " + seed, () -> {
                SplittableRandom r = new SplittableRandom(seed);
                int m = 1 + r.nextInt(i % 3 == 0 ? 40 : 9);
                int k = 1 + r.nextInt(i % 4 == 0 ? 300 : 20);
                int n = 1 + r.nextInt(i % 5 == 0 ? 1100 : 30);
                boolean ta = r.nextBoolean();
                boolean tb = r.nextBoolean();
                Tensor a = random(r, ta ? new int[] {k, m} : new int[] {m, k});
                Tensor b = random(r, tb ? new int[] {n, k} : new int[] {k, n});
                Tensor c = random(r, new int[] {1, n});
                Op.Gemm op = new Op.Gemm(0.5, 2, ta, tb);
                Tensor y = Kernels.gemm(op, List.of(a, b, c));
                for (int x = 0; x < m; x++) {
                    for (int z = 0; z < n; z++) {
                        double acc = 0;
                        for (int t = 0; t < k; t++) {
                            acc += (ta ? a.get(t * m + x) : a.get(x * k + t)) * (tb ? b.get(z * k + t) : b.get(t * n + z));
                        }
                        assertThat(y.get(x * n + z)).as("seed %d gemm (%d, %d)", seed, x, z)
                                .isCloseTo(0.5 * acc + 2 * c.get(z), within(1e-9));
                    }
                }
                // Batched MatMul with a broadcast operand: [2, 3, m, k] x [3, k, n].
                Tensor ba = random(r, new int[] {2, 3, m, k});
                Tensor bb = random(r, new int[] {3, k, n});
                Tensor bm = Kernels.matmul(ba, bb);
                assertThat(bm.shape()).containsExactly(2, 3, m, n);
                for (int p = 0; p < 6; p++) {
                    for (int x = 0; x < m; x++) {
                        for (int z = 0; z < n; z++) {
                            double acc = 0;
                            for (int t = 0; t < k; t++) {
                                acc += ba.get((p * m + x) * k + t) * bb.get(((p % 3) * k + t) * n + z);
                            }
                            assertThat(bm.get((p * m + x) * n + z)).as("seed %d matmul", seed).isCloseTo(acc, within(1e-9));
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void indexArrays_areBuiltOncePerGeometry() {
        Window g = Window.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 4, 12, 12}, new int[] {1, 8, 12, 12});
        assertThat(g.convTaps(1, 4, 8, 1)).isSameAs(g.convTaps(1, 4, 8, 1));
        assertThat(g.colIndex(4)).isSameAs(g.colIndex(4));
        assertThat(g.poolTaps(4)).isSameAs(g.poolTaps(4));
        // An equal geometry built apart (another evaluation of the same node) hits the same entry.
        Window again = Window.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 4, 12, 12}, new int[] {1, 8, 12, 12});
        assertThat(again.colIndex(4)).isSameAs(g.colIndex(4));
        assertThat(g.colIndex(2)).isNotSameAs(g.colIndex(4));
        assertThat(g.colIndex(2).length).isEqualTo(2 * 9 * 144);
    }
}
