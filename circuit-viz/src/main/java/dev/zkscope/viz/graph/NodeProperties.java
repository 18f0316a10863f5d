package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Tensor;
import dev.zkscope.viz.Format;
import dev.zkscope.viz.LayerRow;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * The properties of the selected layer, as Netron's side panel: op and full name, module path, attributes (the
 * op's typed parameters), each input and output with its shape and where it comes from, a summary of each weight
 * (shape, count, range, mean magnitude, zeros) and the layer's row of the cost ledger once the model is compiled.
 */
public final class NodeProperties extends ScrollPane {
    /** Keys longer than this (tensor names) are shown above their value rather than beside it. */
    static final int SHORT_KEY = 16;
    private final VBox body = new VBox(6);
    private final Map<String, String> shown = new LinkedHashMap<>();

    public NodeProperties() {
        setId("nodeProperties");
        getStyleClass().add("node-properties");
        setFitToWidth(true);
        body.setPadding(new Insets(6, 8, 8, 8));
        setContent(body);
        show(null, null, null);
    }

    /** Shows one layer of the graph with its ledger row (null before the model is compiled); null layer: nothing. */
    public void show(Graph graph, String layer, LayerRow row) {
        body.getChildren().clear();
        shown.clear();
        Node n = null;
        if (graph != null && layer != null) {
            for (Node x : graph.nodes()) {
                if (x.name().equals(layer)) {
                    n = x;
                    break;
                }
            }
        }
        if (n == null) {
            Label hint = new Label("Select a layer (in the graph, the table or by search) to see its attributes, "
                    + "shapes, weights and cost.");
            hint.setWrapText(true);
            hint.getStyleClass().add("hint");
            body.getChildren().add(hint);
            return;
        }
        Label head = new Label(n.opType());
        head.getStyleClass().add("pane-title");
        Label name = new Label(n.name());
        name.setWrapText(true);
        name.setId("propName");
        body.getChildren().addAll(head, name);
        List<String> mods = ModuleTree.modulePath(n.name());
        if (!mods.isEmpty()) {
            section("Module", Map.of("path", mods.get(mods.size() - 1)));
        }
        if (n.isUnsupported()) {
            Label why = new Label("Unsupported: " + n.describe());
            why.setWrapText(true);
            why.getStyleClass().add("error-text");
            body.getChildren().add(why);
        }
        section("Attributes", attributes(n.op()));
        Map<String, String> ins = new LinkedHashMap<>();
        Map<String, String> weights = new LinkedHashMap<>();
        for (int i = 0; i < n.inputs().size(); i++) {
            String t = n.inputs().get(i);
            String shape = Format.shape(n.inputShapes().get(i));
            if (graph.isWeight(t)) {
                weights.put(t, weightSummary(graph.weights().get(t)));
            } else {
                Node p = graph.producer(t);
                ins.put(t, shape + (p == null ? "  (model input)" : "  from " + p.opType()));
            }
        }
        section("Inputs", ins);
        Map<String, String> outs = new LinkedHashMap<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            outs.put(n.outputs().get(i), Format.shape(n.outputShapes().get(i)));
        }
        section("Outputs", outs);
        section("Weights", weights);
        Map<String, String> size = new LinkedHashMap<>();
        size.put("parameters", Format.count(n.params()));
        size.put("MACs", Format.count(n.macs()));
        section("Size", size);
        if (row != null && row.cost() != null) {
            LayerRow.Cost c = row.cost();
            Map<String, String> cost = new LinkedHashMap<>();
            cost.put("rows", Format.count(c.rows()) + "  (" + Format.percent(c.share()) + " of gadget rows)");
            cost.put("advice cells", Format.count(c.adviceCells()));
            cost.put("lookups", c.lookups().isEmpty() ? "none" : Format.perKey(c.lookups()));
            cost.put("range checks", Format.count(c.rangeChecks()));
            cost.put("copy constraints", Format.count(c.copies()));
            if (c.tableRows() > 0) {
                cost.put("table rows charged", Format.count(c.tableRows()));
            }
            if (c.rowsPerMac() != null) {
                cost.put("rows per MAC", Format.number(c.rowsPerMac()));
            }
            if (c.rowsPerElement() != null) {
                cost.put("rows per output", Format.number(c.rowsPerElement()));
            }
            section("Circuit cost (ledger)", cost);
        } else {
            Label wait = new Label("Circuit cost: shown once the model is compiled.");
            wait.getStyleClass().add("hint");
            body.getChildren().add(wait);
        }
    }

    /** The text shown under a heading ("Attributes", "Weights", ...) for a key, or null (for tests). */
    public String value(String section, String key) {
        return shown.get(section + "/" + key);
    }

    /** The op's typed parameters by name, formatted: numbers as people write them, enums as words, arrays joined. */
    static Map<String, String> attributes(Object op) {
        Map<String, String> out = new LinkedHashMap<>();
        if (op == null || !op.getClass().isRecord()) {
            return out;
        }
        for (RecordComponent rc : op.getClass().getRecordComponents()) {
            try {
                out.put(rc.getName(), value(rc.getAccessor().invoke(op)));
            } catch (ReflectiveOperationException e) {
                out.put(rc.getName(), "?");
            }
        }
        return out;
    }

    static String value(Object v) {
        if (v == null) {
            return "none";
        }
        if (v instanceof int[]) {
            int[] a = (int[]) v;
            List<String> s = new ArrayList<>();
            for (int x : a) {
                s.add(String.valueOf(x));
            }
            return "[" + String.join(", ", s) + "]";
        }
        if (v instanceof long[]) {
            return java.util.Arrays.toString((long[]) v);
        }
        if (v instanceof double[]) {
            List<String> s = new ArrayList<>();
            for (double x : (double[]) v) {
                s.add(Format.number(x));
            }
            return "[" + String.join(", ", s) + "]";
        }
        if (v instanceof Double || v instanceof Float) {
            return Format.number(((Number) v).doubleValue());
        }
        if (v instanceof Enum<?>) {
            return Format.word((Enum<?>) v);
        }
        return String.valueOf(v);
    }

    /** "64×32, 2,048 values in [-0.42, 0.39], mean |w| 0.081, 3 zeros". */
    static String weightSummary(Tensor t) {
        if (t == null) {
            return "?";
        }
        double[] d = t.data();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double abs = 0;
        long zeros = 0;
        for (double x : d) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            abs += Math.abs(x);
            if (x == 0) {
                zeros++;
            }
        }
        String shape = Format.shape(t.shape());
        if (d.length == 0) {
            return shape + ", empty";
        }
        return shape + ", " + Format.count(d.length) + " value" + (d.length == 1 ? "" : "s") + " in ["
                + Format.number(min) + ", " + Format.number(max) + "], mean |w| " + Format.number(abs / d.length)
                + (zeros == 0 ? "" : ", " + Format.count(zeros) + " zero" + (zeros == 1 ? "" : "s"));
    }

    private void section(String title, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Label h = new Label(title);
        h.getStyleClass().add("section-title");
        h.setStyle("-fx-font-weight: bold;");
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(2);
        javafx.scene.layout.ColumnConstraints keys = new javafx.scene.layout.ColumnConstraints();
        keys.setMinWidth(USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints values = new javafx.scene.layout.ColumnConstraints();
        values.setMinWidth(0);
        values.setHgrow(javafx.scene.layout.Priority.ALWAYS);
        g.getColumnConstraints().setAll(keys, values);
        int r = 0;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            Label k = new Label(GraphLayout.elide(e.getKey()));
            k.getStyleClass().add("prop-key");
            k.setTooltip(new javafx.scene.control.Tooltip(e.getKey()));
            Label v = new Label(e.getValue());
            v.getStyleClass().add("prop-value");
            v.setWrapText(true);
            v.setMinWidth(0);
            v.setMaxWidth(Double.MAX_VALUE);
            if (e.getKey().length() > SHORT_KEY) {
                // A long key (a tensor name) gets its own line and its value the full width below it, indented:
                // side by side, the value would be squeezed to a character per line in a narrow panel.
                k.setMinWidth(0);
                k.setWrapText(true);
                g.add(k, 0, r++, 2, 1);
                javafx.scene.layout.GridPane.setMargin(v, new Insets(0, 0, 2, 12));
                g.add(v, 0, r++, 2, 1);
            } else {
                k.setMinWidth(USE_PREF_SIZE);
                g.add(k, 0, r);
                g.add(v, 1, r);
                r++;
            }
            shown.put(title + "/" + e.getKey(), e.getValue());
        }
        body.getChildren().addAll(h, g);
    }
}
