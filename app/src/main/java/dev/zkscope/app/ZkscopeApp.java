package dev.zkscope.app;

import dev.zkscope.viz.graph.GraphView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The composition root: builds the settings store, sample catalog, background executor, view-model and window,
 * then opens the model named on the command line, else the last one opened, else a bundled sample.
 * With {@code -Dzkscope.screenshots=DIR} it drives itself through each view, writes one PNG per view and exits.
 */
public final class ZkscopeApp extends Application {
    private ExecutorService executor;

    @Override
    public void start(Stage stage) {
        executor = newExecutor();
        SettingsStore settings = SettingsStore.preferences();
        SampleCatalog samples = SampleCatalog.locate();
        Notifier notifier = new DialogNotifier(() -> stage);
        MainViewModel vm = new MainViewModel(new ModelLoader(GraphView::measure), executor, notifier,
                new RecentFiles(settings));
        String shots = System.getProperty("zkscope.screenshots");
        // Screenshots show this run's proofs only, never the user's saved history (nor add to it).
        RunStore runStore = shots == null ? RunStore.defaultStore() : new RunStore(tempRunsFile());
        ProveViewModel pvm = new ProveViewModel(executor, notifier, vm.analysisProperty(), runStore, true);
        MainWindow window = new MainWindow(vm, pvm, samples, settings, executor, notifier);
        String fixed = System.getProperty("zkscope.window", shots != null ? PREFERRED_WIDTH + "x" + PREFERRED_HEIGHT : "");
        Scene scene;
        if (fixed.matches("\\d+x\\d+")) {
            // A fixed scene size (screenshots: 1600x1000 by default, -Dzkscope.window=1280x800 for the small ones).
            String[] wh = fixed.split("x");
            scene = new Scene(window.root(), Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
        } else {
            scene = new Scene(window.root());
            Rectangle2D b = initialBounds(javafx.stage.Screen.getPrimary().getVisualBounds());
            stage.setX(b.getMinX());
            stage.setY(b.getMinY());
            stage.setWidth(b.getWidth());
            stage.setHeight(b.getHeight());
        }
        stage.setTitle("zkscope \u2014 ZKML circuit explorer");
        vm.sessionProperty().addListener((o, a, s) -> stage.setTitle(s == null ? "zkscope"
                : s.displayName() + " \u2014 zkscope"));
        stage.setScene(scene);
        stage.show();

        if (shots != null) {
            new ScreenshotDriver(stage, window, vm, pvm, samples, Path.of(shots)).start();
            return;
        }
        Path first = initialModel(getParameters().getUnnamed(), new RecentFiles(settings), samples);
        if (first != null) {
            vm.open(first);
        }
    }

    static final double PREFERRED_WIDTH = 1600;
    static final double PREFERRED_HEIGHT = 1000;

    /**
     * The window on a screen whose usable area (without task bars and docks) is {@code visual}: 1600x1000 where that
     * fits, else the whole usable area; centred, never partly off screen.
     */
    static Rectangle2D initialBounds(Rectangle2D visual) {
        double w = Math.min(PREFERRED_WIDTH, visual.getWidth());
        double h = Math.min(PREFERRED_HEIGHT, visual.getHeight());
        return new Rectangle2D(visual.getMinX() + (visual.getWidth() - w) / 2,
                visual.getMinY() + (visual.getHeight() - h) / 2, w, h);
    }

    @Override
    public void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private static Path tempRunsFile() {
        try {
            Path dir = Files.createTempDirectory("zkscope-shots");
            dir.toFile().deleteOnExit();
            return dir.resolve("runs.json");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The model to open at start: the argument, else the last model, else the first bundled sample. */
    static Path initialModel(List<String> args, RecentFiles recent, SampleCatalog samples) {
        if (!args.isEmpty()) {
            return Path.of(args.get(0));
        }
        Path last = recent.last();
        if (last != null && Files.isRegularFile(last)) {
            return last;
        }
        SampleCatalog.Sample mlp = samples.byName("mlp");
        if (mlp != null) {
            return mlp.file();
        }
        return samples.samples().isEmpty() ? null : samples.samples().get(0).file();
    }

    /** Daemon worker threads: background work never keeps the JVM alive after the window closes. */
    static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "zkscope-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
