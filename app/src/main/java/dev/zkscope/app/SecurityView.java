package dev.zkscope.app;

import dev.zkscope.security.SecurityAnalysis;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Security panel: for the open circuit under the chosen preset, the conjectured figure (ethSTARK conjecture) and
 * the provable one (proved proximity gaps), each term with its bits and a sentence on what it bounds. Follows the
 * analysis: a new circuit or preset redraws it.
 */
final class SecurityView extends TitledPane {
    private final Label summary = new Label();
    private final VBox body = new VBox(8);
    private final List<String> shownTerms = new ArrayList<>();

    SecurityView(MainViewModel vm) {
        setId("securityPanel");
        setText("Security");
        setCollapsible(false);
        summary.setId("securitySummary");
        summary.setWrapText(true);
        summary.setStyle("-fx-font-weight: bold;");
        setContent(body);
        vm.analysisProperty().addListener((o, a, an) -> show(an));
        show(vm.analysis());
    }

    private void show(Analysis a) {
        body.getChildren().clear();
        shownTerms.clear();
        SecurityAnalysis s = a == null ? null : a.security();
        if (s == null) {
            summary.setText(a == null || a.compiled() == null ? "Shown once the circuit is compiled."
                    : "The preset cannot prove this circuit.");
            body.getChildren().add(summary);
            return;
        }
        summary.setText("Preset " + s.preset() + ": " + s.summary() + ".");
        Label intro = new Label("The soundness error is at most the sum of the terms below (bits = -log2 of each); "
                + "fewer bits means a likelier forgery. Conjectured: the ethSTARK up-to-capacity conjecture every "
                + "STARK library quotes, whose strongest forms were disproved in 2025. Provable: from proved "
                + "proximity-gap theorems, the better of unique decoding and the Johnson bound. For this circuit: "
                + "2^" + s.circuit().logN() + " rows, degree " + s.circuit().maxDegree() + ", "
                + s.circuit().committedColumns() + " committed columns, " + s.circuit().lookups() + " lookups, "
                + s.circuit().equalityColumns() + " equality columns.");
        intro.setWrapText(true);
        body.getChildren().addAll(summary, intro, table("Conjectured: " + SecurityAnalysis.format(s.conjecturedBits())
                        + " bits", s.conjectured(), "securityConjectured"),
                table("Provable (" + s.provable().name() + "): " + SecurityAnalysis.format(s.provableBits()) + " bits",
                        s.provable(), "securityProvable"));
    }

    private GridPane table(String title, SecurityAnalysis.Regime r, String id) {
        GridPane g = new GridPane();
        g.setId(id);
        g.setHgap(10);
        g.setVgap(4);
        g.setPadding(new Insets(4, 0, 4, 0));
        ColumnConstraints c0 = new ColumnConstraints(190);
        ColumnConstraints c1 = new ColumnConstraints(60);
        ColumnConstraints c2 = new ColumnConstraints();
        c2.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(c0, c1, c2);
        Label head = new Label(title);
        head.setStyle("-fx-font-weight: bold;");
        g.add(head, 0, 0, 3, 1);
        Label note = new Label(r.note());
        note.setWrapText(true);
        g.add(note, 0, 1, 3, 1);
        int row = 2;
        String weakest = r.weakest().name();
        for (SecurityAnalysis.Term t : r.terms()) {
            Label name = new Label(t.name());
            name.setWrapText(true);
            Label bits = new Label(SecurityAnalysis.format(t.bits()));
            if (t.name().equals(weakest)) {
                bits.setStyle("-fx-font-weight: bold;");
            }
            Label why = new Label(capitalize(t.explanation()) + ". (" + t.formula() + ")");
            why.setWrapText(true);
            g.addRow(row++, name, bits, why);
            shownTerms.add(r.name() + ": " + t.name() + " " + bits.getText());
        }
        return g;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The summary line shown (for tests). */
    String summaryText() {
        return summary.getText();
    }

    /** "regime: term bits" for every term shown (for tests). */
    List<String> shownTerms() {
        return List.copyOf(shownTerms);
    }
}
