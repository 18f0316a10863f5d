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
    private final Executor executor;
    private final Notifier notifier;
    private final RecentFiles recentFiles;
    private final ReadOnlyObjectWrapper<ModelSession> session = new ReadOnlyObjectWrapper<>(this, "session");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Ready");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private long generation;

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
        return FXCollections.unmodifiableObservableList(recent);
    }

    /** Opens a model in the background; the returned task is for tests and the status bar. */
    public Task<ModelSession> open(Path file) {
        long gen = ++generation;
        Task<ModelSession> task = new Task<>() {
            @Override
            protected ModelSession call() throws Exception {
                return loader.load(file);
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
            session.set(s);
            recentFiles.add(s.file());
            recent.setAll(recentFiles.list());
            status.set("Opened " + s.file() + ": " + s.graph().nodes().size() + " layers");
            LOG.info("opened " + s.file());
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
