package dev.zkscope.viz.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.OnnxImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {
    static Graph load(String name) throws Exception {
        return new OnnxImporter().load(Path.of("..", "samples", name + ".onnx"));
    }

    @Test
    void layout_placesEveryNodeAndTensorEdge_topDown() throws Exception {
        Graph g = load("mlp");
        LaidOutGraph l = GraphLayout.layout(g, GraphLayout::estimateWidth);
        assertThat(l.nodes()).hasSize(g.nodes().size() + g.inputs().size() + g.outputs().size());
        LaidOutGraph.Box in = l.node("input:input");
        LaidOutGraph.Box out = l.node("output:output");
        assertThat(in.y()).isLessThan(out.y());
        // mlp is a chain: input -> n nodes -> output has n + 1 edges.
        assertThat(l.edges()).hasSize(g.nodes().size() + 1);
        assertThat(l.edges()).allSatisfy(e -> assertThat(e.points().length).isGreaterThanOrEqualTo(4));
        assertThat(l.edges().get(0).label()).isEqualTo("1\u00d764");
        for (LaidOutGraph.Box b : l.nodes()) {
            assertThat(b.x() + b.w()).isLessThanOrEqualTo(l.width());
            assertThat(b.y() + b.h()).isLessThanOrEqualTo(l.height());
        }
    }

    @Test
    void layout_residualModel_hasBranchingEdges() throws Exception {
        Graph g = load("residual");
        LaidOutGraph l = GraphLayout.layout(g, GraphLayout::estimateWidth);
        long add = g.nodes().stream().filter(n -> n.opType().equals("Add")).count();
        assertThat(add).isPositive();
        String addName = g.nodes().stream().filter(n -> n.opType().equals("Add")).findFirst().get().name();
        assertThat(l.edges().stream().filter(e -> e.to().equals(addName)).count()).isEqualTo(2);
    }
}
