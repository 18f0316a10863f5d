package dev.zkscope.app;

import dev.zkscope.viz.ArithmetizationView;
import dev.zkscope.viz.BlowupView;
import dev.zkscope.viz.LayerSelection;
import dev.zkscope.viz.LayerTableView;
import dev.zkscope.viz.LookupTablesView;
import dev.zkscope.viz.graph.GraphExplorer;
import dev.zkscope.viz.graph.GraphView;
import dev.zkscope.viz.graph.NodeProperties;
import dev.zkscope.viz.trace.TraceHeatmap;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;

/**
 * The main window: menus (File, Samples, View, Help), the model graph on the left, the views in tabs on the right,
 * and a status bar. It binds views to the {@link MainViewModel}; it holds no state of its own beyond the widgets.
 */
public final class MainWindow {
    static final String THEME_KEY = "theme";
    static final String PRESENTATION_KEY = "presentation";

    private final MainViewModel vm;
    private final SampleCatalog samples;
    private final SettingsStore settings;
    private final LayerSelection selection = new LayerSelection();
    private final DrillDownView drillDown = new DrillDownView(selection);
    private final BorderPane root = new BorderPane();
    private final GraphExplorer graphExplorer;
    private final GraphView graphView;
    private final NodeProperties properties = new NodeProperties();
    private final LayerTableView layerTable;
    private final LookupTablesView lookupTables;
    private final Tab lookupTab;
    private final BlowupView blowup;
    private final Tab blowupTab;
    private final ArithmetizationView arith;
    private final TraceHeatmap heatmap;
    private final Tab heatmapTab;
    private final TabPane tabs = new TabPane();
    private final Menu recentMenu = new Menu("Open _Recent");
    private final CheckMenuItem darkTheme = new CheckMenuItem("_Dark theme");
    private final CheckMenuItem presentation = new CheckMenuItem("_Presentation mode (large text, high contrast)");
    private final Label title = new Label();
    private final ProblemBanner problem;

    private final ProveViewModel pvm;
    private final ProveView proveView;
    private final Tab proveTab;
    private final RunsView runsView;
    /** The Inputs tab: the input to prove and the calibration set (see {@link InputsView}). */
    private final Tab inputsTab;
    private final Tab runsTab;

    private final Exporter exporter;
    private final Notifier notifier;
    /** Max rows per segment and the cluster: set in Settings, kept with the preferences. */
    private final ProvingSettings proving;
    /** Compare backends: both backends' measured per-layer cost, in the Blowup tab and the Prove view (#12). */
    private final BackendCompareModel compare;
    private final BackendComparePane blowupCompare;
    private final BackendComparePane proveCompare;

