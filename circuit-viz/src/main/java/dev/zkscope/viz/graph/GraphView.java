package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.LayerSelection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.geometry.Point2D;
import javafx.scene.Group;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Polyline;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.util.Duration;

/**
 * Draws a {@link LaidOutGraph}: boxes coloured by their layer's share of the circuit cost (once known), edges with
 * shape labels. Scroll to zoom around the pointer, drag to pan, double-click the background to fit; a minimap in the
 * corner shows the whole graph and the part in view (click or drag it to move there). Clicking a layer box selects
 * it in the shared {@link LayerSelection}; clicking a module's box (a collapsed group, see {@link ModuleTree})
 * expands it, and a layer's context menu collapses its module again. Search hits are outlined in orange.
 *
 * <p>Zoomed far out, edge labels and second lines are hidden (level of detail), so a 200-node graph stays readable
 * and cheap to draw.
 */
public final class GraphView extends Pane {
    private static final Font TITLE = Font.font("System", FontWeight.BOLD, 12);
    private static final Font DETAIL = Font.font("System", 11);
    private static final Font EDGE = Font.font("System", 10);
    /** Below this zoom, edge labels and box second lines are hidden. */
    static final double DETAIL_SCALE = 0.45;
    private static final Color HIT = Color.web("#f28c28");
    private static final Color SELECTED = Color.web("#1f6feb");
    private static final Color PLAIN = Color.web("#6b7380");

