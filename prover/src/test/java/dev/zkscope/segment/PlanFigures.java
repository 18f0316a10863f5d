package dev.zkscope.segment;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.profile.PhaseListener;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints a model's segment plan with every segment counted exactly (its compiled ledger, no trace): the figures of
 * docs/segments.md. Not a test: run it with the test class path, {@code PlanFigures MODEL.onnx LOG_BUDGET...}.
 */
public final class PlanFigures {
    private PlanFigures() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Graph g = new OnnxImporter().load(model);
        InputFiles.Samples samples = InputFiles.calibrationSamples(g, model, null);
        SegmentSetup setup = SegmentSetup.of(model.getFileName().toString(), g, samples.inputs(),
                Pipeline.Settings.defaults(), PhaseListener.NONE);
        Segmenter.Measured m = Segmenter.measure(setup.model(), setup.settings().compile(), setup.settings().params(),
                PhaseListener.NONE);
        long layerRows = 0;
        for (Segmenter.Layer l : m.layers()) {
            layerRows += l.rows();
        }
        System.out.printf(Locale.ROOT, "%s: %d layers, %,d rows measured%n", model, m.layers().size(), layerRows);
        for (int a = 1; a < args.length; a++) {
            int k = Integer.parseInt(args[a]);
            SegmentPlan plan = Segmenter.plan(m, k);
            long used = 0;
            long link = 0;
            long padded = 0;
            for (int i = 0; i < plan.count(); i++) {
                CompiledModel cm = Segmenter.count(setup.model(), setup.model().bounds(), plan, i,
                        setup.settings().compile());
                long rows = cm.ledger().gadgetRows();
                long hash = 0;
                for (LayerCost l : cm.ledger().layers()) {
                    if (l.layer().startsWith("hash")) {
                        hash += l.rows();
                    }
                }
                int logN = cm.ledger().logN();
                used += rows;
                link += hash;
                padded += 1L << logN;
                System.out.printf(Locale.ROOT, "  2^%d %2d: 2^%d used %,7d hash %,7d adv %3d est %,7d  %s%n", k, i + 1,
                        logN, rows, hash, cm.ledger().numAdvice(), plan.segment(i).estimatedRows(),
                        plan.describe(i));
            }
            System.out.printf(Locale.ROOT, "2^%d: %d segments, padded %,d, used %,d, link %,d%n", k, plan.count(),
                    padded, used, link);
        }
    }
}