    public MainWindow(MainViewModel vm, ProveViewModel pvm, SampleCatalog samples, SettingsStore settings,
                      java.util.concurrent.Executor executor, Notifier notifier) {
        this.vm = vm;
        this.pvm = pvm;
        this.samples = samples;
        this.settings = settings;
        this.notifier = notifier;
        proving = new ProvingSettings(settings);
        pvm.segmentBudgetProperty().bindBidirectional(proving.maxRowsProperty());
        graphExplorer = new GraphExplorer(selection);
        graphView = graphExplorer.view();
        problem = new ProblemBanner(layer -> {
            graphView.reveal(layer);
            selection.select(layer);
        });
        selection.selectedProperty().addListener((o, a, b) -> showProperties());
        layerTable = new LayerTableView(selection);
        lookupTables = new LookupTablesView(selection);
        lookupTab = new Tab("Lookup tables", lookupTables);
        lookupTab.setId("tabLookups");
        blowup = new BlowupView(selection);
        arith = new ArithmetizationView();
        compare = new BackendCompareModel(executor, notifier, pvm);
        blowupCompare = new BackendComparePane(compare, selection, "blowup");
        SplitPane blowupSplit = new SplitPane(blowup, arith, blowupCompare);
        blowupSplit.setOrientation(javafx.geometry.Orientation.VERTICAL);
        blowupSplit.setDividerPositions(0.4, 0.7);
        blowupTab = new Tab("Layer blowup", blowupSplit);
        blowupTab.setId("tabBlowup");
        heatmap = new TraceHeatmap(selection);
        heatmapTab = new Tab("Circuit layout", heatmap);
        heatmapTab.setId("tabCircuit");
        heatmap.clickedRowProperty().addListener((o, a, row) -> drillDown.showRow(row.intValue()));
        proveView = new ProveView(pvm, vm);
        proveCompare = new BackendComparePane(compare, selection, "prove");
        proveView.addChartTab("backendsTab", "Backends per layer", proveCompare);
        proveTab = new Tab("Prove & verify", proveView);
        proveTab.setId("tabProve");
        runsView = new RunsView(pvm);
        runsTab = new Tab("Runs", runsView);
        runsTab.setId("tabRuns");
        exporter = new Exporter(vm, pvm, executor, notifier, this::charts);
        inputsTab = new Tab("Inputs", new InputsView(new InputsViewModel(vm, pvm, executor)));
        inputsTab.setId("tabInputs");
        root.setId("mainRoot");
        root.setTop(menus());
        root.setCenter(center());
        root.setBottom(statusBar());
        Tab clusterTab = new Tab("Cluster", new ClusterView(vm, executor, proving)); // batches by executor (#11)
        clusterTab.setId("tabCluster");
        tabs.getTabs().add(clusterTab);
        root.getStylesheets().add(css("app.css"));
        darkTheme.setSelected("dark".equals(settings.get(THEME_KEY, "light")));
        applyTheme();
        darkTheme.selectedProperty().addListener((o, a, b) -> {
            settings.put(THEME_KEY, b ? "dark" : "light");
            applyTheme();
        });
        presentation.setSelected("on".equals(settings.get(PRESENTATION_KEY, "off")));
        presentation.setAccelerator(KeyCombination.keyCombination("F5"));
        applyTheme();
        presentation.selectedProperty().addListener((o, a, b) -> {
            settings.put(PRESENTATION_KEY, b ? "on" : "off");
            applyTheme();
        });
        vm.setDimensionAsker((model, dims) -> DimensionsDialog.ask(
                root.getScene() == null ? null : root.getScene().getWindow(), model, dims));
        vm.sessionProperty().addListener((o, a, s) -> show(s));
        vm.analysisProperty().addListener((o, a, an) -> showAnalysis(an));
        vm.recent().addListener((javafx.collections.ListChangeListener<Path>) c -> fillRecent());
        fillRecent();
        installDragAndDrop();
    }

    public Parent root() {
        return root;
    }

    public LayerSelection selection() {
        return selection;
    }

    public GraphView graphView() {
        return graphView;
    }

    public GraphExplorer graphExplorer() {
        return graphExplorer;
    }

    ProblemBanner problemBanner() {
        return problem;
    }

    public NodeProperties properties() {
        return properties;
    }

    /** The properties panel follows the selected layer, with its ledger row once the model is compiled. */
    private void showProperties() {
        ModelSession s = vm.session();
        String sel = selection.selected();
        if (s == null || sel == null) {
            properties.show(null, null, null);
            return;
        }
        Analysis a = vm.analysis();
        List<dev.zkscope.viz.LayerRow> rows = a != null && a.session() == s ? a.rows() : s.rows();
        dev.zkscope.viz.LayerRow row = null;
        for (dev.zkscope.viz.LayerRow r : rows) {
            if (r.name().equals(sel)) {
                row = r;
                break;
            }
        }
        properties.show(s.graph(), sel, row);
    }

    public LayerTableView layerTable() {
        return layerTable;
    }

    public TabPane tabs() {
        return tabs;
    }

    private static String css(String name) {
        return MainWindow.class.getResource(name).toExternalForm();
    }

    private void applyTheme() {
        // The charts are drawn by JFreeChart, not styled by CSS: every chart pane re-styles its chart.
        dev.zkscope.viz.chart.Charts.darkProperty().set(darkTheme.isSelected());
        root.getStylesheets().removeAll(css("dark.css"), css("presentation.css"), css("presentation-dark.css"));
        if (darkTheme.isSelected()) {
            root.getStylesheets().add(css("dark.css"));
        }
        if (presentation.isSelected()) {
            root.getStylesheets().add(css("presentation.css"));
            if (darkTheme.isSelected()) {
                root.getStylesheets().add(css("presentation-dark.css"));
            }
        }
    }

    /** Presentation mode (View menu, F5): larger text and high contrast, for a classroom projector. */
    public void setPresentationMode(boolean on) {
        presentation.setSelected(on);
    }

    private void show(ModelSession s) {
        selection.clear();
        showProperties();
        if (s == null) {
            return;
        }
        title.setText(s.displayName() + "  \u2014  " + s.graph().nodes().size() + " layers, "
                + dev.zkscope.viz.Format.count(s.graph().totalParams()) + " parameters, opset " + s.graph().opset()
                + (s.graph().unsupported().isEmpty() ? "" : ", " + s.graph().unsupported().size() + " unsupported"));
        graphView.setShares(java.util.Map.of());
        graphExplorer.setModel(s.graph(), s.layout());
        layerTable.setRows(s.rows());
    }

