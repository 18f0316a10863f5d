package dev.zkscope.segment;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.model.QModel;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.quant.Calibrator;

import java.util.List;

/**
 * A model made ready for segmented proving without ever laying the whole circuit out (which a large model cannot
 * afford): calibrated and quantized as {@link Pipeline#calibrate} does, its input domain widened to the calibration
 * inputs as {@link Pipeline#prepare} does, and lowered to the layer IR that {@link Segmenter} cuts.
 *
 * @param name        display name
 * @param calibration the quantized graph and its fidelity
 * @param settings    the settings, with the input domain the circuit accepts
 * @param model       the layer IR
 */
public record SegmentSetup(String name, Calibrator.Calibration calibration, Pipeline.Settings settings, QModel model) {

    public static SegmentSetup of(String name, Graph graph, List<List<Tensor>> calibrationInputs,
                                  Pipeline.Settings settings, PhaseListener listener) {
        Calibrator.Calibration cal = Pipeline.calibrate(graph, calibrationInputs, settings, listener);
        double domain = Math.max(settings.compile().inputAbsMax(), inputDomain(calibrationInputs));
        Pipeline.Settings s = domain == settings.compile().inputAbsMax() ? settings
                : settings.withCompile(settings.compile().withInputAbsMax(domain));
        QModel model = listener.timed("lower", () -> ModelCompiler.lower(cal.graph(), s.compile()));
        return new SegmentSetup(name, cal, s, model);
    }

    /** The smallest power of two at least every |x| of the inputs (0 when there are none), as the pipeline's. */
    static double inputDomain(List<List<Tensor>> inputs) {
        double max = 0;
        for (List<Tensor> in : inputs) {
            for (Tensor t : in) {
                for (double v : t.data()) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max == 0 ? 0 : Math.pow(2, Math.ceil(Math.log(max) / Math.log(2)));
    }

    /** The input quantized to the circuit's integers; outside the circuit's input domain is a BadInputException. */
    public long[] quantizeInput(List<Tensor> input) {
        return Pipeline.quantizeInput(calibration.graph(), settings.compile().inputAbsMax(), input);
    }

    /** The proving context of this model under its settings. */
    public SegmentProver.Context context() {
        return new SegmentProver.Context(name, settings.compile(), settings.params(),
                calibration.graph().outputScale());
    }
}
