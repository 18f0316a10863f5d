package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app with a 200+-node model at 1280x800 (search, properties with the ledger row), symbolic input dimensions set
 * in a dialog (prefilled from the test input beside the model), Cancel while opening, and a model's problem shown on
 * its layer with the fix.
 */
class GraphAtScaleTest extends AppWindowTest {
    static final Path BLOCKS = Path.of("..", "circuit-viz", "src", "test", "resources", "dev", "zkscope", "viz", "graph",
            "blocks52.onnx").toAbsolutePath().normalize();
    static final Path SEQDIM = Path.of("src", "test", "resources", "dev", "zkscope", "app", "seqdim.onnx")
            .toAbsolutePath().normalize();

    @Test
    void largeModel_searchFindsAndRevealsALayer_andPropertiesShowItsLedgerRow(FxRobot robot) throws Exception {
        robot.interact(() -> {
            app.vm.applySettings(app.vm.settings().withPreset("testing"));
            app.vm.open(BLOCKS);
        });
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> app.vm.analysis() != null
                && app.vm.analysis().session().file().equals(BLOCKS) && !app.vm.analyzingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.session().graph().nodes()).hasSizeGreaterThanOrEqualTo(200);
        // Opens collapsed to its modules: a handful of boxes, not 210 thumbnails.
        assertThat(app.window.graphView().graph().nodes().size()).isLessThan(20);
        TextField search = robot.lookup("#graphSearch").queryAs(TextField.class);
        Bounds sb = search.localToScene(search.getBoundsInLocal());
        assertThat(sb.getMaxY()).isLessThanOrEqualTo(800);
        assertThat(sb.getWidth()).isGreaterThan(60);
        robot.clickOn(search).write("blocks.40/fc2");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        String layer = "/blocks/blocks.40/fc2/Gemm";
        assertThat(app.window.selection().selected()).isEqualTo(layer);
        var box = app.window.graphView().graph().node(layer);
        assertThat(app.window.graphView().inView(box.centerX(), box.centerY())).isTrue();
        var props = app.window.properties();
        assertThat(props.value("Attributes", "transB")).isEqualTo("true");
        assertThat(props.value("Size", "parameters")).isEqualTo("72");
        assertThat(props.isVisible()).isTrue();
        if (app.vm.analysis().compiled() != null) {
            var row = app.vm.analysis().rows().stream().filter(r -> r.name().equals(layer)).findFirst().orElseThrow();
            assertThat(props.value("Circuit cost (ledger)", "rows")).startsWith(
                    dev.zkscope.viz.Format.count(row.cost().rows()) + "  (");
        } else {
            assertThat(app.window.problemBanner().isVisible()).isTrue();
        }
        // Another model: the selection, the search and the properties are cleared.
        robot.interact(() -> app.vm.open(AppFixture.sample("mlp")));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.session() != null
                && app.vm.session().file().equals(AppFixture.sample("mlp")));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.selection().selected()).isNull();
        assertThat(search.getText()).isEmpty();
        assertThat(props.value("Attributes", "transB")).isNull();
    }

    @Test
    void symbolicDimensions_areAskedFor_prefilledFromTheTestInput(FxRobot robot) throws Exception {
        List<List<SymbolicDims.Dim>> asked = new ArrayList<>();
        robot.interact(() -> app.vm.setDimensionAsker((model, dims) -> {
            asked.add(dims);
            return Optional.of(Map.of("seq", 5));
        }));
        robot.interact(() -> app.vm.open(SEQDIM));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.vm.session() != null);
        assertThat(asked).hasSize(1);
        SymbolicDims.Dim seq = asked.get(0).stream().filter(d -> d.name().equals("seq")).findFirst().orElseThrow();
        assertThat(seq.value()).isEqualTo(6);
        assertThat(seq.source()).isEqualTo("from seqdim.input.json");
        assertThat(seq.where()).isEqualTo("x axis 1");
        assertThat(app.vm.session().graph().inputs().get(0).shape()).containsExactly(1, 5, 8);
        assertThat(app.vm.dimensionsOf(SEQDIM)).containsEntry("seq", 5);

        // The dialog's form: prefilled, and a value that is not a size is refused with the reason.
        DimensionsDialog.Form[] form = new DimensionsDialog.Form[1];
        robot.interact(() -> form[0] = new DimensionsDialog.Form("seqdim.onnx", asked.get(0)));
        assertThat(form[0].field("seq").getText()).isEqualTo("6");
        robot.interact(() -> form[0].field("seq").setText("0"));
        assertThat(form[0].values()).isNull();
        robot.interact(() -> form[0].field("seq").setText("12"));
        assertThat(form[0].values()).containsEntry("seq", 12);

        // Cancelling the dialog opens nothing; the model shown stays.
        robot.interact(() -> app.vm.setDimensionAsker((model, dims) -> Optional.empty()));
        Path copy = java.nio.file.Files.createTempDirectory("zkscope-dims").resolve("other.onnx");
        java.nio.file.Files.copy(SEQDIM, copy);
        robot.interact(() -> app.vm.open(copy));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !app.vm.loadingProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.session().file()).isEqualTo(SEQDIM);
        assertThat(app.vm.statusProperty().get()).contains("Did not open other.onnx");
    }

    @Test
    void cancelWhileOpening_keepsTheModelShown(FxRobot robot) throws Exception {
        boolean[] cancelShown = new boolean[1];
        robot.interact(() -> {
            app.vm.open(BLOCKS);
            cancelShown[0] = app.stage.getScene().lookup("#cancelLoad").isVisible();
            app.vm.cancelLoading();
        });
        assertThat(cancelShown[0]).as("Cancel shown while opening").isTrue();
        WaitForAsyncUtils.sleep(2, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.vm.session()).as("the cancelled model never opens").isNull();
        assertThat(app.vm.loadingProperty().get()).isFalse();
        assertThat(app.vm.statusProperty().get()).startsWith("Cancelled");
        assertThat(app.stage.getScene().lookup("#cancelLoad").isVisible()).isFalse();
    }

    @Test
    void problem_namesTheLayerAndTheFix() {
        Node ok = new Node("/fc/Gemm", "Gemm", new Op.Gemm(1, 1, false, true), List.of("x", "w"), List.of("h"),
                List.of(new int[] {1, 4}, new int[] {4, 4}), List.of(new int[] {1, 4}), 16, 16);
        Node bad = new Node("/ln/Div", "Div", new Op.Binary(Op.BinaryKind.DIV), List.of("h", "h"), List.of("y"),
                List.of(new int[] {1, 4}, new int[] {1, 4}), List.of(new int[] {1, 4}), 0, 0);
        Graph g = new Graph("m", List.of(new Graph.Value("x", new int[] {1, 4})),
                List.of(new Graph.Value("y", new int[] {1, 4})), List.of(ok, bad),
                Map.of("w", dev.zkscope.ir.Tensor.zeros(new int[] {4, 4})), 14);
        String problem = "Cannot quantize this model: fixed-point quantization cannot handle '/ln/Div': division by "
                + "a run-time value";
        assertThat(ProblemBanner.offendingLayer(g, problem)).isSameAs(bad);
        assertThat(ProblemBanner.fix(g, problem, bad)).contains("opset 17").contains("LayerNorm");
        Node unsup = new Node("/attn/Foo", "Foo", new Op.Unsupported("Foo", "", 14, "no parser for Foo"),
                List.of("h"), List.of("y"), List.of(new int[] {1, 4}), List.of(new int[] {1, 4}), 0, 0);
        Graph g2 = new Graph("m", g.inputs(), g.outputs(), List.of(ok, unsup), g.weights(), 14);
        assertThat(ProblemBanner.offendingLayer(g2, "The model has 1 unsupported node(s)")).isSameAs(unsup);
        assertThat(ProblemBanner.fix(g2, "x", unsup)).contains("no support for the op Foo");
    }
}
