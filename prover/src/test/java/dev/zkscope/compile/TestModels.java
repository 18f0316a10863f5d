package dev.zkscope.compile;

import dev.zkscope.compile.model.Ops;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.TableSpec;
import dev.zkscope.quant.FixedPoint;

import java.util.Random;

/** Small hand-built quantized models with seeded random weights, covering every step kind. */
final class TestModels {
    private TestModels() {}

    static long[][] randomMatrix(Random r, int rows, int cols, int mag) {
        long[][] w = new long[rows][cols];
        for (long[] row : w) {
            for (int i = 0; i < cols; i++) {
                row[i] = r.nextInt(2 * mag + 1) - mag;
            }
        }
        return w;
    }

    static long[] randomVector(Random r, int n, int mag) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(2 * mag + 1) - mag;
        }
        return v;
    }

    /** 16-8-4 MLP at scale 2^5: Gemm, ReLU, Gemm, Sigmoid (input in [0, 32]). */
    static QModel mlp() {
        return mlp(7);
    }

    /** The same architecture with other weights. */
    static QModel mlp(long seed) {
        Random r = new Random(seed);
        QModel m = new QModel("tiny_mlp");
        int x = m.input(new int[]{1, 16}, 32);
        int h = Ops.dense(m, "fc1", "Gemm", x, randomMatrix(r, 8, 16, 32), randomVector(r, 8, 500), 5);
        h = Ops.relu(m, "relu1", h);
        int y = Ops.dense(m, "fc2", "Gemm", h, randomMatrix(r, 4, 8, 32), randomVector(r, 4, 500), 5);
        TableSpec sig = new TableSpec("sigmoid_s5_s5", "sigmoid(s5->s5)",
                v -> FixedPoint.tableValue(z -> 1 / (1 + Math.exp(-z)), v, 5, 5), -4000, 4000);
        y = Ops.lookup(m, "sig", "Sigmoid", y, sig);
        m.output(y, new int[]{1, 4});
        return m;
    }

    /** Conv(2x3x3, pad 1) -> ReLU -> BatchNorm -> MaxPool 2x2 -> AvgPool 2x2 -> Flatten -> Gemm, on a 1x6x6 image. */
    static QModel cnn() {
        Random r = new Random(11);
        QModel m = new QModel("tiny_cnn");
        int x = m.input(new int[]{1, 1, 6, 6}, 32);
        int[] s = new int[3];
        int c = Ops.conv2d(m, "conv", x, 1, 6, 6, randomVector(r, 2 * 9, 32), 2, 3, 3, randomVector(r, 2, 300),
                new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, 5, s);
        c = Ops.relu(m, "relu", c);
        c = Ops.channelAffine(m, "bn", c, 2, new long[]{40, 25}, new long[]{-100, 64}, 5);
        int[] p = new int[3];
        c = Ops.maxPool2d(m, "maxpool", c, s[0], s[1], s[2], 2, 2, new int[]{2, 2}, new int[]{0, 0}, new int[]{0, 0}, p);
        int[] q = new int[3];
        c = Ops.avgPool2d(m, "avgpool", c, p[0], p[1], p[2], 3, 3, new int[]{3, 3}, new int[]{0, 0}, new int[]{0, 0}, true, q);
        int n = q[0] * q[1] * q[2];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        c = Ops.wire(m, "flatten", "Flatten", c, idx);
        int y = Ops.dense(m, "fc", "Gemm", c, randomMatrix(r, 3, n, 32), randomVector(r, 3, 100), 5);
        m.output(y, new int[]{1, 3});
        return m;
    }

    static long[] input(int n, long seed) {
        Random r = new Random(seed);
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(33);
        }
        return x;
    }
}
