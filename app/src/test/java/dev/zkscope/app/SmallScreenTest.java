package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumnBase;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.TableColumnHeader;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The main views in a 1280x800 window: every table's key columns can be brought fully into view, and the verifier's
 * verdict is never cut short; the window is sized to the screen; presentation mode enlarges the text.
 */
@ExtendWith(ApplicationExtension.class)
class SmallScreenTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage, false, 1280, 800);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    /** Scrolls the table to the column titled {@code title} and asserts that its header lies wholly inside the table. */
    private static void assertColumnReachable(FxRobot robot, TableView<?> table, String title) {
        var col = table.getColumns().stream().filter(c -> c.getGraphic() instanceof Label
                && title.equals(((Label) c.getGraphic()).getText())).findFirst().orElseThrow();
        robot.interact(() -> table.scrollToColumn((javafx.scene.control.TableColumn) col));
        WaitForAsyncUtils.waitForFxEvents();
        TableColumnHeader header = table.lookupAll(".column-header").stream()
                .filter(n -> n instanceof TableColumnHeader && ((TableColumnHeader) n).getTableColumn() == col)
                .map(n -> (TableColumnHeader) n).findFirst().orElseThrow();
        Bounds h = header.localToScene(header.getBoundsInLocal());
        Bounds t = table.localToScene(table.getBoundsInLocal());
        assertThat(col.isVisible()).as(title + " shown").isTrue();
        assertThat(h.getWidth()).as(title + " width").isGreaterThanOrEqualTo(((TableColumnBase<?, ?>) col).getMinWidth() - 0.5);
        assertThat(h.getMinX()).as(title + " left edge inside the table").isGreaterThanOrEqualTo(t.getMinX() - 0.5);
        assertThat(h.getMaxX()).as(title + " right edge inside the table").isLessThanOrEqualTo(t.getMaxX() + 0.5);
    }

    /** The text a label actually draws: equal to its text when nothing is cut to an ellipsis. */
    private static String drawn(Label l) {
        Node text = l.lookup(".text");
        return ((Text) text).getText();
    }

    @Test
    void at1280x800_tablesScrollToEveryColumn_andVerdictsAreWhole(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        assertThat(app.stage.getScene().getWidth()).isEqualTo(1280);
        TableView<?> layers = app.window.layerTable().table();
        for (String c : new String[] {"Rows", "Lookups by table", "Range checks", "Copies", "% of total", "Rows/MAC",
                "Rows/element"}) {
            assertColumnReachable(robot, layers, c);
        }
        assertThat(layers.isTableMenuButtonVisible()).as("columns can be chosen").isTrue();

        robot.interact(() -> app.window.showTab("tabProve"));
        robot.interact(() -> app.pvm.prove());
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> app.pvm.runs().size() == 1
                && !app.pvm.runningProperty().get() && app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        Label verdict = robot.lookup("#verdict").queryAs(Label.class);
        Label detail = robot.lookup("#verdictDetail").queryAs(Label.class);
        assertThat(verdict.getText()).contains("Accepted");
        assertThat(drawn(verdict)).isEqualTo(verdict.getText());
        assertThat(drawn(detail).replace("\n", " ")).isEqualTo(detail.getText().replace("\n", " "));
        Node flip = robot.lookup("#flipButton").query();
        double flipY = flip.localToScene(flip.getBoundsInLocal()).getMinY();
        // the flame chart keeps its height (the page above the Verify box scrolls instead of squeezing it to a strip
        // under its title, as it did: about 100 px), and the Verify box stays in the window
        FlameChart flame = app.window.proveView().flame();
        assertThat(flame.getHeight()).as("flame chart height").isGreaterThanOrEqualTo(220);
        assertThat(flip.localToScene(flip.getBoundsInLocal()).getMaxY()).isLessThanOrEqualTo(
                app.stage.getScene().getHeight());

        robot.interact(() -> app.pvm.tamperFlipByte(7));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(verdict.getText()).contains("Rejected");
        assertThat(detail.getText()).contains("which lies in the header");
        assertThat(flip.localToScene(flip.getBoundsInLocal()).getMinY()).as("the tamper buttons stay in place")
                .isEqualTo(flipY);
        robot.interact(() -> app.pvm.tamperOutput());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.pvm.verdictProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(detail.getText()).contains("a changed claim: class ");
        assertThat(flip.localToScene(flip.getBoundsInLocal()).getMinY()).isEqualTo(flipY);
        assertThat(drawn(verdict)).isEqualTo(verdict.getText());
        assertThat(drawn(detail).replace("\n", " ")).isEqualTo(detail.getText().replace("\n", " "));
        assertThat(detail.getTooltip().getText()).isEqualTo(detail.getText());

        robot.interact(() -> app.window.showTab("tabRuns"));
        TableView<?> runs = app.window.runsView().table();
        for (String c : new String[] {"Prove", "Predicted", "Peak heap", "Verdict"}) {
            assertColumnReachable(robot, runs, c);
        }
    }

    @Test
    void at1280x800_theMinimapLeavesTheGraphVisible_andPropertiesKeepValuesWide(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "residual");
        javafx.scene.layout.Region pane = app.window.graphView();
        javafx.scene.canvas.Canvas mini = robot.lookup("#graphMinimap").queryAs(javafx.scene.canvas.Canvas.class);
        double paneArea = pane.getWidth() * pane.getHeight();
        assertThat(paneArea).isPositive();
        assertThat(mini.getWidth() * mini.getHeight()).as("minimap area within a graph pane of %.0fx%.0f",
                pane.getWidth(), pane.getHeight()).isLessThanOrEqualTo(0.06 * paneArea);
        String conv = app.vm.session().rows().stream().filter(r -> r.op().equals("Conv")).findFirst().orElseThrow()
                .name();
        robot.interact(() -> app.window.selection().select(conv));
        WaitForAsyncUtils.waitForFxEvents();
        for (Node n : robot.from(app.window.properties()).lookup(".prop-value").queryAll()) {
            Label v = (Label) n;
            if (v.getText().length() > 12) {
                assertThat(v.getWidth()).as("value '" + v.getText() + "'").isGreaterThan(120);
            }
        }
    }

    @Test
    void windowIsSizedToTheScreen() {
        Rectangle2D laptop = new Rectangle2D(0, 0, 1280, 800 - 48);
        Rectangle2D w = ZkscopeApp.initialBounds(laptop);
        assertThat(w.getWidth()).isLessThanOrEqualTo(1280);
        assertThat(w.getHeight()).isLessThanOrEqualTo(752);
        assertThat(w.getMinX()).isGreaterThanOrEqualTo(0);
        assertThat(w.getMinY()).isGreaterThanOrEqualTo(0);
        assertThat(w.getMaxY()).isLessThanOrEqualTo(752);
        Rectangle2D big = new Rectangle2D(1920, 0, 3840, 2160);
        Rectangle2D b = ZkscopeApp.initialBounds(big);
        assertThat(b.getWidth()).isEqualTo(ZkscopeApp.PREFERRED_WIDTH);
        assertThat(b.getHeight()).isEqualTo(ZkscopeApp.PREFERRED_HEIGHT);
        assertThat(big.contains(b)).as("on the screen that holds it").isTrue();
    }

    @Test
    void presentationMode_enlargesTheText_andIsRemembered(FxRobot robot) {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        double normal = title.getFont().getSize();
        robot.interact(() -> app.window.setPresentationMode(true));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(title.getFont().getSize()).isGreaterThan(normal * 1.2);
        assertThat(app.settings.get(MainWindow.PRESENTATION_KEY, "off")).isEqualTo("on");
        robot.interact(() -> app.window.setPresentationMode(false));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(title.getFont().getSize()).isEqualTo(normal);
    }
}
