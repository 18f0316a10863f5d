package dev.zkscope.app;

import dev.zkscope.viz.Terms;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.Window;

/** Help > Glossary: the terms the views use, for teaching. */
final class Glossary {
    private Glossary() {}

    static void show(Window owner) {
        String text = "Row \u2014 " + Terms.ROW + "\n\n"
                + "Advice cell \u2014 " + Terms.ADVICE + "\n\n"
                + "Lookup \u2014 " + Terms.LOOKUP + "\n\n"
                + "Range check \u2014 " + Terms.RANGE_CHECK + "\n\n"
                + "Copy constraint \u2014 " + Terms.COPIES + "\n\n"
                + "Blowup \u2014 " + Terms.BLOWUP + "\n\n"
                + "FRI \u2014 " + Terms.FRI + "\n\n"
                + "Security bits \u2014 " + Terms.SECURITY_BITS;
        Alert a = new Alert(Alert.AlertType.INFORMATION, "", ButtonType.CLOSE);
        a.setTitle("zkscope glossary");
        a.setHeaderText("Terms used in zkscope");
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(560);
        a.getDialogPane().setContent(l);
        a.initOwner(owner);
        a.show();
    }
}
