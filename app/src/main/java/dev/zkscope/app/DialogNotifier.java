package dev.zkscope.app;

import java.util.function.Supplier;
import java.util.logging.Logger;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/** Errors as dialogs owned by the main window (non-blocking), notices as ControlsFX notifications; both logged. */
final class DialogNotifier implements Notifier {
    private static final Logger LOG = Logger.getLogger("zkscope");
    private final Supplier<Window> owner;

    DialogNotifier(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void error(String title, String message) {
        LOG.warning(title + ": " + message);
        Alert a = new Alert(Alert.AlertType.ERROR, "", ButtonType.OK);
        a.setTitle("zkscope");
        a.setHeaderText(title);
        Label body = new Label(message);
        body.setWrapText(true);
        body.setMaxWidth(560);
        a.getDialogPane().setContent(body);
        a.getDialogPane().setId("errorDialog");
        a.getDialogPane().setPrefWidth(620);
        Window w = owner.get();
        if (w != null) {
            a.initOwner(w);
        }
        a.show();
    }

    @Override
    public void info(String message) {
        LOG.info(message);
        Window w = owner.get();
        if (w == null) {
            return;
        }
        Notifications.create().owner(w).text(message).hideAfter(Duration.seconds(4)).showInformation();
    }
}
