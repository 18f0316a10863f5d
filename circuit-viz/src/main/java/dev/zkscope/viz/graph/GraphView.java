package dev.zkscope.viz.graph;

import dev.zkscope.viz.Format;
import dev.zkscope.viz.LayerSelection;
import java.util.HashMap;
import java.util.Map;
import javafx.geometry.Bounds;
import javafx.scene.Group;
import javafx.scene.control.Label;
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
 * shape labels. Scroll to zoom around the pointer, drag to pan, double-click the background to fit. Clicking a layer
 * box selects it in the shared {@link LayerSelection}; the selected box is outlined.
 */
public final class GraphView extends Pane {
    private static final Font TITLE = Font.font("System", FontWeight.BOLD, 12);
    private static final Font DETAIL = Font.font("System", 11);
    private static final Font EDGE = Font.font("System", 10);

    private final LayerSelection selection;
    private final Group content = new Group();
    private final Map<String, Rectangle> rects = new HashMap<>();
    private final Label empty = new Label("No model open");
    private LaidOutGraph graph;
    private Map<String, Double> shares = Map.of();
    private double dragX;
    private double dragY;
    private boolean dragged;

    public GraphView(LayerSelection selection) {
        this.selection = selection;
        getStyleClass().add("graph-view");
        setId("graphView");
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        getChildren().addAll(content, empty);
        empty.relocate(16, 16);
        setOnScroll(this::zoom);
        setOnMousePressed(e -> {
            dragX = e.getX();
            dragY = e.getY();
            dragged = false;
        });
        setOnMouseDragged(e -> {
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
        selection.selectedProperty().addListener((o, a, b) -> highlight());
        widthProperty().addListener((o, a, b) -> fitIfNew());
        heightProperty().addListener((o, a, b) -> fitIfNew());
    }

    private boolean fitted;

    /** Text widths in the fonts this view draws with, for {@link GraphLayout}. */
    public static double measure(String s) {
        Text t = new Text(s);
        t.setFont(TITLE);
        return t.getLayoutBounds().getWidth();
    }

    public void setGraph(LaidOutGraph g) {
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

    public LaidOutGraph graph() {
        return graph;
    }

    /** The drawn box of a layer (for tests and screenshots), or null. */
    public Rectangle boxOf(String id) {
        return rects.get(id);
    }

    public void fit() {
        if (graph == null || getWidth() <= 0 || getHeight() <= 0) {
            return;
        }
        double s = Math.min(getWidth() / graph.width(), getHeight() / graph.height());
        s = Math.min(1.4, Math.max(0.2, s * 0.96));
        content.setScaleX(s);
        content.setScaleY(s);
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

    private void zoom(ScrollEvent e) {
        double factor = e.getDeltaY() > 0 ? 1.15 : 1 / 1.15;
        double s = Math.max(0.1, Math.min(6, content.getScaleX() * factor));
        double real = s / content.getScaleX();
        Bounds b = content.getBoundsInParent();
        double px = e.getX() - (b.getMinX() + b.getWidth() / 2);
        double py = e.getY() - (b.getMinY() + b.getHeight() / 2);
        content.setScaleX(s);
        content.setScaleY(s);
        content.setTranslateX(content.getTranslateX() - (real - 1) * px);
        content.setTranslateY(content.getTranslateY() - (real - 1) * py);
        e.consume();
    }

    private void redraw() {
        content.getChildren().clear();
        rects.clear();
        empty.setVisible(graph == null);
        if (graph == null) {
            return;
        }
        double max = 0;
        for (double v : shares.values()) {
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
            content.getChildren().addAll(line, arrow, label);
        }
        for (LaidOutGraph.Box b : graph.nodes()) {
            Rectangle r = new Rectangle(b.x(), b.y(), b.w(), b.h());
            r.setArcWidth(10);
            r.setArcHeight(10);
            r.getStyleClass().add("graph-box");
            Double share = shares.get(b.id());
            if (b.kind() != LaidOutGraph.Kind.LAYER) {
                r.getStyleClass().add("graph-io");
                r.setFill(Color.web("#e8eef7"));
            } else if (share != null && max > 0) {
                r.setFill(heat(share / max));
            } else {
                r.setFill(Color.web("#f3f3f3"));
            }
            r.setStroke(Color.web("#6b7380"));
            boolean darkBox = b.kind() == LaidOutGraph.Kind.LAYER && share != null && max > 0 && share / max > 0.55;
            Text title = new Text(b.title());
            title.setFont(TITLE);
            title.setFill(darkBox ? Color.WHITE : Color.web("#1d1f23"));
            Text detail = new Text(b.detail());
            detail.setFont(DETAIL);
            detail.setFill(darkBox ? Color.web("#f4f4f4") : Color.web("#3b4048"));
            title.setX(b.centerX() - title.getLayoutBounds().getWidth() / 2);
            title.setY(b.y() + 16);
            detail.setX(b.centerX() - detail.getLayoutBounds().getWidth() / 2);
            detail.setY(b.y() + 31);
            title.setMouseTransparent(true);
            detail.setMouseTransparent(true);
            if (b.kind() == LaidOutGraph.Kind.LAYER) {
                String tipText = b.title() + " '" + b.detail() + "'"
                        + (share == null ? "" : "\n" + Format.percent(share) + " of circuit rows");
                Tooltip t = new Tooltip(tipText);
                t.setShowDelay(Duration.millis(250));
                Tooltip.install(r, t);
                r.addEventHandler(MouseEvent.MOUSE_CLICKED, ev -> {
                    if (!dragged) {
                        selection.select(b.id());
                    }
                });
                r.setCursor(javafx.scene.Cursor.HAND);
            }
            rects.put(b.id(), r);
            content.getChildren().addAll(r, title, detail);
        }
        highlight();
    }

    private void highlight() {
        String sel = selection.selected();
        for (Map.Entry<String, Rectangle> e : rects.entrySet()) {
            boolean on = e.getKey().equals(sel);
            e.getValue().setStroke(on ? Color.web("#1f6feb") : Color.web("#6b7380"));
            e.getValue().setStrokeWidth(on ? 3 : 1);
        }
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
