package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.compile.SampleModels;
import dev.zkscope.compile.model.Ops;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.compile.model.TableSpec;
import dev.zkscope.quant.FixedPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sumcheck backend's layer arguments beyond linear layers and ReLU (Clip, Concat, MaxPool, function tables,
 * products of two activations): honest proofs verify and equal the evaluator, cheating witnesses (a wrong clamp, a
 * wrong maximum, a wrong table output, a wrong product, a wrong concatenation) are rejected, and so are tampered proofs
 * and keys.
 */
class SumcheckLayersTest {
    static final PcsParams P = PcsParams.testing();

    @AfterEach
    void honest() {
        LayerKit.LENIENT.set(false);
    }

    static boolean rejects(SumcheckBackend.Keys k, long[] in, long[] out, byte[] proof) {
        try {
            SumcheckBackend.verify(k, out, proof); // the input is private: the statement is the output
            return false;
        } catch (Malformed | SumcheckException e) {
            return true;
        }
    }

    static long[] input(int n, long seed, long bound) {
        Random r = new Random(seed);
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextLong(2 * bound + 1) - bound;
        }
        return x;
    }

    static Src[] whole(int t, int n) {
        Src[] s = new Src[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Src(t, i);
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ small models

    /** x (16) -> Clip(-20, 30). */
    static QModel clip() {
        QModel m = new QModel("t_clip");
        int x = m.input(new int[] {1, 16}, 100);
        int y = Ops.clip(m, "clip", x, -20, 30);
        m.output(y, new int[] {1, 16});
        return m;
    }

    /** x (1x2x4x4) -> MaxPool 2x2 stride 2. */
    static QModel maxPool() {
        QModel m = new QModel("t_maxpool");
        int x = m.input(new int[] {1, 2, 4, 4}, 100);
        int[] p = new int[3];
        int y = Ops.maxPool2d(m, "pool", x, 2, 4, 4, 2, 2, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0}, p);
        m.output(y, new int[] {1, 2, 2, 2});
        return m;
    }

    static final TableSpec SIGMOID = new TableSpec("sigmoid_s5_s5", "sigmoid(s5->s5)",
            v -> FixedPoint.tableValue(z -> 1 / (1 + Math.exp(-z)), v, 5, 5), -200, 200);

    /** x (16) -> sigmoid table -> tanh-like table of the result. */
    static QModel table() {
        QModel m = new QModel("t_table");
        int x = m.input(new int[] {1, 16}, 100);
        int y = Ops.lookup(m, "sig", "Sigmoid", x, SIGMOID);
        TableSpec sq = new TableSpec("square_s5", "square", v -> v * v, 0, 40);
        y = Ops.lookup(m, "sq", "Pow", y, sq);
        m.output(y, new int[] {1, 16});
        return m;
    }

    /** x (16) -> relu(x) * clip(x, -10, 10), then its square. */
    static QModel product() {
        QModel m = new QModel("t_product");
        int x = m.input(new int[] {1, 16}, 100);
        int a = Ops.relu(m, "relu", x);
        int b = Ops.clip(m, "clip", x, -10, 10);
        int y = m.add(new Steps.Mul("mul", "Mul", m.newTensor(16), whole(a, 16), whole(b, 16)));
        int z = m.add(new Steps.Mul("square", "Mul", m.newTensor(16), whole(y, 16), whole(y, 16)));
        m.output(z, new int[] {1, 16});
        return m;
    }

    /** x (8) -> [relu(x), clip(x), 7] concatenated (17). */
    static QModel concat() {
        QModel m = new QModel("t_concat");
        int x = m.input(new int[] {1, 8}, 100);
        int a = Ops.relu(m, "relu", x);
        int b = Ops.clip(m, "clip", x, -10, 10);
        Src[] s = new Src[17];
        for (int i = 0; i < 8; i++) {
            s[i] = new Src(a, i);
            s[8 + i] = new Src(b, 7 - i);
        }
        s[16] = Src.constant(7);
        int y = m.add(new Steps.Wire("concat", "Concat", m.newTensor(17), s));
        m.output(y, new int[] {1, 17});
        return m;
    }

    /** x (3x6x6) -> depthwise 3x3 Conv (group 3, pad 1, stride 1) -> Clip(0, 96) (ReLU6 at scale 4). */
    static QModel depthwise() {
        Random r = new Random(17);
        QModel m = new QModel("t_depthwise");
        int x = m.input(new int[] {1, 3, 6, 6}, 100);
        long[] w = new long[27];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(65) - 32;
        }
        int[] s = new int[3];
        int y = Ops.conv2d(m, "dw", x, 3, 6, 6, w, 3, 3, 3, new long[] {50, -20, 7}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 3, 5, s);
        y = Ops.clip(m, "relu6", y, 0, 96);
        m.output(y, new int[] {1, 3, 6, 6});
        return m;
    }

    record Case(String name, QModel model, int n, Consumer<long[][]> cheat) {}

    /** Each small model with a cheat on its layer (applied to the evaluated tensors; the output follows). */
    static List<Case> cases() {
        return List.of(
                new Case("clip", clip(), 16, t -> t[t.length - 1][3] += 1),
                new Case("clip to the other bound", clip(), 16, t -> t[t.length - 1][5] = t[t.length - 1][5] == 30 ? -20 : 30),
                new Case("maxpool: another window element", maxPool(), 32, t -> {
                    long[] x = t[0];
                    long[] y = t[t.length - 1];
                    // output 0 is the max of x[0], x[1], x[4], x[5]: claim the smallest instead
                    y[0] = Math.min(Math.min(x[0], x[1]), Math.min(x[4], x[5]));
                }),
                new Case("maxpool: above the max", maxPool(), 32, t -> t[t.length - 1][1] += 1),
                new Case("product", product(), 16, t -> t[t.length - 1][4] += 1),
                new Case("concat", concat(), 8, t -> t[t.length - 1][9] += 1),
                new Case("clip inside product: wrong clamp, consistent after", product(), 16,
                        t -> propagate(product(), t, Steps.Compare.class, 1, 3)),
                new Case("product inside square: wrong product, consistent after", product(), 16,
                        t -> propagate(product(), t, Steps.Mul.class, 0, 2)),
                new Case("concat of a wrong clamp, consistent after", concat(), 8,
                        t -> propagate(concat(), t, Steps.Compare.class, 1, 2)),
                new Case("table: an output that is not the table's value", table(), 16, t -> t[t.length - 1][3] += 1),
                new Case("table: a wrong sigmoid, consistent after", table(), 16,
                        t -> propagate(table(), t, Steps.Lookup.class, 0, 1)),
                new Case("table: another table's pair (sigmoid's output through the square)", table(), 16,
                        t -> swapTableOutput(table(), t)),
                new Case("depthwise: a wrong convolution output, consistent after", depthwise(), 108,
                        t -> propagate(depthwise(), t, Steps.Dot.class, 0, 1)),
                new Case("depthwise: another channel's output, consistent after", depthwise(), 108,
                        t -> swapChannels(depthwise(), t)),
                new Case("depthwise: output", depthwise(), 108, t -> t[t.length - 1][40] += 1));
    }

    @TestFactory
    Stream<DynamicTest> smallModels_honestProofsVerify_cheatsAreRejected() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(c.model(), P, new Random(1));
            SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
            long[] in = input(c.n(), 5, 100);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            assertThat(pr.output()).containsExactly(SumcheckBackend.concatOutputs(c.model(), c.model().evaluate(in)));
            SumcheckBackend.verify(vk, pr.output(), pr.proof());
            // a cheating prover: the witness follows the edited tensors wherever it can
            LayerKit.LENIENT.set(true);
            SumcheckBackend.Proved bad = SumcheckBackend.prove(keys, in, new Random(3), c.cheat(), null);
            LayerKit.LENIENT.set(false);
            if (!c.name().contains("consistent after")) { // (an intermediate edit may not reach the output)
                assertThat(bad.output()).isNotEqualTo(pr.output());
            }
            assertThat(rejects(vk, in, bad.output(), bad.proof())).as(c.name() + ": cheating witness").isTrue();
            // the honest proof with a wrong output, and tampered bytes
            long[] wrong = pr.output().clone();
            wrong[0] += 1;
            assertThat(rejects(vk, in, wrong, pr.proof())).isTrue();
            tamper(vk, in, pr, c.name());
        }));
    }

    /** Byte flips across the proof, truncation and extension are rejected. */
    static void tamper(SumcheckBackend.Keys vk, long[] in, SumcheckBackend.Proved pr, String name) {
        byte[] proof = pr.proof();
        Random r = new Random(9);
        for (int k = 0; k < 40; k++) {
            byte[] b = proof.clone();
            int at = k < 20 ? r.nextInt(Math.min(b.length, 4000)) : r.nextInt(b.length);
            b[at] ^= (byte) (1 << r.nextInt(8));
            assertThat(rejects(vk, in, pr.output(), b)).as(name + " flip at " + at).isTrue();
        }
        assertThat(rejects(vk, in, pr.output(), java.util.Arrays.copyOf(proof, proof.length - 1))).isTrue();
        assertThat(rejects(vk, in, pr.output(), java.util.Arrays.copyOf(proof, proof.length + 8))).isTrue();
    }

    /** Single-bit edits of the verifying key are refused when read or make the honest proof fail. */
    static void tamperKey(SumcheckBackend.Keys keys, long[] in, SumcheckBackend.Proved pr) {
        byte[] vk = keys.verifyingKey();
        Random r = new Random(13);
        for (int k = 0; k < 60; k++) {
            byte[] b = vk.clone();
            int at = r.nextInt(b.length);
            b[at] ^= (byte) (1 << r.nextInt(8));
            boolean rejected;
            try {
                SumcheckBackend.Keys e = SumcheckBackend.Keys.readVerifyingKey(b);
                rejected = rejects(e, in, pr.output(), pr.proof());
            } catch (Malformed | RuntimeException e) {
                rejected = !(e instanceof NullPointerException || e instanceof ArrayIndexOutOfBoundsException);
            }
            assertThat(rejected).as("key bit flip at " + at).isTrue();
        }
    }

    @Test
    void smallModels_keyEditsAreRejected() throws Exception {
        for (QModel m : List.of(clip(), maxPool(), concat(), product(), table(), depthwise())) {
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
            long[] in = input(m.inputSize(), 5, 100);
            tamperKey(keys, in, SumcheckBackend.prove(keys, in, new Random(2)));
        }
    }

    // ------------------------------------------------------------------------------------------------ samples

    @TestFactory
    Stream<DynamicTest> samples_proveAndVerify() {
        return Stream.of("cnn_bn_pool").map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            QModel m = SampleModels.lowered(s);
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
            SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
            long[] in = s.quantizedInput(0);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            assertThat(pr.output()).containsExactly(s.quantizedOutput(0));
            SumcheckBackend.verify(vk, pr.output(), pr.proof());
            long[] bad = pr.output().clone();
            bad[bad.length - 1] ^= 1;
            assertThat(rejects(vk, in, bad, pr.proof())).isTrue();
            tamper(vk, in, pr, name);
            tamperKey(keys, in, pr);
        }));
    }

    /** cnn_bn_pool with a wrong maximum in its pooling layer and every later layer computed from it. */
    @Test
    void cnnBnPool_wrongMaximumPropagatedIsRejected() throws Exception {
        SampleModels.Sample s = SampleModels.load("cnn_bn_pool");
        QModel m = SampleModels.lowered(s);
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
        long[] in = s.quantizedInput(0);
        List<Step> steps = m.steps();
        int at = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Steps.MaxReduce) {
                at = i;
                break;
            }
        }
        assertThat(at).isGreaterThanOrEqualTo(0);
        int from = at;
        Consumer<long[][]> cheat = t -> {
            t[steps.get(from).out()][0] -= 3; // below the window's maximum
            for (int i = from + 1; i < steps.size(); i++) {
                t[steps.get(i).out()] = steps.get(i).eval(t);
            }
        };
        LayerKit.LENIENT.set(true);
        SumcheckBackend.Proved bad = SumcheckBackend.prove(keys, in, new Random(3), cheat, null);
        LayerKit.LENIENT.set(false);
        assertThat(rejects(keys, in, bad.output(), bad.proof())).isTrue();
    }

    /**
     * A cheating prover's tensors: the occurrence-th step of the given kind has its element at gets delta added, and
     * every later step is recomputed from it (so only that step's identity is broken).
     */
    static void propagate(QModel m, long[][] t, Class<? extends Step> kind, int occurrence, int delta) {
        List<Step> steps = m.steps();
        int seen = 0;
        for (int i = 0; i < steps.size(); i++) {
            if (kind.isInstance(steps.get(i)) && seen++ == occurrence) {
                t[steps.get(i).out()][1] += delta;
                for (int j = i + 1; j < steps.size(); j++) {
                    t[steps.get(j).out()] = steps.get(j).eval(t);
                }
                return;
            }
        }
        throw new AssertionError("no step " + kind.getSimpleName() + " #" + occurrence);
    }

    /**
     * A cheating prover that answers the square table's lookups with the sigmoid's (x, y) pairs: every pair is a pair
     * of some table of the model, but not of the square's, so gamma's fold and the per-op table reject it.
     */
    static void swapTableOutput(QModel m, long[][] t) {
        List<Step> steps = m.steps();
        int sig = steps.get(0).out();
        int sq = steps.get(1).out();
        t[sq][2] = t[sig][2]; // y = x instead of x^2 (x^2 != x unless x is 0 or 1)
        if (t[sig][2] * t[sig][2] == t[sig][2]) {
            t[sq][2] += 2;
        }
    }

    /** A function-table input outside the calibrated table is refused by the prover's evaluation, naming the layer. */
    @Test
    void table_inputOutsideTheTable_isRefusedByTheProver() {
        QModel m = table();
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
        long[] in = input(16, 5, 100);
        in[4] = 1000; // the sigmoid table covers [-200, 200]
        assertThatThrownBy(() -> SumcheckBackend.prove(keys, in, new Random(2)))
                .isInstanceOf(dev.zkscope.compile.WitnessException.class).hasMessageContaining("layer sig")
                .hasMessageContaining("outside the calibrated range");
    }

    /** mlp_sigmoid_tanh (Sigmoid and Tanh tables) proves, verifies and rejects tampering. */
    @Test
    void mlpSigmoidTanh_provesAndRejectsTampering() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp_sigmoid_tanh");
        QModel m = SampleModels.lowered(s);
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
        SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
        long[] in = s.quantizedInput(0);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        assertThat(pr.output()).containsExactly(s.quantizedOutput(0));
        SumcheckBackend.verify(vk, pr.output(), pr.proof());
        long[] bad = pr.output().clone();
        bad[0] ^= 1;
        assertThat(rejects(vk, in, bad, pr.proof())).isTrue();
        tamper(vk, in, pr, "mlp_sigmoid_tanh");
        tamperKey(keys, in, pr);
        // a wrong sigmoid value with every later layer computed from it
        LayerKit.LENIENT.set(true);
        SumcheckBackend.Proved cheat = SumcheckBackend.prove(keys, in, new Random(3),
                t -> propagate(m, t, Steps.Lookup.class, 0, 1), null);
        LayerKit.LENIENT.set(false);
        assertThat(rejects(vk, in, cheat.output(), cheat.proof())).isTrue();
    }

    /**
     * A cheating prover whose depthwise convolution output swaps two channels' values at one position (each a correct
     * dot product of its own channel's weights, at the wrong channel), every later step recomputed from it.
     */
    static void swapChannels(QModel m, long[][] t) {
        List<Step> steps = m.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Steps.Dot) {
                long[] y = t[steps.get(i).out()];
                int p = y.length / 3;
                long v = y[5];
                y[5] = y[p + 5] == v ? v + 1 : y[p + 5];
                y[p + 5] = v;
                for (int j = i + 1; j < steps.size(); j++) {
                    t[steps.get(j).out()] = steps.get(j).eval(t);
                }
                return;
            }
        }
        throw new AssertionError("no dot product");
    }

    /** The depthwise model's convolution is the grouped step, with its weight matrix in the key. */
    @Test
    void depthwise_isAGroupedDotWithWeightsInTheKey() throws Exception {
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(depthwise(), P, new Random(1));
        assertThat(keys.plan.ops).anyMatch(op -> op instanceof GroupedDotOp);
        assertThat(keys.plan.weightCount()).isEqualTo(1);
        SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
        assertThat(vk.roots).hasSize(1);
        // a proof checked against a key whose weights differ (another depthwise model) is rejected
        QModel other = depthwise();
        for (Step st : depthwise().steps()) {
            if (st instanceof Steps.Dot d) {
                int w = d.ws()[0][0].tensor();
                long[] v = other.param(w).clone();
                v[0] += 1;
                other = other.withParam(w, v);
            }
        }
        SumcheckBackend.Keys otherKeys = SumcheckBackend.keygen(other, P, new Random(1));
        long[] in = input(108, 5, 100);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(otherKeys, in, new Random(2));
        assertThat(rejects(vk, in, pr.output(), pr.proof())).isTrue();
    }
}
