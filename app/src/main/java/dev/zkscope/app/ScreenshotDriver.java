package dev.zkscope.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * Screenshot mode ({@code -Dzkscope.screenshots=DIR}): opens a sample in the real window, walks through each main
 * view, writes {@code DIR/NAME.png} of the whole window for each, then exits. Each step acts on the UI, waits
 * until its condition holds (background work done), lets the scene settle and snapshots it.
 */
final class ScreenshotDriver {
    private static final Logger LOG = Logger.getLogger("zkscope");

    private record Step(String name, Runnable action, BooleanSupplier ready, Runnable after) {
        Step(String name, Runnable action, BooleanSupplier ready) {
            this(name, action, ready, () -> { });
        }
    }

    private final Stage stage;
    private final MainWindow window;
    private final MainViewModel vm;
    private final SampleCatalog samples;
    private final Path dir;
    private final List<Step> steps = new ArrayList<>();
    private long deadline;

    private final ProveViewModel pvm;

    ScreenshotDriver(Stage stage, MainWindow window, MainViewModel vm, ProveViewModel pvm, SampleCatalog samples,
                     Path dir) {
        this.pvm = pvm;
        this.stage = stage;
        this.window = window;
        this.vm = vm;
        this.samples = samples;
        this.dir = dir;
    }

    void start() {
        String model = System.getProperty("zkscope.screenshots.model", "residual");
        SampleCatalog.Sample s = samples.byName(model);
        if (s == null) {
            fail("no sample named " + model + " in " + samples.dir());
            return;
        }
        steps.add(new Step("layers", () -> vm.open(s.file()), this::idle));
        steps.add(new Step("graph-selection", () -> window.selection().select(pickLayer()), () -> true));
        steps.add(new Step("blowup", () -> window.showTab("tabBlowup"), this::idle));
        steps.add(new Step("circuit-layout", () -> {
            window.selection().clear();
            window.showTab("tabCircuit");
        }, this::idle));
        steps.add(new Step("circuit-zoom", () -> {
            String layer = pickLayer();
            window.selection().select(layer);
            window.heatmap().zoomToLayer(layer);
        }, this::idle));
        steps.add(new Step("why-this-cost", () -> window.showTab("tabDrillDown"), this::idle));
        steps.add(new Step("inputs", () -> window.showTab("tabInputs"), this::idle));
        // The figures after Prove are a warm prover's, as a user sees them after the app's background warm-up.
        steps.add(new Step("settings", () -> window.showTab("tabSettings"), () -> idle()
                && pvm.forecastProperty().get() != null && !pvm.warmingUp()));
        // Photographed at a known state, whatever the machine's speed: the prover is held at the start of its quotient
        // round (witness, check and the first rounds done, the heap plotted so far) until the picture is taken.
        ProveJob.Hold[] hold = new ProveJob.Hold[1];
        steps.add(new Step("prove-running", () -> {
            window.showTab("tabProve");
            hold[0] = pvm.holdNextProofAt("quotient");
            pvm.prove();
        }, () -> hold[0].reached().getCount() == 0 && pvm.phases().stream().anyMatch(p -> p.running()
                && p.name().equals("quotient")), () -> hold[0].release().countDown()));
        // The finished run is a second proof: the first one above was slowed by taking its picture mid-run (a
        // software-rendered snapshot of the whole window on one of the two cores).
        steps.add(new Step("prove-verified", () -> { }, () -> {
            if (pvm.runningProperty().get() || pvm.verdictProperty().get() == null) {
                return false;
            }
            if (pvm.runs().size() < 2) {
                pvm.prove();
                return false;
            }
            return true;
        }));
        // The flame chart zoomed onto the FRI round: its folding rounds and queries nested under it, heap below.
        steps.add(new Step("flame-fri-zoom", () -> zoomFlameTo("fri"), () -> true, () -> window.proveView().flame()
                .resetZoom()));
        steps.add(new Step("tamper-rejected", () -> pvm.tamperFlipByte(pvm.lastProperty().get().proof().length / 2),
                () -> pvm.verdictProperty().get() != null));
        // Both backends proved, per layer, each measurement beside its estimate (#12): the Prove view's tab.
        steps.add(new Step("backends-per-layer", () -> {
            window.proveView().scrollToTop();
            window.proveView().showChartTab("backendsTab");
            window.backendCompare().compare();
        }, () -> !window.backendCompare().runningProperty().get() && window.backendCompare().resultProperty().get()
                != null, () -> window.proveView().showChartTab("flameTab")));
        steps.add(new Step("runs", () -> {
            window.showTab("tabRuns");
            window.runsView().sweep(ScaledVariants.Mode.WIDTH, 2, 2);
        }, () -> !pvm.runningProperty().get() && pvm.runs().size() >= 6 && pvm.sweepStatusProperty().get().isEmpty()));
        // Two runs compared phase by phase and layer by layer: the sweep's smallest and largest points.
        steps.add(new Step("runs-compare", () -> { }, this::selectRuns));
        // A segmented run (issue 9): the model cut into segments of at most 2^11 rows, their link columns committed
        // first, then each proved and linked; the flame chart's lane per segment, predicted beside measured per
        // segment. The setting goes back to off after the picture.
        steps.add(new Step("prove-segmented", () -> {
            window.showTab("tabProve");
            window.proveView().scrollToTop();
            window.proveView().showChartTab("flameTab");
            pvm.segmentBudgetProperty().set(new SegmentBudget(11));
            pvm.prove();
        }, () -> !pvm.runningProperty().get() && pvm.lastProperty().get() != null
                && pvm.lastProperty().get().isSegmented(), () -> pvm.segmentBudgetProperty().set(SegmentBudget.OFF)));
        SampleCatalog.Sample withTables = samples.byName("mlp_sigmoid_tanh");
        if (withTables != null) {
            steps.add(new Step("lookup-tables", () -> {
                window.showTab("tabLayers");
                vm.open(withTables.file());
            }, () -> idle() && vm.session().file().equals(withTables.file())
                    && window.showTab("tabLookups")));
        }
        // The graph of a 200+-node model (52 residual blocks, committed for the graph view's tests), searched.
        Path large = Path.of(System.getProperty("zkscope.screenshots.large",
                "circuit-viz/src/test/resources/dev/zkscope/viz/graph/blocks52.onnx")).toAbsolutePath().normalize();
        if (Files.isRegularFile(large)) {
            boolean[] searched = new boolean[1];
            steps.add(new Step("graph-200-search", () -> {
                window.showTab("tabLayers");
                vm.open(large);
            }, () -> {
                if (!idle() || !vm.session().file().equals(large)) {
                    return false;
                }
                if (!searched[0]) {
                    searched[0] = true;
                    window.graphExplorer().searchField().setText("blocks.7/");
                    window.graphExplorer().step(1);
                    window.graphExplorer().step(1);
                }
                return true;
            }));
        }
        steps.add(new Step("dark-theme", () -> {
            window.setDarkTheme(true);
            window.showTab("tabLayers");
        }, () -> true));
        steps.add(new Step("dark-charts", () -> window.showTab("tabRuns"), () -> true));
        run(0);
    }