    private void showAnalysis(Analysis a) {
        if (a != null && a.session() == vm.session()) {
            layerTable.setRows(a.rows());
            graphView.setShares(a.shares());
        }
        showProperties();
        List<LookupTablesView.Entry> tables = a == null ? List.of() : a.lookupTables();
        lookupTables.setTables(tables);
        boolean compiled = a != null && a.compiled() != null;
        // The ledger views read the compiled circuit, or the one counted without a trace when the trace does not fit.
        boolean ledgered = a != null && a.ledger() != null;
        java.util.List<LookupTablesView.CircuitTable> circuitTables = new java.util.ArrayList<>();
        if (ledgered) {
            java.util.Map<String, Long> used = a.ledger().totalLookupsByTable();
            for (dev.zkscope.compile.TableInfo t : a.ledger().tables()) {
                circuitTables.add(new LookupTablesView.CircuitTable(t, used.getOrDefault(t.name(), 0L)));
            }
        }
        lookupTables.setCircuitTables(circuitTables);
        lookupTables.setHeightNote(ledgered ? a.ledger().heightNote().or(() -> a.ledger().paddingNote()).orElse(null) : null);
        blowup.setLedger(ledgered ? a.ledger() : null);
        if (ledgered) {
            arith.set(a.ledger(), a.estimates(), a.estimateTotals());
        } else {
            arith.set(null, null, null);
        }
        heatmap.setTrace(compiled ? a.trace() : null);
        drillDown.setAnalysis(a);
        problem.set(a == null || a.session() != vm.session() ? null : a.session().graph(),
                a == null ? null : a.problem());
        String why = a == null ? "Waiting for the model to be quantized and compiled (see the status bar)."
                : a.problem() != null ? (ledgered ? "" : "Not compiled: ") + a.problem() : null;
        enableTab(blowupTab, ledgered, why);
        enableTab(lookupTab, !tables.isEmpty() || !circuitTables.isEmpty(), why != null ? why
                : "This model has no lookup tables: its nonlinearities are proved by comparisons and range checks.");
        enableTab(heatmapTab, compiled, why);
        enableTab(proveTab, compiled, why);
        enableTab(runsTab, compiled || !pvm.history().isEmpty(), why);
    }

    /**
     * Every tab stays in place (no tab comes and goes during a compile, so the layout never jumps); one without data
     * is disabled, with the reason as its tooltip. A selected tab that becomes disabled leaves for the Layers tab.
     */
    private void enableTab(Tab tab, boolean enabled, String why) {
        tab.setDisable(!enabled);
        tab.setTooltip(enabled || why == null ? null : new Tooltip(why));
        if (!enabled && tabs.getSelectionModel().getSelectedItem() == tab) {
            tabs.getSelectionModel().select(0);
        }
    }

    /** Shows the tab with that id, if it is there and enabled; returns whether it was. */
    public boolean showTab(String id) {
        for (Tab t : tabs.getTabs()) {
            if (id.equals(t.getId()) && !t.isDisable()) {
                tabs.getSelectionModel().select(t);
                return true;
            }
        }
        return false;
    }

    /** The charts currently shown, by title, for export. */
    java.util.Map<String, org.jfree.chart.JFreeChart> charts() {
        java.util.Map<String, org.jfree.chart.JFreeChart> out = new java.util.LinkedHashMap<>();
        if (blowup.chart() != null) {
            out.put("Circuit blowup per layer", blowup.chart());
        }
        if (arith.chart() != null) {
            out.put("Arithmetizations compared", arith.chart());
        }
        if (lookupTables.viewer().chart() != null && !lookupTab.isDisable()) {
            out.put("Lookup table", lookupTables.viewer().chart());
        }
        if (pvm.lastProperty().get() != null) {
            // Drawn from the run on screen, never from the live chart (which a cancelled proof may have drawn on).
            out.put("Heap while proving", ProveView.heapChartOf(pvm.lastProperty().get()));
        }
        return out;
    }

    /** Switches between the light and the dark theme (View > Dark theme). */
    public void setDarkTheme(boolean dark) {
        darkTheme.setSelected(dark);
    }

    BackendCompareModel backendCompare() {
        return compare;
    }

    BackendComparePane blowupCompare() {
        return blowupCompare;
    }

    BackendComparePane proveCompare() {
        return proveCompare;
    }

