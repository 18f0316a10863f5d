package dev.zkscope.app;

import dev.zkscope.backend.LayerComparison;
import dev.zkscope.viz.BackendComparisonTable;
import dev.zkscope.viz.LayerSelection;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/**
 * The Compare backends button, its Cancel and status line, the per-layer table of both backends and the whole-proof
 * line under it. One model behind every pane (the Blowup tab and the Prove view each show one).
 */
final class BackendComparePane extends BorderPane {
    private final BackendComparisonTable table;
    private final Label totals = new Label();

    /** {@code idPrefix} keeps the ids of two panes in one window apart ("blowup", "prove"). */
    BackendComparePane(BackendCompareModel m, LayerSelection selection, String idPrefix) {
        setId(idPrefix + "BackendCompare");
        table = new BackendComparisonTable(selection);
        table.setId(idPrefix + "BackendTable");
        Button compare = new Button("Compare backends");
        compare.setId(idPrefix + "CompareBackends");
        compare.setTooltip(new Tooltip("Prove the open model with the Plonkish and the sumcheck backend on the input "
                + "Prove proves (at the Settings preset), and show each layer's measured cost beside its estimate."));
        compare.setOnAction(e -> m.compare());
        compare.disableProperty().bind(m.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId(idPrefix + "CancelCompare");
        cancel.setOnAction(e -> m.cancel());
        cancel.disableProperty().bind(m.runningProperty().not());
        Label status = new Label();
        status.setId(idPrefix + "CompareStatus");
        status.textProperty().bind(m.statusProperty());
        HBox bar = new HBox(10, compare, cancel, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 8, 6, 8));
        totals.setId(idPrefix + "CompareTotals");
        totals.setWrapText(true);
        totals.setPadding(new Insets(4, 8, 4, 8));
        setTop(bar);
        setCenter(table);
        setBottom(totals);
        m.resultProperty().addListener((o, a, c) -> show(c));
        show(m.resultProperty().get());
    }

    private void show(LayerComparison c) {
        table.set(c);
        totals.setText(c == null ? "" : totalsText(c));
    }

    BackendComparisonTable table() {
        return table;
    }

    Label totals() {
        return totals;
    }

    /** The whole-proof line: both provers' time and proof size, the rows and the products beside their estimates. */
    static String totalsText(LayerComparison c) {
        LayerComparison.Totals t = c.totals();
        String plonk = String.format(Locale.ROOT, "Plonkish (%s): 2^%d rows, %s in layer regions / %s counted, "
                        + "prove %.3f s, proof %.1f KiB", c.plonkishPreset(), t.logN(),
                BackendComparisonTable.num(t.plonkishRows()), BackendComparisonTable.num(t.countedRows()),
                t.plonkishSeconds(), t.plonkishProof() / 1024.0);
        String sc = t.sumcheckSeconds() == null ? "Sumcheck: refused \u2014 " + c.sumcheckRefusal()
                : String.format(Locale.ROOT, "Sumcheck (%s): prove %.3f s, proof %.1f KiB, %s F_p2 products / %s "
                        + "estimated (%s)", c.sumcheckPreset(), t.sumcheckSeconds(), t.sumcheckProof() / 1024.0,
                BackendComparisonTable.num(t.sumcheckProducts()), BackendComparisonTable.num(t.sumcheckEstimate()),
                BackendComparisonTable.pct(t.productsError()));
        return "Whole proof \u2014 " + plonk + ".  " + sc + ".  Times were measured once, on this machine as loaded now.";
    }
}
