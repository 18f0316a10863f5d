package dev.zkscope.app;

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
    private final Label plan = new Label();
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
                + "caught by a Merkle path, a FRI check or the quotient identity."));
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
        VBox top = new VBox(8, controls, plan);
        top.setPadding(new Insets(10));
        setTop(top);

        heapPane.setChart(heapChart.chart());
        SplitPane live = new SplitPane(heapPane, titled("Phase timeline", timeline));
        live.setDividerPositions(0.5);
        setCenter(live);

        Label vTitle = new Label("Verify");
        vTitle.getStyleClass().add("pane-title");
        HBox vButtons = new HBox(10, verify, new Label("Tamper demo:"), byteIndex, flip, changeOutput);
        vButtons.setAlignment(Pos.CENTER_LEFT);
        verdictText.setWrapText(true);
        VBox verdictBox = new VBox(6, vTitle, vButtons, new HBox(12, verdictHead, verdictText));
        verdictBox.getStyleClass().add("card");
        VBox bottom = new VBox(10, figures, verdictBox);
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
        pvm.phases().addListener((ListChangeListener<dev.zkscope.viz.run.PhaseTime>) c ->
                timeline.show(pvm.phases(), pvm.elapsedProperty().get()));
        pvm.elapsedProperty().addListener((o, a, b) -> timeline.show(pvm.phases(), b.doubleValue()));
        vm.analysisProperty().addListener((o, a, an) -> showPlan(an));
        pvm.forecastProperty().addListener((o, a, f) -> showPlan(vm.analysis()));
        pvm.lastProperty().addListener((o, a, r) -> showPlan(vm.analysis()));
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

    org.jfree.chart.JFreeChart heapChart() {
        return heapChart.chart();
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
        ProofParameters p = a.settings().proofParameters();
        plan.setText("Proves one inference of " + a.session().displayName() + ": a trace of 2^" + l.logN() + " = "
                + Format.count(l.n()) + " rows \u00d7 " + (l.numAdvice() + l.numFixed() + l.numInstance())
                + " columns, preset " + p.name() + " (" + (a.security() == null ? "" : a.security().summary() + "; ")
                + p.numQueries() + " FRI queries at blowup 2^" + p.logBlowup() + " + " + p.grindingBits()
                + " grinding bits), zero knowledge " + (p.zeroKnowledge() ? "on" : "off") + ", input "
                + a.settings().input().name().toLowerCase() + ", weights "
                + a.settings().weights().name().toLowerCase() + ". " + (a.prepared().hasProvingKey()
                ? "Its proving key is derived: the next proof reuses it (no keygen)."
                : "The first proof derives its proving key; later proofs with these settings reuse it.") + "\n"
                + forecastText(pvm.forecastProperty().get()));
        plan.setTooltip(new Tooltip(Terms.SECURITY_BITS + "\n\n" + Terms.FRI));
    }

    private static String forecastText(Forecast f) {
        if (f == null) {
            return "Predicting time and memory with the cost model (calibrated on this machine the first time)...";
        }
        return String.format(java.util.Locale.ROOT, "Predicted before proving: prover %.1f s, heap %s above what is in "
                + "use when it starts (cost model %s).", f.proveSeconds(), Format.bytes(f.heapAboveBaseline()),
                f.origin());
    }

    private static String predicted(ProveRun r, boolean time) {
        Forecast f = r.forecast();
        if (f == null) {
            return "";
        }
        return "predicted " + (time ? String.format(java.util.Locale.ROOT, "%.1f s", f.proveSeconds())
                : Format.bytes(f.peakHeapBytes()));
    }

    private void showRun(ProveRun r) {
        figures.getChildren().clear();
        if (r == null) {
            return;
        }
        figures.getChildren().addAll(
                card("Prove time", Format.millis(r.proveMillis()), predicted(r, true),
                        "Wall time of the prover's rounds, beside the cost model's prediction."),
                r.keyReused()
                        ? card("Key generation", "reused", "derived earlier", "The proving and verifying "
                        + "keys are derived once per circuit and parameters: this run reused those derived earlier "
                        + "for the same model and settings (by an earlier run, or by the unreported warm-up proof "
                        + "the app makes in the background once per session). Changing a setting derives new keys.")
                        : card("Key generation", Format.millis(r.keygenMillis()), "Deriving the proving and verifying "
                        + "keys (once per circuit and parameters; the next proof with these settings reuses them)."),
                card("Verify time", Format.millis(r.verifyMillis()), "Wall time of the verifier."),
                card("Peak heap", Format.bytes(r.peakHeap()), predicted(r, false), "Largest used heap sampled during "
                        + "the prover's rounds (includes garbage not yet collected), beside the cost model's "
                        + "prediction."),
                card("Proof size", Format.bytes(r.proof().length), "Serialized proof bytes."),
                card("Security", r.security() == null ? "-" : "conjectured " + SecurityAnalysis.format(
                        r.security().conjecturedBits()) + " / provable " + SecurityAnalysis.format(
                        r.security().provableBits()) + " bits", Terms.SECURITY_BITS),
                card("Trace", "2^" + r.logN() + " rows", Terms.ROW),
                card("Claimed output", "class " + r.argmax(), "Index of the largest public output value (the "
                        + "prediction), input: " + r.inputSource() + "."));
        byteIndex.getValueFactory().setValue(r.proof().length / 2);
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
            b.getChildren().add(new Label(sub));
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
            verdictText.setText(pvm.lastProperty().get() == null ? "Prove first, then verify or tamper." : "Verifying...");
            return;
        }
        verdictHead.setText(v.accepted() ? "\u2714 Accepted" : "\u2718 Rejected");
        verdictHead.getStyleClass().add(v.accepted() ? "verdict-ok" : "verdict-bad");
        verdictText.setText(v.detail());
    }
}
