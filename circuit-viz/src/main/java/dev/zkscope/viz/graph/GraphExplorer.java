package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.viz.LayerSelection;
import java.util.List;
import java.util.Set;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The graph with its tools: a search field (name or op; Enter steps to the next hit, which is selected, its modules
 * expanded and the view panned to it), zoom buttons, fit, and expand/collapse of all modules. The graph itself is a
 * {@link GraphView} (pan, zoom, minimap, modules).
 */
public final class GraphExplorer extends BorderPane {
    private final GraphView view;
    private final LayerSelection selection;
    private final TextField search = new TextField();
    private final Label count = new Label();
    private Graph model;
    private List<String> hits = List.of();
    private int at = -1;

    public GraphExplorer(LayerSelection selection) {
        this.selection = selection;
        this.view = new GraphView(selection);
        search.setId("graphSearch");
        search.setPromptText("Search name or op (Enter: next)");
        search.setTooltip(new Tooltip("A part of a layer's name (conv1, /layer2/) or its op (gemm); op:Relu matches "
                + "the op exactly. Enter steps through the hits; Esc clears."));
        HBox.setHgrow(search, Priority.ALWAYS);
        search.setMinWidth(90);
        search.textProperty().addListener((o, a, b) -> find(b));
        search.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                step(e.isShiftDown() ? -1 : 1);
            } else if (e.getCode() == KeyCode.ESCAPE) {
                search.clear();
            }
        });
        count.setId("graphSearchCount");
        count.setMinWidth(USE_PREF_SIZE);
        Button prev = tool("\u2191", "Previous hit (Shift+Enter)", () -> step(-1));
        Button next = tool("\u2193", "Next hit (Enter)", () -> step(1));
        Button out = tool("\u2212", "Zoom out (or scroll)", () -> view.zoomBy(1 / 1.25));
        Button in = tool("+", "Zoom in (or scroll)", () -> view.zoomBy(1.25));
        Button fit = tool("Fit", "Fit the graph to the pane (or double-click the background). Drag to pan; "
                + "click a layer to select it everywhere, a dashed module box to expand it.", view::fit);
        fit.setId("graphFit");
        Button expand = tool("Expand", "Expand every module: one box per layer", view::expandAll);
        expand.setId("graphExpandAll");
        Button collapse = tool("Collapse", "Collapse the modules back (right-click a layer to collapse its module)",
                view::collapseAll);
        collapse.setId("graphCollapseAll");
        HBox row1 = new HBox(4, search, count, prev, next);
        row1.setAlignment(Pos.CENTER_LEFT);
        HBox row2 = new HBox(4, out, in, fit, expand, collapse);
        row2.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.layout.VBox bar = new javafx.scene.layout.VBox(4, row1, row2);
        bar.setPadding(new Insets(0, 8, 6, 8));
        setTop(bar);
        setCenter(view);
    }

    private static Button tool(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        b.setOnAction(e -> action.run());
        b.setMinWidth(USE_PREF_SIZE);
        return b;
    }

    public GraphView view() {
        return view;
    }

    public TextField searchField() {
        return search;
    }

    /** The current hits, in topological order. */
    public List<String> hits() {
        return hits;
    }

    /** Shows a model (see {@link GraphView#setModel}); the search is cleared. */
    public void setModel(Graph g, LaidOutGraph layout) {
        this.model = g;
        search.clear();
        find("");
        view.setModel(g, layout);
    }

    private void find(String q) {
        hits = GraphSearch.find(model, q);
        at = -1;
        view.setHits(Set.copyOf(hits));
        count.setText(q == null || q.isBlank() ? "" : hits.isEmpty() ? "no match" : hits.size() + " found");
    }

    /** Selects the next (or previous) hit, expanding its modules and panning to it. */
    public void step(int dir) {
        if (hits.isEmpty()) {
            return;
        }
        at = Math.floorMod(at + dir, hits.size());
        String layer = hits.get(at);
        view.reveal(layer);
        selection.select(layer);
        count.setText((at + 1) + " of " + hits.size());
    }
}
