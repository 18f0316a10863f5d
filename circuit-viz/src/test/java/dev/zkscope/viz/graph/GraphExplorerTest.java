package dev.zkscope.viz.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.viz.LayerRow;
import dev.zkscope.viz.LayerSelection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The graph at scale, on a committed 210-node model (blocks52.onnx: 52 residual blocks exported by PyTorch, made by
 * make_blocks.py beside it): modules collapse and expand, search finds by name and op and reveals the hit, the
 * minimap and zoom work, long names are cut, and the properties panel shows a layer's attributes, weights and cost.
 */
@ExtendWith(ApplicationExtension.class)
class GraphExplorerTest {
    private static Graph blocks;
    private final LayerSelection selection = new LayerSelection();
    private GraphExplorer explorer;
    private NodeProperties props;

    @BeforeAll
    static void load() throws Exception {
        blocks = new OnnxImporter().load(Path.of(GraphExplorerTest.class.getResource("blocks52.onnx").toURI()));
    }

    @Start
    void start(Stage stage) {
        explorer = new GraphExplorer(selection);
        props = new NodeProperties();
        javafx.scene.layout.HBox root = new javafx.scene.layout.HBox(explorer, props);
        explorer.setPrefSize(420, 700);
        props.setPrefSize(300, 700);
        stage.setScene(new Scene(root, 720, 700));
        stage.show();
        explorer.setModel(blocks, null);
    }

    @Test
    void moduleTree_readsPyTorchPaths_andOpensLargeModelsCollapsed() {
        assertThat(ModuleTree.modulePath("/layer1/0/conv1/Conv")).containsExactly("/layer1", "/layer1/0",
                "/layer1/0/conv1");
        assertThat(ModuleTree.modulePath("Gemm_3")).isEmpty();
        assertThat(ModuleTree.modulePath("/Relu")).isEmpty();
        assertThat(blocks.nodes()).hasSizeGreaterThanOrEqualTo(200);
        ModuleTree t = new ModuleTree(blocks);
        assertThat(t.groups().get("/blocks")).hasSize(208);
        assertThat(t.groups().get("/blocks/blocks.7")).hasSize(4);
        assertThat(t.groups()).doesNotContainKey("/stem"); // one node: not a group
        Set<String> def = t.defaultExpanded(blocks);
        assertThat(t.boxCount(blocks, def)).isLessThanOrEqualTo(ModuleTree.DEFAULT_BOXES);
        LaidOutGraph l = GraphLayout.layout(blocks, t, def, GraphLayout::estimateWidth);
        LaidOutGraph.Box group = l.node("/blocks");
        assertThat(group.kind()).isEqualTo(LaidOutGraph.Kind.GROUP);
        assertThat(group.detail()).startsWith("208 nodes: 104 Gemm, 52 Add, 52 Relu");
        assertThat(l.boxHolding("/blocks/blocks.3/fc2/Gemm")).isEqualTo(group);
        // Every layer drawn: one box per node, and the chain's edges each drawn once.
        LaidOutGraph all = GraphLayout.layout(blocks, t, t.all(), GraphLayout::estimateWidth);
        assertThat(all.nodes().stream().filter(b -> b.kind() == LaidOutGraph.Kind.LAYER)).hasSize(blocks.nodes().size());
        assertThat(all.members()).isEmpty();
    }

    @Test
    void longNames_areCutInTheMiddle_andBoxesStayNarrow() {
        String name = "/model/encoder/layers.11/self_attention/output_projection/MatMul";
        String cut = GraphLayout.elide(name);
        assertThat(cut).hasSize(GraphLayout.MAX_LABEL).startsWith("/model/enc").endsWith("projection/MatMul")
                .contains("\u2026");
        assertThat(GraphLayout.elide("/fc/Gemm")).isEqualTo("/fc/Gemm");
        ModuleTree t = new ModuleTree(blocks);
        LaidOutGraph all = GraphLayout.layout(blocks, t, t.all(), GraphLayout::estimateWidth);
        assertThat(all.nodes()).allSatisfy(b -> assertThat(b.w())
                .isLessThanOrEqualTo(GraphLayout.estimateWidth("x".repeat(GraphLayout.MAX_LABEL)) + 40));
    }

    @Test
    void search_byNameAndOp_revealsAndSelectsTheHit(FxRobot robot) {
        robot.clickOn("#graphSearch").write("fc2");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(explorer.hits()).hasSize(52).allMatch(h -> h.contains("fc2"));
        // Collapsed: the hits lie in the /blocks module, whose box is outlined as a hit.
        assertThat(explorer.view().isHit("/blocks")).isTrue();
        robot.type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        String first = "/blocks/blocks.0/fc2/Gemm";
        assertThat(selection.selected()).isEqualTo(first);
        GraphView v = explorer.view();
        assertThat(v.expanded()).contains("/blocks", "/blocks/blocks.0");
        LaidOutGraph.Box box = v.graph().node(first);
        assertThat(box).isNotNull();
        assertThat(v.inView(box.centerX(), box.centerY())).isTrue();
        assertThat(v.boxOf(first).getStrokeWidth()).isEqualTo(3);
        assertThat(robot.lookup("#graphSearchCount").queryLabeled().getText()).isEqualTo("1 of 52");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(selection.selected()).isEqualTo("/blocks/blocks.1/fc2/Gemm");

        robot.interact(() -> explorer.searchField().setText("op:Relu"));
        assertThat(explorer.hits()).hasSize(52);
        robot.interact(() -> explorer.searchField().setText("RELU"));
        assertThat(explorer.hits()).hasSize(52);
        robot.interact(() -> explorer.searchField().setText("no-such-layer"));
        assertThat(explorer.hits()).isEmpty();
        assertThat(robot.lookup("#graphSearchCount").queryLabeled().getText()).isEqualTo("no match");
    }

