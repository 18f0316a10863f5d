package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.Samples;
import dev.zkscope.onnx.TestModels;
import dev.zkscope.onnx.OnnxImporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The calibrator chooses the parameter scale apart from the activation scale: a model whose weights are tiny against
 * its activations (a 64 x 8 MatMul, |w| < 0.002, inputs in [0, 100)) loses their low bits at sp = s; the search raises
 * sp alone and gets a materially lower error. A model that passes at sp = s keeps it; a fixed parameter scale is kept.
 */
class ParamScaleSearchTest {
    private static Graph tinyWeights() throws Exception {
        Random r = new Random(11);
        float[] w = new float[64 * 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (r.nextFloat() * 2 - 1) * 0.002f;
        }
        return TestModels.opset(13).input("x", 1, 64).output("y").init("W", new int[] {64, 8}, w)
                .op("MatMul", "y", TestModels.in("x", "W")).load();
    }

    private static List<List<Tensor>> inputs(int count) {
        Random r = new Random(5);
        List<List<Tensor>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double[] x = new double[64];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextDouble() * 100;
            }
            out.add(List.of(Tensor.of(new int[] {1, 64}, x)));
        }
        return out;
    }

    @Test
    void tinyWeights_getTheirOwnScale_andAMateriallyLowerError() throws Exception {
        Graph g = tinyWeights();
        List<List<Tensor>> in = inputs(8);
        Calibrator.Calibration chosen = Calibrator.calibrate(g, in, QuantOptions.defaults());
        int s = chosen.graph().inputScale();
        Calibrator.Calibration sameScale = Calibrator.calibrate(g, in, QuantOptions.fixed(s, s));
        System.out.println("tiny weights: sp = s: " + sameScale.fidelity() + "; chosen: " + chosen.fidelity()
                + "; log: " + chosen.log());
        // the activation scale is the one the search chooses with sp = s (the top RESOURCES candidate here)
        assertThat(s).isEqualTo(10);
        assertThat(chosen.graph().paramScale()).isGreaterThan(chosen.graph().inputScale());
        assertThat(chosen.fidelity().maxAbsError()).isLessThan(0.1 * sameScale.fidelity().maxAbsError());
        assertThat(chosen.fidelity().argmaxAgreement()).isGreaterThanOrEqualTo(sameScale.fidelity().argmaxAgreement());
        // what the report says is what the graph does
        FidelityReport again = FidelityReport.measure(g, chosen.graph(), in);
        assertThat(again.maxAbsError()).isEqualTo(chosen.fidelity().maxAbsError());
        assertThat(again.paramScale()).isEqualTo(chosen.graph().paramScale());
    }

    @Test
    void aConstantThatDoesNotFitAHigherParameterScale_endsTheWalk_notTheCalibration() throws Exception {
        // y as above; z = Gemm(x, V, B) with a bias of 1e8, quantized at s + sp: it fits 2^48 at 10 + 10, not 10 + 12
        Random r = new Random(11);
        float[] w = new float[64 * 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (r.nextFloat() * 2 - 1) * 0.002f;
        }
        Graph g = TestModels.opset(13).input("x", 1, 64).output("y").output("z").init("W", new int[] {64, 8}, w)
                .initRandom("V", 3, 64, 2).init("B", new int[] {2}, 1e8f, 0f)
                .op("MatMul", "y", TestModels.in("x", "W")).op("Gemm", "z", TestModels.in("x", "V", "B")).load();
        Calibrator.Calibration c = Calibrator.calibrate(g, inputs(8), QuantOptions.defaults());
        assertThat(c.graph().inputScale()).isEqualTo(10);
        assertThat(c.graph().paramScale()).isEqualTo(10);
        assertThat(c.log()).anyMatch(l -> l.startsWith("s=10, sp=12: ") && l.contains("fixed-point range"));
    }

    @Test
    void theChoiceIsDeterministic() throws Exception {
        Graph g = tinyWeights();
        Calibrator.Calibration a = Calibrator.calibrate(g, inputs(8), QuantOptions.defaults());
        Calibrator.Calibration b = Calibrator.calibrate(tinyWeights(), inputs(8), QuantOptions.defaults());
        assertThat(b.graph().inputScale()).isEqualTo(a.graph().inputScale());
        assertThat(b.graph().paramScale()).isEqualTo(a.graph().paramScale());
        assertThat(b.fidelity()).isEqualTo(a.fidelity());
        assertThat(b.log()).isEqualTo(a.log());
    }

    @Test
    void aFixedParameterScaleIsKept() throws Exception {
        Calibrator.Calibration c = Calibrator.calibrate(tinyWeights(), inputs(8),
                new QuantOptions(Target.RESOURCES, null, 9, 0.25));
        assertThat(c.graph().paramScale()).isEqualTo(9);
    }

    @Test
    void aModelThatPassesAtTheActivationScale_keepsIt() throws Exception {
        Graph g = new OnnxImporter().load(Samples.model("mlp"));
        List<List<Tensor>> calib = new ArrayList<>();
        for (Tensor t : Samples.testSet("mlp").inputs().subList(0, 12)) {
            calib.add(List.of(t.reshape(g.inputs().get(0).shape())));
        }
        Calibrator.Calibration c = Calibrator.calibrate(g, calib, QuantOptions.defaults());
        assertThat(c.graph().paramScale()).isEqualTo(c.graph().inputScale());
        assertThat(c.log()).allMatch(l -> !l.contains("/2^" + (c.graph().inputScale() + 2) + " "));
    }
}
