package dev.zkscope.app;

import dev.zkscope.api.Pipeline;
import dev.zkscope.compile.CostLedger;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.Terms;
import dev.zkscope.viz.chart.ChartPane;
import dev.zkscope.viz.run.HeapChart;
import dev.zkscope.viz.run.PhaseTimeline;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The Prove tab: what will be proved, Prove and Cancel with a progress bar by phase, the heap and the phase timeline
 * live, then the measured figures, Verify, and the tamper demo (flip a byte of the proof, or claim another output).
 */
final class ProveView extends BorderPane {
    private final ProveViewModel pvm;
    private final MainViewModel vm;
    private final HeapChart heapChart = new HeapChart();
    private final ChartPane heapPane = new ChartPane("");
    private final PhaseTimeline timeline = new PhaseTimeline();
    private final FlameChart flame = new FlameChart();
    private final javafx.scene.control.ScrollPane predictionPane = new javafx.scene.control.ScrollPane();

    /** The charts' least height: the flame chart's rows (segments, phases, steps), its heap band and time axis. */
    static final double CHARTS_MIN_HEIGHT = 340;

    /** The page above the Verify box (text, charts, figures) in one scroll pane: it scrolls on a short window. */
    private final javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane();
    private final javafx.scene.control.TabPane charts = new javafx.scene.control.TabPane();
    private final Label plan = new Label();
    /** One line per segment of a run in segments: waiting, proving, or done with its figures. */
    private final FlowPane segmentBox = new FlowPane(14, 4);
    private final FlowPane figures = new FlowPane(10, 10);
    private final Label verdictHead = new Label();
    private final Label verdictText = new Label();
    private final Spinner<Integer> byteIndex = new Spinner<>(0, Integer.MAX_VALUE, 0);
    final Button prove = new Button("Prove");
    final Button cancel = new Button("Cancel");
    final Button verify = new Button("Verify");
    final Button flip = new Button("Flip byte and verify");
    final Button changeOutput = new Button("Change claimed output and verify");

