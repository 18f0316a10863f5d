package dev.zkscope.testing;

import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.segment.SegmentSetup;
import dev.zkscope.segment.Segmenter;
import java.nio.file.Path;

/**
 * A bundled sample (samples/NAME.onnx) calibrated on 8 of its generated samples, lowered and measured layer by layer
 * for the planner ({@link Segmenter#measure}) under the given proof parameters: what the planner's tests start from.
 */
public final class MeasuredSample {
    private MeasuredSample() {
    }

    public static Segmenter.Measured of(String name, ProofParameters params) throws Exception {
        Path model = Path.of("../samples/" + name + ".onnx");
        Graph g = new OnnxImporter().load(model);
        SegmentSetup setup = SegmentSetup.of(name, g, InputFiles.calibrationSamples(g, model, null).inputs()
                .subList(0, 8), Pipeline.Settings.defaults().withParams(params), PhaseListener.NONE);
        return Segmenter.measure(setup.model(), setup.settings().compile(), params, PhaseListener.NONE);
    }
}
