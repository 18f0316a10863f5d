package dev.zkscope.sumcheck;

import dev.zkscope.compile.model.Ops;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotient of a division by a constant (the rescale after every Dot) is range-checked: a prover that moves the
 * remainder to another value in [0, d) and takes y = (x + floor(d/2) - rem') / d in the field (a huge element, not the
 * rounded quotient) is rejected, whether y is a public output or read by a ReLU. Divisions read only by a ReLU
 * whose limbs bound |y| tightly leave the check to the ReLU; the key's choice is checked by the verifier.
 */
class SumcheckQuotientTest {
    static final PcsParams P = PcsParams.testing();

    @AfterEach
    void honest() {
        LayerKit.LENIENT.set(false);
    }

    static long[][] weights(int outs, int ins, long seed) {
        Random r = new Random(seed);
        long[][] w = new long[outs][ins];
        for (long[] row : w) {
            for (int i = 0; i < ins; i++) {
                row[i] = r.nextInt(61) - 30;
            }
        }
        return w;
    }

    /** x (8) -> Gemm 4 rescaled by 2^4: the division's output is the public output. */
    static QModel gemmOut() {
        QModel m = new QModel("t_gemm_out");
        int x = m.input(new int[] {1, 8}, 100);
        int y = Ops.dense(m, "fc", "Gemm", x, weights(4, 8, 1), null, 4);
        m.output(y, new int[] {1, 4});
        return m;
    }

    /** x (8) -> Gemm 6 rescaled -> Gemm 3 rescaled: the first quotient is read by a Dot, with no ReLU between. */
    static QModel twoGemms() {
        QModel m = new QModel("t_two_gemms");
        int x = m.input(new int[] {1, 8}, 100);
        int h = Ops.dense(m, "fc1", "Gemm", x, weights(6, 8, 2), null, 4);
        int y = Ops.dense(m, "fc2", "Gemm", h, weights(3, 6, 3), null, 4);
        m.output(y, new int[] {1, 3});
        return m;
    }

    /** x (8) -> Gemm 6 rescaled -> ReLU -> Gemm 3 rescaled. */
    static QModel gemmRelu() {
        QModel m = new QModel("t_gemm_relu");
        int x = m.input(new int[] {1, 8}, 100);
        int h = Ops.relu(m, "relu", Ops.dense(m, "fc1", "Gemm", x, weights(6, 8, 4), null, 4));
        int y = Ops.dense(m, "fc2", "Gemm", h, weights(3, 6, 5), null, 4);
        m.output(y, new int[] {1, 3});
        return m;
    }

    /**
     * x (8) -> Gemm 6 rescaled by 2^8 -> sigmoid table ([-200, 200]) -> Gemm 3 rescaled: the first quotient is read
     * only by the table.
     */
    static QModel gemmSigmoid() {
        QModel m = new QModel("t_gemm_sigmoid");
        int x = m.input(new int[] {1, 8}, 100);
        int h = Ops.lookup(m, "sig", "Sigmoid", Ops.dense(m, "fc1", "Gemm", x, weights(6, 8, 6), null, 8),
                SumcheckLayersTest.SIGMOID);
        int y = Ops.dense(m, "fc2", "Gemm", h, weights(3, 6, 7), null, 4);
        m.output(y, new int[] {1, 3});
        return m;
    }

    /**
     * The same with a table of 17 entries at [2^52, 2^52 + 16]: its domain bounds |y| only by 2^53, and
     * 53 + 1 + bitlen(2^8) &gt; 62, so it does not bound the quotient of a division by 2^8 below p/d.
     */
    static QModel gemmWideTable() {
        QModel m = new QModel("t_gemm_wide");
        int x = m.input(new int[] {1, 8}, 100);
        dev.zkscope.compile.model.TableSpec wide = new dev.zkscope.compile.model.TableSpec("wide", "wide", v -> 0,
                1L << 52, (1L << 52) + 16);
        int h = Ops.dense(m, "fc1", "Gemm", x, weights(6, 8, 6), null, 8);
        int y = Ops.dense(m, "fc2", "Gemm", Ops.lookup(m, "w", "Identity", h, wide), weights(3, 6, 7), null, 4);
        m.output(y, new int[] {1, 3});
        return m;
    }

    static Steps.Div firstDiv(QModel m) {
        for (Step s : m.steps()) {
            if (s instanceof Steps.Div d) {
                return d;
            }
        }
        throw new AssertionError("no division in " + m.name());
    }

    /** The cheat: element 1 of the first division's output becomes the field quotient of another remainder. */
    static void fieldQuotient(QModel m, long[][] t) {
        Steps.Div dv = firstDiv(m);
        long d = dv.divisor();
        long x = t[dv.inputs()[1].tensor()][dv.inputs()[1].index()];
        long y = t[dv.out()][1];
        long rem = x + d / 2 - d * y;
        long rem2 = rem + 1 < d ? rem + 1 : rem - 1;
        t[dv.out()][1] = Goldilocks.mul(Goldilocks.sub(Goldilocks.fromSigned(x + d / 2), Goldilocks.fromSigned(rem2)),
                Goldilocks.inv(Goldilocks.fromSigned(d)));
    }

