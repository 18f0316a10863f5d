package dev.zkscope.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.proto.Onnx;
import dev.zkscope.quant.QuantizedEvaluator;
import dev.zkscope.quant.Quantizer;
import dev.zkscope.quant.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Assertions;

/**
 * Well-formed protobuf with nonsense content: attribute values, int64 constants, input dims, node wiring and order
 * replaced by extreme or wrong values in the op-level models. The importer loads the model or throws
 * ModelLoadException; a loaded model evaluates or fails with a user-facing exception; never anything else or a hang.
 */
class StructuralFuzzTest {
    private static final long[] NASTY = {-(1L << 40), -1000, -3, -2, -1, 0, 1, 2, 3, 7, 1000, 1L << 31, 1L << 40,
        Long.MAX_VALUE, Long.MIN_VALUE};

    static Onnx.ModelProto mutate(Onnx.ModelProto m, SplittableRandom r) {
        Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        int kind = r.nextInt(5);
        if (kind == 0 && g.getNodeCount() > 0) { // an integer attribute or list entry
            int ni = r.nextInt(g.getNodeCount());
            Onnx.NodeProto.Builder n = g.getNode(ni).toBuilder();
            if (n.getAttributeCount() > 0) {
                int ai = r.nextInt(n.getAttributeCount());
                Onnx.AttributeProto.Builder a = n.getAttribute(ai).toBuilder();
                long v = NASTY[r.nextInt(NASTY.length)];
                if (a.getIntsCount() > 0) {
                    a.setInts(r.nextInt(a.getIntsCount()), v);
                } else {
                    a.setI(v).setF((float) v);
                }
                n.setAttribute(ai, a);
            } else {
                n.addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(NASTY[r.nextInt(NASTY.length)]));
            }
            g.setNode(ni, n);
        } else if (kind == 1 && g.getInitializerCount() > 0) { // an int64 constant value or a dim
            int ii = r.nextInt(g.getInitializerCount());
            Onnx.TensorProto.Builder t = g.getInitializer(ii).toBuilder();
            if (t.getInt64DataCount() > 0) {
                t.setInt64Data(r.nextInt(t.getInt64DataCount()), NASTY[r.nextInt(NASTY.length)]);
            } else if (t.getDimsCount() > 0) {
                t.setDims(r.nextInt(t.getDimsCount()), NASTY[r.nextInt(NASTY.length)]);
            }
            g.setInitializer(ii, t);
        } else if (kind == 2 && g.getInputCount() > 0) { // an input dimension
            int ii = r.nextInt(g.getInputCount());
            Onnx.ValueInfoProto.Builder v = g.getInput(ii).toBuilder();
            Onnx.TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            if (s.getDimCount() > 0) {
                s.setDim(r.nextInt(s.getDimCount()), Onnx.TensorShapeProto.Dimension.newBuilder()
                        .setDimValue(NASTY[r.nextInt(NASTY.length)]));
            } else {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3));
            }
            g.setInput(ii, v);
        } else if (kind == 3 && g.getNodeCount() > 0) { // rewire an input
            int ni = r.nextInt(g.getNodeCount());
            Onnx.NodeProto.Builder n = g.getNode(ni).toBuilder();
            List<String> names = new ArrayList<>();
            for (Onnx.NodeProto o : g.getNodeList()) {
                names.addAll(o.getOutputList());
            }
            names.add("");
            names.add("nowhere");
            if (n.getInputCount() > 0) {
                n.setInput(r.nextInt(n.getInputCount()), names.get(r.nextInt(names.size())));
            } else {
                n.addInput(names.get(r.nextInt(names.size())));
            }
            g.setNode(ni, n);
        } else if (g.getNodeCount() > 1) { // reverse the node order
            List<Onnx.NodeProto> nodes = new ArrayList<>(g.getNodeList());
            java.util.Collections.reverse(nodes);
            g.clearNode().addAllNode(nodes);
        }
        return m.toBuilder().setGraph(g).build();
    }

    @TestFactory
    Stream<DynamicTest> nonsenseContent_loadsOrFailsCleanly() {
        return Property.forAll("nonsenseContent_loadsOrFailsCleanly", 0x57_2C_F0_22L, 500, StructuralFuzzTest::check);
    }

    private static void check(SplittableRandom r) {
        OpCases.Case c = OpCases.CASES.get(r.nextInt(OpCases.CASES.size()));
        Onnx.ModelProto m = c.model().get().model();
        int rounds = 1 + r.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            m = mutate(m, r);
        }
        byte[] bytes = m.toByteArray();
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Graph g;
            try {
                g = new OnnxImporter().load(bytes, Path.of("n.onnx"), ImportOptions.defaults());
            } catch (ModelLoadException e) {
                assertThat(e.getMessage()).doesNotContain("malformed model: java.lang.NullPointerException");
                return;
            }
            try {
                List<Tensor> in = new ArrayList<>();
                for (Graph.Value v : g.inputs()) {
                    double[] d = new double[v.size()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = r.nextDouble() + 0.1;
                    }
                    in.add(Tensor.of(v.shape(), d));
                }
                new FloatEvaluator(g).run(in);
                new QuantizedEvaluator(new Quantizer(g, 8, 8).build(Target.RESOURCES, null),
                        QuantizedEvaluator.RangeMode.RECORD).run(in);
            } catch (BadInputException | UnsupportedModelException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }
}
