package dev.zkscope.app;

import dev.zkscope.backend.LayerComparison;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;

/**
 * "Compare backends": proves the open model with the Plonkish and the sumcheck backend on the input Prove proves (in
 * the background) and keeps the per-layer comparison ({@link LayerComparison}) that the Blowup and Prove views show.
 * Cancel stops at the next step and leaves the previous comparison on screen; another model, or other settings, clear
 * it. It never runs beside a proof of the Prove view (the two would share the cores and the sumcheck product counter).
 */
final class BackendCompareModel {
    private static final Logger LOG = Logger.getLogger("zkscope");

    private final Executor executor;
    private final Notifier notifier;
    private final ProveViewModel pvm;
    private final ReadOnlyObjectWrapper<LayerComparison> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    /** The analysis the comparison on screen (or running) was made from. */
    private Analysis of;
    private Task<LayerComparison> task;
    private AtomicBoolean cancelFlag;

    BackendCompareModel(Executor executor, Notifier notifier, ProveViewModel pvm) {
        this.executor = executor;
        this.notifier = notifier;
        this.pvm = pvm;
        pvm.setOtherWork(running::get);
        pvm.analysisProperty().addListener((o, a, b) -> {
            if (b != of) {
                cancel();
                of = null;
                result.set(null);
                status.set("");
            }
        });
    }

    ReadOnlyObjectProperty<LayerComparison> resultProperty() {
        return result.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Starts the comparison of the open model; null (with the reason in the status line) when it cannot start. */
    Task<LayerComparison> compare() {
        Analysis a = pvm.analysisProperty().get();
        if (running.get()) {
            return task;
        }
        if (a == null || a.compiled() == null) {
            status.set("Nothing to compare: the open model is not compiled yet.");
            return null;
        }
        if (pvm.runningProperty().get()) {
            status.set("A proof is running in the Prove view: compare once it has ended.");
            return null;
        }
        ProveJob.Input in = pvm.provedInputProperty().get() != null ? pvm.provedInputProperty().get()
                : ProveJob.input(a.session().file(), a.session().graph());
        AtomicBoolean flag = new AtomicBoolean();
        cancelFlag = flag;
        of = a;
        Task<LayerComparison> t = new Task<>() {
            @Override
            protected LayerComparison call() {
                pvm.stopWarmUp(); // never measure beside the background warm-up proof
                return LayerComparison.measure(a.prepared(), List.of(in.tensor()), flag::get,
                        step -> Platform.runLater(() -> {
                            if (task == this && running.get()) {
                                status.set("Proving " + in.source() + " with both backends: " + step + "...");
                            }
                        }));
            }
        };
        task = t;
        running.set(true);
        status.set("Proving " + in.source() + " with both backends...");
        t.setOnSucceeded(e -> {
            if (task != t) {
                return;
            }
            running.set(false);
            LayerComparison c = t.getValue();
            result.set(c);
            status.set(c.sumcheckRefusal() == null ? "Both backends proved " + in.source() + "."
                    : "The Plonkish backend proved " + in.source() + "; the sumcheck backend refused the model (see the"
                    + " layer's note).");
        });
        t.setOnCancelled(e -> {
            if (task == t) {
                running.set(false);
                status.set("Cancelled; " + (result.get() == null ? "no comparison yet." : "the previous comparison stays."));
            }
        });
        t.setOnFailed(e -> {
            if (task != t) {
                return;
            }
            running.set(false);
            Throwable ex = t.getException();
            if (ex instanceof java.util.concurrent.CancellationException) {
                status.set("Cancelled; " + (result.get() == null ? "no comparison yet." : "the previous comparison stays."));
                return;
            }
            LOG.log(Level.WARNING, "backend comparison failed", ex);
            status.set("The comparison failed; the previous one stays.");
            notifier.error("Comparing the backends failed", (ex.getMessage() == null ? ex.toString() : ex.getMessage())
                    + (ex instanceof OutOfMemoryError ? "\n\nRun with a larger heap (JAVA_OPTS=-Xmx8g ./zkscope app)."
                    : "\n\nThe model and the previous comparison are unchanged."));
        });
        executor.execute(t);
        return t;
    }

    /** Stops the running comparison at its next step; what was shown before stays. */
    void cancel() {
        if (task != null && running.get()) {
            cancelFlag.set(true);
            task.cancel(true);
        }
    }
}