    ProveView(ProveViewModel pvm, MainViewModel vm) {
        this.pvm = pvm;
        this.vm = vm;
        setId("proveView");
        prove.setId("proveButton");
        cancel.setId("cancelButton");
        verify.setId("verifyButton");
        flip.setId("flipButton");
        changeOutput.setId("changeOutputButton");
        verdictHead.setId("verdict");
        verdictText.setId("verdictDetail");
        prove.setDefaultButton(false);
        prove.setTooltip(new Tooltip("Generate keys, compute the witness, prove and verify (Ctrl+P)."));
        cancel.setTooltip(new Tooltip("Stop the proof at the next phase; the model and earlier runs stay."));
        prove.setOnAction(e -> pvm.prove());
        cancel.setOnAction(e -> pvm.cancel());
        verify.setOnAction(e -> pvm.verify());
        flip.setOnAction(e -> pvm.tamperFlipByte(byteIndex.getValue()));
        changeOutput.setOnAction(e -> pvm.tamperOutput());
        flip.setTooltip(new Tooltip("Flips one bit of the chosen byte of the proof, then verifies: any change is "
                + "caught by a Merkle proof, a FRI check or the quotient identity."));
        changeOutput.setTooltip(new Tooltip("Verifies the honest proof against a different claimed model output: the "
                + "proof binds the public values, so this fails."));
        byteIndex.setEditable(true);
        byteIndex.setPrefWidth(110);
        byteIndex.setTooltip(new Tooltip("Which byte of the proof to flip."));

        ProgressBar bar = new ProgressBar();
        bar.setId("proveProgress");
        bar.setPrefWidth(260);
        bar.progressProperty().bind(pvm.progressProperty());
        Label phase = new Label();
        phase.setId("provePhase");
        phase.textProperty().bind(pvm.phaseProperty());
        HBox controls = new HBox(10, prove, cancel, bar, phase);
        controls.setAlignment(Pos.CENTER_LEFT);
        plan.setWrapText(true);
        plan.setId("provePlan");
        segmentBox.setId("segmentProgress");
        segmentBox.managedProperty().bind(segmentBox.visibleProperty());
        segmentBox.setVisible(false);
        VBox top = new VBox(8, controls, plan, segmentBox);
        top.setPadding(new Insets(10));

        heapPane.setChart(heapChart.chart());
        // What the prover's pipeline does between its named phases (api.Pipeline.prove): a full collection to read
        // the heap baseline before the first round, and serializing the proof before verifying it.
        timeline.setGapNames(java.util.Map.of("witness commit", "full GC for the heap baseline",
                "verify", "serializing the proof"));
        SplitPane live = new SplitPane(heapPane, titled("Phase timeline", timeline));
        live.setDividerPositions(0.5);
        // The profiler view: the flame chart of phases and their steps over the heap and the collections, on one
        // time axis, with the cost model's prediction per phase beside it.
        predictionPane.setContent(PhasePrediction.panel(null));
        predictionPane.setFitToWidth(false);
        predictionPane.setMinWidth(0);
        Label hint = new Label("Wheel: zoom the time axis · drag: pan · double-click: whole run · hover: "
                + "name, start, duration, share");
        hint.getStyleClass().add("hint");
        BorderPane flamePane = new BorderPane(flame, null, null, hint, null);
        flamePane.setMinSize(0, 0);
        SplitPane profile = new SplitPane(titled("Flame chart: phases, steps, heap and GC on one time axis",
                flamePane), titled("Predicted vs measured", predictionPane));
        profile.setDividerPositions(0.68);
        javafx.scene.control.Tab flameTab = new javafx.scene.control.Tab("Flame chart", profile);
        flameTab.setId("flameTab");
        javafx.scene.control.Tab classicTab = new javafx.scene.control.Tab("Heap and phase timeline", live);
        classicTab.setId("heapTimelineTab");
        charts.getTabs().addAll(flameTab, classicTab);
        charts.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        charts.setId("proveCharts");

        Label vTitle = new Label("Verify");
        vTitle.getStyleClass().add("pane-title");
        FlowPane vButtons = new FlowPane(10, 6, verify, new Label("Tamper demo:"), byteIndex, flip, changeOutput);
        vButtons.setAlignment(Pos.CENTER_LEFT);
        // The verdict is never cut short: the mark and word keep their full width, the reason wraps (and is the
        // tooltip too, for copying into notes).
        verdictText.setWrapText(true);
        verdictHead.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        verdictText.setMinWidth(0);
        verdictText.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox.setHgrow(verdictText, javafx.scene.layout.Priority.ALWAYS);
        verdictText.setMaxWidth(Double.MAX_VALUE);
        verdictText.textProperty().addListener((o, a, b) -> {
            Tooltip t = new Tooltip(b);
            t.setWrapText(true);
            t.setMaxWidth(600);
            verdictText.setTooltip(b == null || b.isEmpty() ? null : t);
        });
        // The reason scrolls in a box of fixed height (whole, never cut to "..."), so the tamper buttons stay put.
        javafx.scene.control.ScrollPane verdictScroll = new javafx.scene.control.ScrollPane(verdictText);
        verdictScroll.setId("verdictScroll");
        verdictScroll.setFitToWidth(true);
        verdictScroll.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
        verdictScroll.setStyle("-fx-min-height: 5.8em; -fx-pref-height: 5.8em; -fx-max-height: 5.8em; "
                + "-fx-background-color: transparent; -fx-padding: 0;"); // -fx-background stays: text colour follows it
        HBox.setHgrow(verdictScroll, javafx.scene.layout.Priority.ALWAYS);
        HBox verdictRow = new HBox(12, verdictHead, verdictScroll);
        verdictRow.setAlignment(Pos.TOP_LEFT);
        VBox verdictBox = new VBox(6, vTitle, vButtons, verdictRow);
        verdictBox.getStyleClass().add("card");
        VBox figuresBox = new VBox(figures);
        figuresBox.setPadding(new Insets(10, 10, 0, 10));
        // One page: the charts take what the text and the figures leave, but never less than CHARTS_MIN_HEIGHT; on a
        // short window (1280x800, a segmented run's extra row) the page scrolls instead of squeezing the flame chart
        // to a strip under its own title. The Verify box stays below it, always in view (the tamper demo).
        top.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        figuresBox.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        charts.setMinHeight(CHARTS_MIN_HEIGHT);
        VBox page = new VBox(top, charts, figuresBox);
        VBox.setVgrow(charts, javafx.scene.layout.Priority.ALWAYS);
        scroll.setContent(page);
        scroll.setId("proveScroll");
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
        setCenter(scroll);
        VBox bottom = new VBox(verdictBox);
        bottom.setPadding(new Insets(10));
        setBottom(bottom);

        cancel.disableProperty().bind(pvm.runningProperty().not());
        prove.disableProperty().bind(pvm.runningProperty().or(vm.analyzingProperty()));
        pvm.runningProperty().addListener((o, a, b) -> updateButtons());
        pvm.lastProperty().addListener((o, a, r) -> {
            updateButtons();
            showRun(r);
        });
        pvm.verdictProperty().addListener((o, a, v) -> showVerdict(v));
        pvm.verifyingProperty().addListener((o, a, b) -> showVerdict(pvm.verdictProperty().get()));
        pvm.runningProperty().addListener((o, a, b) -> showVerdict(pvm.verdictProperty().get()));
        pvm.heap().addListener((ListChangeListener<HeapSampler.Sample>) c -> {
            while (c.next()) {
                if (c.wasReplaced() || c.wasRemoved() && !c.wasAdded()) {
                    heapChart.clear();
                    heapChart.addAll(pvm.heap());
                    return;
                }
                if (c.wasAdded()) {
                    heapChart.addAll(c.getAddedSubList());
                }
            }
        });
        pvm.phases().addListener((ListChangeListener<dev.zkscope.viz.run.PhaseTime>) c -> {
            timeline.show(pvm.phases(), pvm.elapsedProperty().get());
            refreshFlame();
        });
        pvm.elapsedProperty().addListener((o, a, b) -> {
            timeline.show(pvm.phases(), b.doubleValue());
            refreshFlame();
        });
        pvm.heap().addListener((ListChangeListener<HeapSampler.Sample>) c -> refreshFlame());
        pvm.segments().addListener((ListChangeListener<ProveViewModel.SegmentProgress>) c -> showSegments());
        pvm.lastProperty().addListener((o, a, r) -> showSegments());
        pvm.segmentBudgetProperty().addListener((o, a, b) -> showPlan(vm.analysis()));
        pvm.runningProperty().addListener((o, a, b) -> refreshFlame());
        vm.analysisProperty().addListener((o, a, an) -> showPlan(an));
        pvm.forecastProperty().addListener((o, a, f) -> showPlan(vm.analysis()));
        pvm.lastProperty().addListener((o, a, r) -> showPlan(vm.analysis()));
        pvm.provedInputProperty().addListener((o, a, i) -> showPlan(vm.analysis()));
        showPlan(vm.analysis());
        updateButtons();
    }

