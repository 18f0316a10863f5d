package dev.zkscope.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ops the importer rewrites ({@link Expansions}), each case run by the float evaluator and by ONNX Runtime on the
 * same model bytes and inputs (max |difference| <= 1e-4 * max(1, output range), as {@link OrtConformanceTest}); the
 * rewrite leaves no node of the rewritten type; what a rewrite cannot express is refused naming the op.
 */
class RewrittenOpsOrtTest {
    @TestFactory
    Stream<DynamicTest> rewrittenOps_matchOnnxRuntime() {
        return RewrittenOpCases.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            OrtConformanceTest.check(c.asOpCase());
            Graph g = c.model().get().load();
            assertThat(g.nodes()).as("nodes left of type %s", c.opType())
                    .noneMatch(n -> n.opType().equals(c.opType()) || n.op() instanceof Op.Unsupported);
            // the rewrite's registry entry names every op kind it emits (so its stages are checked by the registry)
            assertThat(dev.zkscope.ops.OpRegistry.rewrite(c.opType())).as("registry entry of %s", c.opType())
                    .isNotNull();
            java.util.Map<String, String> typeOf = new java.util.HashMap<>();
            for (dev.zkscope.onnx.proto.Onnx.NodeProto p : dev.zkscope.onnx.proto.Onnx.ModelProto.parseFrom(c.model().get().bytes()).getGraph().getNodeList()) {
                typeOf.put(p.getName(), p.getOpType());
            }
            for (dev.zkscope.ir.Node n : g.nodes()) {
                int cut = n.name().indexOf('/');
                String from = cut < 0 ? null : typeOf.get(n.name().substring(0, cut));
                dev.zkscope.ops.OpRegistry.Rewrite rw = from == null ? null : dev.zkscope.ops.OpRegistry.rewrite(from);
                if (rw != null && !rw.inlinesSubgraph()) {
                    assertThat(rw.targets()).as("%s: node %s (%s) is of a kind the registry entry of %s does not "
                            + "name", c.name(), n.name(), n.op().kind(), from).contains(n.op().getClass());
                }
            }
        }));
    }

    @Test
    void everyRewrittenOpHasACase() {
        Set<String> covered = RewrittenOpCases.CASES.stream().map(RewrittenOpCases.Case::opType)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(covered).containsExactlyInAnyOrderElementsOf(new TreeSet<>(Expansions.TYPES));
        assertThat(Expansions.TYPES).isEqualTo(dev.zkscope.ops.OpRegistry.REWRITTEN.keySet());
        assertThat(OnnxImporter.supportedOps()).containsAll(Expansions.TYPES);
    }

    @Test
    void ifWithARunTimeCondition_isRefusedNamingTheOpAndTheFix() throws Exception {
        Graph g = RewrittenOpCases.ifRunTime().load();
        Op.Unsupported u = (Op.Unsupported) g.nodes().stream().filter(n -> n.op() instanceof Op.Unsupported)
                .findFirst().orElseThrow().op();
        assertThat(u.opType()).isEqualTo("If");
        assertThat(u.reason()).contains("computed at run time").contains("'cond'").contains("re-export");
        assertThatThrownBy(() -> new FloatEvaluator(g).run(List.of(Tensor.zeros(new int[] {2, 3}))))
                .hasMessageContaining("If");
    }

    @Test
    void ifOnAnInputFixedByFixInput_folds_andBadFixesAreRefused() throws Exception {
        TestModels m = TestModels.opset(13).input("x", 2, 3).typedInput("sr", 7, 1).initLongs("rate", 16000);
        m.op("Equal", "cond", TestModels.in("sr", "rate"));
        byte[] bytes = RewrittenOpCases.ifModelPublic(m, "cond").bytes();
        Graph free = new OnnxImporter().load(bytes, null, ImportOptions.defaults());
        assertThat(free.nodes()).anyMatch(n -> n.op() instanceof Op.Unsupported);
        Graph fixed = new OnnxImporter().load(bytes, null, new ImportOptions(1, java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of("sr", new double[] {16000})));
        assertThat(fixed.inputs()).extracting(Graph.Value::name).containsExactly("x");
        assertThat(fixed.nodes()).noneMatch(n -> n.op() instanceof Op.Unsupported);
        Tensor x = Tensor.of(new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        assertThat(new FloatEvaluator(fixed).run(List.of(x)).get(0).get(5)).isEqualTo(6 * 1.5 + 0.25);
        Graph other = new OnnxImporter().load(bytes, null, new ImportOptions(1, java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of("sr", new double[] {8000})));
        assertThat(new FloatEvaluator(other).run(List.of(x)).get(0).get(5)).isEqualTo(6 - 3);
        assertThatThrownBy(() -> new OnnxImporter().load(bytes, null, new ImportOptions(1, java.util.Map.of(),
                java.util.Map.of(), java.util.Map.of("rate_hz", new double[] {1}))))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("--fix-input rate_hz")
                .hasMessageContaining("no input");
        assertThatThrownBy(() -> new OnnxImporter().load(bytes, null, new ImportOptions(1, java.util.Map.of(),
                java.util.Map.of(), java.util.Map.of("sr", new double[] {1, 2}))))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("gives 2 values");
        assertThatThrownBy(() -> new OnnxImporter().load(bytes, null, new ImportOptions(1, java.util.Map.of(),
                java.util.Map.of(), java.util.Map.of("sr", new double[] {0.5}))))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("holds integers");
    }

    @Test
    void lstmWithOtherActivations_isRefusedNamingThem() throws Exception {
        Graph g = RewrittenOpCases.lstmWithActivations().load();
        Op.Unsupported u = (Op.Unsupported) g.nodes().get(0).op();
        assertThat(u.opType()).isEqualTo("LSTM");
        assertThat(u.reason()).contains("Relu").contains("default activations");
        assertThat(g.nodes()).hasSize(1);
    }

    @Test
    void topKWithARunTimeK_andOutOfRangeK_areRefused() throws Exception {
        Graph g = TestModels.opset(13).input("x", 2, 5).input("kf", 1)
                .op("Cast", "k", TestModels.in("kf"), TestModels.attr("to", 7L))
                .node("TopK", TestModels.in("x", "k"), TestModels.in("v", "i")).output("v").load();
        assertThat(g.nodes().stream().filter(n -> n.op() instanceof Op.Unsupported).findFirst().orElseThrow().op())
                .extracting(o -> ((Op.Unsupported) o).reason()).asString().contains("k computed at run time");
        assertThatThrownBy(() -> TestModels.opset(13).input("x", 2, 5).initLongs("k", 6)
                .node("TopK", TestModels.in("x", "k"), TestModels.in("v", "i")).output("v").load())
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("TopK").hasMessageContaining("k = 6");
    }

    @Test
    void lstmLayout1_equalsLayout0OnTransposedInputs() throws Exception {
        Graph l0 = RewrittenOpCases.lstmClip(0).load();
        Graph l1 = RewrittenOpCases.lstmClip(1).load();
        Tensor x0 = TestModels.opset(13).input("x", 3, 2, 4).randomInputs(5, 2).get(0);
        double[] t = new double[x0.size()];
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 4; i++) {
                    t[(b * 3 + s) * 4 + i] = x0.get((s * 2 + b) * 4 + i);
                }
            }
        }
        List<Tensor> o0 = new FloatEvaluator(l0).run(List.of(x0));
        List<Tensor> o1 = new FloatEvaluator(l1).run(List.of(Tensor.of(new int[] {2, 3, 4}, t)));
        // Y: [seq, dirs, batch, H] against [batch, seq, dirs, H]; Y_h: [dirs, batch, H] against [batch, dirs, H]
        assertThat(o1.get(0).shape()).containsExactly(2, 3, 1, 4);
        assertThat(o1.get(1).shape()).containsExactly(2, 1, 4);
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < 2; b++) {
                for (int h = 0; h < 4; h++) {
                    assertThat(o1.get(0).get((b * 3 + s) * 4 + h)).isEqualTo(o0.get(0).get((s * 2 + b) * 4 + h));
                }
            }
        }
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 4; h++) {
                assertThat(o1.get(1).get(b * 4 + h)).isEqualTo(o0.get(1).get(b * 4 + h));
            }
        }
    }

    @Test
    void rewrittenNodes_areNamedUnderTheOriginalNode() throws Exception {
        Graph g = RewrittenOpCases.CASES.stream().filter(c -> c.opType().equals("LSTM")).findFirst().orElseThrow()
                .model().get().load();
        assertThat(g.nodes()).allMatch(n -> n.name().startsWith("Y_node/"));
    }
}
