package dev.zkscope.app;

import dev.zkscope.viz.Terms;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.Window;

import java.util.List;

/** Help > Glossary: the terms the views use, for teaching. Each term once; the two kinds of blowup named apart. */
final class Glossary {
    private Glossary() {}

    /** One term and its definition (the definition does not repeat the term as a heading). */
    record Entry(String term, String definition) {
    }

    /** Every entry, in reading order. */
    static List<Entry> entries() {
        return List.of(
                new Entry("Witness", "Every value the prover fills into the trace for one input: the input, each "
                        + "partial sum, quotient, remainder, limb and table output. The circuit checks the witness; "
                        + "the proof shows a valid witness exists without revealing its private cells."),
                new Entry("Row", body(Terms.ROW)),
                new Entry("Advice cell", body(Terms.ADVICE)),
                new Entry("Gate", "A polynomial identity over the cells of a row (and the next row) that must be zero "
                        + "wherever its selector is on, e.g. dot: out - prev - \u03a3 x_j\u00b7w_j = 0. Every gate here "
                        + "has degree at most 3 (4 for Poseidon2)."),
                new Entry("MAC", "Multiply-accumulate: one product x\u00b7w added to a running sum. A Gemm with K "
                        + "inputs and N outputs has K\u00b7N MACs; a dot-product row holds as many MACs as it has "
                        + "inner columns."),
                new Entry("Scale 2^k", "Fixed-point encoding: a real number r is stored as the integer round(r\u00b7"
                        + "2^k). A product of two values at scale 2^k is at scale 2^2k until it is rescaled."),
                new Entry("Rescale", "Division by 2^k with rounding that brings a product back to its scale: "
                        + "x + 2^(k-1) = y\u00b72^k + r, with the remainder r in [0, 2^k) and the quotient y "
                        + "range-checked so nothing wraps around the field."),
                new Entry("Lookup", body(Terms.LOOKUP)),
                new Entry("LogUp", "The lookup argument the prover uses: it proves every looked-up value is a table "
                        + "row by comparing sums of fractions 1/(\u03b1 - value) over the lookups and over the table "
                        + "(each table row weighted by how often it is used)."),
                new Entry("Table rows", "Rows of the fixed lookup tables (range tables [0, 2^t) and function tables "
                        + "such as exp or sigmoid over their calibrated range). The trace needs at least table rows "
                        + "+ 1 rows, so a large table can set the trace height by itself."),
                new Entry("Range check", body(Terms.RANGE_CHECK)),
                new Entry("Copy constraint", body(Terms.COPIES)),
                new Entry("Blinding rows", "Rows at the end of the trace filled with random values, with every "
                        + "selector off, so that the openings the verifier sees reveal nothing about the witness "
                        + "(zero knowledge). The proof preset reserves them; they count towards the trace height."),
                new Entry("Layer blowup", "How many trace rows (constraints) one layer becomes, compared to its "
                        + "arithmetic in floating point (for example rows per MAC or rows per output element). "
                        + "Not the FRI blowup factor."),
                new Entry("FRI", "The low-degree test behind the polynomial commitment; its number of queries and its "
                        + "blowup factor set the security level."),
                new Entry("FRI blowup factor", "The ratio of the evaluation domain to the trace height (2, 4, 8, ...) "
                        + "in the polynomial commitment: a larger factor costs more hashing and memory and gives more "
                        + "security bits per query. Not the layer blowup."),
                new Entry("Security bits", body(Terms.SECURITY_BITS)));
    }

    /** A Terms text without its leading "Term: " heading. */
    private static String body(String text) {
        int colon = text.indexOf(": ");
        return colon > 0 && colon < 40 ? Character.toUpperCase(text.charAt(colon + 2)) + text.substring(colon + 3) : text;
    }

    static String text() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries()) {
            sb.append(sb.length() == 0 ? "" : "\n\n").append(e.term()).append(" \u2014 ").append(e.definition());
        }
        return sb.toString();
    }

    static void show(Window owner) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
        a.setTitle("zkscope glossary");
        a.setHeaderText("Terms used in zkscope");
        Label l = new Label(text());
        l.setWrapText(true);
        l.setMaxWidth(560);
        javafx.scene.control.ScrollPane sp = new javafx.scene.control.ScrollPane(l);
        sp.setFitToWidth(true);
        sp.setPrefViewportHeight(520);
        a.getDialogPane().setContent(sp);
        a.initOwner(owner);
        a.show();
    }
}