    @Test
    void clickingAModule_expandsIt_andItsContextMenuCollapses(FxRobot robot) {
        GraphView v = explorer.view();
        robot.interact(v::fit);
        Rectangle group = v.boxOf("/blocks");
        assertThat(group).isNotNull();
        robot.clickOn(group, MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(v.expanded()).contains("/blocks");
        assertThat(v.boxOf("/blocks")).isNull();
        assertThat(v.boxOf("/blocks/blocks.51")).isNotNull();
        assertThat(v.graph().node("/blocks/blocks.51").kind()).isEqualTo(LaidOutGraph.Kind.GROUP);
        robot.interact(() -> v.expand("/blocks/blocks.51"));
        assertThat(v.boxOf("/blocks/blocks.51/fc1/Gemm")).isNotNull();
        robot.interact(() -> v.collapse("/blocks"));
        assertThat(v.expanded()).doesNotContain("/blocks", "/blocks/blocks.51");
        assertThat(v.boxOf("/blocks")).isNotNull();
        robot.interact(v::expandAll);
        awaitLayout(v);
        assertThat(v.graph().nodes().stream().filter(b -> b.kind() == LaidOutGraph.Kind.LAYER)).hasSize(210);
    }

    @Test
    void zoomAndMinimap_moveTheView(FxRobot robot) {
        GraphView v = explorer.view();
        robot.interact(v::expandAll);
        awaitLayout(v);
        double before = v.zoomFactor();
        robot.interact(() -> v.zoomBy(0.2));
        assertThat(v.zoomFactor()).isLessThan(before);
        assertThat(v.detailsShown()).as("labels hidden zoomed far out").isEqualTo(v.zoomFactor() >= GraphView.DETAIL_SCALE);
        robot.interact(() -> v.zoomBy(8));
        assertThat(v.detailsShown()).isTrue();
        LaidOutGraph.Box last = v.graph().node("/head/Gemm");
        robot.interact(() -> v.centerOn(v.graph().node("input:x").centerX(), 0));
        assertThat(v.inView(last.centerX(), last.centerY())).isFalse();
        javafx.scene.canvas.Canvas mini = robot.lookup("#graphMinimap").queryAs(javafx.scene.canvas.Canvas.class);
        assertThat(mini.isVisible()).isTrue();
        // A click at the bottom of the minimap moves the view to the bottom of the graph.
        javafx.geometry.Bounds mb = mini.localToScreen(mini.getBoundsInLocal());
        robot.clickOn(new javafx.geometry.Point2D(mb.getCenterX(), mb.getMaxY() - 6));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(v.inView(last.centerX(), last.centerY())).isTrue();
    }

    @Test
    void properties_showAttributesShapesWeightsAndTheLedgerRow(FxRobot robot) {
        Node gemm = blocks.nodes().stream().filter(n -> n.name().equals("/blocks/blocks.3/fc1/Gemm")).findFirst()
                .orElseThrow();
        robot.interact(() -> props.show(blocks, gemm.name(), null));
        assertThat(props.value("Attributes", "alpha")).isEqualTo("1");
        assertThat(props.value("Attributes", "transB")).isEqualTo("true");
        assertThat(props.value("Module", "path")).isEqualTo("/blocks/blocks.3/fc1");
        assertThat(props.value("Outputs", gemm.outputs().get(0))).isEqualTo("1\u00d78");
        String w = gemm.inputs().get(1);
        assertThat(props.value("Weights", w)).startsWith("8\u00d78, 64 values in [").contains("mean |w|");
        assertThat(props.value("Size", "parameters")).isEqualTo("72");
        assertThat(props.value("Circuit cost (ledger)", "rows")).isNull();
        LayerRow.Cost cost = new LayerRow.Cost(120, 480, Map.of("range8", 16L), 16, 64, 0.25, 0, 64, 8);
        LayerRow row = new LayerRow(5, gemm.name(), "Gemm", "1\u00d78", "1\u00d78", 72, 64, null, cost);
        robot.interact(() -> props.show(blocks, gemm.name(), row));
        assertThat(props.value("Circuit cost (ledger)", "rows")).isEqualTo("120  (25.0% of gadget rows)");
        assertThat(props.value("Circuit cost (ledger)", "lookups")).isEqualTo("range8: 16");
        assertThat(props.value("Circuit cost (ledger)", "rows per MAC")).isEqualTo("1.875");
        robot.interact(() -> props.show(blocks, null, null));
        assertThat(props.value("Attributes", "alpha")).isNull();
    }

    /** Waits for a background layout (Expand on this 210-node graph runs off the UI thread). */
    static void awaitLayout(GraphView v) {
        try {
            WaitForAsyncUtils.waitFor(60, java.util.concurrent.TimeUnit.SECONDS, () -> !v.layingOutProperty().get());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the layout did not finish in 60 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void expandAll_laysOutOffTheUiThread_withProgressAndCancel(FxRobot robot) throws Exception {
        GraphView v = explorer.view();
        LaidOutGraph before = v.graph();
        // The layout thread is held until the checks below have seen the layout in progress (on a fast machine the
        // layout finished before the test looked).
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        GraphView.onLayoutThread(() -> {
            try {
                hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // The UI thread returns at once: the overlay says what runs, and the graph shown stays until replaced.
        robot.interact(v::expandAll);
        assertThat(v.layingOutProperty().get()).isTrue();
        assertThat(robot.lookup("#graphLayoutBusy").queryLabeled().getText()).startsWith("Laying out 212 boxes");
        assertThat(robot.lookup("#graphLayoutBusy").queryLabeled().getParent().isVisible()).isTrue();
        assertThat(v.graph()).isSameAs(before);
        // Cancel: the layout's answer is dropped, the collapsed graph stays.
        robot.interact(() -> robot.lookup("#graphLayoutCancel").queryButton().fire());
        assertThat(v.layingOutProperty().get()).isFalse();
        hold.countDown();
        Thread.sleep(300);
        awaitLayout(v);
        assertThat(v.graph()).isSameAs(before);
        assertThat(v.expanded()).doesNotContain("/blocks");
        // Done: every layer drawn, the overlay gone.
        robot.interact(v::expandAll);
        awaitLayout(v);
        assertThat(v.graph().nodes().stream().filter(b -> b.kind() == LaidOutGraph.Kind.LAYER)).hasSize(210);
        assertThat(robot.lookup("#graphLayoutBusy").queryLabeled().getParent().isVisible()).isFalse();
        // A model opened while a layout runs is not replaced by the old model's layout.
        robot.interact(v::collapseAll);
        awaitLayout(v);
        robot.interact(v::expandAll);
        robot.interact(() -> explorer.setModel(blocks, null));
        Thread.sleep(300);
        awaitLayout(v);
        assertThat(v.graph().node("/blocks")).isNotNull();
    }

    @Test
    void minimap_takesAtMostAFifthOfASmallPane_andHidesInATinyOne() {
        double[] laptop = GraphView.minimapSize(255, 370);
        assertThat(laptop[0] * laptop[1]).isLessThan(0.06 * 255 * 370);
        assertThat(laptop[0]).isGreaterThanOrEqualTo(48);
        assertThat(GraphView.minimapSize(1000, 900)).containsExactly(150, 150);
        assertThat(GraphView.minimapSize(150, 150)).containsExactly(0, 0);
    }

    @Test
    void properties_inANarrowPanel_keepLongInputNamesOnTheirOwnLine_andValuesWide(FxRobot robot) {
        Node gemm = blocks.nodes().stream().filter(n -> n.name().equals("/blocks/blocks.3/fc1/Gemm")).findFirst()
                .orElseThrow();
        robot.interact(() -> {
            props.setPrefWidth(230);
            props.setMaxWidth(230);
            props.show(blocks, gemm.name(), null);
        });
        WaitForAsyncUtils.waitForFxEvents();
        String input = gemm.inputs().get(0);
        javafx.scene.control.Label value = robot.lookup(".prop-value").queryAllAs(javafx.scene.control.Label.class)
                .stream().filter(l -> l.getText().startsWith("1\u00d78")).findFirst().orElseThrow();
        // The value has the panel's width (not one character per line beside a long key) and fits one line.
        assertThat(value.getWidth()).isGreaterThan(120);
        assertThat(value.getHeight()).isLessThan(2.2 * value.getFont().getSize() * 1.4);
        assertThat(props.value("Inputs", input)).startsWith("1\u00d78");
    }

    @Test
    void attributes_areFormattedForPeople() {
        assertThat(NodeProperties.value(9.999999747378752E-6)).isEqualTo("1e-5");
        assertThat(NodeProperties.value(new int[] {1, 1})).isEqualTo("[1, 1]");
        assertThat(NodeProperties.value(dev.zkscope.ir.Tensor.DType.INT64)).isEqualTo("int64");
        assertThat(dev.zkscope.viz.Format.number(0.1)).isEqualTo("0.1");
        assertThat(dev.zkscope.viz.Format.number(3.0)).isEqualTo("3");
        assertThat(dev.zkscope.viz.Format.number(2.5e-7)).isEqualTo("2.5e-7");
        assertThat(dev.zkscope.viz.Format.number(-0.123456)).isEqualTo("-0.1235");
        assertThat(List.of(dev.zkscope.viz.Format.word(javafx.geometry.Pos.TOP_LEFT))).containsExactly("top left");
    }
}
