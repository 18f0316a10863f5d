package dev.zkscope.sumcheck;

import dev.zkscope.compile.LayerInfo;
import dev.zkscope.compile.SampleModels;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.compile.model.QModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sumcheck/GKR estimate ({@link Estimates#sumcheckByLayer}, derived from each step's protocol) against the
 * products this backend's prover counts ({@link FieldOps}) on every sample it proves, none skipped, and on the zoo's
 * LeNet-5: each layer's own sumchecks within 2% (the model is the prover's loop sizes), the whole proof (lookup
 * argument and openings included) within 5% (docs/estimates.md).
 */
class SumcheckEstimateTest {
    static final double LAYER_TOLERANCE = 0.02;
    static final double TOTAL_TOLERANCE = 0.05;

    @TestFactory
    Stream<DynamicTest> estimate_matchesTheCountedProducts() {
        return SumcheckBackendTest.PROVED.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            SampleModels.Sample s = SampleModels.load(name);
            QModel m = SampleModels.lowered(s);
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, PcsParams.standard(), new Random(1));
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, s.quantizedInput(0), new Random(2));
            Map<String, Long> counted = pr.layerMults();
            assertThat(counted).as("the prover counted its products").isNotEmpty();
            // the estimate at the backend's own range-table width (it picks B per model)
            EstimateParams ep = new EstimateParams(false, 2, 2, 14, keys.plan.limbBits);
            int checked = 0;
            org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
            List<LayerInfo> layers = Estimates.layers(m);
            Map<String, Estimates.Sumcheck> byLayer = Estimates.sumcheckByLayer(m, ep);
            for (LayerInfo l : layers) {
                Long measured = counted.entrySet().stream().filter(e -> e.getKey().startsWith(l.layer() + " ("))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                long est = byLayer.get(l.layer()).proving();
                if (l == layers.get(layers.size() - 1)) {
                    // the model's output is public: the prover evaluates it at its step's point (n - 1 products the
                    // per-layer estimate does not see, docs/estimates.md); on a small last layer that is over 2%
                    long n = Math.max(1, l.work().outputs());
                    est += (n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1) - 1;
                }
                if (measured == null) {
                    assertThat(est).as(name + " " + l.layer() + " has no op in the plan (an alias)").isZero();
                    continue;
                }
                System.out.printf(java.util.Locale.ROOT, "%s %s (%s): counted %d, estimated %d (%+.1f%%)%n", name,
                        l.layer(), l.op(), measured, est, 100.0 * (est - measured) / measured);
                soft.assertThat((double) est).as(name + " " + l.layer()).isCloseTo(measured, within(LAYER_TOLERANCE * measured));
                checked++;
            }
            long total = counted.values().stream().mapToLong(Long::longValue).sum();
            long est = Estimates.totals(Estimates.of(m, ep), 0, m.paramCount(), ep).gkrFieldMults();
            System.out.printf(java.util.Locale.ROOT, "%s: counted %d, estimated %d (%+.1f%%)%n", name, total, est,
                    100.0 * (est - total) / total);
            counted.forEach((k, v) -> System.out.println(name + " counted " + k + " " + v));
            soft.assertAll();
            assertThat(checked).as(name + " layers compared").isGreaterThanOrEqualTo(3);
            assertThat((double) est).as(name + " whole proof").isCloseTo(total, within(TOTAL_TOLERANCE * total));
        }));
    }

    /** The zoo's LeNet-5 (when generated: samples/zoo is git-ignored), whole proof within the same tolerance. */
    @org.junit.jupiter.api.Test
    void lenet5_wholeProofWithinTolerance() throws Exception {
        zoo(System.getProperty("scest.zoo", "lenet5"));
    }

    private static void zoo(String name) throws Exception {
        java.nio.file.Path f = java.nio.file.Path.of("../samples/zoo/" + name + ".onnx");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(f), "zoo not generated");
        dev.zkscope.ir.Graph g = new dev.zkscope.onnx.OnnxImporter().load(f, new dev.zkscope.onnx.ImportOptions(1));
        var samples = dev.zkscope.ir.InputFiles.calibrationSamples(g, f, null);
        var calib = samples.inputs().size() > 50 ? samples.inputs().subList(0, 50) : samples.inputs();
        dev.zkscope.api.Pipeline.Prepared p = dev.zkscope.api.Pipeline.prepare(name, g, calib,
                new dev.zkscope.api.Pipeline.Settings(dev.zkscope.quant.QuantOptions.defaults(),
                        dev.zkscope.compile.CompileOptions.defaults(), dev.zkscope.plonk.ProofParameters.byName("testing")),
                dev.zkscope.profile.PhaseListener.NONE);
        QModel m = p.compiled().model();
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(m, PcsParams.standard(), new Random(1));
        SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, dev.zkscope.api.Pipeline.quantizeInput(p, calib.get(0)),
                new Random(2));
        EstimateParams ep = new EstimateParams(false, 2, 2, 14, keys.plan.limbBits);
        long total = pr.layerMults().values().stream().mapToLong(Long::longValue).sum();
        long est = Estimates.totals(Estimates.of(m, ep), 0, m.paramCount(), ep).gkrFieldMults();
        Map<String, Estimates.Sumcheck> byLayer = Estimates.sumcheckByLayer(m, ep);
        List<LayerInfo> layers = Estimates.layers(m);
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (LayerInfo l : layers) {
            Long measured = pr.layerMults().entrySet().stream().filter(e -> e.getKey().startsWith(l.layer() + " ("))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            long e = byLayer.get(l.layer()).proving();
            if (l == layers.get(layers.size() - 1)) { // the public output evaluated at its point (see above)
                long n = Math.max(1, l.work().outputs());
                e += (n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1) - 1;
            }
            System.out.println(name + " " + l.layer() + " estimated " + e + " counted " + measured);
            if (measured != null) {
                soft.assertThat((double) e).as(name + " " + l.layer()).isCloseTo(measured, within(LAYER_TOLERANCE * measured));
            }
        }
        pr.layerMults().forEach((k, v) -> System.out.println(name + " counted " + k + " " + v));
        soft.assertAll();
        System.out.printf(java.util.Locale.ROOT, name + ": counted %d, estimated %d (%+.1f%%)%n", total, est,
                100.0 * (est - total) / total);
        assertThat((double) est).as(name + " whole proof").isCloseTo(total, within(TOTAL_TOLERANCE * total));
    }

    /** A second proof counted at the same time reports no counts rather than mixing them with the first's. */
    @org.junit.jupiter.api.Test
    void counter_isHeldByOneProofAtATime() throws Exception {
        FieldOps.Counter held = FieldOps.begin();
        try {
            SampleModels.Sample s = SampleModels.load("mlp");
            SumcheckBackend.Keys keys = SumcheckBackend.keygen(SampleModels.lowered(s), PcsParams.testing(), new Random(1));
            assertThat(SumcheckBackend.prove(keys, s.quantizedInput(0), new Random(2)).layerMults()).isEmpty();
        } finally {
            FieldOps.end(held);
        }
        FieldOps.Counter again = FieldOps.begin();
        assertThat(again).isNotNull();
        FieldOps.end(again);
    }
}
