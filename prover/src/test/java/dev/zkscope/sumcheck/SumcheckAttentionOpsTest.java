package dev.zkscope.sumcheck;

import dev.zkscope.compile.model.Ops;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps attention and transformers need (division by a run-time value, a product of two activations, operands
 * broadcast over a row): honest proofs verify and equal the evaluator; cheating witnesses (a wrong quotient, a
 * quotient that is a field element rather than a small integer, a wrong x - max, a wrong (x - mean) * r, a wrong entry
 * of Q K^T or of P V) are rejected, and so are tampered proofs and keys; with masks no claim is an unmasked evaluation
 * of private data.
 */
class SumcheckAttentionOpsTest {
    static final PcsParams P = PcsParams.testing();

    @AfterEach
    void honest() {
        LayerKit.LENIENT.set(false);
    }

    static Src[] whole(int t, int n) {
        return SumcheckLayersTest.whole(t, n);
    }

    static Src[][] rows(int t, int rows, int len) {
        Src[][] w = new Src[rows][len];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < len; i++) {
                w[r][i] = new Src(t, r * len + i);
            }
        }
        return w;
    }

    static int[] rowIndex(int rows, int len) {
        int[] ix = new int[rows * len];
        for (int i = 0; i < ix.length; i++) {
            ix[i] = i / len;
        }
        return ix;
    }

    static long[] fill(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** x (2 rows of 4) -> e = x - max(row) + 201 -> 256 e / sum(row) (Softmax's shape, with a linear "exp"). */
    static QModel softmax() {
        QModel m = new QModel("t_softmax");
        int x = m.input(new int[] {2, 4}, 100);
        int mx = m.add(new Steps.MaxReduce("max", "Softmax", m.newTensor(2), rows(x, 2, 4)));
        int d = Ops.linear(m, "sub", "Softmax", x, mx, rowIndex(2, 4), 1, -1, 0);
        int e = m.add(new Steps.Linear("shift", "Softmax", m.newTensor(8), whole(d, 8), null, fill(8, 1),
                new long[8], fill(8, 201)));
        int s = m.add(new Steps.Sum("sum", "Softmax", m.newTensor(2), rows(e, 2, 4)));
        int num = m.add(new Steps.Linear("num", "Softmax", m.newTensor(8), whole(e, 8), null, fill(8, 256),
                new long[8], new long[8]));
        Src[] den = new Src[8];
        for (int i = 0; i < 8; i++) {
            den[i] = new Src(s, i / 4);
        }
        int y = m.add(new Steps.VarDiv("div", "Softmax", m.newTensor(8), whole(num, 8), den));
        m.output(y, new int[] {2, 4});
        return m;
    }

    /** x (2 rows of 4) -> (x - mean(row)) * (relu(mean(row)) + 1) (LayerNorm's shape, with a linear "rsqrt"). */
    static QModel layerNorm() {
        QModel m = new QModel("t_layernorm");
        int x = m.input(new int[] {2, 4}, 100);
        int s = m.add(new Steps.Sum("sum", "LayerNormalization", m.newTensor(2), rows(x, 2, 4)));
        int mean = m.add(new Steps.Div("mean", "LayerNormalization", m.newTensor(2), whole(s, 2), 4));
        int c = Ops.linear(m, "center", "LayerNormalization", x, mean, rowIndex(2, 4), 1, -1, 0);
        int rl = Ops.relu(m, "relu", mean);
        int r = m.add(new Steps.Linear("scale", "LayerNormalization", m.newTensor(2), whole(rl, 2), null, fill(2, 1),
                new long[2], fill(2, 1)));
        Src[] rb = new Src[8];
        for (int i = 0; i < 8; i++) {
            rb[i] = new Src(r, i / 4);
        }
        int y = m.add(new Steps.Mul("norm", "LayerNormalization", m.newTensor(8), whole(c, 8), rb));
        m.output(y, new int[] {2, 4});
        return m;
    }

    /**
     * x (16) -> Q = relu(x)[0..8) as 4x2, K = V = clip(x)[8..16) as 4x2: S = Q K^T (4x4, K read transposed), then
     * O = S V + 3 (4x2): both products of two activations.
     */
    static QModel attention() {
        QModel m = new QModel("t_attention");
        int x = m.input(new int[] {1, 16}, 100);
        int q = Ops.relu(m, "relu", x);
        int k = Ops.clip(m, "clip", x, -10, 10);
        Src[][] xs = new Src[16][2];
        Src[][] ws = new Src[16][2];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int t = 0; t < 2; t++) {
                    xs[i * 4 + j][t] = new Src(q, i * 2 + t);
                    ws[i * 4 + j][t] = new Src(k, 8 + j * 2 + t);
                }
            }
        }
        int s = m.add(new Steps.Dot("qk", "MatMul", m.newTensor(16), xs, ws, null));
        Src[][] ps = new Src[8][4];
        Src[][] vs = new Src[8][4];
        Src[] bias = new Src[8];
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 2; t++) {
                for (int j = 0; j < 4; j++) {
                    ps[i * 2 + t][j] = new Src(s, i * 4 + j);
                    vs[i * 2 + t][j] = new Src(k, 8 + j * 2 + t);
                }
                bias[i * 2 + t] = Src.constant(3);
            }
        }
        int o = m.add(new Steps.Dot("pv", "MatMul", m.newTensor(8), ps, vs, bias));
        m.output(o, new int[] {4, 2});
        return m;
    }

    /** x (3x3x3) -> conv 3x3 (pad 1) -> x + conv(x): a residual sum of two tensors laid out differently. */
    static QModel residualLayouts() {
        Random r = new Random(23);
        QModel m = new QModel("t_residual_layouts");
        int x = m.input(new int[] {1, 3, 3, 3}, 100);
        long[] w = new long[81];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(33) - 16;
        }
        int[] sh = new int[3];
        int y = Ops.conv2d(m, "conv", x, 3, 3, 3, w, 3, 3, 3, new long[] {5, -7, 11}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, 5, sh);
        int z = Ops.linear(m, "res", "Add", x, y, null, 1, 1, 0);
        m.output(z, new int[] {1, 3, 3, 3});
        return m;
    }

    record Case(String name, QModel model, java.util.function.Consumer<long[][]> cheat) {}

    static List<Case> cases() {
        return List.of(
                new Case("division: quotient + 1", softmax(), t -> t[t.length - 1][2] += 1),
                new Case("division: quotient - 1", softmax(), t -> t[t.length - 1][5] -= 1),
                new Case("division: a field quotient with an in-range remainder", softmax(), SumcheckAttentionOpsTest::fieldQuotient),
                new Case("x - max(row): wrong, consistent after", softmax(),
                        t -> SumcheckLayersTest.propagate(softmax(), t, Steps.Linear.class, 0, 1)),
                new Case("row sum: wrong, consistent after", softmax(),
                        t -> SumcheckLayersTest.propagate(softmax(), t, Steps.Sum.class, 0, 1)),
                new Case("(x - mean) * r: wrong product", layerNorm(), t -> t[t.length - 1][6] += 1),
                new Case("x - mean(row): wrong, consistent after", layerNorm(),
                        t -> SumcheckLayersTest.propagate(layerNorm(), t, Steps.Linear.class, 0, -2)),
                new Case("Q K^T: wrong entry, consistent after", attention(),
                        t -> SumcheckLayersTest.propagate(attention(), t, Steps.Dot.class, 0, 1)),
                new Case("P V: wrong entry", attention(), t -> t[t.length - 1][3] += 1),
                new Case("residual of two layouts: wrong sum", residualLayouts(), t -> t[t.length - 1][13] += 1),
                new Case("residual of two layouts: wrong conv, consistent after", residualLayouts(),
                        t -> SumcheckLayersTest.propagate(residualLayouts(), t, Steps.Div.class, 0, 1)));
    }

    /**
     * A cheating quotient: for output 1 the remainder is moved by one inside [0, den) and y solves
     * num + floor(den/2) = den y + rem over the field (a huge element, not a small integer).
     */
    static void fieldQuotient(long[][] t) {
        QModel m = softmax();
        List<Step> steps = m.steps();
        Steps.VarDiv vd = (Steps.VarDiv) steps.get(steps.size() - 1);
        Src n = vd.nums()[1];
        Src d = vd.dens()[1];
        long num = t[n.tensor()][n.index()];
        long den = t[d.tensor()][d.index()];
        long y = t[vd.out()][1];
        long rem = num + den / 2 - den * y;
        long rem2 = rem + 1 < den ? rem + 1 : rem - 1;
        long f = Goldilocks.mul(Goldilocks.sub(Goldilocks.fromSigned(num + den / 2), Goldilocks.fromSigned(rem2)),
                Goldilocks.inv(Goldilocks.fromSigned(den)));
        t[vd.out()][1] = f; // as a signed long: fromSigned maps it back to the same field element
    }

    @TestFactory
    Stream<DynamicTest> smallModels_honestProofsVerify_cheatsAreRejected() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            QModel model = c.model();
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(model, P, new Random(1));
            SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
            long[] in = SumcheckLayersTest.input(model.inputSize(), 5, 100);
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
            assertThat(pr.output()).containsExactly(SumcheckBackend.concatOutputs(model, model.evaluate(in)));
            SumcheckBackend.verify(vk, pr.output(), pr.proof());
            LayerKit.LENIENT.set(true);
            SumcheckBackend.Proved bad = SumcheckBackend.prove(keys, in, new Random(3), c.cheat(), null);
            LayerKit.LENIENT.set(false);
            assertThat(SumcheckLayersTest.rejects(vk, in, bad.output(), bad.proof())).as(c.name()).isTrue();
            long[] wrong = pr.output().clone();
            wrong[0] += 1;
            assertThat(SumcheckLayersTest.rejects(vk, in, wrong, pr.proof())).isTrue();
            SumcheckLayersTest.tamper(vk, in, pr, c.name());
        }));
    }

    @Test
    void smallModels_keyEditsAreRejected() throws Exception {
        for (QModel m : List.of(softmax(), layerNorm(), attention(), residualLayouts())) {
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, P, new Random(1));
            long[] in = SumcheckLayersTest.input(m.inputSize(), 5, 100);
            SumcheckLayersTest.tamperKey(keys, in, SumcheckBackend.prove(keys, in, new Random(2)));
        }
    }

    /** The new steps are what the plan uses (not a fallback): each model holds its op. */
    @Test
    void plansUseTheNewSteps() {
        assertThat(Plan.of(softmax()).ops).hasAtLeastOneElementOfType(VarDivOp.class)
                .hasAtLeastOneElementOfType(ElementOp.class);
        assertThat(Plan.of(layerNorm()).ops).hasAtLeastOneElementOfType(ElementOp.class);
        assertThat(Plan.of(attention()).ops).filteredOn(o -> o instanceof ActDotOp).hasSize(2);
        assertThat(Plan.of(residualLayouts()).ops).hasAtLeastOneElementOfType(ElementOp.class);
    }

    /**
     * With masks no claim on private data holds on the honest unmasked witness except the mask-free identities;
     * without masks (positive control) more do (docs/sumcheck-zk.md, SumcheckZeroKnowledgeTest).
     */
    @Test
    void newSteps_noClaimIsAnUnmaskedEvaluation() throws Exception {
        for (QModel m : List.of(softmax(), layerNorm(), attention())) {
            long[] in = SumcheckLayersTest.input(m.inputSize(), 5, 100);
            SumcheckBackend.Keys zk = SumcheckBackend.keygen(m, SumcheckZeroKnowledgeTest.ZK, new Random(1));
            SumcheckBackend.Keys plain = SumcheckBackend.keygen(m, SumcheckZeroKnowledgeTest.PLAIN, new Random(1));
            long[][] w = SumcheckZeroKnowledgeTest.witness(zk, in);
            for (int i = 0; i < 2; i++) {
                SumcheckBackend.Proved p = SumcheckBackend.prove(zk, in, new Random(50 + i));
                assertThat(SumcheckZeroKnowledgeTest.holding(zk, p, w)).as(m.name())
                        .hasSize(SumcheckZeroKnowledgeTest.maskFree(zk, p));
            }
            SumcheckBackend.Proved p = SumcheckBackend.prove(plain, in, new Random(60));
            assertThat(SumcheckZeroKnowledgeTest.holding(plain, p, SumcheckZeroKnowledgeTest.witness(plain, in)).size())
                    .as(m.name() + " without masks").isGreaterThan(SumcheckZeroKnowledgeTest.maskFree(plain, p));
        }
    }
}
