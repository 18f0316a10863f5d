package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.backend.LayerComparison;
import dev.zkscope.cli.Main;
import dev.zkscope.onnx.proto.Onnx;
import dev.zkscope.viz.BackendComparisonTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Compare backends in the app against {@code zkscope bench --backend plonkish,sumcheck --json} on the same sample,
 * preset and input: every layer's Plonkish rows and cells, their counting-mode estimate and its error, the sumcheck
 * products, their estimate and its error, as the Blowup tab's and the Prove view's tables show them, must be the CLI's
 * figures (times differ from run to run: each must be there, or absent, in both). A model the sumcheck backend refuses
 * shows the refusal on the layer it names. Cancel leaves the previous comparison on screen.
 */
class BackendCompareTest extends AppWindowTest {

    private static JsonNode cliJson(String sample) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", sample, "--samples", AppFixture.SAMPLES.toString(), "--backend",
                "plonkish,sumcheck", "--json", "--preset", "testing"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode models = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).get("models");
        assertThat(models).hasSize(1);
        assertThat(models.get(0).get("input").asText()).isEqualTo("NAME.input.json");
        return models.get(0);
    }

    private LayerComparison compareInBlowupTab(FxRobot robot) throws Exception {
        robot.interact(() -> app.window.showTab("tabBlowup"));
        LayerComparison before = app.window.backendCompare().resultProperty().get();
        robot.clickOn("#blowupCompareBackends");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> !app.window.backendCompare().runningProperty().get()
                && app.window.backendCompare().resultProperty().get() != before);
        WaitForAsyncUtils.waitForFxEvents();
        return app.window.backendCompare().resultProperty().get();
    }

    /** Every figure of every row of the table as the CLI's JSON gives it. */
    private static void assertTableShows(BackendComparisonTable t, JsonNode cli) {
        JsonNode layers = cli.get("layers");
        assertThat(t.getItems()).as("rows").hasSize(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String at = "row " + i + " (" + l.get("layer").asText() + ")";
            assertThat(t.cell(i, BackendComparisonTable.LAYER)).as(at).isEqualTo(l.get("layer").asText());
            assertThat(t.cell(i, BackendComparisonTable.OP)).as(at).isEqualTo(l.get("op").asText());
            assertThat(t.cell(i, BackendComparisonTable.P_ROWS)).as(at + " rows").isEqualTo(num(l, "plonkishRows"));
            assertThat(t.cell(i, BackendComparisonTable.P_EST)).as(at + " rows est.").isEqualTo(num(l, "countedRows"));
            assertThat(t.cell(i, BackendComparisonTable.P_ERR)).as(at + " rows err").isEqualTo(pct(l, "rowsError"));
            assertThat(t.cell(i, BackendComparisonTable.P_NONZERO)).as(at + " cells").isEqualTo(num(l, "nonZeroCells"));
            assertThat(t.cell(i, BackendComparisonTable.P_ASSIGNED)).as(at + " assigned")
                    .isEqualTo(num(l, "assignedCells"));
            assertThat(t.cell(i, BackendComparisonTable.S_PRODUCTS)).as(at + " products")
                    .isEqualTo(num(l, "sumcheckProducts"));
            assertThat(t.cell(i, BackendComparisonTable.S_EST)).as(at + " products est.")
                    .isEqualTo(num(l, "sumcheckEstimate"));
            assertThat(t.cell(i, BackendComparisonTable.S_ERR)).as(at + " products err")
                    .isEqualTo(pct(l, "sumcheckProductsError"));
            assertThat(t.cell(i, BackendComparisonTable.S_MS).equals("\u2013")).as(at + " time measured")
                    .isEqualTo(l.get("sumcheckNanos").isNull());
            assertThat(t.cell(i, BackendComparisonTable.S_NOTE)).as(at + " note")
                    .isEqualTo(l.get("sumcheckNote").isNull() ? "" : l.get("sumcheckNote").asText());
        }
    }

    private static String num(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return BackendComparisonTable.num(v == null || v.isNull() ? null : v.asLong());
    }

    private static String pct(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return BackendComparisonTable.pct(v == null || v.isNull() ? null : v.asDouble());
    }

    @Test
    void bothBackendsPerLayer_matchTheCli_inBlowupAndProveViews_andCancelKeepsThePreviousComparison(FxRobot robot)
            throws Exception {
        app.openCompiledForTesting(robot, "mlp");
        LayerComparison c = compareInBlowupTab(robot);
        assertThat(c).isNotNull();
        assertThat(c.sumcheckRefusal()).isNull();
        JsonNode cli = cliJson("mlp");
        assertTableShows(app.window.blowupCompare().table(), cli);
        assertTableShows(app.window.proveCompare().table(), cli);
        // The whole proof: the Plonkish trace and the sumcheck products beside the estimate, as the CLI says.
        JsonNode t = cli.get("totals");
        assertThat(c.totals().logN()).isEqualTo(t.get("logN").asInt());
        assertThat(c.totals().sumcheckProducts()).isEqualTo(t.get("sumcheckProducts").asLong());
        assertThat(c.totals().sumcheckEstimate()).isEqualTo(t.get("sumcheckEstimate").asLong());
        assertThat(app.window.blowupCompare().totals().getText())
                .contains(BackendComparisonTable.num(t.get("sumcheckProducts").asLong()) + " F_p2 products / "
                        + BackendComparisonTable.num(t.get("sumcheckEstimate").asLong()) + " estimated")
                .contains("2^" + t.get("logN").asInt() + " rows");
        // Every layer of the model is measured by both backends, and the layers' sumcheck steps have times.
        long measuredLayers = c.rows().stream().filter(r -> r.isLayer() && r.sumcheckProducts() != null
                && r.plonkishRows() != null && r.sumcheckNanos() != null).count();
        assertThat(measuredLayers).isEqualTo(3); // /fc1/Gemm, /Relu, /fc2/Gemm
        assertThat(c.rows()).filteredOn(r -> r.layer().equals("/fc1/Gemm")).singleElement()
                .satisfies(r -> assertThat(r.productsError()).isEqualTo(0.0));

        // Cancel: a second comparison stopped at once leaves the first on screen, in both views.
        robot.interact(() -> {
            app.window.backendCompare().compare();
            app.window.backendCompare().cancel();
        });
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !app.window.backendCompare().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window.backendCompare().resultProperty().get()).isSameAs(c);
        assertThat(robot.lookup("#blowupCompareStatus").queryLabeled().getText()).contains("previous comparison stays");
        assertTableShows(app.window.proveCompare().table(), cli);
    }

    /**
     * Function tables (Sigmoid, Tanh) are proved by both backends since the sumcheck backend's zero-knowledge TableOp
     * (2026-12-05): every layer has both measurements, as the CLI says. (No sample is refused by the sumcheck backend
     * any more; the refusal's labels are checked by LayerComparisonTest.)
     */
    @Test
    void functionTables_areMeasuredByBothBackends_asTheCliSays(FxRobot robot) throws Exception {
        app.openCompiledForTesting(robot, "mlp_sigmoid_tanh");
        LayerComparison c = compareInBlowupTab(robot);
        assertThat(c.sumcheckRefusal()).isNull();
        JsonNode cli = cliJson("mlp_sigmoid_tanh");
        assertTableShows(app.window.blowupCompare().table(), cli);
        for (String layer : new String[] {"/Sigmoid", "/Tanh"}) {
            assertThat(c.rows()).filteredOn(r -> r.layer().equals(layer)).singleElement().satisfies(r -> {
                assertThat(r.plonkishRows()).isPositive();
                assertThat(r.sumcheckProducts()).isPositive();
                assertThat(r.sumcheckNote()).isNullOrEmpty();
            });
        }
        robot.interact(() -> {
            app.window.showTab("tabProve");
            app.window.proveView().showChartTab("backendsTab");
        });
        assertThat(app.window.proveCompare().totals().getText()).doesNotContain("refused");
    }

    /**
     * |x| as the element-wise maximum of two activations, Max(Relu(x), Relu(-x)): the Plonkish backend proves it, the
     * sumcheck backend does not (a comparison other than max(x, 0)).
     */
    private static Path maxOfTwoModel(Path dir) throws Exception {
        Onnx.TypeProto vec = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(8)))).build();
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("max_of_two")
                .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(vec))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("minus_one").setDataType(1).addFloatData(-1f))
                .addNode(node("Relu", "/pos/Relu", "a", "x"))
                .addNode(node("Mul", "/neg/Mul", "n", "x", "minus_one"))
                .addNode(node("Relu", "/neg/Relu", "b", "n"))
                .addNode(node("Max", "/abs/Max", "y", "a", "b"))
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(vec)).build();
        Path file = dir.resolve("max_of_two.onnx");
        Files.write(file, Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("zkscope-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray());
        return file;
    }

    private static Onnx.NodeProto node(String op, String name, String out, String... in) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        return n.build();
    }

    /**
     * A model the sumcheck backend refuses: the comparison still holds every layer's Plonkish figures, the refused
     * layer's row carries the refusal, and both views say "refused" with the reason, never "both backends proved".
     */
    @Test
    void aModelTheSumcheckBackendRefuses_showsTheRefusalOnItsLayer(FxRobot robot, @TempDir Path dir) throws Exception {
        app.openCompiledForTesting(robot, maxOfTwoModel(dir));
        LayerComparison c = compareInBlowupTab(robot);
        assertThat(c.sumcheckRefusal()).contains("cannot prove layer /abs/Max").contains("--backend plonkish");
        assertThat(c.totals().sumcheckSeconds()).isNull();
        assertThat(c.rows()).filteredOn(r -> r.layer().equals("/abs/Max")).singleElement().satisfies(r -> {
            assertThat(r.plonkishRows()).isPositive();
            assertThat(r.sumcheckProducts()).isNull();
            assertThat(r.sumcheckNote()).isEqualTo(c.sumcheckRefusal());
        });
        // the other layers keep their Plonkish rows and say why they have no sumcheck figure
        assertThat(c.rows()).filteredOn(r -> r.layer().startsWith("/") && !r.layer().equals("/abs/Max")).hasSize(3)
                .allSatisfy(r -> {
                    assertThat(r.plonkishRows()).isPositive();
                    assertThat(r.sumcheckNote()).isEqualTo("not proved: the sumcheck backend refused layer /abs/Max");
                });
        String status = robot.lookup("#blowupCompareStatus").queryLabeled().getText();
        assertThat(status).contains("sumcheck backend refused").doesNotContain("Both backends proved");
        assertThat(app.window.blowupCompare().totals().getText()).contains("refused").contains("/abs/Max");
        robot.interact(() -> {
            app.window.showTab("tabProve");
            app.window.proveView().showChartTab("backendsTab");
        });
        assertThat(app.window.proveCompare().totals().getText()).contains("refused").contains("/abs/Max");
    }
}