    private static Node titled(String title, Node content) {
        Label l = new Label(title);
        l.getStyleClass().add("pane-title");
        l.setPadding(new Insets(6, 8, 2, 8));
        BorderPane p = new BorderPane(content, l, null, null, null);
        p.setMinSize(0, 0);
        return p;
    }

    /**
     * The flame chart shows the finished run (phases and steps, heap, collections) once there is one, and the phases
     * and heap live while a proof runs; nothing when no run of the open model is shown.
     */
    private void refreshFlame() {
        CompletedRun r = pvm.lastProperty().get();
        if (pvm.runningProperty().get() || r == null) {
            if (pvm.phases().isEmpty() && pvm.heap().isEmpty()) {
                flame.clear();
                return;
            }
            flame.setNotes(java.util.Map.of());
            flame.show(live(pvm.phases(), pvm.elapsedProperty().get()), pvm.heap(), java.util.List.of(),
                    pvm.elapsedProperty().get());
            return;
        }
        java.util.Map<String, String> notes = new java.util.HashMap<>();
        if (r.isSegmented()) {
            for (SegmentedRun.Segment s : r.segmented().segments()) {
                notes.put(s.name(), s.span() + "\n2^" + s.logN() + " rows (" + Format.count(s.usedRows()) + " used, "
                        + Format.count(s.linkRows()) + " linking its boundaries), proof " + Format.bytes(s.proofBytes())
                        + "\nprover " + Format.millis(s.proveMillis()) + (s.predicted() == null ? "" : " (predicted "
                        + Format.millis(s.predicted().proveSeconds() * 1000) + s.predicted().bandText() + ")") + ", heap "
                        + Format.bytes(s.heapAboveBaseline()) + " above baseline" + (s.predicted() == null ? ""
                        : " (predicted " + Format.bytes(s.predicted().heapAboveBaseline()) + ")"));
            }
        }
        flame.setNotes(notes);
        flame.show(r.flame(), r.heap(), r.gc(), 0);
    }

