package dev.zkscope.app;

import dev.zkscope.predict.CostModel;
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

    /** The app's worker pool; once the window is closed, late tasks (a compile finishing into a prediction) are dropped. */
    final ExecutorService executor = discardingWhenShutDown(ZkscopeApp.newExecutor());
    final SettingsStore settings = SettingsStore.inMemory();
    final SampleCatalog samples = new SampleCatalog(SAMPLES);
    final MainViewModel vm;
    final MainWindow window;
    final ProveViewModel pvm;
    final Path runsFile = tempRuns();
    final Stage stage;

    AppFixture(Stage stage) {
        this(stage, false);
    }

    /** With {@code warmUp}, the prove view-model makes the app's background warm-up proof. */
    AppFixture(Stage stage, boolean warmUp) {
        this(stage, warmUp, 1200, 760);
    }

    /** In a window of {@code width} x {@code height}. */
    AppFixture(Stage stage, boolean warmUp, double width, double height) {
        this.stage = stage;
        vm = new MainViewModel(new ModelLoader(GraphView::measure), executor, new DialogNotifier(() -> stage),
                new RecentFiles(settings));
        pvm = new ProveViewModel(executor, new DialogNotifier(() -> stage), vm.analysisProperty(),
                new RunStore(runsFile), warmUp, AppFixture::costModel);
        window = new MainWindow(vm, pvm, samples, settings, executor, new DialogNotifier(() -> stage));
        stage.setScene(new Scene(window.root(), width, height));
        stage.show();
    }

    private static ExecutorService discardingWhenShutDown(ExecutorService e) {
        ((java.util.concurrent.ThreadPoolExecutor) e).setRejectedExecutionHandler(
                new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
        return e;
    }

    private static CostModel quick;

    /**
     * The cost model of the app tests: a quick calibration (three small proofs), made once per test JVM. The app's
     * own standard calibration (27 proofs and a 2^15 warm-up, tens of seconds on two cores) ran in the background of
     * every test window before, one per window, and was the main cost of the app tests (MainWindowTest: 138 s).
     */
    static synchronized CostModel costModel() {
        if (quick == null) {
            quick = CostModel.calibrate(CostModel.Plan.QUICK_FOR_TESTS);
        }
        return quick;
    }

    /**
     * Stops what this window runs in the background (proofs, sweeps, the warm-up, predictions), waits for the workers
     * to end and closes the window: no test's background work runs into the next one.
     */
    void close(FxRobot robot) throws InterruptedException {
        robot.interact(pvm::shutdown);
        executor.shutdownNow();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("background work did not stop within 60 s after Cancel");
        }
        robot.interact(stage::close);
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
        openCompiledForTesting(robot, sample(name));
    }

    /** As {@link #openCompiledForTesting(FxRobot, String)} for any model file. */
    void openCompiledForTesting(FxRobot robot, Path file) throws java.util.concurrent.TimeoutException {
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
