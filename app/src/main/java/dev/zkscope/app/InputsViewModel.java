package dev.zkscope.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.api.Pipeline;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.quant.QuantizedEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The Inputs view's state: the open model's test inputs, the input Prove proves (a test input or a file), the
 * calibration set (the model's own, a file or directory, or synthetic), and, for the proved input, the float and the
 * quantized outputs of the current analysis with their error. Everything that reads files or runs the model runs on
 * the executor, never on the FX thread; a file that cannot be used leaves a message and changes nothing.
 */
public final class InputsViewModel {
    private static final Logger LOG = Logger.getLogger("zkscope");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row of the model's test set: its index from 0, its label when the test set has labels, the input. */
    public record TestInput(int index, Integer label, Tensor tensor) {
        /** How the input is named wherever it is shown: "test input #3 (label 7)". */
        public String name() {
            return "test input #" + index + (label == null ? "" : " (label " + label + ")");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * The float and the quantized (dequantized) outputs of one input, element by element, with the largest absolute
     * difference, the argmax of each (when the output has more than one value; else -1) and lookups clamped.
     */
    public record Comparison(String input, Tensor tensor, double[] floatOutput, double[] quantizedOutput,
                             double maxAbsError, int floatArgmax, int quantizedArgmax, long clampedLookups) {
        public boolean argmaxApplies() {
            return floatOutput.length > 1;
        }
    }

    /** The calibration sets offered. */
    public enum CalibrationKind { MODEL, FILE, SYNTHETIC }

    private final MainViewModel vm;
    private final ProveViewModel pvm;
    private final Executor executor;
    private final ObservableList<TestInput> testInputs = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper testSetNote = new ReadOnlyStringWrapper(this, "testSetNote", "");
    private final ReadOnlyObjectWrapper<Comparison> comparison = new ReadOnlyObjectWrapper<>(this, "comparison");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper calibratedOn = new ReadOnlyStringWrapper(this, "calibratedOn", "");
    private final ReadOnlyStringWrapper fidelity = new ReadOnlyStringWrapper(this, "fidelity", "");
    private ModelSession listed;
    private long listGeneration;
    private long compareGeneration;
    private long fileGeneration;

    public InputsViewModel(MainViewModel vm, ProveViewModel pvm, Executor executor) {
        this.vm = vm;
        this.pvm = pvm;
        this.executor = executor;
        vm.analysisProperty().addListener((o, a, b) -> analysisChanged(b));
        pvm.provedInputProperty().addListener((o, a, b) -> compare(vm.analysis()));
        analysisChanged(vm.analysis());
    }

    public ObservableList<TestInput> testInputs() {
        return testInputs;
    }

    /** Where the test inputs come from, or why there are none. */
    public ReadOnlyStringProperty testSetNoteProperty() {
        return testSetNote.getReadOnlyProperty();
    }

    /** The proved input's outputs under the current analysis; null until computed. */
    public ReadOnlyObjectProperty<Comparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    /** The calibration set chosen (null: the model's own). */
    public ReadOnlyObjectProperty<InputFiles.Samples> calibrationProperty() {
        return vm.calibrationProperty();
    }

    /** What went wrong with the last file chosen, or empty. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** What the fidelity figures were measured on; starts with "SYNTHETIC" when they were measured on random inputs. */
    public ReadOnlyStringProperty calibratedOnProperty() {
        return calibratedOn.getReadOnlyProperty();
    }

    /** The calibration set's fidelity figures (argmax agreement only when the output has more than one value). */
    public ReadOnlyStringProperty fidelityProperty() {
        return fidelity.getReadOnlyProperty();
    }

    private void analysisChanged(Analysis a) {
        if (a == null) {
            calibratedOn.set("");
            fidelity.set("");
            comparison.set(null);
            return;
        }
        calibratedOn.set(a.calibration());
        fidelity.set(a.fidelity() == null ? "no fidelity figures: " + a.problem() : describe(a.fidelity()));
        if (a.session() != listed) {
            listed = a.session();
            message.set("");
            listTestInputs(a.session());
        }
        compare(a);
    }

    static String describe(dev.zkscope.quant.FidelityReport f) {
        return String.format(java.util.Locale.ROOT, "over %d calibration input%s: max |quantized - float| %.4g, mean %.4g%s%s",
                f.inputs(), f.inputs() == 1 ? "" : "s", f.maxAbsError(), f.meanAbsError(),
                f.argmaxApplies() ? String.format(java.util.Locale.ROOT, ", same argmax as float on %.1f%%",
                        100 * f.argmaxAgreement()) : " (one output value: no argmax)",
                f.clampedLookups() > 0 ? ", " + f.clampedLookups() + " lookups clamped" : "");
    }

    /** The model's sibling NAME.testset.json, if any. */
    static Path testSetFile(Path model) {
        return model.resolveSibling(Pipeline.modelName(model) + ".testset.json");
    }

    private void listTestInputs(ModelSession s) {
        long gen = ++listGeneration;
        testInputs.clear();
        Path file = testSetFile(s.file());
        testSetNote.set("Reading " + file.getFileName() + "...");
        Task<List<TestInput>> t = new Task<>() {
            @Override
            protected List<TestInput> call() throws Exception {
                return readTestSet(file, s.graph());
            }
        };
        t.setOnSucceeded(e -> {
            if (gen == listGeneration) {
                testInputs.setAll(t.getValue());
                testSetNote.set(t.getValue().isEmpty() ? "No test set beside the model (" + file.getFileName()
                        + "): choose an input file." : t.getValue().size() + " test inputs from " + file.getFileName());
            }
        });
        t.setOnFailed(e -> {
            if (gen == listGeneration) {
                testSetNote.set("The test set " + file.getFileName() + " cannot be used: "
                        + t.getException().getMessage());
            }
        });
        executor.execute(t);
    }

    /** The rows of a test set with their labels (none when the file is absent). */
    static List<TestInput> readTestSet(Path file, Graph g) throws InputFileException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<List<Tensor>> rows = InputFiles.readSamples(file, g);
        JsonNode labels;
        try {
            labels = JSON.readTree(file.toFile()).get("labels");
        } catch (java.io.IOException e) {
            throw new InputFileException("test set " + file + " cannot be read: " + e.getMessage());
        }
        List<TestInput> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode l = labels != null && labels.isArray() && i < labels.size() ? labels.get(i) : null;
            out.add(new TestInput(i, l != null && l.canConvertToInt() ? l.asInt() : null, rows.get(i).get(0)));
        }
        return out;
    }

    /** Proves test input {@code k} from now on (and shows its outputs). */
    public void chooseTestInput(TestInput t) {
        message.set("");
        pvm.provedInputProperty().set(new ProveJob.Input(t.tensor(), t.name()));
    }

    /**
     * Proves the one input in {@code file} (EZKL's input JSON, or a .npy array holding one input) from now on; read
     * in the background; a file that does not fit leaves a message and the proved input as it was.
     */
    public Task<ProveJob.Input> chooseInputFile(Path file) {
        Analysis a = vm.analysis();
        if (a == null) {
            message.set("Open a model first.");
            return null;
        }
        long gen = ++fileGeneration;
        Graph g = a.session().graph();
        Task<ProveJob.Input> t = new Task<>() {
            @Override
            protected ProveJob.Input call() throws InputFileException {
                List<Tensor> one;
                if (isImage(file)) {
                    return new ProveJob.Input(fromImage(file, g), file.getFileName().toString()
                            + " (pixels scaled to [0, 1])");
                } else if (file.toString().endsWith(".npy")) {
                    List<List<Tensor>> rows = InputFiles.readCalibration(file, g);
                    if (rows.size() != 1) {
                        throw new InputFileException("input file " + file + " holds " + rows.size() + " inputs; "
                                + "choose a file with one input (or use it as the calibration set)");
                    }
                    one = rows.get(0);
                } else {
                    one = InputFiles.readInput(file, g);
                }
                if (one.size() != 1) {
                    throw new InputFileException("the model takes " + one.size() + " inputs; the app proves "
                            + "single-input models");
                }
                return new ProveJob.Input(one.get(0), file.getFileName().toString());
            }
        };
        t.setOnSucceeded(e -> {
            if (gen == fileGeneration && vm.analysis() != null && vm.analysis().session() == a.session()) {
                message.set("");
                pvm.provedInputProperty().set(t.getValue());
            }
        });
        t.setOnFailed(e -> {
            if (gen == fileGeneration) {
                message.set(problem(file, t.getException()));
            }
        });
        executor.execute(t);
        return t;
    }

    static boolean isImage(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp")
                || n.endsWith(".gif");
    }

    /**
     * An image file as the input of an image model (input shape H x W or C x H x W with C 1 or 3, after leading 1s):
     * resized to H x W by averaging the pixels each input pixel covers (nearest pixel when enlarging), grey (the mean
     * of red, green and blue) for one channel, each channel scaled from 0..255 to [0, 1].
     */
    static Tensor fromImage(Path file, Graph g) throws InputFileException {
        if (g.inputs().size() != 1) {
            throw new InputFileException("the model takes " + g.inputs().size() + " inputs; an image is one");
        }
        Graph.Value v = g.inputs().get(0);
        int[] s = v.shape();
        int from = 0;
        while (from < s.length && s[from] == 1 && s.length - from > 2) {
            from++;
        }
        int rank = s.length - from;
        int c = rank == 2 ? 1 : rank == 3 ? s[from] : -1;
        if (v.isInteger() || (c != 1 && c != 3) || s[s.length - 1] < 2 || s[s.length - 2] < 2) {
            throw new InputFileException("the model's input '" + v.name() + "' has shape " + Tensor.shapeString(s)
                    + ", not an image (H x W, or C x H x W with 1 or 3 channels); choose an EZKL JSON or .npy file");
        }
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        java.awt.image.BufferedImage img;
        try {
            img = javax.imageio.ImageIO.read(file.toFile());
        } catch (java.io.IOException e) {
            throw new InputFileException("image " + file + " cannot be read: " + e.getMessage());
        }
        if (img == null) {
            throw new InputFileException("image " + file + " is not in a format this Java can read (PNG, JPEG, BMP, "
                    + "GIF)");
        }
        double[] d = new double[c * h * w];
        int iw = img.getWidth();
        int ih = img.getHeight();
        for (int y = 0; y < h; y++) {
            int y0 = y * ih / h;
            int y1 = Math.max(y0 + 1, (y + 1) * ih / h);
            for (int x = 0; x < w; x++) {
                int x0 = x * iw / w;
                int x1 = Math.max(x0 + 1, (x + 1) * iw / w);
                double[] sum = new double[3];
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        int rgb = img.getRGB(xx, yy);
                        sum[0] += (rgb >> 16) & 0xff;
                        sum[1] += (rgb >> 8) & 0xff;
                        sum[2] += rgb & 0xff;
                    }
                }
                double n = (double) (y1 - y0) * (x1 - x0) * 255;
                if (c == 1) {
                    d[y * w + x] = (sum[0] + sum[1] + sum[2]) / 3 / n;
                } else {
                    for (int ch = 0; ch < 3; ch++) {
                        d[(ch * h + y) * w + x] = sum[ch] / n;
                    }
                }
            }
        }
        return Tensor.of(s, d, v.dtype());
    }

    private static String problem(Path file, Throwable t) {
        if (t instanceof InputFileException) {
            return "Cannot use " + file.getFileName() + ": " + t.getMessage();
        }
        LOG.log(Level.WARNING, "reading " + file + " failed", t);
        return "Cannot use " + file.getFileName() + ": " + (t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getMessage());
    }

    /**
     * Calibrates on the model's own test set (MODEL), on a file or directory (FILE: EZKL JSON, a test set, .npy, or a
     * directory of them) or on seeded synthetic inputs (SYNTHETIC); the model is re-analysed in the background.
     */
    public Task<InputFiles.Samples> chooseCalibration(CalibrationKind kind, Path file) {
        Analysis a = vm.analysis();
        if (a == null) {
            message.set("Open a model first.");
            return null;
        }
        long gen = ++fileGeneration;
        Graph g = a.session().graph();
        Task<InputFiles.Samples> t = new Task<>() {
            @Override
            protected InputFiles.Samples call() throws InputFileException {
                switch (kind) {
                    case SYNTHETIC:
                        return Analyzer.syntheticSamples(g);
                    case FILE:
                        List<List<Tensor>> rows = InputFiles.readCalibration(file, g);
                        return new InputFiles.Samples(rows, file.getFileName().toString());
                    default:
                        return null;
                }
            }
        };
        t.setOnSucceeded(e -> {
            if (gen == fileGeneration && vm.analysis() != null && vm.analysis().session() == a.session()) {
                message.set("");
                vm.useCalibration(t.getValue());
            }
        });
        t.setOnFailed(e -> {
            if (gen == fileGeneration) {
                message.set(problem(file, t.getException()));
            }
        });
        executor.execute(t);
        return t;
    }

    /** The input Prove proves for this analysis: the chosen one, else the model's default. */
    private void compare(Analysis a) {
        long gen = ++compareGeneration;
        if (a == null || a.quantized() == null) {
            comparison.set(null);
            return;
        }
        ProveJob.Input chosen = pvm.provedInputProperty().get();
        Task<Comparison> t = new Task<>() {
            @Override
            protected Comparison call() {
                ProveJob.Input in = chosen != null ? chosen : ProveJob.input(a.session().file(), a.session().graph());
                return compareOutputs(a, in);
            }
        };
        t.setOnSucceeded(e -> {
            if (gen == compareGeneration) {
                comparison.set(t.getValue());
            }
        });
        t.setOnFailed(e -> {
            if (gen == compareGeneration) {
                comparison.set(null);
                message.set("Cannot run the model on this input: " + t.getException().getMessage());
            }
        });
        executor.execute(t);
    }

    /** Runs the float graph and the quantized graph of the analysis on one input. */
    static Comparison compareOutputs(Analysis a, ProveJob.Input in) {
        List<Tensor> input = List.of(in.tensor());
        Tensor f = new FloatEvaluator(a.session().graph()).run(input).get(0);
        QuantizedEvaluator.Result r = new QuantizedEvaluator(a.quantized(), QuantizedEvaluator.RangeMode.CLAMP)
                .run(input);
        Tensor q = r.dequantizedOutputs().get(0);
        double max = 0;
        for (int i = 0; i < f.size(); i++) {
            max = Math.max(max, Math.abs(f.get(i) - q.get(i)));
        }
        boolean argmax = f.size() > 1;
        return new Comparison(in.source(), in.tensor(), f.data().clone(), q.data().clone(), max,
                argmax ? argmax(f.data()) : -1, argmax ? argmax(q.data()) : -1, r.clampedLookups());
    }

    static int argmax(double[] d) {
        int best = 0;
        for (int i = 1; i < d.length; i++) {
            if (d[i] > d[best]) {
                best = i;
            }
        }
        return best;
    }
}
