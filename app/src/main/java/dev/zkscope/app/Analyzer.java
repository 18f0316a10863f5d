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

    private final Map<Key, SoftReference<Analysis>> kept = new LinkedHashMap<>(8, 0.75f, true);

    /** Compiles a calibrated model for the prover (the filled trace): {@link Pipeline#prepare}; replaced in tests. */
    interface Preparer {
        Pipeline.Prepared prepare(String name, Graph g, Calibrator.Calibration c,
                                  java.util.List<java.util.List<dev.zkscope.ir.Tensor>> inputs, Pipeline.Settings s,
                                  PhaseListener listener);
    }

    private final Preparer preparer;

    public Analyzer() {
        this(Pipeline::prepare);
    }

    Analyzer(Preparer preparer) {
        this.preparer = preparer;
    }

    /** What an analysis is kept by: the settings and the calibration set chosen (null: the model's own). */
    private record Key(ModelSettings settings, InputFiles.Samples calibration) {}
    private ModelSession keptSession;

    /** The analysis of the session under the settings: a kept one if this analyzer made it before, else a new one. */
    public Analysis analyze(ModelSession session, ModelSettings settings) {
        return analyze(session, settings, null);
    }

    /**
     * The analysis of the session under the settings, calibrated on {@code calibration} (null: the model's own test
     * set or input file beside it, else seeded synthetic inputs, as the command line).
     */
    public Analysis analyze(ModelSession session, ModelSettings settings, InputFiles.Samples calibration) {
        return analyze(session, settings, calibration, PhaseListener.NONE);
    }

    /** As {@link #analyze(ModelSession, ModelSettings, InputFiles.Samples)}, reporting phases and progress. */
    public Analysis analyze(ModelSession session, ModelSettings settings, InputFiles.Samples calibration,
                            PhaseListener listener) {
        Key key = new Key(settings, calibration);
        synchronized (kept) {
            if (keptSession == session) {
                SoftReference<Analysis> ref = kept.get(key);
                Analysis a = ref == null ? null : ref.get();
                if (a != null) {
                    return a;
                }
            }
        }
        Analysis a = compute(session, settings, calibration, listener);
        synchronized (kept) {
            if (keptSession != session) {
                kept.clear();
                keptSession = session;
            }
            kept.put(key, new SoftReference<>(a));
            Iterator<Map.Entry<Key, SoftReference<Analysis>>> it = kept.entrySet().iterator();
            while (kept.size() > KEPT && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        return a;
    }

    private Analysis compute(ModelSession session, ModelSettings settings, InputFiles.Samples chosen,
                             PhaseListener listener) {
        Graph g = session.graph();
        if (!g.unsupported().isEmpty()) {
            return new Analysis(session, settings, null, null, "", null, null, "The model has " + g.unsupported().size()
                    + " unsupported node(s) (marked in the layer table): it can be inspected but not quantized, "
                    + "compiled or proved.");
        }
        InputFiles.Samples samples = chosen != null ? chosen : samples(session.file(), g);
        String calibratedOn = describe(samples);
        Pipeline.Settings ps = settings.pipelineSettings();
        Calibrator.Calibration c;
        try {
            c = Pipeline.calibrate(g, samples.inputs(), ps, listener);
        } catch (UnsupportedModelException | IllegalArgumentException e) {
            return new Analysis(session, settings, null, null, calibratedOn, null, null, "Cannot quantize this model: "
                    + e.getMessage());
        }
        try {
            Pipeline.Prepared p = preparer.prepare(Pipeline.modelName(session.file()), g, c, samples.inputs(),
                    ps, listener);
            return new Analysis(session, settings, c.graph(), c.fidelity(), calibratedOn, p,
                    TraceMap.of(p.compiled()), null);
        } catch (dev.zkscope.predict.HeapPreflight.HeapLimitException e) {
            // The filled trace does not fit this heap: the ledger, table and charts come from the counting layout,
            // which places every gadget without storing the trace (exact: CountingModeTest); the heatmap and proving
            // need the trace and say so.
            try {
                dev.zkscope.compile.CompiledModel counted = Pipeline.count(c.graph(),
                        Pipeline.settingsFor(ps, samples.inputs()), listener);
                return new Analysis(session, settings, c.graph(), c.fidelity(), calibratedOn, null, null,
                        "Counted, not laid out: the circuit's trace (2^" + counted.ledger().logN() + " rows) does not "
                        + "fit this heap, so the cost ledger, the layer table and the charts are exact counts, but the "
                        + "circuit-layout heatmap and proving need more memory. " + e.getMessage(), counted);
            } catch (CompileException | UnsupportedModelException | IllegalArgumentException ce) {
                return new Analysis(session, settings, c.graph(), c.fidelity(), calibratedOn, null, null,
                        "Cannot compile this model with these settings: " + ce.getMessage());
            }
        } catch (CompileException | UnsupportedModelException | IllegalArgumentException e) {
            return new Analysis(session, settings, c.graph(), c.fidelity(), calibratedOn, null, null,
                    "Cannot compile this model with these settings: " + e.getMessage());
        }
    }

    /**
     * What fidelity figures were measured on, as shown beside them: "calibrated on 100 test inputs (mlp.testset.json)",
     * or, for synthetic inputs, a label that starts with "SYNTHETIC".
     */
    static String describe(InputFiles.Samples s) {
        int n = s.inputs().size();
        if (s.synthetic()) {
            return "SYNTHETIC: " + n + " random input" + (n == 1 ? "" : "s") + " in [0, 1), not the model's data ("
                    + s.source() + ")";
        }
        String what = s.source().endsWith(".testset.json") ? " test input" : " input";
        return "calibrated on " + n + what + (n == 1 ? "" : "s") + " (" + s.source() + ")";
    }

    /** Seeded synthetic calibration inputs, as the command line's fallback: 32 uniform [0, 1) inputs. */
    static InputFiles.Samples syntheticSamples(Graph g) {
        boolean ints = g.inputs().stream().anyMatch(Graph.Value::isInteger);
        return new InputFiles.Samples(InputFiles.synthetic(g, 32, 1), "32 seeded uniform [0,1) inputs"
                + (ints ? ", uniform valid indices for integer inputs" : ""), true);
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
