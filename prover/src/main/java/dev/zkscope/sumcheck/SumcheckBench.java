package dev.zkscope.sumcheck;

import dev.zkscope.api.Pipeline;
import dev.zkscope.api.ProveRun;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.predict.CostModel;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.QuantOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

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
                          long heapAboveBaseline) {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        ProofParameters pp = ProofParameters.byName(args[1]);
        PcsParams sp = PcsParams.byName(args[2]);
        System.out.printf(Locale.ROOT, "plonkish %s (%d conjectured bits), sumcheck %s (%.0f conjectured, %.0f provable bits), "
                + "%d cores, median of %d runs%n", pp.name(), pp.conjecturedSecurityBits(), sp.name(), sp.conjecturedBits(),
                sp.provableBits(), Runtime.getRuntime().availableProcessors(), runs);
        System.out.println("| model | backend | prove s | verify ms | proof KiB | peak MiB | +heap MiB |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int a = 3; a < args.length; a++) {
            Path f = Path.of(args[a]);
            Graph g = new OnnxImporter().load(f, new ImportOptions(1));
            var samples = dev.zkscope.ir.InputFiles.calibrationSamples(g, f, null);
            List<List<Tensor>> calib = samples.inputs().size() > 50 ? samples.inputs().subList(0, 50) : samples.inputs();
            Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(f), g, calib,
                    new Pipeline.Settings(QuantOptions.defaults(), CompileOptions.defaults(), pp), PhaseListener.NONE);
            List<Tensor> input = calib.get(0);
            String name = f.getFileName().toString().replaceFirst("\\.onnx$", "");
            print(name, sumcheck(p, input, sp, runs));
            print(name, plonkish(p, input, runs));
        }
    }

    static void print(String name, Figures f) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.1f | %.1f | %.0f | %.0f |%n", name, f.backend(), f.proveSeconds(),
                f.verifyMillis(), f.proofBytes() / 1024.0, f.peakHeap() / 1048576.0, f.heapAboveBaseline() / 1048576.0);
        System.out.flush();
    }

    public static Figures plonkish(Pipeline.Prepared p, List<Tensor> input, int runs) {
        Pipeline.prove(p, input, PhaseListener.NONE, null, null);
        List<ProveRun> rs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ProveRun r = Pipeline.prove(p, input, PhaseListener.NONE, null, null);
            if (!r.verdict().accepted()) {
                throw new IllegalStateException("plonkish proof did not verify: " + r.verdict());
            }
            rs.add(r);
        }
        rs.sort((x, y) -> Long.compare(x.proveNanos(), y.proveNanos()));
        ProveRun r = rs.get(rs.size() / 2);
        return new Figures("plonkish", r.proveSeconds(), r.verifyNanos() / 1e6, r.proof().length, r.peakHeap(),
                r.heapAboveBaseline());
    }

    public static Figures sumcheck(Pipeline.Prepared p, List<Tensor> input, PcsParams params, int runs) throws Exception {
        long[] q = Pipeline.quantizeInput(p, input);
        SumcheckBackend.Keys keys = SumcheckBackend.keygen(p.compiled().model(), params, TensorPcs.defaultRandom());
        SumcheckBackend.prove(keys, q, TensorPcs.defaultRandom());
        List<Figures> fs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            HeapSampler heap = new HeapSampler(5);
            heap.start();
            long baseline = CostModel.usedAfterGc();
            heap.restartPeak();
            long t0 = System.nanoTime();
            SumcheckBackend.Proved pr = SumcheckBackend.prove(keys, q, TensorPcs.defaultRandom());
            long t1 = System.nanoTime();
            long peak = heap.peakNow();
            heap.stop();
            SumcheckBackend.verify(keys, q, pr.output(), pr.proof());
            long t2 = System.nanoTime();
            fs.add(new Figures("sumcheck", (t1 - t0) / 1e9, (t2 - t1) / 1e6, pr.proof().length, peak,
                    Math.max(0, peak - baseline)));
        }
        fs.sort((x, y) -> Double.compare(x.proveSeconds(), y.proveSeconds()));
        return fs.get(fs.size() / 2);
    }
}