    public ProveView proveView() {
        return proveView;
    }

    public RunsView runsView() {
        return runsView;
    }

    public BlowupView blowup() {
        return blowup;
    }

    public TraceHeatmap heatmap() {
        return heatmap;
    }

    public LookupTablesView lookupTables() {
        return lookupTables;
    }

    private MenuBar menus() {
        MenuItem open = new MenuItem("_Open...");
        open.setId("menuOpen");
        open.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
        open.setOnAction(e -> chooseFile());
        Menu export = new Menu("_Export");
        MenuItem exJson = new MenuItem("Report as _JSON...");
        exJson.setOnAction(e -> exporter.report(root.getScene().getWindow(), "json"));
        MenuItem exCsv = new MenuItem("Report as _CSV...");
        exCsv.setOnAction(e -> exporter.report(root.getScene().getWindow(), "csv"));
        MenuItem exHtml = new MenuItem("Report as _HTML page...");
        exHtml.setOnAction(e -> exporter.report(root.getScene().getWindow(), "html"));
        MenuItem exPng = new MenuItem("Charts as _PNG...");
        exPng.setOnAction(e -> exporter.chartsAsPng(root.getScene().getWindow()));
        MenuItem exProof = new MenuItem("Proof and _verifying key...");
        exProof.setOnAction(e -> exporter.proofFiles(root.getScene().getWindow()));
        export.getItems().addAll(exJson, exCsv, exHtml, exPng, exProof);
        MenuItem quit = new MenuItem("_Quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> root.getScene().getWindow().hide());
        MenuItem dims = new MenuItem("Input _dimensions...");
        dims.setId("menuDims");
        dims.setOnAction(e -> vm.editDimensions());
        dims.disableProperty().bind(vm.sessionProperty().isNull());
        Menu file = new Menu("_File", null, open, recentMenu, dims, new SeparatorMenuItem(), export,
                new SeparatorMenuItem(), quit);

        MenuItem proveItem = new MenuItem("_Prove");
        proveItem.setId("menuProve");
        proveItem.setAccelerator(KeyCombination.keyCombination("Shortcut+P"));
        proveItem.setOnAction(e -> {
            showTab("tabProve");
            pvm.prove();
        });
        MenuItem verifyItem = new MenuItem("_Verify");
        verifyItem.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+V"));
        verifyItem.setOnAction(e -> {
            showTab("tabProve");
            pvm.verify();
        });
        MenuItem cancelItem = new MenuItem("_Cancel proof");
        cancelItem.setAccelerator(KeyCombination.keyCombination("Shortcut+Period"));
        cancelItem.setOnAction(e -> pvm.cancel());
        cancelItem.disableProperty().bind(pvm.runningProperty().not());
        Menu proof = new Menu("_Proof", null, proveItem, verifyItem, cancelItem);

        Menu sampleMenu = new Menu("_Samples");
        sampleMenu.setId("menuSamples");
        for (SampleCatalog.Sample s : samples.samples()) {
            MenuItem item = new MenuItem(s.name() + (s.description().isEmpty() ? "" : "  \u2014  " + s.description()));
            item.setMnemonicParsing(false);
            item.setOnAction(e -> vm.open(s.file()));
            sampleMenu.getItems().add(item);
        }
        if (sampleMenu.getItems().isEmpty()) {
            MenuItem none = new MenuItem("No samples found (set -Dzkscope.samples=DIR)");
            none.setDisable(true);
            sampleMenu.getItems().add(none);
        }
        MenuItem fit = new MenuItem("_Fit graph");
        fit.setAccelerator(KeyCombination.keyCombination("Shortcut+0"));
        fit.setOnAction(e -> graphView.fit());
        Menu view = new Menu("_View", null, fit, darkTheme, presentation);
        MenuItem glossary = new MenuItem("_Glossary");
        glossary.setOnAction(e -> Glossary.show(root.getScene().getWindow()));
        Menu help = new Menu("_Help", null, glossary);
        MenuBar bar = new MenuBar(file, sampleMenu, proof, view, help);
        bar.setId("menuBar");
        return bar;
    }

    private void fillRecent() {
        recentMenu.getItems().clear();
        for (Path p : vm.recent()) {
            MenuItem item = new MenuItem(p.getFileName() + "  (" + p.getParent() + ")");
            item.setMnemonicParsing(false);
            item.setOnAction(e -> vm.open(p));
            recentMenu.getItems().add(item);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private void chooseFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open an ONNX model");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"),
                new FileChooser.ExtensionFilter("All files", "*.*"));
        ModelSession s = vm.session();
        if (s != null && s.file().getParent() != null) {
            fc.setInitialDirectory(s.file().getParent().toFile());
        }
        File f = fc.showOpenDialog(root.getScene().getWindow());
        if (f != null) {
            vm.open(f.toPath());
        }
    }

