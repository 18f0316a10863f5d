package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CompileException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.viz.trace.TraceMap;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the prover's pipeline past import for the open model: calibration and quantization (with the fidelity
 * report), then compilation to a circuit with its cost ledger, through the prover's {@link Pipeline} (as the command
 * line), keeping the quantization when compilation fails. Calibration inputs are the model's sibling
 * {@code NAME.testset.json} (first 100 rows) or {@code NAME.input.json}, else seeded synthetic inputs, as in the
 * command line. Runs on any thread.
 *
 * <p>The last few analyses of the open model are kept, by their settings (softly: the collector may drop them before
 * running out of memory), so that switching a setting back returns the earlier analysis with the proving key its
 * proofs derived, instead of deriving it again. They are only ever returned for the same session and equal settings,
 * which determine the circuit and the proof parameters, so a kept key is never stale.
 */
public final class Analyzer {
    static final int MAX_CALIBRATION_INPUTS = 100;
    /** How many analyses of the open model are kept for reuse. */
    static final int KEPT = 4;

    private final Map<ModelSettings, SoftReference<Analysis>> kept = new LinkedHashMap<>(8, 0.75f, true);
    private ModelSession keptSession;

    /** The analysis of the session under the settings: a kept one if this analyzer made it before, else a new one. */
    public Analysis analyze(ModelSession session, ModelSettings settings) {
        synchronized (kept) {
            if (keptSession == session) {
                SoftReference<Analysis> ref = kept.get(settings);
                Analysis a = ref == null ? null : ref.get();
                if (a != null) {
                    return a;
                }
            }
        }
        Analysis a = compute(session, settings);
        synchronized (kept) {
            if (keptSession != session) {
                kept.clear();
                keptSession = session;
            }
            kept.put(settings, new SoftReference<>(a));
            Iterator<Map.Entry<ModelSettings, SoftReference<Analysis>>> it = kept.entrySet().iterator();
            while (kept.size() > KEPT && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        return a;
    }

    private Analysis compute(ModelSession session, ModelSettings settings) {
        Graph g = session.graph();
        if (!g.unsupported().isEmpty()) {
            return new Analysis(session, settings, null, null, "", null, null, "The model has " + g.unsupported().size()
                    + " unsupported node(s) (marked in the layer table): it can be inspected but not quantized, "
                    + "compiled or proved.");
        }
        InputFiles.Samples samples = samples(session.file(), g);
        Pipeline.Settings ps = settings.pipelineSettings();
        Calibrator.Calibration c;
        try {
            c = Pipeline.calibrate(g, samples.inputs(), ps, PhaseListener.NONE);
        } catch (UnsupportedModelException | IllegalArgumentException e) {
            return new Analysis(session, settings, null, null, samples.source(), null, null, "Cannot quantize this model: "
                    + e.getMessage());
        }
        try {
            Pipeline.Prepared p = Pipeline.prepare(Pipeline.modelName(session.file()), g, c, samples.inputs(),
                    ps, PhaseListener.NONE);
            return new Analysis(session, settings, c.graph(), c.fidelity(), samples.source(), p,
                    TraceMap.of(p.compiled()), null);
        } catch (CompileException | UnsupportedModelException | IllegalArgumentException e) {
            return new Analysis(session, settings, c.graph(), c.fidelity(), samples.source(), null, null,
                    "Cannot compile this model with these settings: " + e.getMessage());
        }
    }

    static InputFiles.Samples samples(Path model, Graph g) {
        try {
            return InputFiles.calibrationSamples(g, model, null);
        } catch (InputFileException e) {
            // Only an explicit file can fail; there is none here.
            throw new IllegalStateException(e);
        }
    }
}
