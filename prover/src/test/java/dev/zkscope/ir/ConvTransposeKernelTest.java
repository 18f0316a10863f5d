package dev.zkscope.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * MatKernels.convTranspose (matrix product + col2im) and convTransposeExact against the definition of ConvTranspose
 * (each input element times each kernel tap scattered to output (iy*sh - ph + ky*dh, ix*sw - pw + kx*dw)), on seeded
 * random geometries: strides, dilations, pads, output padding, groups, 1-D and 2-D. The integer one is checked on its
 * double path, its long path (bound above 2^53) and its refusal above 2^63.
 */
class ConvTransposeKernelTest {
    record Case(int batch, int channels, int m, int group, Window g) {}

    static Case random(SplittableRandom r) {
        int group = 1 + r.nextInt(3);
        int channels = group * (1 + r.nextInt(3));
        int m = group * (1 + r.nextInt(3));
        boolean oneD = r.nextInt(4) == 0;
        int h = oneD ? 1 : 1 + r.nextInt(5);
        int w = 1 + r.nextInt(5);
        int kh = oneD ? 1 : 1 + r.nextInt(3);
        int kw = 1 + r.nextInt(3);
        int sh = oneD ? 1 : 1 + r.nextInt(3);
        int sw = 1 + r.nextInt(3);
        int dh = oneD ? 1 : 1 + r.nextInt(2);
        int dw = 1 + r.nextInt(2);
        int ph = oneD ? 0 : r.nextInt(kh);
        int pw = r.nextInt(kw);
        int peh = oneD ? 0 : r.nextInt(kh);
        int pew = r.nextInt(kw);
        int oph = oneD ? 0 : r.nextInt(sh);
        int opw = r.nextInt(sw);
        int oh = sh * (h - 1) + oph + (kh - 1) * dh + 1 - ph - peh;
        int ow = sw * (w - 1) + opw + (kw - 1) * dw + 1 - pw - pew;
        if (oh < 1 || ow < 1) {
            return random(r);
        }
        return new Case(1 + r.nextInt(2), channels, m, group, new Window(h, w, kh, kw, sh, sw, ph, pw, peh, pew, dh, dw,
                oh, ow));
    }

    /** The definition, in doubles (exact for the integer test values used here). */
    static double[] reference(Case c, double[] x, double[] w, double[] bias) {
        Window g = c.g();
        int cg = c.channels() / c.group();
        int mg = c.m() / c.group();
        double[] out = new double[c.batch() * c.m() * g.oh() * g.ow()];
        for (int b = 0; b < c.batch(); b++) {
            for (int o = 0; o < c.m(); o++) {
                for (int p = 0; p < g.oh() * g.ow(); p++) {
                    out[(b * c.m() + o) * g.oh() * g.ow() + p] = bias == null ? 0 : bias[o];
                }
            }
            for (int ch = 0; ch < c.channels(); ch++) {
                int grp = ch / cg;
                for (int oc = 0; oc < mg; oc++) {
                    for (int ky = 0; ky < g.kh(); ky++) {
                        for (int kx = 0; kx < g.kw(); kx++) {
                            double wv = w[((ch * mg + oc) * g.kh() + ky) * g.kw() + kx];
                            for (int iy = 0; iy < g.h(); iy++) {
                                for (int ix = 0; ix < g.w(); ix++) {
                                    int oy = iy * g.sh() - g.ph() + ky * g.dh();
                                    int ox = ix * g.sw() - g.pw() + kx * g.dw();
                                    if (oy >= 0 && oy < g.oh() && ox >= 0 && ox < g.ow()) {
                                        out[((b * c.m() + grp * mg + oc) * g.oh() + oy) * g.ow() + ox] +=
                                                wv * x[((b * c.channels() + ch) * g.h() + iy) * g.w() + ix];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> convTranspose_matchesDefinition() {
        return IntStream.range(0, 150).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            SplittableRandom r = new SplittableRandom(seed);
            Case c = random(r);
            Window g = c.g();
            int cg = c.channels() / c.group();
            int mg = c.m() / c.group();
            long[] x = r.longs((long) c.batch() * c.channels() * g.h() * g.w(), -500, 500).toArray();
            long[] w = r.longs((long) c.channels() * mg * g.kh() * g.kw(), -500, 500).toArray();
            long[] bias = r.nextBoolean() ? r.longs(c.m(), -500, 500).toArray() : null;
            double[] want = reference(c, MatKernels.toDoubles(x), MatKernels.toDoubles(w),
                    bias == null ? null : MatKernels.toDoubles(bias));
            double[] got = new double[want.length];
            MatKernels.convTranspose(MatKernels.toDoubles(x), MatKernels.toDoubles(w),
                    bias == null ? null : MatKernels.toDoubles(bias), got, g, c.batch(), c.channels(), c.m(), c.group());
            assertThat(got).as("%s", c).containsExactly(want);
            long[] exact = MatKernels.convTransposeExact(x, w, bias, g, c.batch(), c.channels(), c.m(), c.group());
            for (int i = 0; i < want.length; i++) {
                assertThat(exact[i]).isEqualTo((long) want[i]);
            }
            // The long path: x and bias times 2^34 take the bound past 2^53 in most cases (|x| <= 2^43, a channel's
            // sum of |w| <= 27 * 500 < 2^14: still below 2^63); the result is the small case's times 2^34.
            long[] big = x.clone();
            for (int i = 0; i < big.length; i++) {
                big[i] <<= 34;
            }
            long[] bigBias = bias == null ? null : bias.clone();
            if (bigBias != null) {
                for (int i = 0; i < bigBias.length; i++) {
                    bigBias[i] <<= 34;
                }
            }
            long[] scaled = MatKernels.convTransposeExact(big, w, bigBias, g, c.batch(), c.channels(), c.m(), c.group());
            for (int i = 0; i < want.length; i++) {
                assertThat(scaled[i]).isEqualTo(((long) want[i]) << 34);
            }
        }));
    }

    @Test
    void convTransposeExact_refusesWhenTheBoundPassesLong() {
        Window g = new Window(1, 2, 1, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3);
        long big = 1L << 40;
        assertThatThrownBy(() -> MatKernels.convTransposeExact(new long[] {big, big}, new long[] {big, big}, null, g,
                1, 1, 1, 1)).isInstanceOf(ArithmeticException.class).hasMessageContaining("2^63");
    }
}
