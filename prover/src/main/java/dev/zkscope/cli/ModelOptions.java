package dev.zkscope.cli;

import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;

import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.quant.QuantOptions;
import dev.zkscope.quant.Target;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model argument and the import and quantization options shared by the subcommands. */
public final class ModelOptions {
    @Parameters(index = "0", paramLabel = "MODEL", description = "ONNX model file")
    Path model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "value bound to symbolic batch dimensions (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "resources",
            description = "calibration target: resources (smaller scales and tables) or accuracy (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--input-scale", paramLabel = "S", description = "fix the input/activation scale 2^S instead of calibrating")
    Integer inputScale;

    @Option(names = "--param-scale", paramLabel = "S", description = "fix the parameter scale 2^S instead of calibrating")
    Integer paramScale;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "calibration inputs: EZKL input.json or a test set {\"inputs\": [...]}; default: MODEL's "
                    + "sibling NAME.testset.json or NAME.input.json, else 32 seeded uniform [0,1) inputs")
    Path calibration;

    /** Imports the model; a batch outside [1, 65536] is a usage error. */
    public Graph load() throws ModelLoadException, InputFileException {
        if (batch < 1 || batch > 1 << 16) {
            throw new InputFileException("--batch must be in [1, 65536], got " + batch);
        }
        return new OnnxImporter().load(model, new ImportOptions(batch));
    }

    public QuantOptions quantOptions() throws InputFileException {
        Target t;
        switch (target.toLowerCase(java.util.Locale.ROOT)) {
            case "resources": t = Target.RESOURCES; break;
            case "accuracy": t = Target.ACCURACY; break;
            default: throw new InputFileException("--target must be 'resources' or 'accuracy', got '" + target + "'");
        }
        try {
            return new QuantOptions(t, inputScale, paramScale != null ? paramScale : inputScale, 0.25);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(e.getMessage());
        }
    }

    /** The calibration samples: --calibration, else the model's sibling files, else synthetic inputs. */
    public InputFiles.Samples calibrationSamples(Graph g) throws InputFileException {
        return InputFiles.calibrationSamples(g, model, calibration);
    }
}