    private static void cheatIsRejected(QModel model) throws Exception {
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(model, P, new Random(1));
        SumcheckBackend.Keys vk = SumcheckBackend.Keys.readVerifyingKey(keys.verifyingKey());
        long[] in = SumcheckLayersTest.input(model.inputSize(), 5, 100);
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, in, new Random(2));
        assertThat(pr.output()).containsExactly(SumcheckBackend.concatOutputs(model, model.evaluate(in)));
        SumcheckBackend.verify(vk, pr.output(), pr.proof());
        LayerKit.LENIENT.set(true);
        SumcheckBackend.Proved bad = SumcheckBackend.prove(keys, in, new Random(3), t -> fieldQuotient(model, t), null);
        LayerKit.LENIENT.set(false);
        if (model.outputTensors().contains(firstDiv(model).out())) {
            assertThat(bad.output()).isNotEqualTo(pr.output()); // the cheat is the claimed output
        }
        assertThat(SumcheckLayersTest.rejects(vk, in, bad.output(), bad.proof())).as(model.name()).isTrue();
    }

    @Test
    void aFieldQuotientAsThePublicOutput_isRejected() throws Exception {
        cheatIsRejected(gemmOut());
    }

    @Test
    void aFieldQuotientUnderAReLU_isRejected() throws Exception {
        cheatIsRejected(gemmRelu());
    }

    /** A function table bounds its input to its domain as a ReLU's limbs do: the cheat under a sigmoid is rejected. */
    @Test
    void aFieldQuotientUnderASigmoidTable_isRejected() throws Exception {
        cheatIsRejected(gemmSigmoid());
    }

    /** Where the check lives: in the division unless every reader is a tight ReLU; the plan records the choice. */
    @Test
    void quotientChecks_areInTheDivisionUnlessAReLUBoundsIt() {
        assertThat(divs(Plan.of(gemmOut()))).allMatch(d -> d.off() > 0 && d.yLimbs().length == 0); // public: checked in the clear
        assertThat(divs(Plan.of(twoGemms()))).allMatch(d -> d.off() > 0);
        assertThat(divs(Plan.of(twoGemms()))[0].yLimbs()).isNotEmpty(); // read by the next Gemm: limbs
        Plan.DivOp[] relu = divs(Plan.of(gemmRelu()));
        assertThat(relu[0].off()).isZero();
        assertThat(relu[1].off()).isPositive();
        Plan.DivOp[] sig = divs(Plan.of(gemmSigmoid()));
        assertThat(sig[0].off()).as("read only by the sigmoid table: no check").isZero();
        assertThat(sig[0].yLimbs()).isEmpty();
        assertThat(sig[1].off()).isPositive();
    }

    /** A table whose domain does not bound the quotient below p/d leaves the limbs in the division. */
    @Test
    void aWideTable_doesNotCoverTheQuotient() {
        Plan.DivOp[] wide = divs(Plan.of(gemmWideTable()));
        assertThat(wide[0].off()).isPositive();
        assertThat(wide[0].yLimbs()).isNotEmpty();
    }

    /** mlp_sigmoid_tanh's rescales are read only by its sigmoid and tanh tables: no quotient limbs are left. */
    @Test
    void mlpSigmoidTanh_hasNoQuotientLimbs() throws Exception {
        Plan p = Plan.of(dev.zkscope.compile.SampleModels.lowered(dev.zkscope.compile.SampleModels.load("mlp_sigmoid_tanh")));
        assertThat(divs(p)).isNotEmpty().allMatch(d -> d.yLimbs().length == 0);
    }

    /** A key that drops the check under a table too wide to bound the quotient is refused when read. */
    @Test
    void aKeyDroppingTheCheckUnderAWideTable_isRefused() throws Exception {
        refusesDroppedCheck(Plan.of(gemmWideTable()));
    }

    /** A plan (the key's part) that drops a needed quotient check (off set to 0) is refused when read. */
    @Test
    void aKeyWithoutANeededQuotientCheck_isRefused() throws Exception {
        refusesDroppedCheck(Plan.of(twoGemms()));
    }

    private static void refusesDroppedCheck(Plan p) throws Exception {
        dev.zkscope.codec.ByteWriter honest = new dev.zkscope.codec.ByteWriter();
        p.write(honest);
        Plan.read(new dev.zkscope.codec.ByteReader(honest.toBytes())); // the honest plan reads back
        for (int i = 0; i < p.ops.size(); i++) {
            if (p.ops.get(i) instanceof Plan.DivOp d) {
                p.ops.set(i, new Plan.DivOp(d.layer(), d.kind(), d.out(), d.in(), d.d(), d.remSeg()));
                break;
            }
        }
        dev.zkscope.codec.ByteWriter w = new dev.zkscope.codec.ByteWriter();
        p.write(w);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Plan.read(new dev.zkscope.codec.ByteReader(w.toBytes())))
                .hasMessageContaining("no quotient range check");
    }

    static Plan.DivOp[] divs(Plan p) {
        return p.ops.stream().filter(o -> o instanceof Plan.DivOp).map(o -> (Plan.DivOp) o).toArray(Plan.DivOp[]::new);
    }
}
