package dev.zkscope.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.onnx.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The calibrator's scale search (top candidate first, then an ascending scan or a downward walk to the turn of the
 * error curve) chooses what measuring every candidate and applying the rule (smallest candidate that passes, else the
 * most accurate) chooses, with the same fidelity, on every sample and on the zoo's lenet5 and gpt2tiny when they are
 * generated, under both targets. Each candidate is measured on its own by a calibration at that fixed scale.
 */
class ScaleSearchTest {
    @TestFactory
    Stream<DynamicTest> search_choosesWhatMeasuringEveryCandidateChooses() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Samples.names()) {
            for (Target target : Target.values()) {
                tests.add(DynamicTest.dynamicTest(name + " " + target, () -> {
                    Graph g = new OnnxImporter().load(Samples.model(name));
                    List<List<Tensor>> in = new ArrayList<>();
                    for (Tensor t : Samples.testSet(name).inputs().subList(0, 12)) {
                        in.add(List.of(t.reshape(g.inputs().get(0).shape())));
                    }
                    check(name, g, in, target);
                }));
            }
        }
        for (String zoo : List.of("lenet5", "gpt2tiny")) {
            Path p = Path.of("..", "samples", "zoo", zoo + ".onnx");
            tests.add(DynamicTest.dynamicTest("zoo " + zoo, () -> {
                if (!Files.exists(p)) {
                    System.out.println("skipped zoo " + zoo + ": " + p + " not generated (samples/zoo/make_zoo.py)");
                    return;
                }
                Graph g = new OnnxImporter().load(p);
                check(zoo, g, Calibrator.syntheticInputs(g, 3, 7), Target.RESOURCES);
            }));
        }
        return tests.stream();
    }

    private static void check(String name, Graph g, List<List<Tensor>> in, Target target) {
        Calibrator.Calibration searched = Calibrator.calibrate(g, in, QuantOptions.of(target));
        int from = target == Target.RESOURCES ? 4 : 8;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        FloatEvaluator fe = new FloatEvaluator(g);
        for (List<Tensor> x : in) {
            for (double v : fe.run(x).get(0).data()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double tolerance = (target == Target.RESOURCES ? 0.01 : 0.002) * Math.max(hi - lo, 1e-6);
        Integer chosen = null;
        FidelityReport chosenReport = null;
        Integer best = null;
        FidelityReport bestReport = null;
        StringBuilder all = new StringBuilder();
        for (int s = from; s <= from + 6; s++) {
            FidelityReport r;
            try {
                r = Calibrator.calibrate(g, in, new QuantOptions(target, s, s, 0.25)).fidelity();
            } catch (BadInputException e) {
                all.append(" s=").append(s).append(": out of range;");
                continue;
            }
            all.append(" s=").append(s).append(": ").append(r).append(';');
            if (bestReport == null || r.argmaxAgreement() > bestReport.argmaxAgreement()
                    || (r.argmaxAgreement() == bestReport.argmaxAgreement() && r.maxAbsError() < bestReport.maxAbsError())) {
                best = s;
                bestReport = r;
            }
            if (chosen == null && r.argmaxAgreement() == 1.0 && r.maxAbsError() <= tolerance) {
                chosen = s;
                chosenReport = r;
            }
        }
        if (chosen == null) {
            chosen = best;
            chosenReport = bestReport;
        }
        System.out.println("scale search " + name + " " + target + ": chose 2^" + searched.graph().inputScale() + " in "
                + searched.log().size() + " measurements; every candidate:" + all);
        assertThat(searched.graph().inputScale()).as(name + all).isEqualTo(chosen);
        assertThat(searched.fidelity().argmaxAgreement()).isEqualTo(chosenReport.argmaxAgreement());
        assertThat(searched.fidelity().maxAbsError()).isEqualTo(chosenReport.maxAbsError());
    }
}