    private final LayerSelection selection;
    private final Group content = new Group();
    private final Group details = new Group();
    private final Map<String, Rectangle> rects = new HashMap<>();
    private final Label empty = new Label("No model open");
    private final Canvas minimap = new Canvas(150, 150);
    private LaidOutGraph graph;
    private Graph model;
    private ModuleTree tree;
    private Set<String> expanded = new HashSet<>();
    private Map<String, Double> shares = Map.of();
    private Set<String> hits = Set.of();
    private double dragX;
    private double dragY;
    private boolean dragged;
    private boolean fitted;
    /** The overlay shown while a large layout runs in the background: what runs, a spinner and Cancel. */
    private final javafx.scene.layout.HBox busy = new javafx.scene.layout.HBox(8);
    private final Label busyText = new Label();
    private final javafx.beans.property.BooleanProperty layingOut =
            new javafx.beans.property.SimpleBooleanProperty(this, "layingOut");
    /** The background layout running, if any (its cancel flag); replaced or cancelled by any other change. */
    private java.util.concurrent.atomic.AtomicBoolean pendingCancel;
    /** Graphs with more boxes than this are laid out off the UI thread (ELK takes seconds on 200+ boxes). */
    static final int BACKGROUND_BOXES = 60;
    private static final java.util.concurrent.ExecutorService LAYOUT = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "graph-layout");
                t.setDaemon(true);
                t.setPriority(Thread.NORM_PRIORITY - 1);
                return t;
            });
    /** Text is measured by one thread at a time: the UI thread and the layout thread share the font machinery. */
    private static final Object MEASURE = new Object();

    public GraphView(LayerSelection selection) {
        this.selection = selection;
        getStyleClass().add("graph-view");
        setId("graphView");
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        minimap.setId("graphMinimap");
        minimap.getStyleClass().add("graph-minimap");
        javafx.scene.control.ProgressIndicator spin = new javafx.scene.control.ProgressIndicator();
        spin.setPrefSize(18, 18);
        javafx.scene.control.Button cancelLayout = new javafx.scene.control.Button("Cancel");
        cancelLayout.setId("graphLayoutCancel");
        cancelLayout.setOnAction(e -> cancelLayout());
        busyText.setId("graphLayoutBusy");
        busy.getChildren().addAll(spin, busyText, cancelLayout);
        busy.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        busy.setPadding(new javafx.geometry.Insets(6, 10, 6, 10));
        busy.getStyleClass().add("graph-busy");
        busy.setStyle("-fx-background-color: rgba(250,250,252,0.95); -fx-border-color: #9aa3ad; "
                + "-fx-background-radius: 4; -fx-border-radius: 4;");
        busy.setVisible(false);
        busy.setManaged(false);
        getChildren().addAll(content, empty, minimap, busy);
        empty.relocate(16, 16);
        setOnScroll(this::zoom);
        setOnMousePressed(e -> {
            dragX = e.getX();
            dragY = e.getY();
            dragged = false;
        });
        setOnMouseDragged(e -> {
            if (e.getTarget() == minimap) {
                return;
            }
            content.setTranslateX(content.getTranslateX() + e.getX() - dragX);
            content.setTranslateY(content.getTranslateY() + e.getY() - dragY);
            dragX = e.getX();
            dragY = e.getY();
            dragged = true;
        });
        setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && e.getTarget() == this) {
                fit();
            }
        });
        minimap.setOnMousePressed(this::minimapMove);
        minimap.setOnMouseDragged(this::minimapMove);
        selection.selectedProperty().addListener((o, a, b) -> highlight());
        widthProperty().addListener((o, a, b) -> fitIfNew());
        heightProperty().addListener((o, a, b) -> fitIfNew());
        content.translateXProperty().addListener((o, a, b) -> drawMinimap());
        content.translateYProperty().addListener((o, a, b) -> drawMinimap());
        content.scaleXProperty().addListener((o, a, b) -> {
            details.setVisible(b.doubleValue() >= DETAIL_SCALE);
            drawMinimap();
        });
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        double[] size = minimapSize(getWidth(), getHeight());
        if (minimap.getWidth() != size[0] || minimap.getHeight() != size[1]) {
            minimap.setWidth(size[0]);
            minimap.setHeight(size[1]);
        }
        minimap.relocate(getWidth() - minimap.getWidth() - 6, getHeight() - minimap.getHeight() - 6);
        busy.autosize();
        busy.relocate(8, 8);
        drawMinimap();
    }

    /**
     * The minimap's width and height in a pane of this size: at most a fifth of the pane's area in each direction
     * (so that on a laptop screen it never covers the graph it maps), at most 150 pixels, and hidden (0) in a pane too
     * small to give it 48.
     */
    static double[] minimapSize(double paneW, double paneH) {
        double w = Math.min(150, Math.floor(paneW * 0.26));
        double h = Math.min(150, Math.floor(paneH * 0.22));
        if (w < 48 || h < 48) {
            return new double[] {0, 0};
        }
        return new double[] {w, h};
    }

    /** Text widths in the fonts this view draws with, for {@link GraphLayout}. */
    public static double measure(String s) {
        synchronized (MEASURE) {
            Text t = new Text(s);
            t.setFont(TITLE);
            return t.getLayoutBounds().getWidth();
        }
    }

    /** Whether a layout runs in the background (Expand on a large graph); the view keeps the previous one meanwhile. */
    public javafx.beans.property.ReadOnlyBooleanProperty layingOutProperty() {
        return layingOut;
    }

    /**
     * Runs {@code r} on the layout thread, ahead of any layout asked for after this call: a test holds the thread
     * with it to see a layout in progress (a 212-box layout can otherwise finish before the test looks).
     */
    static void onLayoutThread(Runnable r) {
        LAYOUT.execute(r);
    }

    /** Stops the background layout, if one runs; the graph shown stays as it was. */
    public void cancelLayout() {
        if (pendingCancel != null) {
            pendingCancel.set(true);
            pendingCancel = null;
        }
        busy.setVisible(false);
        layingOut.set(false);
    }

    /**
     * Lays the model out with these modules expanded: at once for a small graph, else on the layout thread with a
     * "Laying out N boxes" overlay and Cancel, the graph shown staying usable until the new one replaces it (then
     * {@code after} runs). A later change cancels a layout still running.
     */
    private void relayoutTo(Set<String> target, Runnable after) {
        cancelLayout();
        int boxes = countBoxes(target);
        if (boxes <= BACKGROUND_BOXES) {
            expanded = target;
            relayout();
            after.run();
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        pendingCancel = cancel;
        Graph m = model;
        ModuleTree t = tree;
        Set<String> copy = Set.copyOf(target);
        busyText.setText("Laying out " + Format.count(boxes) + " boxes\u2026");
        busy.setVisible(true);
        layingOut.set(true);
        requestLayout();
        LAYOUT.execute(() -> {
            LaidOutGraph laid;
            try {
                laid = GraphLayout.layout(m, t, copy, GraphView::measure, cancel::get);
            } catch (GraphLayout.Cancelled c) {
                return;
            } catch (RuntimeException e) {
                javafx.application.Platform.runLater(() -> {
                    if (pendingCancel == cancel) {
                        cancelLayout();
                        busyText.setText("Layout failed: " + e.getMessage());
                    }
                });
                return;
            }
            javafx.application.Platform.runLater(() -> {
                if (pendingCancel != cancel || cancel.get() || model != m) {
                    return;
                }
                pendingCancel = null;
                busy.setVisible(false);
                expanded = new HashSet<>(copy);
                double s = content.getScaleX();
                graph = laid;
                redraw();
                setScale(s);
                after.run();
                layingOut.set(false);
            });
        });
    }

    /** The number of boxes a layout with these modules expanded draws (inputs and outputs included). */
    private int countBoxes(Set<String> target) {
        Set<String> ids = new HashSet<>();
        for (dev.zkscope.ir.Node n : model.nodes()) {
            ids.add(tree.boxOf(n.name(), target));
        }
        return ids.size() + model.inputs().size() + model.outputs().size();
    }

    /** Shows a laid-out graph without its model: modules cannot be expanded or collapsed. */
    public void setGraph(LaidOutGraph g) {
        this.model = null;
        this.tree = null;
        show(g);
    }

    /**
     * Shows a model in a layout made with {@link ModuleTree#defaultExpanded} groups expanded (null: lay it out here);
     * modules can then be expanded and collapsed, and {@link #reveal} opens the modules around a layer.
     */
    public void setModel(Graph g, LaidOutGraph layout) {
        cancelLayout();
        this.model = g;
        this.tree = g == null ? null : new ModuleTree(g);
        this.expanded = g == null ? new HashSet<>() : tree.defaultExpanded(g);
        this.hits = Set.of();
        show(g == null ? null : layout != null ? layout : GraphLayout.layout(g, tree, expanded, GraphView::measure));
    }

    private void show(LaidOutGraph g) {
        this.graph = g;
        fitted = false;
        redraw();
        fitIfNew();
    }

    /** Colours layer boxes by these shares of total circuit rows (layer name to fraction); empty for none. */
    public void setShares(Map<String, Double> layerShares) {
        this.shares = Map.copyOf(layerShares);
        redraw();
    }

    /** Outlines the boxes of these layers (or the modules holding them): the hits of a search. */
    public void setHits(Set<String> layers) {
        this.hits = Set.copyOf(layers);
        highlight();
    }

    public LaidOutGraph graph() {
        return graph;
    }

    /** The module tree of the model shown, or null when only a layout is shown. */
    public ModuleTree modules() {
        return tree;
    }

    /** The drawn box of a layer or module (for tests and screenshots), or null. */
    public Rectangle boxOf(String id) {
        return rects.get(id);
    }

    /** Whether the edge labels and second lines are drawn at the current zoom. */
    public boolean detailsShown() {
        return details.isVisible();
    }

    /** The zoom factor (1: the layout's own size). */
    public double zoomFactor() {
        return content.getScaleX();
    }

    public void fit() {
        if (graph == null || getWidth() <= 0 || getHeight() <= 0) {
            return;
        }
        double s = Math.min(getWidth() / graph.width(), getHeight() / graph.height());
        // A tall graph (a 200-node chain) is fitted to the width, never to a thumbnail: scroll or use the minimap.
        s = Math.min(1.4, Math.max(Math.min(0.5, getWidth() / graph.width()), s * 0.96));
        setScale(s);
        // Scale is about the group's centre: translate so that the drawing's centre lands on the pane's centre,
        // or its top on the pane's top when it is taller than the pane.
        double cx = graph.width() / 2;
        double cy = graph.height() / 2;
        content.setTranslateX(getWidth() / 2 - cx);
        double top = (graph.height() * s <= getHeight()) ? getHeight() / 2 - cy : graph.height() * s / 2 - cy + 8;
        content.setTranslateY(top);
        fitted = true;
    }

    private void fitIfNew() {
        if (!fitted) {
            fit();
        }
    }

    /** Zooms by {@code factor} about the pane's centre. */
    public void zoomBy(double factor) {
        zoomAt(factor, getWidth() / 2, getHeight() / 2);
    }

    private void zoom(ScrollEvent e) {
        zoomAt(e.getDeltaY() > 0 ? 1.15 : 1 / 1.15, e.getX(), e.getY());
        e.consume();
    }

    private void zoomAt(double factor, double x, double y) {
        if (graph == null) {
            return;
        }
        Point2D at = content.parentToLocal(x, y);
        setScale(Math.max(0.05, Math.min(6, content.getScaleX() * factor)));
        Point2D now = content.localToParent(at);
        content.setTranslateX(content.getTranslateX() + x - now.getX());
        content.setTranslateY(content.getTranslateY() + y - now.getY());
    }

    private void setScale(double s) {
        content.setScaleX(s);
        content.setScaleY(s);
    }

    /** Pans so that this point of the layout is at the pane's centre. */
    public void centerOn(double gx, double gy) {
        Point2D p = content.localToParent(gx, gy);
        content.setTranslateX(content.getTranslateX() + getWidth() / 2 - p.getX());
        content.setTranslateY(content.getTranslateY() + getHeight() / 2 - p.getY());
    }

    /** Whether this point of the layout is inside the pane at the current pan and zoom. */
    public boolean inView(double gx, double gy) {
        Point2D p = content.localToParent(gx, gy);
        return p.getX() >= 0 && p.getY() >= 0 && p.getX() <= getWidth() && p.getY() <= getHeight();
    }

    /**
     * Expands every module holding this layer (laying the graph out again if one was collapsed), then pans to its
     * box, zoomed in enough to read it. Returns whether the layer is drawn.
     */
    public boolean reveal(String layer) {
        if (graph == null) {
            return false;
        }
        if (tree != null && !tree.groupsOf(layer).isEmpty() && !expanded.containsAll(tree.groupsOf(layer))) {
            expanded.addAll(tree.groupsOf(layer));
            relayout();
        }
        LaidOutGraph.Box b = graph.node(layer);
        if (b == null) {
            return false;
        }
        if (content.getScaleX() < 0.8) {
            setScale(0.8);
        }
        centerOn(b.centerX(), b.centerY());
        return true;
    }

    /** Expands a module: its box is replaced by its sub-modules and layers. */
    public void expand(String group) {
        if (tree != null && tree.groups().containsKey(group) && expanded.add(group)) {
            relayout();
            List<String> members = tree.groups().get(group);
            LaidOutGraph.Box first = graph.boxHolding(members.get(0));
            if (first != null) {
                centerOn(first.centerX(), first.centerY());
            }
        }
    }

    /** Collapses a module (and every module inside it) back into one box. */
    public void collapse(String group) {
        if (tree != null && expanded.removeIf(g -> g.equals(group) || g.startsWith(group + "/"))) {
            relayout();
            LaidOutGraph.Box b = graph.node(group);
            if (b != null) {
                centerOn(b.centerX(), b.centerY());
            }
        }
    }

    /** Expands every module: one box per layer. */
    public void expandAll() {
        if (tree != null) {
            relayoutTo(tree.all(), this::fit);
        }
    }

    /** Back to the modules expanded when the model opened. */
    public void collapseAll() {
        if (tree != null) {
            relayoutTo(tree.defaultExpanded(model), this::fit);
        }
    }

    /** The expanded modules. */
    public Set<String> expanded() {
        return Set.copyOf(expanded);
    }

    private void relayout() {
        cancelLayout();
        double s = content.getScaleX();
        graph = GraphLayout.layout(model, tree, expanded, GraphView::measure);
        redraw();
        setScale(s);
    }

    private void redraw() {
        content.getChildren().clear();
        details.getChildren().clear();
        rects.clear();
        empty.setVisible(graph == null);
        minimap.setVisible(graph != null);
        if (graph == null) {
            drawMinimap();
            return;
        }
        Map<String, Double> boxShares = boxShares();
        double max = 0;
        for (double v : boxShares.values()) {
            max = Math.max(max, v);
        }
        Rectangle frame = new Rectangle(0, 0, graph.width(), graph.height());
        frame.setFill(Color.TRANSPARENT);
        content.getChildren().add(frame);
        for (LaidOutGraph.Edge e : graph.edges()) {
            double[] p = e.points();
            Polyline line = new Polyline(p);
            line.getStyleClass().add("graph-edge");
            Polygon arrow = arrow(p[p.length - 4], p[p.length - 3], p[p.length - 2], p[p.length - 1]);
            arrow.getStyleClass().add("graph-arrow");
            Text label = new Text(e.label());
            label.setFont(EDGE);
            label.getStyleClass().add("graph-edge-label");
            label.setX(e.labelX() + 2);
            label.setY(e.labelY() + GraphLayout.LABEL_H - 3);
            content.getChildren().addAll(line, arrow);
            details.getChildren().add(label);
        }
        Group titles = new Group();
        for (LaidOutGraph.Box b : graph.nodes()) {
            Rectangle r = new Rectangle(b.x(), b.y(), b.w(), b.h());
            r.setArcWidth(10);
            r.setArcHeight(10);
            r.getStyleClass().add("graph-box");
            Double share = boxShares.get(b.id());
            boolean group = b.kind() == LaidOutGraph.Kind.GROUP;
            boolean costed = (b.kind() == LaidOutGraph.Kind.LAYER || group) && share != null && max > 0;
            if (b.kind() == LaidOutGraph.Kind.INPUT || b.kind() == LaidOutGraph.Kind.OUTPUT) {
                r.getStyleClass().add("graph-io");
                r.setFill(Color.web("#e8eef7"));
            } else if (costed) {
                r.setFill(heat(share / max));
            } else {
                r.setFill(group ? Color.web("#e4e7ec") : Color.web("#f3f3f3"));
            }
            if (group) {
                r.getStyleClass().add("graph-group");
                r.getStrokeDashArray().setAll(6.0, 3.0);
            }
            r.setStroke(PLAIN);
            boolean darkBox = costed && share / max > 0.55;
            Text title = new Text(b.title());
            title.setFont(TITLE);
            title.setFill(darkBox ? Color.WHITE : Color.web("#1d1f23"));
            Text detail = new Text(GraphLayout.elide(b.detail()));
            detail.setFont(DETAIL);
            detail.setFill(darkBox ? Color.web("#f4f4f4") : Color.web("#3b4048"));
            title.setX(b.centerX() - title.getLayoutBounds().getWidth() / 2);
            title.setY(b.y() + 16);
            detail.setX(b.centerX() - detail.getLayoutBounds().getWidth() / 2);
            detail.setY(b.y() + 31);
            title.setMouseTransparent(true);
            detail.setMouseTransparent(true);
            if (b.kind() == LaidOutGraph.Kind.LAYER || group) {
                String tipText = group
                        ? "Module " + b.id() + "\n" + b.detail() + (share == null ? "" : "\n" + Format.percent(share)
                                + " of circuit rows") + "\nClick to expand"
                        : b.title() + " '" + b.detail() + "'"
                                + (share == null ? "" : "\n" + Format.percent(share) + " of circuit rows");
                installTip(r, tipText);
                r.addEventHandler(MouseEvent.MOUSE_CLICKED, ev -> {
                    if (dragged || ev.getButton() != MouseButton.PRIMARY) {
                        return;
                    }
                    if (group) {
                        expand(b.id());
                    } else {
                        selection.select(b.id());
                    }
                });
                if (!group && tree != null && !tree.groupsOf(b.id()).isEmpty()) {
                    List<String> mods = tree.groupsOf(b.id());
                    String inner = mods.get(mods.size() - 1);
                    r.setOnContextMenuRequested(ev -> {
                        // Made on request: a menu per box made up front cost more than drawing the whole graph.
                        MenuItem collapse = new MenuItem("Collapse module " + inner);
                        collapse.setOnAction(x -> collapse(inner));
                        MenuItem outer = new MenuItem("Collapse module " + mods.get(0));
                        outer.setOnAction(x -> collapse(mods.get(0)));
                        ContextMenu menu = mods.size() > 1 ? new ContextMenu(collapse, outer) : new ContextMenu(collapse);
                        menu.show(r, ev.getScreenX(), ev.getScreenY());
                    });
                }
                r.setCursor(javafx.scene.Cursor.HAND);
            }
            rects.put(b.id(), r);
            content.getChildren().add(r);
            titles.getChildren().add(title);
            details.getChildren().add(detail);
        }
        content.getChildren().addAll(titles, details);
        details.setVisible(content.getScaleX() >= DETAIL_SCALE);
        highlight();
        drawMinimap();
    }

    /**
     * A tooltip made when the pointer first enters the box: 200 tooltips made up front were most of a redraw.
     */
    private static void installTip(Rectangle r, String text) {
        r.addEventHandler(MouseEvent.MOUSE_ENTERED, new javafx.event.EventHandler<>() {
            private boolean done;

            @Override
            public void handle(MouseEvent e) {
                if (!done) {
                    done = true;
                    Tooltip t = new Tooltip(text);
                    t.setShowDelay(Duration.millis(250));
                    Tooltip.install(r, t);
                }
            }
        });
    }

    /** Shares of each drawn box: a layer's own, a module's the sum of its layers'. */
    private Map<String, Double> boxShares() {
        Map<String, Double> out = new HashMap<>(shares);
        if (graph != null) {
            for (Map.Entry<String, List<String>> e : graph.members().entrySet()) {
                double sum = 0;
                boolean any = false;
                for (String m : e.getValue()) {
                    Double v = shares.get(m);
                    if (v != null) {
                        sum += v;
                        any = true;
                    }
                }
                if (any) {
                    out.put(e.getKey(), sum);
                }
            }
        }
        return out;
    }

    private void highlight() {
        String sel = selection.selected();
        LaidOutGraph.Box selBox = sel == null || graph == null ? null : graph.boxHolding(sel);
        Set<String> hitBoxes = new HashSet<>();
        if (graph != null) {
            for (String h : hits) {
                LaidOutGraph.Box b = graph.boxHolding(h);
                if (b != null) {
                    hitBoxes.add(b.id());
                }
            }
        }
        for (Map.Entry<String, Rectangle> e : rects.entrySet()) {
            boolean on = selBox != null && e.getKey().equals(selBox.id());
            boolean hit = hitBoxes.contains(e.getKey());
            e.getValue().setStroke(on ? SELECTED : hit ? HIT : PLAIN);
            e.getValue().setStrokeWidth(on ? 3 : hit ? 3 : 1);
        }
        drawMinimap();
    }

    /** Whether a drawn box is outlined as a search hit (for tests). */
    public boolean isHit(String boxId) {
        Rectangle r = rects.get(boxId);
        return r != null && HIT.equals(r.getStroke());
    }

    /**
     * The minimap's scales, x and y apart: a 200-layer chain is 50 times taller than wide, and drawn to one scale it
     * would be a hairline. Stretched to the minimap's box (the whole graph always fills it), it stays a usable overview,
     * as the overview strip of a browser's performance panel.
     */
    private double minimapSx() {
        return Math.min((minimap.getWidth() - 8) / graph.width(), 4 * minimapSy());
    }

    private double minimapSy() {
        return (minimap.getHeight() - 8) / graph.height();
    }

    /** Left edge of the graph in the minimap: centred when it is narrower than the minimap. */
    private double minimapX0() {
        return (minimap.getWidth() - graph.width() * minimapSx()) / 2;
    }

    private void drawMinimap() {
        GraphicsContext gc = minimap.getGraphicsContext2D();
        gc.clearRect(0, 0, minimap.getWidth(), minimap.getHeight());
        if (graph == null) {
            return;
        }
        gc.setFill(Color.rgb(250, 250, 252, 0.92));
        gc.fillRect(0, 0, minimap.getWidth(), minimap.getHeight());
        gc.setStroke(Color.web("#9aa3ad"));
        gc.strokeRect(0.5, 0.5, minimap.getWidth() - 1, minimap.getHeight() - 1);
        double sx = minimapSx();
        double sy = minimapSy();
        double x0 = minimapX0();
        for (LaidOutGraph.Box b : graph.nodes()) {
            Rectangle r = rects.get(b.id());
            gc.setFill(r != null && r.getStroke() != PLAIN ? (Color) r.getStroke()
                    : r != null && r.getFill() instanceof Color ? ((Color) r.getFill()).darker() : Color.GRAY);
            gc.fillRect(x0 + b.x() * sx, 4 + b.y() * sy, Math.max(1.5, b.w() * sx), Math.max(1.5, b.h() * sy));
        }
        if (getWidth() > 0 && getHeight() > 0) {
            Point2D a = content.parentToLocal(0, 0);
            Point2D z = content.parentToLocal(getWidth(), getHeight());
            gc.setStroke(SELECTED);
            gc.setLineWidth(1.5);
            gc.strokeRect(x0 + a.getX() * sx, 4 + a.getY() * sy, (z.getX() - a.getX()) * sx, (z.getY() - a.getY()) * sy);
        }
    }

    private void minimapMove(MouseEvent e) {
        if (graph != null) {
            centerOn((e.getX() - minimapX0()) / minimapSx(), (e.getY() - 4) / minimapSy());
        }
        e.consume();
    }

    /** Light yellow (cheap) to deep red (the most expensive layer). */
    static Color heat(double t) {
        double x = Math.sqrt(Math.max(0, Math.min(1, t)));
        return Color.web("#fff3c4").interpolate(Color.web("#d7301f"), x);
    }

    private static Polygon arrow(double x0, double y0, double x1, double y1) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len = Math.max(1e-9, Math.hypot(dx, dy));
        dx /= len;
        dy /= len;
        double size = 7;
        return new Polygon(x1, y1, x1 - size * dx + size / 2 * dy, y1 - size * dy - size / 2 * dx,
                x1 - size * dx - size / 2 * dy, y1 - size * dy + size / 2 * dx);
    }
}