    /**
     * The flame chart's bars while a proof runs: its phases; in segments, a bar per segment in the top row with the
     * phases that ran inside it in the row below (the steps come with the finished run).
     */
    static java.util.List<FlameSpan> live(java.util.List<dev.zkscope.viz.run.PhaseTime> phases, double now) {
        java.util.List<dev.zkscope.viz.run.PhaseTime> segs = phases.stream()
                .filter(p -> SegmentedRun.isSegment(p.name())).toList();
        java.util.List<FlameSpan> out = new java.util.ArrayList<>();
        for (dev.zkscope.viz.run.PhaseTime p : phases) {
            String parent = null;
            if (!SegmentedRun.isSegment(p.name())) {
                for (dev.zkscope.viz.run.PhaseTime s : segs) {
                    double end = s.running() ? Double.MAX_VALUE : s.endMillis();
                    if (p.startMillis() >= s.startMillis() - 1e-6 && p.startMillis() <= end) {
                        parent = s.name();
                    }
                }
            }
            out.add(new FlameSpan(p.name(), parent, parent == null ? 0 : 1, p.startMillis(), p.millis()));
        }
        return out;
    }

    /** The segments' lines: each segment's layers and height, and its state or figures. */
    private void showSegments() {
        segmentBox.getChildren().clear();
        java.util.List<ProveViewModel.SegmentProgress> list = pvm.segments();
        segmentBox.setVisible(!list.isEmpty());
        CompletedRun r = pvm.lastProperty().get();
        for (ProveViewModel.SegmentProgress s : list) {
            String state;
            if (s.state() == ProveViewModel.SegmentProgress.State.WAITING) {
                state = "waiting";
            } else if (s.state() == ProveViewModel.SegmentProgress.State.PROVING) {
                state = "proving...";
            } else if (s.proved() != null && s.proved().measure() != null) {
                var m = s.proved().measure();
                state = "2^" + s.proved().logN() + " rows, prover " + Format.millis(m.proveNanos() / 1e6)
                        + (m.prediction() == null ? "" : " (predicted "
                        + Format.millis(m.prediction().proveSeconds() * 1000) + ")");
            } else if (r != null && r.isSegmented() && r.segmented().byName(s.name()) != null) {
                SegmentedRun.Segment d = r.segmented().byName(s.name());
                state = "2^" + d.logN() + " rows, prover " + Format.millis(d.proveMillis())
                        + (d.predicted() == null ? "" : " (predicted "
                        + Format.millis(d.predicted().proveSeconds() * 1000) + ")");
            } else {
                state = "done";
            }
            Label l = new Label("\u25a0 " + s.name() + ": " + state);
            l.getStyleClass().add("segment-line");
            l.setTooltip(new Tooltip(s.span() + ", planned at about 2^" + s.estimatedLogN() + " rows"));
            segmentBox.getChildren().add(l);
        }
    }

    /** The segment lines' texts, in order (for tests). */
    java.util.List<String> segmentLines() {
        return segmentBox.getChildren().stream().map(n -> ((Label) n).getText()).toList();
    }

    FlameChart flame() {
        return flame;
    }

    /** The tabs over the flame chart and the classic heap chart and timeline. */
    javafx.scene.control.TabPane charts() {
        return charts;
    }

    org.jfree.chart.JFreeChart heapChart() {
        return heapChart.chart();
    }

    HeapChart heap() {
        return heapChart;
    }

    PhaseTimeline timeline() {
        return timeline;
    }

    /** The measured figures' cards (empty when no run of the open model is shown). */
    FlowPane figures() {
        return figures;
    }

