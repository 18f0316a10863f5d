package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.api.Pipeline;
import dev.zkscope.circuit.Cell;
import dev.zkscope.circuit.Witness;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.LayerCost;
import dev.zkscope.compile.LayerInfo;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.quant.FixedPoint;
import java.util.List;
import java.util.Locale;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Selecting a Gemm layer shows, in the "Why this cost" tab, its gadget recipe with its own numbers (K, inner columns,
 * rows, rows/MAC) and a worked example whose values are the witness cells of the input the app proves.
 */
@ExtendWith(ApplicationExtension.class)
class DrillDownTest {
    private AppFixture app;

    @Start
    void start(Stage stage) {
        app = new AppFixture(stage);
    }

    @AfterEach
    void close(FxRobot robot) throws Exception {
        app.close(robot);
    }

    @Test
    void selectingGemm_showsItsRecipeNumbersAndWitnessValues(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        CompiledModel cm = app.vm.analysis().compiled();
        LayerInfo gemm = cm.layers().stream().filter(l -> l.op().equals("Gemm")).findFirst().orElseThrow();
        LayerCost cost = cm.ledger().layers().stream().filter(l -> l.layer().equals(gemm.layer())).findFirst()
                .orElseThrow();
        robot.interact(() -> app.window.selection().select(gemm.layer()));
        assertThat(app.window.showTab("tabDrillDown")).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        DrillDownView view = robot.lookup("#drillDown").queryAs(DrillDownView.class);
        String recipe = view.recipeText();

        int c = cm.layout().geometry().innerCols();
        long k = gemm.work().macs() / gemm.outputs();
        long perOutput = (k + c - 1) / c;
        assertThat(recipe).contains(gemm.layer() + " (Gemm): " + cost.rows() + " rows");
        assertThat(recipe).contains("outputs × ⌈K/c⌉ = " + gemm.outputs() + " × ⌈" + k + "/" + c + "⌉ = "
                + gemm.outputs() * perOutput);
        assertThat(recipe).contains("rescale").contains("remainder");
        assertThat(recipe).contains(String.format(Locale.ROOT, "rows/MAC %.3f", (double) cost.rows() / gemm.work().macs()));
        assertThat(recipe).contains(String.format(Locale.ROOT, "rows/element %.3f", (double) cost.rows() / gemm.outputs()));

        // The layer table's ratio columns show the same ratios for that layer.
        var table = app.window.layerTable().table();
        dev.zkscope.viz.LayerRow row = table.getItems().stream().filter(it -> it.name().equals(gemm.layer()))
                .findFirst().orElseThrow();
        Number perMac = (Number) table.getColumns().stream().filter(col -> "col-RowsMAC".equals(col.getId()))
                .findFirst().orElseThrow().getCellObservableValue(row).getValue();
        Number perElement = (Number) table.getColumns().stream().filter(col -> "col-Rowselement".equals(col.getId()))
                .findFirst().orElseThrow().getCellObservableValue(row).getValue();
        assertThat(perMac.doubleValue()).isEqualTo((double) cost.rows() / gemm.work().macs());
        assertThat(perElement.doubleValue()).isEqualTo((double) cost.rows() / gemm.outputs());

        // The worked example: the witness of the same input, filled here independently of the view.
        ProveJob.Input in = ProveJob.input(app.vm.analysis().session().file(), app.vm.analysis().session().graph());
        long[] q = Pipeline.quantizeInput(app.vm.analysis().prepared(), List.of(in.tensor()));
        Witness w = cm.witness(q).witness();
        Cell out0 = cm.nodeCells(gemm.layer())[0];
        long y = Goldilocks.toSigned(w.value(cm.circuit(), out0.column(), out0.row()));
        String ex = view.exampleText();
        assertThat(ex).contains(in.source()).contains("output element 0");
        assertThat(ex).contains("K = " + k + " terms in " + perOutput + " row(s) of c = " + c);
        // the rescale line: x is the full dot product, y its rescale, and y is the layer's output element 0
        String line = ex.lines().filter(l -> l.startsWith("rescale by 2^")).findFirst().orElseThrow();
        int kb = Integer.parseInt(line.substring("rescale by 2^".length(), line.indexOf(',')));
        long x = Long.parseLong(line.replaceAll(".*: x = (-?\\d+) .*", "$1"));
        assertThat(line).contains(", y = " + y + ",");
        assertThat(FixedPoint.rescale(x, kb)).isEqualTo(y);
        long r = x + (1L << (kb - 1)) - y * (1L << kb);
        assertThat(line).contains("= " + r + " in [0, " + (1L << kb) + ")");
        // the last partial sum of output 0 is x
        List<String> rows = ex.lines().filter(l -> l.trim().startsWith("row ")).toList();
        assertThat(rows).hasSize((int) perOutput);
        assertThat(rows.get(rows.size() - 1)).contains("out = prev + Σ x_j·w_j = " + x);
    }

    @Test
    void clickingAHeatmapCell_followsThatRowsElementInTheWorkedExample(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        CompiledModel cm = app.vm.analysis().compiled();
        LayerInfo gemm = cm.layers().stream().filter(l -> l.op().equals("Gemm")).findFirst().orElseThrow();
        assertThat(app.window.showTab("tabCircuit")).isTrue();
        robot.interact(() -> app.window.heatmap().zoomToLayer(gemm.layer()));
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.canvas.Canvas canvas = robot.from(app.window.heatmap()).lookup((java.util.function.Predicate<javafx.scene.Node>) n -> n instanceof javafx.scene.canvas.Canvas)
                .queryAs(javafx.scene.canvas.Canvas.class);
        javafx.geometry.Bounds b = canvas.localToScreen(canvas.getBoundsInLocal());
        robot.clickOn(b.getMinX() + b.getWidth() * 0.6, b.getMinY() + b.getHeight() * 0.7);
        WaitForAsyncUtils.waitForFxEvents();
        int row = app.window.heatmap().clickedRowProperty().get();
        assertThat(row).isNotNegative();
        assertThat(app.window.selection().selected()).isEqualTo(gemm.layer());
        assertThat(app.window.showTab("tabDrillDown")).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        DrillDownView view = robot.lookup("#drillDown").queryAs(DrillDownView.class);

        ProveJob.Input in = ProveJob.input(app.vm.analysis().session().file(), app.vm.analysis().session().graph());
        long[] q = Pipeline.quantizeInput(app.vm.analysis().prepared(), List.of(in.tensor()));
        Witness w = cm.witness(q).witness();
        var expected = dev.zkscope.compile.LayerRecipe.example(cm, gemm.layer(), w, row);
        assertThat(view.exampleText()).contains(expected.title()).contains(String.join("\n", expected.lines()));
        int el = Integer.parseInt(expected.title().replaceAll(".*output element (\\d+) .*", "$1"));
        Cell out = cm.nodeCells(gemm.layer())[el];
        long y = Goldilocks.toSigned(w.value(cm.circuit(), out.column(), out.row()));
        assertThat(expected.values().get(expected.values().size() - 2)).isEqualTo(y);
        assertThat(el).as("the clicked row " + row + " is not output 0's").isPositive();
    }
}
