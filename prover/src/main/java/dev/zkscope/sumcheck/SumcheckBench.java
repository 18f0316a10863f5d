package dev.zkscope.sumcheck;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.security.SecurityAnalysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures the two backends side by side on the same quantized model and input: prove time, verify time, proof size
 * and peak heap during proving (median of {@code runs} after one warm-up proof each). The Plonkish backend at preset
 * {@code plonkishPreset}, this backend at {@code sumcheckPreset}: pick the two presets of the same stated security.
 * Usage: {@code SumcheckBench RUNS PLONKISH_PRESET SUMCHECK_PRESET MODEL.onnx...}
 */
public final class SumcheckBench {
    private SumcheckBench() {}

    /** One backend's figures on one model. */
    public record Figures(String backend, double proveSeconds, double verifyMillis, long proofBytes, long peakHeap,
                          java.util.Map<String, Long> layerNanos, java.util.Map<String, Long> layerMults) {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        ProofParameters pp = ProofParameters.byName(args[1]);
        PcsParams sp = PcsParams.byName(args[2]);
        System.out.printf(Locale.ROOT, "plonkish %s (%d conjectured bits), sumcheck %s (%.0f conjectured, %.0f provable bits), "
                + "%d cores, median of %d runs%n", pp.name(), pp.conjecturedSecurityBits(), sp.name(), sp.conjecturedBits(),
                sp.provableBits(), Runtime.getRuntime().availableProcessors(), runs);
        System.out.println("| model | backend | prove s | verify ms | proof KiB | peak MiB |");
        System.out.println("|---|---|---|---|---|---|");
        for (int a = 3; a < args.length; a++) {
            Path f = Path.of(args[a]);
            Graph g = new OnnxImporter().load(f, new ImportOptions(1));
            var samples = dev.zkscope.ir.InputFiles.calibrationSamples(g, f, null);
            List<List<Tensor>> calib = samples.inputs().size() > 50 ? samples.inputs().subList(0, 50) : samples.inputs();
            Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(f), g, calib,
                    new Pipeline.Settings(QuantOptions.defaults(), CompileOptions.defaults(), pp), PhaseListener.NONE);
            List<Tensor> input = calib.get(0);
            String name = f.getFileName().toString().replaceFirst("\\.onnx$", "");
            print(name, measure(dev.zkscope.backend.Backends.byName("sumcheck", args[2]), p, input, runs));
            print(name, measure(dev.zkscope.backend.Backends.byName("plonkish", args[1]), p, input, runs));
        }
    }

    static void print(String name, Figures f) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.1f | %.1f | %.0f |%n", name, f.backend(), f.proveSeconds(),
                f.verifyMillis(), f.proofBytes() / 1024.0, f.peakHeap() / 1048576.0);
        System.out.flush();
    }

    /**
     * The sumcheck backend's figures on a prepared model as one line of {@code zkscope bench --backend sumcheck}; a
     * model it cannot prove gives the reason instead.
     */
    public static String line(Pipeline.Prepared p, List<Tensor> input, String preset, int runs) {
        dev.zkscope.backend.Backend b;
        try {
            b = dev.zkscope.backend.Backends.byName("sumcheck", preset);
        } catch (IllegalArgumentException e) {
            return "sumcheck: " + e.getMessage();
        }
        try {
            Figures f = measure(b, p, input, runs);
            return String.format(Locale.ROOT, "sumcheck %s: prove %.3f s, verify %.1f ms, peak %.0f MiB, proof %.1f KiB%n"
                    + "      sumcheck per layer (ms): %s%n"
                    + "      sumcheck per layer (F_p2 products counted / estimated): %s", b.security(), f.proveSeconds(),
                    f.verifyMillis(), f.peakHeap() / 1048576.0, f.proofBytes() / 1024.0, layers(f.layerNanos()),
                    countedVsEstimated(p, f.layerMults()));
        } catch (UnsupportedOperationException e) {
            return "sumcheck: " + e.getMessage();
        }
    }

    /** The Plonkish run a sumcheck line is compared with: median prove time and peak heap (absolute, bytes). */
    public record Against(double proveSeconds, long peakHeap) {}

    /**
     * The sumcheck backend's line of {@code zkscope bench} measured on its own: the model is calibrated and lowered
     * for this backend alone (the Plonkish circuit is never built here, and the caller has released its Plonkish
     * run), keys are made once, then one warm-up proof and the median of {@code runs}. The peak heap is reported
     * absolute and above {@code baseline}, the heap in use (after a full collection) before either backend prepared
     * anything for this model; with {@code against}, the speed-up and the heap ratio to the Plonkish run measured
     * above the same baseline. A model this backend cannot prove gives the reason instead.
     */
    public static String lineAlone(Graph g, List<List<Tensor>> calib, List<Tensor> input, Pipeline.Settings settings,
                                   String preset, boolean zk, int runs, long baseline, Against against) {
        PcsParams params;
        try {
            params = PcsParams.byName(preset).withZeroKnowledge(zk);
        } catch (IllegalArgumentException e) {
            return "sumcheck: " + e.getMessage();
        }
        Pipeline.Settings s = Pipeline.settingsFor(settings, calib);
        dev.zkscope.quant.Calibrator.Calibration cal = Pipeline.calibrate(g, calib, s, PhaseListener.NONE);
        dev.zkscope.compile.model.QModel qm = dev.zkscope.compile.ModelCompiler.lower(cal.graph(), s.compile());
        long[] q = Pipeline.quantizeInput(cal.graph(), s.compile().inputAbsMax(), input);
        Figures f;
        SumcheckSecurity sec;
        try {
            SumcheckBackend.Keys k = SumcheckBackend.keygen(qm, params, TensorPcs.defaultRandom());
            sec = SumcheckSecurity.of(k);
            f = measure(k, q, params, runs);
        } catch (UnsupportedOperationException e) {
            return "sumcheck: " + e.getMessage();
        }
        String vs = "";
        if (against != null) {
            long sc = Math.max(1, f.peakHeap() - baseline);
            long pl = Math.max(1, against.peakHeap() - baseline);
            vs = String.format(Locale.ROOT, "%n      against plonkish: speed-up %.1fx, heap ratio %.2f (peaks above the model's "
                    + "baseline of %.0f MiB: %.0f / %.0f MiB; absolute peaks %.2f)", against.proveSeconds() / f.proveSeconds(),
                    sc / (double) pl, baseline / 1048576.0, sc / 1048576.0, pl / 1048576.0,
                    f.peakHeap() / (double) against.peakHeap());
        }
        return String.format(Locale.ROOT, "sumcheck %s (proof: %s conjectured / %s provable bits, weakest term: %s; %s): "
                        + "prove %.3f s, verify %.1f ms, peak %.0f MiB (%+.0f above the model's baseline), proof %.1f KiB%s%n"
                        + "      sumcheck per layer (ms): %s%n"
                        + "      sumcheck per layer (F_p2 products counted / estimated): %s", params.name(),
                SecurityAnalysis.format(sec.conjecturedBits()), SecurityAnalysis.format(sec.provableBits()),
                sec.conjectured().weakest().name(),
                params.zk() ? "zero-knowledge, private input"
                        : "NOT zero-knowledge", f.proveSeconds(), f.verifyMillis(), f.peakHeap() / 1048576.0,
                (f.peakHeap() - baseline) / 1048576.0, f.proofBytes() / 1024.0, vs, layers(f.layerNanos()),
                countedVsEstimated(qm, f.layerMults()));
    }

    /** Median of {@code runs} measured proofs with keys already made, after one unreported proof. */
    static Figures measure(SumcheckBackend.Keys k, long[] q, PcsParams params, int runs) {
        dev.zkscope.backend.Backends.Sumcheck.run(k, q, params);
        List<dev.zkscope.backend.Backend.Run> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            dev.zkscope.backend.Backend.Run r = dev.zkscope.backend.Backends.Sumcheck.run(k, q, params);
            if (!r.accepted()) {
                throw new IllegalStateException("sumcheck proof did not verify: " + r.verdict());
            }
            rs.add(r);
        }
        rs.sort((x, y) -> Double.compare(x.proveSeconds(), y.proveSeconds()));
        dev.zkscope.backend.Backend.Run r = rs.get(rs.size() / 2);
        return new Figures("sumcheck", r.proveSeconds(), r.verifyMillis(), r.proofBytes(), r.peakHeap(), r.layerNanos(),
                r.layerMults());
    }

    /** Each layer's counted products beside the sumcheck estimate's (at this backend's range-table width). */
    static String countedVsEstimated(Pipeline.Prepared p, java.util.Map<String, Long> mults) {
        return countedVsEstimated(p.compiled().model(), mults);
    }

    static String countedVsEstimated(dev.zkscope.compile.model.QModel m, java.util.Map<String, Long> mults) {
        if (mults.isEmpty()) {
            return "not counted (another proof held the counter)";
        }
        dev.zkscope.compile.estimate.EstimateParams ep = new dev.zkscope.compile.estimate.EstimateParams(false, 2, 2, 14,
                Plan.chooseLimbBits(m, m.bounds()));
        java.util.Map<String, Long> est = new java.util.HashMap<>();
        dev.zkscope.compile.estimate.Estimates.sumcheckByLayer(m, ep).forEach((layer, sc) -> est.put(layer, sc.proving()));
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (java.util.Map.Entry<String, Long> e : mults.entrySet()) {
            total += e.getValue();
            int cut = e.getKey().lastIndexOf(" (");
            Long x = cut < 0 ? null : est.get(e.getKey().substring(0, cut));
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            if (x != null) {
                b.append(" / ").append(x);
            }
        }
        long whole = dev.zkscope.compile.estimate.Estimates.totals(dev.zkscope.compile.estimate.Estimates.of(m, ep), 0,
                m.paramCount(), ep).gkrFieldMults();
        return b.append(String.format(Locale.ROOT, "; whole proof %d / %d (%+.1f%%)", total, whole,
                total == 0 ? 0.0 : 100.0 * (whole - total) / total)).toString();
    }

    static String layers(java.util.Map<String, Long> nanos) {
        StringBuilder b = new StringBuilder();
        for (java.util.Map.Entry<String, Long> e : nanos.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6));
        }
        return b.toString();
    }

    /** Median of {@code runs} runs of the backend, after one unreported proof (which also makes the keys). */
    public static Figures measure(dev.zkscope.backend.Backend b, Pipeline.Prepared p, List<Tensor> input, int runs) {
        b.run(p, input);
        List<dev.zkscope.backend.Backend.Run> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            dev.zkscope.backend.Backend.Run r = b.run(p, input);
            if (!r.accepted()) {
                throw new IllegalStateException(b.name() + " proof did not verify: " + r.verdict());
            }
            rs.add(r);
        }
        rs.sort((x, y) -> Double.compare(x.proveSeconds(), y.proveSeconds()));
        dev.zkscope.backend.Backend.Run r = rs.get(rs.size() / 2);
        return new Figures(b.name(), r.proveSeconds(), r.verifyMillis(), r.proofBytes(), r.peakHeap(), r.layerNanos(),
                r.layerMults());
    }
}
