package dev.zkscope.bench;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.QuantizedGraph;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A plain (non-JMH) timing of inference and calibration on whole models: float inference, quantized inference (at
 * fixed scales 2^8), and the calibration that inspect runs (scale search over -Dcalib=32 seeded synthetic inputs).
 * Median of -Dreps=3 after one warm-up run, wall and process CPU time (CPU counts both cores when the kernels run in
 * parallel; on a shared machine it is the figure other users cannot inflate).
 *
 * <pre>java -cp zkscope-bench.jar dev.zkscope.bench.KernelTiming MODEL.onnx...</pre>
 * It uses only APIs that predate the blocked kernels, so the same source runs against an older build
 * ({@code java -cp old/zkscope.jar KernelTiming.java MODEL}) for before/after figures.
 */
public final class KernelTiming {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        int reps = Integer.getInteger("reps", 3);
        int calib = Integer.getInteger("calib", 32);
        boolean skipCalib = Boolean.getBoolean("skipCalib");
        for (String a : args) {
            Graph g = new OnnxImporter().load(Path.of(a));
            List<Tensor> in = InputFiles.synthetic(g, 1, 7).get(0);
            FloatEvaluator fe = new FloatEvaluator(g);
            report(a, "float inference", reps, () -> fe.run(in));
            QuantizedGraph q = Calibrator.calibrate(g, List.of(in), new QuantOptions(
                    QuantOptions.defaults().target(), 8, 8, QuantOptions.defaults().rangeMargin())).graph();
            QuantizedEvaluator qe = new QuantizedEvaluator(q, QuantizedEvaluator.RangeMode.CLAMP);
            report(a, "quantized inference", reps, () -> qe.run(in));
            if (!skipCalib) {
                List<List<Tensor>> samples = InputFiles.synthetic(g, calib, 1);
                report(a, "calibration, " + calib + " inputs", Math.max(1, reps / 3),
                        () -> Calibrator.calibrate(g, samples, QuantOptions.defaults()));
            }
        }
    }

    private static void report(String model, String what, int reps, Runnable body) {
        body.run(); // warm-up
        long[] wall = new long[reps];
        long[] cpu = new long[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            body.run();
            wall[r] = System.nanoTime() - t0;
            cpu[r] = OS.getProcessCpuTime() - c0;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "%-40s %-28s wall %9.3f s  cpu %9.3f s  (median of %d; load %.1f)%n",
                Path.of(model).getFileName(), what, wall[reps / 2] / 1e9, cpu[reps / 2] / 1e9, reps,
                OS.getSystemLoadAverage());
    }
}
