package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.TestModels;
import java.math.BigInteger;
import java.util.List;
import dev.zkscope.testing.Property;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The quantized Conv equals its definition computed independently with BigInteger: for every output position,
 * acc = B[m] + Σ_{c in group, ky, kx} x[c, y·s - p + ky·d, x·s - p + kx·d]·W[m, c, ky, kx] (zero outside), out =
 * floor((acc + 2^(k-1)) / 2^k) with k = sp.
 */
class IntegerConvPropertyTest {
    @TestFactory
    Stream<DynamicTest> conv_equalsBigIntegerDefinition() {
        return Property.forAll("conv_equalsBigIntegerDefinition", 0xC0_4FL, 200, r -> conv(r.nextInt(1, 3),
                r.nextInt(1, 3), r.nextInt(0, 3), r.nextInt(1, 3), r.nextInt(1, 4), r.nextInt(2, 9), r.nextLong()));
    }

    private static void conv(int group, int stride, int pad, int dilation, int kernel, int scale, long seed)
            throws Exception {
        int c = 2 * group;
        int m = 2 * group;
        int h = 5 + (int) Math.floorMod(seed, 3);
        Graph g = TestModels.opset(13).input("x", 1, c, h, h).initRandom("w", seed, m, c / group, kernel, kernel)
                .initRandom("b", seed + 1, m).op("Conv", "y", TestModels.in("x", "w", "b"), TestModels.attr("group", (long) group),
                        TestModels.ints("strides", stride, stride), TestModels.ints("pads", pad, pad, pad, pad),
                        TestModels.ints("dilations", dilation, dilation)).output("y").load();
        QuantizedGraph q = new Quantizer(g, scale, scale).build(Target.RESOURCES, null);
        Random r = new Random(seed);
        long[] x = new long[c * h * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(1 << (scale + 2)) - (1 << (scale + 1));
        }
        QTensor out = new QuantizedEvaluator(q).runQuantized(List.of(new QTensor(new int[] {1, c, h, h}, x, scale)))
                .outputs().get(0);
        QNode n = q.nodes().get(0);
        long[] w = n.param("W").data();
        long[] b = n.param("B").data();
        int k = kernel;
        int o = out.shape()[2];
        assertThat(o).isEqualTo((h + 2 * pad - dilation * (k - 1) - 1) / stride + 1);
        int cg = c / group;
        int mg = m / group;
        for (int oc = 0; oc < m; oc++) {
            for (int oy = 0; oy < o; oy++) {
                for (int ox = 0; ox < o; ox++) {
                    BigInteger acc = BigInteger.valueOf(b[oc]);
                    for (int ic = 0; ic < cg; ic++) {
                        int xc = (oc / mg) * cg + ic;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * stride - pad + ky * dilation;
                                int ix = ox * stride - pad + kx * dilation;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < h) {
                                    acc = acc.add(BigInteger.valueOf(x[(xc * h + iy) * h + ix])
                                            .multiply(BigInteger.valueOf(w[((oc * cg + ic) * k + ky) * k + kx])));
                                }
                            }
                        }
                    }
                    BigInteger d = BigInteger.ONE.shiftLeft(scale);
                    BigInteger[] qr = acc.add(d.shiftRight(1)).divideAndRemainder(d);
                    BigInteger expected = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
                    assertThat(out.data()[(oc * o + oy) * o + ox]).isEqualTo(expected.longValueExact());
                }
            }
        }
        assertThat(Tensor.elementCount(out.shape())).isEqualTo((long) m * o * o);
    }
}