    /** Selects this session's first and last sweep runs (the smallest and the largest point): they are compared. */
    private boolean selectRuns() {
        var table = window.runsView().table();
        int n = table.getItems().size();
        table.getSelectionModel().clearSelection();
        table.getSelectionModel().selectIndices(Math.max(0, n - 4), n - 1);
        return true;
    }

    /** Zooms the Prove tab's flame chart onto the named phase of the last run (with a margin either side). */
    private void zoomFlameTo(String phase) {
        FlameChart f = window.proveView().flame();
        for (FlameSpan s : f.spans()) {
            if (s.depth() == 0 && s.name().equals(phase)) {
                double whole = f.view()[1] - f.view()[0];
                f.zoom(s.millis() * 1.3 / Math.max(1e-9, whole), s.startMillis() + s.millis() / 2);
                f.panTo(s.startMillis() - s.millis() * 0.15);
                return;
            }
        }
    }

    private boolean idle() {
        return vm.session() != null && !vm.loadingProperty().get() && !vm.analyzingProperty().get()
                && vm.analysis() != null;
    }

    /** The most interesting layer to select: the first Conv or Gemm. */
    private String pickLayer() {
        for (dev.zkscope.viz.LayerRow r : vm.session().rows()) {
            if (r.op().equals("Conv") || r.op().equals("Gemm")) {
                return r.name();
            }
        }
        return vm.session().rows().get(0).name();
    }

    private void run(int i) {
        String last = System.getProperty("zkscope.screenshots.last");
        if (i == steps.size() || i > 0 && steps.get(i - 1).name().equals(last)) {
            window.setDarkTheme(false);
            try {
                Files.createDirectories(dir);
                for (java.util.Map.Entry<String, WritableImage> e : shots.entrySet()) {
                    Path out = dir.resolve(e.getKey() + ".png");
                    ImageIO.write(SwingFXUtils.fromFXImage(e.getValue(), null), "png", out.toFile());
                    LOG.info("wrote " + out);
                }
            } catch (IOException ex) {
                fail("cannot write the screenshots into " + dir + ": " + ex);
                return;
            }
            LOG.info("screenshots written to " + dir);
            Platform.exit();
            return;
        }
        Step step = steps.get(i);
        step.action().run();
        // Every step waits for its condition (background work done), not for a time: the deadline only catches a step
        // that is stuck, and is generous, because a busy machine may take many minutes for a warm-up proof.
        deadline = System.currentTimeMillis() + 1000L * Long.getLong("zkscope.screenshots.stepTimeout", 3600);
        waitFor(step, () -> settleAndShoot(step, () -> run(i + 1)));
    }

    private void waitFor(Step step, Runnable then) {
        PauseTransition p = new PauseTransition(Duration.millis(200));
        p.setOnFinished(e -> {
            if (step.ready().getAsBoolean()) {
                then.run();
            } else if (System.currentTimeMillis() > deadline) {
                fail("step " + step.name() + " did not finish in " + Long.getLong("zkscope.screenshots.stepTimeout",
                        3600) + " s (-Dzkscope.screenshots.stepTimeout=SECONDS)");
            } else {
                waitFor(step, then);
            }
        });
        p.play();
    }

    private void settleAndShoot(Step step, Runnable then) {
        PauseTransition p = new PauseTransition(Duration.millis(900));
        p.setOnFinished(e -> {
            // Kept in memory and encoded at the end: PNG encoding on the FX thread while a proof runs would take a
            // core from the prover and distort the timings the pictures show.
            shots.put(step.name(), stage.getScene().snapshot(null));
            LOG.info("shot " + step.name());
            step.after().run();
            then.run();
        });
        p.play();
    }

    private final java.util.Map<String, WritableImage> shots = new java.util.LinkedHashMap<>();

    private void fail(String why) {
        System.err.println("zkscope screenshots: " + why);
        Platform.exit();
        System.exit(1);
    }
}
