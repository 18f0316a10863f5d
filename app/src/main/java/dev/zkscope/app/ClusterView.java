package dev.zkscope.app;

import dev.zkscope.batch.TaskSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;

/**
 * The Cluster view: where batches are proved (the Cluster setting: none for this JVM, local[N] for embedded Spark, or
 * a standalone master URL), a batch of the open model's sample inputs proved there, and a timeline of the proofs by
 * executor: one lane per executor, one bar per proof (a retried proof's bar is outlined). Spark is optional: without
 * the cluster module on the class path, choosing it says how to get it and the app goes on.
 */
final class ClusterView extends BorderPane {
    private final MainViewModel vm;
    private final Executor executor;
    /** The Cluster setting (Settings tab), shown here. */
    private final javafx.beans.property.StringProperty cluster;
    final Label clusterShown = new Label();
    final Spinner<Integer> count = new Spinner<>(1, 1000, 10);
    final Button prove = new Button("Prove batch");
    final Label status = new Label("Proves a batch of the model's sample inputs, one proof each.");
    final ObservableList<TaskSpan> spans = FXCollections.observableArrayList();
    private final Timeline timeline = new Timeline(spans);

    ClusterView(MainViewModel vm, Executor executor) {
        this(vm, executor, new ProvingSettings(SettingsStore.inMemory()));
    }

    /** Proving on the cluster of {@code proving}'s Cluster setting (set in the Settings tab). */
    ClusterView(MainViewModel vm, Executor executor, ProvingSettings proving) {
        this.vm = vm;
        this.executor = executor;
        this.cluster = proving.clusterProperty();
        setId("clusterView");
        clusterShown.setId("clusterSetting");
        clusterShown.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> describe(
                cluster.get()), cluster));
        clusterShown.setTooltip(new Tooltip("none: prove in this JVM; local[N]: embedded Apache Spark with N executor "
                + "slots; or a standalone master, spark://HOST:PORT. Change it in the Settings tab (Cluster). Spark "
                + "needs zkscope's cluster module on the class path."));
        count.setEditable(true);
        count.setPrefWidth(90);
        prove.setId("proveBatchButton");
        prove.setOnAction(e -> start());
        status.setId("clusterStatus");
        status.setWrapText(true);
        HBox controls = new HBox(10, new Label("Cluster"), clusterShown, new Label("Inputs"), count, prove);
        controls.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(8, controls, status);
        top.setPadding(new Insets(10));
        setTop(top);
        setCenter(timeline);
    }

    /** The setting as this tab shows it, with whether Spark is there to run it. */
    static String describe(String cluster) {
        String c = ProvingSettings.normalCluster(cluster);
        if (c.equals("none")) {
            return "none: this JVM (Settings)";
        }
        return c + (ClusterRun.sparkAvailable() ? " (Settings)" : " (Settings): Spark not on the class path");
    }

    private void start() {
        ModelSession s = vm.session();
        if (s == null) {
            status.setText("Open a model first.");
            return;
        }
        ClusterRun run = new ClusterRun(s, vm.settings(), cluster.get(), count.getValue());
        spans.clear();
        prove.setDisable(true);
        status.setText("Proving " + run.count() + " input(s) on " + (run.onSpark() ? "Spark " + run.master()
                : "this JVM") + "...");
        long t0 = System.nanoTime();
        Task<String> task = new Task<>() {
            @Override
            protected String call() throws Exception {
                return run.run(span -> Platform.runLater(() -> spans.add(span)));
            }
        };
        task.setOnSucceeded(e -> {
            prove.setDisable(false);
            double wall = (System.nanoTime() - t0) / 1e9;
            status.setText(String.format(Locale.ROOT, "%d proof(s) on %s in %.1f s (%.1f proofs/min, key derivation "
                    + "included)", spans.size(), task.getValue(), wall, spans.size() * 60 / Math.max(wall, 1e-9)));
        });
        task.setOnFailed(e -> {
            prove.setDisable(false);
            status.setText("Stopped: " + task.getException().getMessage());
        });
        executor.execute(task);
    }

    /** One lane per executor, one bar per task, on a common wall-clock axis from the first task's start. */
    static final class Timeline extends Pane {
        private static final double LANE = 26;
        private static final double LEFT = 150;
        private final Canvas canvas = new Canvas();
        private final List<TaskSpan> spans;

        Timeline(ObservableList<TaskSpan> spans) {
            this.spans = spans;
            setId("clusterTimeline");
            getChildren().add(canvas);
            spans.addListener((ListChangeListener<TaskSpan>) c -> draw());
            widthProperty().addListener((o, a, b) -> draw());
            heightProperty().addListener((o, a, b) -> draw());
        }

        /** Lanes in order of first appearance: executor to its spans. */
        static Map<String, List<TaskSpan>> lanes(List<TaskSpan> spans) {
            Map<String, List<TaskSpan>> lanes = new LinkedHashMap<>();
            for (TaskSpan s : spans) {
                lanes.computeIfAbsent(s.executor(), k -> new ArrayList<>()).add(s);
            }
            return lanes;
        }

        private void draw() {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            GraphicsContext g = canvas.getGraphicsContext2D();
            g.clearRect(0, 0, getWidth(), getHeight());
            g.setFont(Font.font(12));
            if (spans.isEmpty()) {
                g.setFill(Color.GRAY);
                g.fillText("No tasks yet: each proof appears here on its executor's lane as it finishes.", 10, 24);
                return;
            }
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            for (TaskSpan s : spans) {
                start = Math.min(start, s.startMillis());
                end = Math.max(end, s.endMillis());
            }
            double width = Math.max(1, getWidth() - LEFT - 20);
            double scale = width / Math.max(1, end - start);
            int lane = 0;
            for (Map.Entry<String, List<TaskSpan>> e : lanes(spans).entrySet()) {
                double y = 30 + lane * LANE;
                g.setFill(Color.BLACK);
                g.fillText(e.getKey() + " (" + e.getValue().size() + ")", 10, y + 15);
                for (TaskSpan s : e.getValue()) {
                    double x = LEFT + (s.startMillis() - start) * scale;
                    double w = Math.max(2, s.millis() * scale);
                    g.setFill(Color.hsb(210 + 40 * (s.index() % 3), 0.55, 0.85));
                    g.fillRect(x, y + 3, w, LANE - 8);
                    if (s.attempt() > 0) {
                        g.setStroke(Color.FIREBRICK);
                        g.strokeRect(x, y + 3, w, LANE - 8);
                    }
                }
                lane++;
            }
            g.setFill(Color.GRAY);
            g.fillText(String.format(Locale.ROOT, "0 s .. %.1f s, %d task(s) on %d executor(s)", (end - start) / 1e3,
                    spans.size(), lane), LEFT, 18);
        }
    }
}
