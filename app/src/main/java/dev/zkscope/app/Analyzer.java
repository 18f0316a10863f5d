package dev.zkscope.app;

import dev.zkscope.cli.InputFileException;
import dev.zkscope.cli.InputFiles;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.quant.Calibrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the prover's pipeline past import for the open model: calibration and quantization (with the fidelity
 * report). Calibration inputs are the model's sibling {@code NAME.testset.json} (first 100 rows) or
 * {@code NAME.input.json}, else seeded synthetic inputs, as in the command line. Runs on any thread.
 */
public final class Analyzer {
    static final int MAX_CALIBRATION_INPUTS = 100;

    public Analysis analyze(ModelSession session, ModelSettings settings) {
        Graph g = session.graph();
        if (!g.unsupported().isEmpty()) {
            return new Analysis(session, settings, null, null, "", "The model has " + g.unsupported().size()
                    + " unsupported node(s) (marked in the layer table): it can be inspected but not quantized, "
                    + "compiled or proved.");
        }
        Samples samples = samples(session.file(), g);
        try {
            Calibrator.Calibration c = Calibrator.calibrate(g, samples.inputs(), settings.quantOptions());
            return new Analysis(session, settings, c.graph(), c.fidelity(), samples.source(), null);
        } catch (UnsupportedModelException | IllegalArgumentException e) {
            return new Analysis(session, settings, null, null, samples.source(), "Cannot quantize this model: "
                    + e.getMessage());
        }
    }

    record Samples(List<List<Tensor>> inputs, String source) {}

    static Samples samples(Path model, Graph g) {
        String file = model.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        for (String suffix : new String[] {".testset.json", ".input.json"}) {
            Path p = model.resolveSibling(stem + suffix);
            if (Files.isRegularFile(p)) {
                try {
                    List<List<Tensor>> s = InputFiles.readSamples(p, g);
                    return new Samples(s.size() > MAX_CALIBRATION_INPUTS ? s.subList(0, MAX_CALIBRATION_INPUTS) : s,
                            p.getFileName() + " (" + Math.min(s.size(), MAX_CALIBRATION_INPUTS) + " inputs)");
                } catch (InputFileException e) {
                    // A sibling file that does not fit this model (another batch size, say) is not used.
                }
            }
        }
        return new Samples(Calibrator.syntheticInputs(g, 32, 1), "32 synthetic uniform [0,1) inputs");
    }
}
