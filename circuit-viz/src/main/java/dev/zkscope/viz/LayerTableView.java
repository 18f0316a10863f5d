package dev.zkscope.viz;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.util.Duration;

/**
 * The layer table: one row per node, with the graph's shapes, parameters and MACs and, once compiled, the ledger's
 * rows, advice cells, lookups per table, range checks, copies and share (with an inline bar). Sortable by every
 * column, filtered by op; unsupported nodes are marked. Selection is shared through a {@link LayerSelection}.
 */
public final class LayerTableView extends BorderPane {
    public static final String ALL_OPS = "All ops";

    private final ObservableList<LayerRow> rows = FXCollections.observableArrayList();
    private final FilteredList<LayerRow> filtered = new FilteredList<>(rows, r -> true);
    private final TableView<LayerRow> table = new TableView<>();
    private final ComboBox<String> opFilter = new ComboBox<>();
    private final Label summary = new Label();
    private final List<TableColumn<LayerRow, ?>> costColumns;
    private boolean syncing;

    private final LayerSelection selection;

    public LayerTableView(LayerSelection selection) {
        this.selection = selection;
        getStyleClass().add("layer-table");
        table.setId("layerTable");
        opFilter.setId("opFilter");
        SortedList<LayerRow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        TableSizing.scrollable(table);
        table.setPlaceholder(new Label("No model open"));

        TableColumn<LayerRow, Number> idx = num("#", "Position in topological order.", LayerRow::index);
        TableColumn<LayerRow, String> op = text("Op", Terms.OP, LayerRow::op);
        op.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                LayerRow r = empty || getTableRow() == null ? null : getTableRow().getItem();
                if (r == null) {
                    setText(null);
                    setTooltip(null);
                    return;
                }
                setAlignment(Pos.TOP_LEFT);
                setText(r.isUnsupported() ? "\u26a0 " + item + " (unsupported)" : item);
                setTooltip(r.isUnsupported() ? tip(Terms.UNSUPPORTED + "\n" + r.unsupported()) : null);
            }
        });
        TableColumn<LayerRow, String> name = text("Name", Terms.NAME, LayerRow::name);
        TableColumn<LayerRow, String> ins = text("Input shapes", Terms.INPUT_SHAPES, LayerRow::inputShapes);
        TableColumn<LayerRow, String> out = text("Output shape", Terms.OUTPUT_SHAPE, LayerRow::outputShape);
        TableColumn<LayerRow, Number> params = num("Params", Terms.PARAMS, LayerRow::params);
        TableColumn<LayerRow, Number> macs = num("MACs", Terms.MACS, LayerRow::macs);
        TableColumn<LayerRow, Number> trows = costNum("Rows", Terms.ROWS, LayerRow.Cost::rows);
        TableColumn<LayerRow, Number> advice = costNum("Advice", Terms.ADVICE, LayerRow.Cost::adviceCells);
        TableColumn<LayerRow, Number> tableRows = costNum("Table rows", "Rows of the lookup tables this layer looks "
                + "into, charged to it: each table's rows shared among the layers using it in proportion to their "
                + "lookups (a Sigmoid layer owns its sigmoid table). Tables sit in their own columns beside the "
                + "gadgets' rows; where they are taller than the gadgets they set the trace height. The column adds "
                + "up to the circuit's table rows.", LayerRow.Cost::tableRows);
        TableColumn<LayerRow, String> lookups = text("Lookups by table", Terms.LOOKUPS,
                r -> r.cost() == null ? "" : Format.perKey(r.cost().lookups()).replace(", ", "\n"));
        TableColumn<LayerRow, Number> range = costNum("Range checks", Terms.RANGE_CHECK, LayerRow.Cost::rangeChecks);
        TableColumn<LayerRow, Number> copies = costNum("Copies", Terms.COPIES, LayerRow.Cost::copies);
        TableColumn<LayerRow, Number> share = costNum("% of total", Terms.SHARE, LayerRow.Cost::share);
        share.setCellFactory(c -> new ShareCell());
        TableColumn<LayerRow, Number> perMac = ratio("Rows/MAC", Terms.ROWS_PER_MAC, LayerRow.Cost::rowsPerMac);
        TableColumn<LayerRow, Number> perElement = ratio("Rows/element", Terms.ROWS_PER_ELEMENT,
                LayerRow.Cost::rowsPerElement);
        costColumns = List.of(trows, advice, tableRows, lookups, range, copies, share, perMac, perElement);
        // Minimum widths keep every header and figure readable; the table scrolls sideways when narrower.
        widths(idx, 36, 36);
        widths(op, 70, 90);
        widths(name, 90, 120);
        widths(ins, 120, 170);
        widths(out, 100, 100);
        widths(params, 58, 62);
        widths(macs, 60, 66);
        widths(trows, 52, 62);
        widths(advice, 60, 72);
        widths(tableRows, 84, 90);
        widths(lookups, 130, 150);
        widths(range, 108, 108);
        widths(copies, 60, 70);
        widths(share, 110, 130);
        widths(perMac, 78, 84);
        widths(perElement, 96, 100);
        table.getColumns().addAll(List.of(idx, op, name, ins, out, params, macs, trows, advice, tableRows, lookups,
                range, copies, share, perMac, perElement));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(LayerRow item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("unsupported");
                if (!empty && item != null && item.isUnsupported()) {
                    getStyleClass().add("unsupported");
                }
            }
        });

        opFilter.getItems().add(ALL_OPS);
        opFilter.setValue(ALL_OPS);
        opFilter.setTooltip(tip("Show only the layers of one op type."));
        opFilter.valueProperty().addListener((o, a, v) ->
                filtered.setPredicate(r -> v == null || ALL_OPS.equals(v) || v.equals(r.op())));
        Label filterLabel = new Label("Filter by op:");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, filterLabel, opFilter, grow, summary);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 8, 6, 8));
        setTop(bar);
        setCenter(table);

        table.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (!syncing && r != null) {
                selection.select(r.name());
            }
        });
        selection.selectedProperty().addListener((o, a, layer) -> selectLayer(layer));
        setRows(List.of());
    }

    /** Replaces the rows; keeps the op filter if that op still exists. */
    public void setRows(List<LayerRow> newRows) {
        String keep = opFilter.getValue();
        rows.setAll(newRows);
        TreeSet<String> ops = new TreeSet<>();
        boolean costed = false;
        long params = 0;
        long macs = 0;
        for (LayerRow r : newRows) {
            ops.add(r.op());
            costed |= r.cost() != null;
            params += r.params();
            macs += r.macs();
        }
        opFilter.getItems().setAll(ALL_OPS);
        opFilter.getItems().addAll(ops);
        opFilter.setValue(ops.contains(keep) ? keep : ALL_OPS);
        for (TableColumn<LayerRow, ?> c : costColumns) {
            c.setVisible(costed);
        }
        summary.setText(newRows.isEmpty() ? "" : newRows.size() + " layers, " + Format.count(params) + " params, "
                + Format.count(macs) + " MACs");
        // New rows (a recompilation, say) keep the layer selected in the other views.
        selectLayer(selection.selected());
    }

    public TableView<LayerRow> table() {
        return table;
    }

    public ComboBox<String> opFilter() {
        return opFilter;
    }

    private void selectLayer(String layer) {
        LayerRow current = table.getSelectionModel().getSelectedItem();
        if (current != null && Objects.equals(current.name(), layer)) {
            return;
        }
        syncing = true;
        try {
            if (layer == null) {
                table.getSelectionModel().clearSelection();
                return;
            }
            for (LayerRow r : table.getItems()) {
                if (r.name().equals(layer)) {
                    table.getSelectionModel().select(r);
                    table.scrollTo(r);
                    return;
                }
            }
            table.getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
    }

    private static void widths(TableColumn<LayerRow, ?> c, double min, double pref) {
        c.setMinWidth(min);
        c.setPrefWidth(pref);
    }

    private static Tooltip tip(String text) {
        Tooltip t = new Tooltip(text);
        t.setWrapText(true);
        t.setMaxWidth(420);
        t.setShowDelay(Duration.millis(300));
        t.setShowDuration(Duration.seconds(30));
        return t;
    }

    private static <T> void header(TableColumn<LayerRow, T> c, String title, String help) {
        Label l = new Label(title);
        l.setTooltip(tip(help));
        c.setGraphic(l);
        c.setText("");
        c.setId("col-" + title.replaceAll("[^A-Za-z]", ""));
    }

    private static TableColumn<LayerRow, String> text(String title, String help, Function<LayerRow, String> f) {
        TableColumn<LayerRow, String> c = new TableColumn<>();
        header(c, title, help);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setCellFactory(x -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setAlignment(Pos.TOP_LEFT);
                setTooltip(empty || item == null || item.isEmpty() ? null : new Tooltip(item));
                if (!empty && item != null && item.indexOf('\n') >= 0) {
                    // Several lines: a label computes its height from all of them, so the row grows to fit.
                    Label l = new Label(item);
                    l.setMinHeight(Region.USE_PREF_SIZE);
                    setText(null);
                    setGraphic(l);
                } else {
                    setGraphic(null);
                    setText(empty ? null : item);
                }
            }
        });
        return c;
    }

    private static TableColumn<LayerRow, Number> num(String title, String help, Function<LayerRow, Number> f) {
        TableColumn<LayerRow, Number> c = new TableColumn<>();
        header(c, title, help);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setCellFactory(x -> new NumberCell());
        return c;
    }

    private static TableColumn<LayerRow, Number> costNum(String title, String help,
                                                         Function<LayerRow.Cost, Number> f) {
        return num(title, help, r -> r.cost() == null ? null : f.apply(r.cost()));
    }

    /** A ratio column of the cost (empty when the ratio is undefined). */
    private static TableColumn<LayerRow, Number> ratio(String title, String help, Function<LayerRow.Cost, Double> f) {
        TableColumn<LayerRow, Number> c = num(title, help, r -> r.cost() == null ? null : f.apply(r.cost()));
        c.setCellFactory(x -> new RatioCell());
        return c;
    }

    /** Right-aligned ratio with three decimals. */
    static final class RatioCell extends TableCell<LayerRow, Number> {
        RatioCell() {
            setAlignment(Pos.TOP_RIGHT);
        }

        @Override
        protected void updateItem(Number item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : String.format(java.util.Locale.ROOT, "%.3f", item.doubleValue()));
        }
    }

    /** Right-aligned, grouped integers. */
    private static final class NumberCell extends TableCell<LayerRow, Number> {
        NumberCell() {
            setAlignment(Pos.TOP_RIGHT);
        }

        @Override
        protected void updateItem(Number item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : Format.count(item.longValue()));
        }
    }

    /** A percentage with an inline bar proportional to the share. */
    private static final class ShareCell extends TableCell<LayerRow, Number> {
        private final Region bar = new Region();
        private final Label label = new Label();
        private final StackPane box = new StackPane(bar, label);

        ShareCell() {
            bar.getStyleClass().add("share-bar");
            bar.setMaxHeight(12);
            StackPane.setAlignment(bar, Pos.TOP_LEFT);
            StackPane.setAlignment(label, Pos.TOP_RIGHT);
            StackPane.setMargin(bar, new Insets(3, 0, 0, 0));
            box.setMinWidth(0);
            setContentDisplay(javafx.scene.control.ContentDisplay.GRAPHIC_ONLY);
        }

        @Override
        protected void updateItem(Number item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            double f = Math.max(0, Math.min(1, item.doubleValue()));
            label.setText(Format.percent(f));
            bar.maxWidthProperty().bind(widthProperty().subtract(70).multiply(f));
            setGraphic(box);
        }
    }
}