    private void installDragAndDrop() {
        root.setOnDragOver(e -> {
            Dragboard db = e.getDragboard();
            if (db.hasFiles() && db.getFiles().size() == 1) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        root.setOnDragDropped(e -> {
            Dragboard db = e.getDragboard();
            e.setDropCompleted(db.hasFiles() && openDropped(db.getFiles()));
            e.consume();
        });
    }

    /**
     * Opens a dropped file: one {@code .onnx} file opens (in the background; a file that fails to import is reported
     * and the open model stays); anything else is reported at once and the open model stays. Returns whether the
     * drop was taken.
     */
    boolean openDropped(List<File> files) {
        if (files == null || files.size() != 1) {
            notifier.error("Drop one model file", "Drop a single .onnx file on the window to open it"
                    + (files == null ? "." : "; " + files.size() + " files were dropped."));
            return false;
        }
        Path p = files.get(0).toPath();
        String name = p.getFileName().toString();
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") || java.nio.file.Files.isDirectory(p)) {
            notifier.error("Not an ONNX model: " + name, name + " is not an .onnx file. Drop an ONNX model (.onnx) "
                    + "exported from PyTorch, TensorFlow or scikit-learn; the open model stays open.");
            return false;
        }
        vm.open(p);
        return true;
    }

    private Parent center() {
        Label graphTitle = new Label("Model graph");
        graphTitle.getStyleClass().add("pane-title");
        HBox head = new HBox(8, graphTitle);
        head.setAlignment(Pos.CENTER_LEFT);
        head.setPadding(new Insets(6, 8, 4, 8));
        BorderPane graphPane = new BorderPane(graphExplorer, head, null, null, null);
        SplitPane left = new SplitPane(graphPane, properties);
        left.setOrientation(javafx.geometry.Orientation.VERTICAL);
        left.setDividerPositions(0.68);
        left.getStyleClass().add("graph-pane");
        left.setMinWidth(260);

        Tab layers = new Tab("Layers", layerTable);
        layers.setId("tabLayers");
        Tab settingsTab = new Tab("Settings", new SettingsView(vm, proving));
        settingsTab.setId("tabSettings");
        tabs.getTabs().addAll(layers, settingsTab, blowupTab, lookupTab, heatmapTab, proveTab, runsTab);
        tabs.getTabs().add(tabs.getTabs().indexOf(proveTab), inputsTab);
        tabs.getTabs().add(1, DrillDownView.tab(drillDown));
        for (Tab t : List.of(blowupTab, lookupTab, heatmapTab, proveTab, runsTab)) {
            enableTab(t, false, "Open a model (File, Samples or drop an .onnx file): this view fills once it is compiled.");
        }
        enableTab(runsTab, !pvm.history().isEmpty(), "No proof runs yet: open a model and press Prove.");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        title.getStyleClass().add("model-title");
        title.setId("modelTitle");
        javafx.scene.layout.VBox top = new javafx.scene.layout.VBox(4, title, problem);
        top.setPadding(new Insets(6, 10, 4, 10));
        BorderPane right = new BorderPane(tabs, top, null, null, null);

        SplitPane split = new SplitPane(left, right);
        split.setDividerPositions(0.22);
        return split;
    }

    private Parent statusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(vm.statusProperty());
        ProgressBar busy = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
        busy.setId("loadProgress");
        busy.setPrefWidth(120);
        javafx.beans.binding.BooleanBinding working = vm.loadingProperty().or(vm.analyzingProperty());
        busy.visibleProperty().bind(working);
        busy.progressProperty().bind(javafx.beans.binding.Bindings.when(vm.loadingProperty())
                .then(-1.0).otherwise(vm.progressProperty()));
        javafx.scene.control.Button cancel = new javafx.scene.control.Button("Cancel");
        cancel.setId("cancelLoad");
        cancel.setTooltip(new Tooltip("Stop opening or compiling this model; the model shown stays"));
        cancel.visibleProperty().bind(working);
        cancel.managedProperty().bind(working);
        cancel.setOnAction(e -> vm.cancelLoading());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, status, grow, busy, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 10, 4, 10));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    /** Convenience for tests: the window's recent entries as shown. */
    List<MenuItem> recentItems() {
        return recentMenu.getItems();
    }
}
