package dev.zkscope.app;

import dev.zkscope.viz.graph.GraphView;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The real window with an in-memory settings store, for TestFX tests. */
final class AppFixture {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();

    final ExecutorService executor = ZkscopeApp.newExecutor();
    final SettingsStore settings = SettingsStore.inMemory();
    final SampleCatalog samples = new SampleCatalog(SAMPLES);
    final MainViewModel vm;
    final MainWindow window;
    final ProveViewModel pvm;
    final Path runsFile = tempRuns();

    AppFixture(Stage stage) {
        this(stage, false);
    }

    /** With {@code warmUp}, the prove view-model makes the app's background warm-up proof. */
    AppFixture(Stage stage, boolean warmUp) {
        vm = new MainViewModel(new ModelLoader(GraphView::measure), executor, new DialogNotifier(() -> stage),
                new RecentFiles(settings));
        pvm = new ProveViewModel(executor, new DialogNotifier(() -> stage), vm.analysisProperty(),
                new RunStore(runsFile), warmUp);
        window = new MainWindow(vm, pvm, samples, settings, executor, new DialogNotifier(() -> stage));
        stage.setScene(new Scene(window.root(), 1200, 760));
        stage.show();
    }

    /** A fresh runs file per window: tests never read or write the user's saved runs. */
    static Path tempRuns() {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("zkscope-runs");
            dir.toFile().deleteOnExit();
            return dir.resolve("runs.json");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path sample(String name) {
        return SAMPLES.resolve(name + ".onnx");
    }

    /**
     * Opens a sample with the prover's fast, insecure test preset (set through the view-model, never offered in the
     * UI) and waits until it is compiled under that preset.
     */
    void openCompiledForTesting(FxRobot robot, String name) throws java.util.concurrent.TimeoutException {
        Path file = sample(name);
        robot.interact(() -> {
            vm.applySettings(vm.settings().withPreset("testing"));
            vm.open(file);
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.analysis() != null
                && vm.analysis().session().file().equals(file) && vm.analysis().compiled() != null
                && vm.analysis().settings().preset().startsWith("testing") && !vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }
}
