package dev.zkscope.viz;

import dev.zkscope.backend.LayerComparison;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;

/**
 * The two backends' measured cost per layer side by side, each measurement beside its estimate and the estimate's
 * error ({@link LayerComparison}): Plonkish rows and cells from the proved trace against the counting-mode ledger,
 * sumcheck products and time against the sumcheck estimate. A layer the sumcheck backend refused says why (its row's
 * tooltip and the last column). Clicking a row selects the layer everywhere.
 */
public final class BackendComparisonTable extends TableView<LayerComparison.Row> {
    /** Column ids, in order: the tests read the cells by these. */
    public static final String LAYER = "layer", OP = "op", P_ROWS = "pRows", P_EST = "pRowsEst", P_ERR = "pRowsErr",
            P_NONZERO = "pNonZero", P_ASSIGNED = "pAssigned", S_PRODUCTS = "sProducts", S_EST = "sEst",
            S_ERR = "sErr", S_MS = "sMs", S_NOTE = "sNote";

    public BackendComparisonTable(LayerSelection selection) {
        setId("backendComparison");
        TableSizing.scrollable(this);
        setPlaceholder(new Label("Press Compare backends: the model is proved by both backends on the proved input, "
                + "and each layer's measured cost appears beside its estimate."));
        getColumns().add(col(LAYER, "Layer", LayerComparison.Row::layer, "The ONNX node, or a part of the sumcheck "
                + "proof that serves the whole model (commitments, openings, lookups)."));
        getColumns().add(col(OP, "Op", LayerComparison.Row::op, null));
        TableColumn<LayerComparison.Row, String> plonk = new TableColumn<>("Plonkish (this trace)");
        plonk.getColumns().add(col(P_ROWS, "rows", r -> num(r.plonkishRows()), "Rows of this layer's regions in the "
                + "circuit that was proved (measured)."));
        plonk.getColumns().add(col(P_EST, "est.", r -> num(r.countedRows()), "Rows of the layer in the counting-mode "
                + "ledger, made without a trace (what inspect says before proving)."));
        plonk.getColumns().add(col(P_ERR, "err", r -> pct(r.rowsError()), "(estimate - measured) / measured"));
        plonk.getColumns().add(col(P_NONZERO, "cells \u2260 0", r -> num(r.nonZeroCells()), "Advice cells of the "
                + "layer's rows holding a non-zero value in the filled witness (measured)."));
        plonk.getColumns().add(col(P_ASSIGNED, "assigned", r -> num(r.assignedCells()), "Advice cells the ledger "
                + "says the layer assigns (zeros included)."));
        TableColumn<LayerComparison.Row, String> sc = new TableColumn<>("Sumcheck");
        sc.getColumns().add(col(S_PRODUCTS, "products", r -> num(r.sumcheckProducts()), "F_p2 products: products in the "
                + "extension field the sumcheck prover made under this layer's label (counted)."));
        sc.getColumns().add(col(S_EST, "est.", r -> num(r.sumcheckEstimate()), "The sumcheck estimate of those "
                + "products (docs/estimates.md); the whole-proof parts are estimated only in the total."));
        sc.getColumns().add(col(S_ERR, "err", r -> pct(r.productsError()), "(estimate - counted) / counted"));
        sc.getColumns().add(col(S_MS, "ms", r -> r.sumcheckNanos() == null ? "\u2013"
                : String.format(Locale.ROOT, "%.1f", r.sumcheckNanos() / 1e6), "Sumcheck prover wall time under "
                + "this label (measured; the Plonkish prover works per column, so its time is for the whole proof)."));
        sc.getColumns().add(col(S_NOTE, "note", r -> r.sumcheckNote() == null ? "" : r.sumcheckNote(), null));
        getColumns().add(plonk);
        getColumns().add(sc);
        setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(LayerComparison.Row r, boolean empty) {
                super.updateItem(r, empty);
                setTooltip(empty || r == null || r.sumcheckNote() == null ? null : wrap(r.sumcheckNote()));
            }
        });
        getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (r != null && r.isLayer()) {
                selection.select(r.layer());
            }
        });
    }

    /** Shows a comparison; null clears the table. */
    public void set(LayerComparison c) {
        if (c == null) {
            getItems().clear();
        } else {
            getItems().setAll(c.rows());
        }
    }

    /** The text a cell shows: row {@code row}, column id {@code id} (for tests and export). */
    public String cell(int row, String id) {
        for (TableColumn<LayerComparison.Row, ?> c : getVisibleLeafColumns()) {
            if (id.equals(c.getId())) {
                Object v = c.getCellData(row);
                return v == null ? null : v.toString();
            }
        }
        throw new IllegalArgumentException("no column " + id);
    }

    private static TableColumn<LayerComparison.Row, String> col(String id, String title,
                                                                Function<LayerComparison.Row, String> f, String tip) {
        TableColumn<LayerComparison.Row, String> c = new TableColumn<>();
        c.setId(id);
        Label head = new Label(title);
        if (tip != null) {
            head.setTooltip(wrap(tip));
        }
        c.setGraphic(head);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setSortable(false);
        return c;
    }

    private static Tooltip wrap(String s) {
        Tooltip t = new Tooltip(s);
        t.setWrapText(true);
        t.setMaxWidth(460);
        return t;
    }

    /** A count with grouping, or an en dash when the backend has no figure. */
    public static String num(Number v) {
        return v == null ? "\u2013" : Format.count(v.longValue());
    }

    /** A signed percentage to one decimal, or an en dash. */
    public static String pct(Double e) {
        return e == null ? "\u2013" : String.format(Locale.ROOT, "%+.1f%%", 100 * e);
    }
}
