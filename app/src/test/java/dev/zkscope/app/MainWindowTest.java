package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.viz.LayerRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @AfterEach
    void stop(FxRobot robot) throws Exception {
        app.close(robot);
    }

    private void openAndWait(FxRobot robot, Path file) throws Exception {
        robot.interact(() -> app.vm.open(file));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !app.vm.loadingProperty().get()
                && app.vm.session() != null && app.vm.session().file().equals(file));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void openSample_fillsLayerTable(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        var items = app.window.layerTable().table().getItems();
        assertThat(items).hasSize(app.vm.session().graph().nodes().size()).isNotEmpty();
        assertThat(items.get(0).op()).isEqualTo("Gemm");
        assertThat(items.get(0).outputShape()).isEqualTo("1\u00d732");
        assertThat(robot.lookup("1\u00d732").tryQuery()).isPresent();
        assertThat(app.window.graphView().graph().nodes()).isNotEmpty();
        assertThat(app.vm.recent()).contains(AppFixture.sample("mlp"));
    }

    @Test
    void opFilter_showsOnlyThatOp(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        robot.interact(() -> app.window.layerTable().opFilter().setValue("Relu"));
        assertThat(app.window.layerTable().table().getItems()).isNotEmpty().allMatch(r -> r.op().equals("Relu"));
    }

    @Test
    void tablesSettingTheHeight_areCalledOutUnderTheCircuitTables(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp_sigmoid_tanh"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        Label note = app.window.lookupTables().heightNote();
        assertThat(note.isVisible()).isTrue();
        assertThat(note.getText()).contains("2^" + app.vm.analysis().ledger().logNWithoutTables()).contains("sigmoid");

        openAndWait(robot, AppFixture.sample("mlp"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().session() == app.vm.session() && app.vm.analysis().compiled() != null
                && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(note.isVisible()).isFalse();
    }

    @Test
    void clickGraphNode_selectsTableRow(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("cnn_bn_pool"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        LayerRow target = app.vm.session().rows().get(2);
        Rectangle box = app.window.graphView().boxOf(target.name());
        assertThat(box).isNotNull();
        robot.clickOn(box);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.selection().selected()).isEqualTo(target.name());
        assertThat(app.window.layerTable().table().getSelectionModel().getSelectedItem().name())
                .isEqualTo(target.name());
        assertThat(app.window.graphView().boxOf(target.name()).getStrokeWidth()).isGreaterThan(1);
    }

    @Test
    void selectLayer_heatmapZoomsToItsRows(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.showTab("tabCircuit")).isTrue();
        String layer = app.vm.session().rows().get(0).name();
        robot.interact(() -> app.window.selection().select(layer));
        robot.clickOn("#zoomToLayer");
        var heatmap = app.window.heatmap();
        assertThat(heatmap.rowCount()).isLessThan(heatmap.trace().n());
        var region = heatmap.trace().regionAt(heatmap.firstRow() + heatmap.rowCount() / 2);
        assertThat(region).isNotNull();
        assertThat(region.layer()).isEqualTo(layer);
    }

    @Test
    void settingsChange_recompilesInBackground_andKeepsSelection(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && !app.vm.analyzingProperty().get());
        Analysis before = app.vm.analysis();
        String layer = app.vm.session().rows().get(0).name();
        java.util.concurrent.atomic.AtomicReference<Analysis> right = new java.util.concurrent.atomic.AtomicReference<>();
        robot.interact(() -> {
            app.window.selection().select(layer);
            app.vm.applySettings(app.vm.settings().withInnerCols(2));
            right.set(app.vm.analysis());
        });
        // The previous result stays until the new one is ready.
        assertThat(right.get()).isSameAs(before);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.vm.analysis() != before
                && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.analysis().settings().innerCols()).isEqualTo(2);
        assertThat(app.window.layerTable().table().getSelectionModel().getSelectedItem().name()).isEqualTo(layer);
        assertThat(app.window.layerTable().table().getItems().get(0).cost().rows())
                .isEqualTo(app.vm.analysis().ledger().layer(layer).rows());
    }

    @Test
    void openCorruptFile_showsErrorAndKeepsPreviousModel(FxRobot robot, @TempDir Path tmp) throws Exception {
        Path good = AppFixture.sample("mlp");
        openAndWait(robot, good);
        int rows = app.window.layerTable().table().getItems().size();
        Path bad = tmp.resolve("corrupt.onnx");
        Files.write(bad, new byte[] {0x08, 0x07, 0x12, (byte) 0xff, 0x01, 0x02, 0x03, 0x7f, 0x55});
        robot.interact(() -> app.vm.open(bad));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !app.vm.loadingProperty().get());
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> dialog(robot) != null);
        DialogPane dialog = dialog(robot);
        String text = ((Label) dialog.getContent()).getText();
        assertThat(dialog.getHeaderText()).contains("corrupt.onnx");
        assertThat(text).contains("corrupt.onnx").contains("stays open");
        assertThat(app.vm.session().file()).isEqualTo(good);
        assertThat(app.window.layerTable().table().getItems()).hasSize(rows);
        robot.interact(() -> dialog.getScene().getWindow().hide());
    }

    @Test
    void themeSwitch_restylesTheCharts(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null && app.window.blowup().chart() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.blowup().chart().getBackgroundPaint())
                .isEqualTo(dev.zkscope.viz.chart.Charts.LIGHT.background());
        robot.interact(() -> app.window.setDarkTheme(true));
        assertThat(app.window.blowup().chart().getBackgroundPaint())
                .isEqualTo(dev.zkscope.viz.chart.Charts.DARK.background());
        assertThat(app.window.blowup().chart().getPlot().getBackgroundPaint())
                .isEqualTo(dev.zkscope.viz.chart.Charts.DARK.plot());
        robot.interact(() -> app.window.setDarkTheme(false));
        assertThat(app.window.blowup().chart().getBackgroundPaint())
                .isEqualTo(dev.zkscope.viz.chart.Charts.LIGHT.background());
    }

    @Test
    void dropOnnxFile_opensIt_dropOtherFile_showsErrorAndKeepsModel(FxRobot robot, @TempDir Path tmp)
            throws Exception {
        Path first = AppFixture.sample("mlp");
        openAndWait(robot, first);
        Path second = AppFixture.sample("cnn_bn_pool");
        boolean[] taken = new boolean[1];
        robot.interact(() -> taken[0] = app.window.openDropped(java.util.List.of(second.toFile())));
        assertThat(taken[0]).isTrue();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !app.vm.loadingProperty().get()
                && app.vm.session() != null && app.vm.session().file().equals(second));
        WaitForAsyncUtils.waitForFxEvents();
        int rows = app.window.layerTable().table().getItems().size();
        assertThat(rows).isEqualTo(app.vm.session().graph().nodes().size());

        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "not a model");
        robot.interact(() -> taken[0] = app.window.openDropped(java.util.List.of(text.toFile())));
        assertThat(taken[0]).isFalse();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> dialog(robot) != null);
        DialogPane dialog = dialog(robot);
        assertThat(dialog.getHeaderText()).contains("notes.txt");
        assertThat(((Label) dialog.getContent()).getText()).contains("stays open");
        assertThat(app.vm.session().file()).isEqualTo(second);
        assertThat(app.window.layerTable().table().getItems()).hasSize(rows);
        robot.interact(() -> dialog.getScene().getWindow().hide());
    }

    @Test
    void openRecent_followsEveryOpen_evenAfterGarbageCollection(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        assertThat(app.window.recentItems()).hasSize(1);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        openAndWait(robot, AppFixture.sample("cnn"));
        assertThat(app.window.recentItems()).extracting(javafx.scene.control.MenuItem::getText)
                .anySatisfy(t -> assertThat(t).startsWith("cnn.onnx")).hasSize(2);
        assertThat(app.window.recentItems().get(0).getParentMenu().isDisable()).isFalse();
    }

    @Test
    void tabsStayInPlace_whileAModelCompiles(FxRobot robot) throws Exception {
        openAndWait(robot, AppFixture.sample("mlp"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        var ids = app.window.tabs().getTabs().stream().map(javafx.scene.control.Tab::getId).toList();
        boolean[] changed = {false};
        boolean[] disabledWhileCompiling = {false};
        var circuitTab = app.window.tabs().getTabs().stream().filter(t -> "tabCircuit".equals(t.getId()))
                .findFirst().orElseThrow();
        robot.interact(() -> {
            app.window.tabs().getTabs().addListener((javafx.collections.ListChangeListener<javafx.scene.control.Tab>)
                    c -> changed[0] = true);
            app.vm.analysisProperty().addListener((o, a, b) -> {
                if (b == null) {
                    disabledWhileCompiling[0] = circuitTab.isDisable();
                }
            });
            app.vm.open(AppFixture.sample("cnn"));
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().compiled() != null && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(changed[0]).as("no tab came or went").isFalse();
        assertThat(disabledWhileCompiling[0]).as("the trace's tab is disabled while the new model compiles").isTrue();
        assertThat(app.window.tabs().getTabs().stream().map(javafx.scene.control.Tab::getId).toList()).isEqualTo(ids);
        assertThat(app.window.showTab("tabCircuit")).isTrue();
    }

    private static DialogPane dialog(FxRobot robot) {
        for (Window w : robot.listWindows()) {
            if (w.getScene() != null && w.getScene().getRoot() instanceof DialogPane) {
                DialogPane d = (DialogPane) w.getScene().getRoot();
                if ("errorDialog".equals(d.getId())) {
                    return d;
                }
            }
        }
        return null;
    }
}
