package dev.zkscope.cli;

import dev.zkscope.predict.CostModel;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code zkscope calibrate [--force]}: shows the cost model cached for this machine and JVM (when, where, how busy
 * the machine was), or measures it when there is none, it expired, or {@code --force} asks for a fresh one.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate the cost model that predicts proof time and memory on this machine (or show the cached one).")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--force", description = "recalibrate even when a valid cached model exists (run on an idle machine)")
    boolean force;

    @Option(names = "--quick", hidden = true, description = "tests only: three small calibration proofs, rough")
    boolean quick;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CostModel cached = CostModel.cached();
        if (cached != null && !force) {
            o.println("cost model " + cached.origin());
            describe(o, cached);
            o.println("valid until " + cached.calibratedAt().plus(CostModel.MAX_AGE).toString().substring(0, 10)
                    + "; `zkscope calibrate --force` measures it again");
            return Main.OK;
        }
        err.println("zkscope: " + (cached == null ? "no valid cost model cached for this machine" : "--force")
                + ": calibrating (" + (quick ? CostModel.Plan.QUICK_FOR_TESTS : CostModel.Plan.STANDARD).configs().length
                + " circuits; keep the machine otherwise idle)...");
        err.flush();
        long t0 = System.nanoTime();
        CostModel m = quick ? CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS) : CostModel.calibrate();
        CostModel.save(m);
        o.printf(Locale.ROOT, "cost model %s in %.1f s, saved to %s%n", m.origin(), (System.nanoTime() - t0) / 1e9,
                CostModel.cacheFile());
        describe(o, m);
        return Main.OK;
    }

    private static void describe(PrintWriter o, CostModel m) {
        long days = Duration.between(m.calibratedAt(), Instant.now()).toDays();
        o.printf(Locale.ROOT, "calibrated %s (%d day%s ago), system load %s%n", m.calibratedAt(), days,
                days == 1 ? "" : "s", Double.isNaN(m.loadDuringCalibration()) ? "not reported"
                        : String.format(Locale.ROOT, "%.1f on %d cores", m.loadDuringCalibration(),
                        Runtime.getRuntime().availableProcessors()));
        double[] band = CostModel.bandFactors(m.timeSpread());
        if (band != null) {
            o.printf(Locale.ROOT, "this machine repeats one proof within x%.2f .. x%.2f of its typical time (two "
                    + "standard deviations of the calibration's repeats, %.3f in log time): no prediction of one proof "
                    + "can be closer%n", band[0], band[1], m.timeSpread());
        }
        if (m.caveat() != null) {
            o.println("warning: " + m.caveat());
        }
    }
}
