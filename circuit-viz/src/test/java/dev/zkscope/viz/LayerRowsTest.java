package dev.zkscope.viz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.OnnxImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerRowsTest {
    @Test
    void fromGraph_copiesShapesParamsAndMacs() throws Exception {
        Graph g = new OnnxImporter().load(Path.of("..", "samples", "mlp.onnx"));
        List<LayerRow> rows = LayerRows.fromGraph(g);
        assertThat(rows).hasSize(g.nodes().size());
        LayerRow first = rows.get(0);
        assertThat(first.op()).isEqualTo("Gemm");
        assertThat(first.outputShape()).isEqualTo("1\u00d732");
        assertThat(first.params()).isEqualTo(64 * 32 + 32);
        assertThat(first.macs()).isEqualTo(64 * 32);
        assertThat(rows.stream().mapToLong(LayerRow::params).sum()).isEqualTo(2410);
        assertThat(rows).noneMatch(LayerRow::isUnsupported);
    }

    /** A two-node graph whose second node has no parser. */
    static Graph withUnsupported() {
        int[] s = {1, 4};
        dev.zkscope.ir.Node relu = new dev.zkscope.ir.Node("relu", "Relu",
                new dev.zkscope.ir.Op.Unary(dev.zkscope.ir.UnaryFn.RELU, 0, 0), List.of("x"), List.of("y"),
                List.of(s), List.of(s), 0, 0);
        dev.zkscope.ir.Node odd = new dev.zkscope.ir.Node("odd", "FancyOp",
                new dev.zkscope.ir.Op.Unsupported("FancyOp", "", 14, "no parser for this op"), List.of("y"),
                List.of("z"), List.of(s), java.util.Collections.singletonList(null), 0, 0);
        return new Graph("g", List.of(new Graph.Value("x", s)), List.of(new Graph.Value("z", s)),
                List.of(relu, odd), Map.of(), 14);
    }

    @Test
    void fromGraph_marksUnsupportedNodesWithTheReason() {
        List<LayerRow> rows = LayerRows.fromGraph(withUnsupported());
        assertThat(rows.get(0).isUnsupported()).isFalse();
        assertThat(rows.get(1).isUnsupported()).isTrue();
        assertThat(rows.get(1).unsupported()).contains("no parser");
        assertThat(rows.get(1).outputShape()).isEqualTo("?");
    }

    @Test
    void withCosts_attachesByLayerName() throws Exception {
        Graph g = new OnnxImporter().load(Path.of("..", "samples", "mlp.onnx"));
        List<LayerRow> rows = LayerRows.fromGraph(g);
        LayerRow.Cost c = new LayerRow.Cost(10, 20, Map.of("relu", 3L), 4, 5, 0.5);
        List<LayerRow> costed = LayerRows.withCosts(rows, Map.of(rows.get(1).name(), c));
        assertThat(costed.get(0).cost()).isNull();
        assertThat(costed.get(1).cost()).isEqualTo(c);
    }
}
