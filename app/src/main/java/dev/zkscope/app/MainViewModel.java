package dev.zkscope.app;

import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.InputSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * The window's state: the open model, whether something loads, the status line and the recent files. Opening a
 * model runs in the background; a file that fails to load is reported and the model that was open stays open.
 */
public final class MainViewModel {
    private static final Logger LOG = Logger.getLogger("zkscope");

    private final ModelLoader loader;
    private final Analyzer analyzer = new Analyzer();
    private final Executor executor;
    private final Notifier notifier;
    private final RecentFiles recentFiles;
    private final ReadOnlyObjectWrapper<ModelSession> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Ready");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    /**
     * One read-only view of {@link #recent}, kept: a fresh wrapper per call is held only weakly by the list it wraps,
     * so a listener added to it stopped hearing of opens after the next garbage collection (Open Recent stayed as it
     * was, disabled when it started empty).
     */
    private final ObservableList<Path> recentView = FXCollections.unmodifiableObservableList(recent);
    private final ReadOnlyObjectWrapper<ModelSettings> settings =
            new ReadOnlyObjectWrapper<>(this, "settings", ModelSettings.defaults());
    private final ReadOnlyObjectWrapper<Analysis> analysis = new ReadOnlyObjectWrapper<>(this, "analysis");
    private final ReadOnlyBooleanWrapper analyzing = new ReadOnlyBooleanWrapper(this, "analyzing");
    /** The calibration set chosen in the Inputs view, or null: the model's own (see {@link Analyzer}). */
    private final ReadOnlyObjectWrapper<dev.zkscope.ir.InputFiles.Samples> calibration =
            new ReadOnlyObjectWrapper<>(this, "calibration");
    private long generation;
    private long analysisGeneration;
    /** Fraction done of the running load or analysis, or -1 (indeterminate); 0 when idle. */
    private final javafx.beans.property.ReadOnlyDoubleWrapper progress =
            new javafx.beans.property.ReadOnlyDoubleWrapper(this, "progress");
    private Task<?> loadTask;
    private Task<?> analysisTask;
    /** The symbolic dimensions the user set, per model file. */
    private final Map<Path, Map<String, Integer>> chosenDims = new java.util.concurrent.ConcurrentHashMap<>();
    private DimensionAsker asker;

    /** Asks the user for symbolic dimensions (on the JavaFX thread); empty when they cancel. */
    public interface DimensionAsker {
        Optional<Map<String, Integer>> ask(String model, List<SymbolicDims.Dim> dims);
    }

    /** Who asks for symbolic dimensions; without one, a model with them is refused with the importer's message. */
    public void setDimensionAsker(DimensionAsker a) {
        this.asker = a;
    }

    public javafx.beans.property.ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The symbolic dimensions set for this file (empty: none). */
    public Map<String, Integer> dimensionsOf(Path file) {
        return chosenDims.getOrDefault(file.toAbsolutePath().normalize(), Map.of());
    }

    /**
     * Stops opening or analysing a model: the background work is interrupted (calibration stops between inputs)
     * and the model that was shown stays.
     */
    public void cancelLoading() {
        boolean any = false;
        if (loadTask != null && !loadTask.isDone()) {
            generation++;
            loadTask.cancel(true);
            loading.set(false);
            any = true;
        }
        if (analysisTask != null && !analysisTask.isDone()) {
            analysisGeneration++;
            analysisTask.cancel(true);
            analyzing.set(false);
            any = true;
        }
        if (any) {
            progress.unbind();
            progress.set(0);
            ModelSession s = session.get();
            status.set("Cancelled" + (s == null ? "" : "; showing " + s.displayName()
                    + (analysis.get() != null && analysis.get().session() == s ? "" : " (not compiled: Settings, "
                    + "then Apply, compiles it again)")));
        }
    }

    /**
     * Lets the user set the open model's symbolic dimensions again (all of them, batch ones included) and reopens
     * it with the values chosen.
     */
    public void editDimensions() {
        ModelSession s = session.get();
        if (s == null || asker == null) {
            return;
        }
        try {
            List<SymbolicDims.Dim> dims = withChosen(SymbolicDims.of(InputSignature.read(s.file()), s.file(),
                    settings.get().batch()), dimensionsOf(s.file()));
            if (dims.isEmpty()) {
                notifier.error("No symbolic dimensions", s.displayName() + " declares every input dimension: there "
                        + "is nothing to set.");
                return;
            }
            asker.ask(s.displayName(), dims).ifPresent(v -> {
                chosenDims.put(s.file(), v);
                open(s.file());
            });
        } catch (ModelLoadException e) {
            notifier.error("Cannot read " + s.displayName(), e.getMessage());
        }
    }

    private static List<SymbolicDims.Dim> withChosen(List<SymbolicDims.Dim> dims, Map<String, Integer> chosen) {
        List<SymbolicDims.Dim> out = new ArrayList<>();
        for (SymbolicDims.Dim d : dims) {
            Integer v = chosen.get(d.name());
            out.add(v == null ? d : new SymbolicDims.Dim(d.name(), d.where(), v, "set before", d.batch()));
        }
        return out;
    }

    public MainViewModel(ModelLoader loader, Executor executor, Notifier notifier, RecentFiles recentFiles) {
        this.loader = loader;
        this.executor = executor;
        this.notifier = notifier;
        this.recentFiles = recentFiles;
        recent.setAll(recentFiles.list());
    }

    public ReadOnlyObjectProperty<ModelSession> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    public ModelSession session() {
        return session.get();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ObservableList<Path> recent() {
        return recentView;
    }

    public ReadOnlyObjectProperty<ModelSettings> settingsProperty() {
        return settings.getReadOnlyProperty();
    }

    public ModelSettings settings() {
        return settings.get();
    }

    /** The analysis of the open model under the current settings; null until the first one is ready. */
    public ReadOnlyObjectProperty<Analysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    public Analysis analysis() {
        return analysis.get();
    }

    public ReadOnlyBooleanProperty analyzingProperty() {
        return analyzing.getReadOnlyProperty();
    }

    /**
     * Applies new settings: a new batch size re-imports the model, anything else re-runs the analysis. Either way in
     * the background, and the previous results stay visible until the new ones are ready.
     */
    public void applySettings(ModelSettings next) {
        ModelSettings prev = settings.get();
        if (next.equals(prev)) {
            return;
        }
        settings.set(next);
        ModelSession s = session.get();
        if (s == null) {
            return;
        }
        if (next.batch() != prev.batch()) {
            open(s.file());
        } else {
            analyze(s);
        }
    }

    public ReadOnlyObjectProperty<dev.zkscope.ir.InputFiles.Samples> calibrationProperty() {
        return calibration.getReadOnlyProperty();
    }

    /**
     * Calibrates the open model on {@code samples} (null: the model's own test set, else synthetic inputs) and
     * re-analyses it in the background; the task is for tests (null when no model is open or nothing changed).
     */
    public Task<Analysis> useCalibration(dev.zkscope.ir.InputFiles.Samples samples) {
        if (samples == calibration.get()) {
            return null;
        }
        calibration.set(samples);
        ModelSession s = session.get();
        return s == null ? null : analyze(s);
    }

    /** Re-runs the analysis of the open model with the current settings; the task is for tests. */
    public Task<Analysis> analyze(ModelSession s) {
        long gen = ++analysisGeneration;
        ModelSettings with = settings.get();
        dev.zkscope.ir.InputFiles.Samples cal = calibration.get();
        Task<Analysis> task = new Task<>() {
            @Override
            protected Analysis call() {
                return analyzer.analyze(s, with, cal, new dev.zkscope.profile.PhaseListener() {
                    @Override
                    public void phaseStarted(String phase) {
                        updateMessage(phase);
                        updateProgress(-1, 1);
                    }

                    @Override
                    public void phaseFinished(String phase, long nanos) {
                    }

                    @Override
                    public void progress(String phase, long done, long total) {
                        updateMessage(phase + " " + done + " of " + total);
                        updateProgress(done, Math.max(done, total));
                    }
                });
            }
        };
        analysisTask = task;
        analyzing.set(true);
        status.set("Quantizing and compiling " + s.displayName() + "...");
        progress.bind(task.progressProperty());
        task.messageProperty().addListener((o, a, m) -> {
            if (gen == analysisGeneration && m != null && !m.isEmpty()) {
                status.set("Quantizing and compiling " + s.displayName() + ": " + m + "  (Cancel stops)");
            }
        });
        task.setOnSucceeded(e -> {
            if (gen != analysisGeneration) {
                return;
            }
            analyzing.set(false);
            progress.unbind();
            progress.set(0);
            Analysis a = task.getValue();
            analysis.set(a);
            status.set(a.problem() != null ? s.displayName() + ": " + a.problem()
                    : s.displayName() + ": quantized at input scale 2^" + a.quantized().inputScale()
                    + ", parameter scale 2^" + a.quantized().paramScale());
        });
        task.setOnFailed(e -> {
            if (gen != analysisGeneration) {
                return;
            }
            analyzing.set(false);
            progress.unbind();
            progress.set(0);
            Throwable t = task.getException();
            if (t instanceof java.util.concurrent.CancellationException) {
                status.set("Analysis of " + s.displayName() + " cancelled");
                return;
            }
            LOG.log(Level.WARNING, "analysis of " + s.file() + " failed", t);
            status.set("Analysis of " + s.displayName() + " failed");
            notifier.error("Cannot analyse " + s.displayName(), String.valueOf(t.getMessage())
                    + "\n\nTry other settings (Settings tab); the model stays open.");
        });
        executor.execute(task);
        return task;
    }

    /** Opens a model in the background; the returned task is for tests and the status bar. */
    public Task<ModelSession> open(Path file) {
        long gen = ++generation;
        int batch = settings.get().batch();
        Path key = file.toAbsolutePath().normalize();
        Map<String, Integer> given = chosenDims.get(key);
        DimensionAsker ask = asker;
        Task<ModelSession> task = new Task<>() {
            @Override
            protected ModelSession call() throws Exception {
                Map<String, Integer> dims = given;
                if (dims == null && ask != null && java.nio.file.Files.isRegularFile(file)) {
                    InputSignature sig;
                    try {
                        sig = InputSignature.read(file);
                    } catch (ModelLoadException e) {
                        sig = null; // the import below says what is wrong with the file
                    }
                    List<SymbolicDims.Dim> symbolic = sig == null ? List.of() : SymbolicDims.of(sig, file, batch);
                    if (SymbolicDims.needsUser(symbolic)) {
                        updateMessage("waiting for the input dimensions");
                        java.util.concurrent.CompletableFuture<Optional<Map<String, Integer>>> answer =
                                new java.util.concurrent.CompletableFuture<>();
                        javafx.application.Platform.runLater(() -> {
                            try {
                                answer.complete(ask.ask(file.getFileName().toString(), symbolic));
                            } catch (RuntimeException e) {
                                answer.completeExceptionally(e);
                            }
                        });
                        Optional<Map<String, Integer>> chosen = answer.get();
                        if (chosen.isEmpty()) {
                            throw new java.util.concurrent.CancellationException("no input dimensions given");
                        }
                        dims = chosen.get();
                    }
                }
                updateMessage("importing");
                ModelSession s = loader.load(file, new ImportOptions(batch, dims == null ? Map.of() : dims, Map.of()));
                if (dims != null) {
                    chosenDims.put(key, Map.copyOf(dims));
                }
                return s;
            }
        };
        loadTask = task;
        loading.set(true);
        status.set("Opening " + file.getFileName() + "...");
        task.setOnSucceeded(e -> {
            if (gen != generation) {
                return;
            }
            loading.set(false);
            ModelSession s = task.getValue();
            if (session.get() == null || !session.get().file().equals(s.file())) {
                analysis.set(null);
            }
            if (session.get() != null && calibration.get() != null) {
                calibration.set(null); // another model, or another batch size: the chosen set no longer fits
            }
            session.set(s);
            recentFiles.add(s.file());
            recent.setAll(recentFiles.list());
            status.set("Opened " + s.file() + ": " + s.graph().nodes().size() + " layers");
            LOG.info("opened " + s.file());
            analyze(s);
        });
        task.setOnFailed(e -> {
            if (gen != generation) {
                return;
            }
            loading.set(false);
            Throwable t = task.getException();
            if (t instanceof java.util.concurrent.CancellationException) {
                ModelSession kept0 = session.get();
                status.set("Did not open " + file.getFileName() + " (" + t.getMessage() + ")"
                        + (kept0 == null ? "" : "; still showing " + kept0.displayName()));
                return;
            }
            String msg = t instanceof ModelLoadException ? t.getMessage()
                    : "cannot open " + file + ": " + t;
            LOG.log(Level.WARNING, msg, t instanceof ModelLoadException ? null : t);
            ModelSession kept = session.get();
            status.set("Could not open " + file.getFileName()
                    + (kept == null ? "" : "; still showing " + kept.displayName()));
            notifier.error("Cannot open " + file.getFileName(), msg + "\n\nCheck that the file is an ONNX model "
                    + "exported with static shapes (see the Samples menu for working examples)."
                    + (kept == null ? "" : " The model that was open (" + kept.displayName() + ") stays open."));
        });
        executor.execute(task);
        return task;
    }
}
