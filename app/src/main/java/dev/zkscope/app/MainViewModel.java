package dev.zkscope.app;

import dev.zkscope.onnx.ModelLoadException;
import java.nio.file.Path;
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
                return analyzer.analyze(s, with, cal);
            }
        };
        analyzing.set(true);
        status.set("Quantizing and compiling " + s.displayName() + "...");
        task.setOnSucceeded(e -> {
            if (gen != analysisGeneration) {
                return;
            }
            analyzing.set(false);
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
            Throwable t = task.getException();
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
        Task<ModelSession> task = new Task<>() {
            @Override
            protected ModelSession call() throws Exception {
                return loader.load(file, batch);
            }
        };
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
