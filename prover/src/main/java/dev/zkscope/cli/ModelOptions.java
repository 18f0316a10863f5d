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

    @Option(names = "--dim", paramLabel = "NAME=VALUE",
            description = "value of a symbolic dimension of the inputs, by name (repeatable), e.g. --dim sequence=64")
    java.util.Map<String, String> dims = new java.util.LinkedHashMap<>();

    @Option(names = "--shape", paramLabel = "INPUT=D1,D2,...",
            description = "the whole shape of an input (repeatable), e.g. --shape pixel_values=1,3,48,192")
    java.util.Map<String, String> shapes = new java.util.LinkedHashMap<>();

    @Option(names = "--fix-input", paramLabel = "INPUT=V[,V...]",
            description = "fix an input to constant values (repeatable; one value fills it), so what depends only on "
                    + "it folds at import, e.g. --fix-input sr=16000 (an If on the sample rate); it is then no longer "
                    + "an input")
    java.util.Map<String, String> fixedInputs = new java.util.LinkedHashMap<>();

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "resources",
            description = "calibration target: resources (smaller scales and tables) or accuracy (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--input-scale", paramLabel = "S", description = "fix the input/activation scale 2^S instead of calibrating")
    Integer inputScale;

    @Option(names = "--param-scale", paramLabel = "S", description = "fix the parameter scale 2^S instead of calibrating")
    Integer paramScale;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "calibration inputs: EZKL input.json (one or many samples per input array), a test set "
                    + "{\"inputs\": [...]}, a NumPy .npy array of samples, or a directory of such files; default: "
                    + "MODEL's sibling NAME.testset.json or NAME.input.json, else 32 seeded uniform [0,1) inputs "
                    + "(reported as synthetic)")
    Path calibration;

    /** Imports the model; a batch outside [1, 65536] is a usage error. */
    public Graph load() throws ModelLoadException, InputFileException {
        if (batch < 1 || batch > 1 << 16) {
            throw new InputFileException("--batch must be in [1, 65536], got " + batch);
        }
        return new OnnxImporter().load(model, importOptions());
    }

    /** --batch, --dim and --shape, checked; a malformed value is a usage error naming the option. */
    ImportOptions importOptions() throws InputFileException {
        java.util.Map<String, Integer> d = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, String> e : dims.entrySet()) {
            d.put(e.getKey().strip(), parseDim("--dim " + e.getKey() + "=" + e.getValue(), e.getValue()));
        }
        java.util.Map<String, int[]> sh = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, String> e : shapes.entrySet()) {
            String[] parts = e.getValue().split("[,x]", -1);
            int[] v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = parseDim("--shape " + e.getKey() + "=" + e.getValue(), parts[i]);
            }
            sh.put(e.getKey().strip(), v);
        }
        java.util.Map<String, double[]> fx = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, String> e : fixedInputs.entrySet()) {
            String[] parts = e.getValue().split(",", -1);
            double[] v = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    v[i] = Double.parseDouble(parts[i].strip());
                } catch (NumberFormatException ex) {
                    throw new InputFileException("--fix-input " + e.getKey() + "=" + e.getValue() + ": '" + parts[i]
                            + "' is not a number (expected e.g. --fix-input sr=16000)");
                }
            }
            fx.put(e.getKey().strip(), v);
        }
        try {
            return new ImportOptions(batch, d, sh, fx);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(e.getMessage());
        }
    }

    private static int parseDim(String option, String v) throws InputFileException {
        try {
            int x = Integer.parseInt(v.strip());
            if (x < 1 || x > ImportOptions.MAX_DIM) {
                throw new InputFileException(option + ": every dimension must be in [1, 2^28], got " + x);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new InputFileException(option + ": '" + v + "' is not a whole number (expected e.g. --dim "
                    + "sequence=64 or --shape input=1,3,32,32)");
        }
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

    /** Says on {@code err} that the cost model is about to be calibrated, when none is cached for this machine. */
    static void noteCalibration(java.io.PrintWriter err) {
        if (dev.zkscope.predict.CostModel.cached() == null) {
            err.println("zkscope: calibrating the cost model on this machine "
                    + "(once, 2-4 minutes; cached in ~/.cache/zkscope)...");
        }
    }

    /**
     * This machine's cost model, calibrated now when none is cached ({@link #noteCalibration} says so first); its
     * caveat, if any, goes to {@code err}.
     */
    static dev.zkscope.predict.CostModel costModel(java.io.PrintWriter err) {
        noteCalibration(err);
        dev.zkscope.predict.CostModel cm = dev.zkscope.predict.CostModel.loadOrCalibrate();
        if (cm.caveat() != null) {
            err.println("zkscope: cost model " + cm.caveat());
        }
        return cm;
    }

    /**
     * Calibration progress on an interactive terminal: one line on {@code err}, rewritten in place ("calibrating:
     * 120/448 inferences"), ended when calibration ends. Silent when the output is not a terminal (scripts, tests),
     * so that errors stay one line.
     */
    static dev.zkscope.profile.PhaseListener progress(java.io.PrintWriter err) {
        if (System.console() == null) {
            return dev.zkscope.profile.PhaseListener.NONE;
        }
        return new dev.zkscope.profile.PhaseListener() {
            private long last;

            @Override public void phaseStarted(String phase) { }

            @Override public void phaseFinished(String phase, long nanos) { }

            @Override
            public void progress(String phase, long done, long total) {
                long now = System.nanoTime();
                if (done < total && now - last < 200_000_000L) {
                    return;
                }
                last = now;
                err.print("\r" + phase + ": " + done + "/" + total + " inferences" + (done == total ? "\n" : ""));
                err.flush();
            }
        };
    }

    /** The calibration samples: --calibration, else the model's sibling files, else synthetic inputs. */
    public InputFiles.Samples calibrationSamples(Graph g) throws InputFileException {
        return InputFiles.calibrationSamples(g, model, calibration);
    }
}