    /** Every text on the cards, in order. */
    java.util.List<String> figureTexts() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Node card : figures.getChildren()) {
            for (Node n : ((VBox) card).getChildren()) {
                out.add(((Label) n).getText());
            }
        }
        return out;
    }

    /** A heap chart of one finished run alone (for export: never the live chart of a proof in progress). */
    static org.jfree.chart.JFreeChart heapChartOf(CompletedRun r) {
        HeapChart c = new HeapChart();
        c.addAll(r.heap());
        double[] rounds = r.roundsMillis();
        if (rounds != null) {
            c.markRun(r.peakHeap(), rounds[0], rounds[1]);
        }
        return c.chart();
    }

    private void updateButtons() {
        boolean has = pvm.lastProperty().get() != null && !pvm.runningProperty().get();
        verify.setDisable(!has);
        flip.setDisable(!has);
        changeOutput.setDisable(!has);
        byteIndex.setDisable(!has);
    }

    private void showPlan(Analysis a) {
        if (a == null || a.compiled() == null) {
            plan.setText(a == null ? "Waiting for the model to compile..." : a.problem());
            return;
        }
        CostLedger l = a.ledger();
        // The parameters this trace is proved with: the standard preset lowers the rate of small traces.
        ProofParameters p = a.settings().proofParameters().forTrace(l.logN());
        ProveJob.Input in = pvm.provedInputProperty().get();
        plan.setText("Proves one inference of " + a.session().displayName() + " on " + (in != null ? in.source()
                : "its default input (" + Pipeline.modelName(a.session().file()) + ".input.json if it fits, else a "
                + "seeded synthetic one)") + " (choose it in the Inputs tab): a trace of 2^" + l.logN() + " = "
                + Format.count(l.n()) + " rows \u00d7 " + (l.numAdvice() + l.numFixed() + l.numInstance())
                + " columns, preset " + p.name() + " (" + (a.security() == null ? "" : a.security().summary() + "; ")
                + p.numQueries() + " FRI queries, FRI blowup factor 2^" + p.logBlowup() + " + " + p.grindingBits()
                + " grinding bits), zero knowledge " + (p.zeroKnowledge() ? "on" : "off") + ", input "
                + a.settings().input().name().toLowerCase() + ", weights "
                + a.settings().weights().name().toLowerCase() + ". " + (a.prepared().hasProvingKey()
                ? "Its proving key is derived: the next proof reuses it (no keygen)."
                : "The first proof derives its proving key; later proofs with these settings reuse it.")
                + segmentsText(pvm.segmentBudgetProperty().get()) + "\n"
                + forecastText(pvm.forecastProperty().get()));
        plan.setTooltip(new Tooltip(Terms.SECURITY_BITS + "\n\n" + Terms.FRI));
    }

    /** Scrolls the page back to its start: the controls, the plan and the charts. */
    void scrollToTop() {
        scroll.setVvalue(scroll.getVmin());
    }

    private static String segmentsText(SegmentBudget b) {
        if (b == null || b.off()) {
            return "";
        }
        return " Proved in segments of at most " + (b.auto() ? "the height whose plan the cost model predicts fastest "
                + "among those that fit the free heap" : b + " rows") + " (Settings: Max rows per segment), one bundle "
                + "verified as a whole; each segment is predicted from its own circuit when it is cut.";
    }

    private static String forecastText(Forecast f) {
        if (f == null) {
            return "Predicting time and memory with the cost model (calibrated on this machine the first time)...";
        }
        return "Predicted before proving: prover " + Format.millis(f.proveSeconds() * 1000) + f.bandText() + ", heap "
                + Format.bytes(f.heapAboveBaseline()) + " above what is in use when it starts (cost model "
                + f.origin() + ").";
    }

    /** The card's line under the measured time: the same figure as the plan line and the Runs table's Predicted. */
    static String predictedTime(CompletedRun r) {
        return r.forecast() == null ? "" : "predicted " + Format.millis(r.forecast().proveSeconds() * 1000)
                + warnIfFar(r.predictionError().timeRatio());
    }

    /** The heap card's line: measured and predicted heap above the baseline (what the cost model predicts). */
    static String heapLine(CompletedRun r) {
        String measured = Format.bytes(r.heapAboveBaseline()) + " above the " + Format.bytes(r.baselineHeap())
                + " baseline";
        return r.forecast() == null ? measured : measured + "\npredicted " + Format.bytes(r.forecast()
                .heapAboveBaseline()) + " above" + warnIfFar(r.predictionError().heapRatio());
    }

    private static String warnIfFar(double ratio) {
        if (!(ratio > 0) || !Double.isFinite(ratio)) {
            return "";
        }
        double far = ratio >= 1 ? ratio : 1 / ratio;
        return far >= dev.zkscope.predict.PredictionError.FLAG_RATIO
                ? String.format(java.util.Locale.ROOT, " \u26a0 %.1fx %s", far, ratio >= 1 ? "over" : "under") : "";
    }

    private void showRun(CompletedRun r) {
        figures.getChildren().clear();
        predictionPane.setContent(PhasePrediction.panel(r));
        refreshFlame();
        if (r == null) {
            heapChart.clearMarks();
            return;
        }
        double[] rounds = r.roundsMillis();
        if (rounds != null) {
            heapChart.markRun(r.peakHeap(), rounds[0], rounds[1]);
        }
        figures.getChildren().addAll(
                card("Prove time", Format.millis(r.proveMillis()), predictedTime(r),
                        "Wall time of the prover's rounds, beside the cost model's prediction."
                        + farNote(r)),
                r.keyReused()
                        ? card("Key generation", "reused", "derived earlier", "The proving and verifying "
                        + "keys are derived once per circuit and parameters: this run reused those derived earlier "
                        + "for the same model and settings (by an earlier run, or by the unreported warm-up proof "
                        + "the app makes in the background once per session). Changing a setting derives new keys.")
                        : card("Key generation", Format.millis(r.keygenMillis()), "Deriving the proving and verifying "
                        + "keys (once per circuit and parameters; the next proof with these settings reuses them)."),
                card("Verify time", Format.millis(r.verifyMillis()), "Wall time of the verifier."),
                card("Peak heap", Format.bytes(r.peakHeap()), heapLine(r), "Largest used heap sampled during "
                        + "the prover's rounds (shaded in the heap chart, where a dashed line marks this peak; "
                        + "key generation, witness and verification outside them are not counted), including garbage "
                        + "not yet collected. The cost model predicts what the prover adds above the heap in use "
                        + "when its rounds start (the baseline), so that figure is compared." + farNote(r)),
                card("Proof size", Format.bytes(r.proof().length), ProofParts.line(ProofParts.of(r)),
                        ProofParts.table(ProofParts.of(r))),
                card("Security", r.security() == null ? "-" : "conjectured " + SecurityAnalysis.format(
                        r.security().conjecturedBits()) + " / provable " + SecurityAnalysis.format(
                        r.security().provableBits()) + " bits", Terms.SECURITY_BITS),
                card("Trace", "2^" + r.logN() + " rows", Terms.ROW),
                r.output().length > 1 ? card("Claimed output", "class " + r.argmax(), "input: " + r.inputSource(),
                        "Index of the largest public output value (the prediction) for the proved input, "
                        + r.inputSource() + " (chosen in the Inputs tab).")
                        : card("Claimed output", r.output().length == 0 ? "-" : r.output()[0] + " (quantized)",
                        "input: " + r.inputSource(), "The model's one public output value, as the circuit's "
                        + "integer, for the proved input, " + r.inputSource() + " (chosen in the Inputs tab)."));
        byteIndex.getValueFactory().setValue(r.proof().length / 2);
    }

    private static String farNote(CompletedRun r) {
        String w = r.predictionError() == null ? null : r.predictionError().warning();
        return w == null ? "" : "\n\n\u26a0 " + Character.toUpperCase(w.charAt(0)) + w.substring(1) + ".";
    }

    private static Node card(String name, String value, String help) {
        return card(name, value, "", help);
    }

    private static Node card(String name, String value, String sub, String help) {
        Label n = new Label(name);
        Label v = new Label(value);
        v.getStyleClass().add("figure");
        VBox b = new VBox(2, n, v);
        if (!sub.isEmpty()) {
            Label l = new Label(sub);
            if (sub.contains("\u26a0")) {
                l.getStyleClass().add("warning-text");
            }
            b.getChildren().add(l);
        }
        b.getStyleClass().add("card");
        b.setMinWidth(130);
        Tooltip t = new Tooltip(help);
        t.setWrapText(true);
        t.setMaxWidth(380);
        Tooltip.install(b, t);
        return b;
    }

    private void showVerdict(ProveViewModel.Verdict v) {
        verdictHead.getStyleClass().removeAll("verdict-ok", "verdict-bad");
        if (v == null) {
            verdictHead.setText("");
            verdictText.setText(pvm.verifyingProperty().get() ? "Verifying..."
                    : pvm.runningProperty().get() ? "Proving: the verifier's answer follows the proof."
                    : "Prove first, then verify or tamper.");
            return;
        }
        verdictHead.setText(v.accepted() ? "\u2714 Accepted" : "\u2718 Rejected");
        verdictHead.getStyleClass().add(v.accepted() ? "verdict-ok" : "verdict-bad");
        verdictText.setText(v.detail());
    }

    /** Adds a tab beside the flame chart and the heap timeline (the backends' per-layer comparison). */
    void addChartTab(String id, String title, javafx.scene.Node content) {
        javafx.scene.control.Tab t = new javafx.scene.control.Tab(title, content);
        t.setId(id);
        charts.getTabs().add(t);
    }

    /** Shows the chart tab with that id. */
    void showChartTab(String id) {
        for (javafx.scene.control.Tab t : charts.getTabs()) {
            if (id.equals(t.getId())) {
                charts.getSelectionModel().select(t);
            }
        }
    }
}
