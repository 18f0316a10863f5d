package dev.zkscope.onnx;

import static dev.zkscope.onnx.TestModels.attr;
import static dev.zkscope.onnx.TestModels.in;
import static dev.zkscope.onnx.TestModels.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.zkscope.ir.FloatEvaluator;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxImporterTest {
    private static Graph load(Onnx.ModelProto m, int batch) throws ModelLoadException {
        return new OnnxImporter().load(m.toByteArray(), Path.of("t.onnx"), new ImportOptions(batch));
    }

    private static Onnx.ModelProto withInitializer(TestModels base, Onnx.TensorProto t) {
        Onnx.ModelProto m = base.model();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(t)).build();
    }

    @Test
    void tensors_decodeTypedFieldsAndRawData() throws Exception {
        TestModels base = TestModels.opset(13).input("x", 1, 2).op("Add", "a", in("x", "f")).op("Add", "b", in("a", "d"))
                .op("Add", "c", in("b", "i")).op("Add", "y", in("c", "l")).output("y");
        Onnx.ModelProto m = base.model();
        ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-6);
        m = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addInitializer(Onnx.TensorProto.newBuilder().setName("f").setDataType(1).addDims(2).addFloatData(0.5f).addFloatData(1.5f))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("d").setDataType(11).addDims(2).addDoubleData(0.25).addDoubleData(-1))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("i").setDataType(6).addDims(2).addInt32Data(3).addInt32Data(-4))
                .addInitializer(Onnx.TensorProto.newBuilder().setName("l").setDataType(7).addDims(2)
                        .setRawData(ByteString.copyFrom(raw.array())))).build();
        Graph g = load(m, 1);
        assertThat(g.weights().get("f").data()).containsExactly(0.5, 1.5);
        assertThat(g.weights().get("d").data()).containsExactly(0.25, -1.0);
        assertThat(g.weights().get("i").data()).containsExactly(3.0, -4.0);
        assertThat(g.weights().get("l").toLongs()).containsExactly(5, -6);
        Tensor y = new FloatEvaluator(g).run(List.of(Tensor.of(new int[] {1, 2}, new double[] {1, 1}))).get(0);
        assertThat(y.data()).containsExactly(1 + 0.5 + 0.25 + 3 + 5, 1 + 1.5 - 1 - 4 - 6);
    }

    @Test
    void tensorWithWrongDataLength_isRefusedNamingIt() {
        Onnx.ModelProto m = withInitializer(TestModels.opset(13).input("x", 1, 3).op("Add", "y", in("x", "w")).output("y"),
                Onnx.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3).addFloatData(1).build());
        assertThatThrownBy(() -> load(m, 1)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("t.onnx").hasMessageContaining("'w'").hasMessageContaining("declares 3 elements");
    }

    @Test
    void namesWithLineBreaksOrControlCharacters_areEscapedInTheOneLineMessage() {
        // A damaged file (CI's fuzz run found one) can turn a byte of a tensor name into a line break.
        TestModels t = TestModels.opset(13).input("x", 1, 3).op("Add", "y", in("x", "w\nx\u001b[31m")).output("y");
        assertThatThrownBy(t::load).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'w\\nx\\x1b[31m'").hasMessageContaining("dangling")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u001b"));
    }

    @Test
    void constantNodes_ofEveryValueKindAreWeights() throws Exception {
        Graph g = TestModels.opset(13).input("x", 1, 3)
                .node("Constant", in(), in("a"), Onnx.AttributeProto.newBuilder().setName("value_floats")
                        .setType(Onnx.AttributeProto.AttributeType.FLOATS).addFloats(1).addFloats(2).addFloats(3).build())
                .node("Constant", in(), in("b"), attr("value_float", 0.5f))
                .node("Constant", in(), in("s"), ints("value_ints", 3, 1))
                .op("Mul", "m", in("x", "a")).op("Add", "n", in("m", "b")).op("Reshape", "y", in("n", "s")).output("y").load();
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Mul", "Add", "Reshape");
        assertThat(g.nodes().get(2).outputShape()).containsExactly(3, 1);
        Tensor y = new FloatEvaluator(g).run(List.of(Tensor.of(new int[] {1, 3}, new double[] {1, 1, 1}))).get(0);
        assertThat(y.data()).containsExactly(1.5, 2.5, 3.5);
    }

    @Test
    void symbolicBatch_isBoundToOptionAndPropagates() throws Exception {
        Onnx.ModelProto m = TestModels.opset(13).symbolicInput("x", "batch_size", 4).initRandom("w", 1, 4, 2)
                .op("MatMul", "y", in("x", "w")).output("y").model();
        Graph g = load(m, 3);
        assertThat(g.inputs().get(0).shape()).containsExactly(3, 4);
        assertThat(g.outputs().get(0).shape()).containsExactly(3, 2);
        assertThat(g.nodes().get(0).macs()).isEqualTo(3 * 2 * 4);
        assertThat(g.nodes().get(0).params()).isEqualTo(8);
    }

    @Test
    void initializerListedAsInput_isAWeightNotAnInput() throws Exception {
        Onnx.ModelProto m = TestModels.opset(9).input("x", 1, 2).input("w", 2).init("w", new int[] {2}, 1, 2)
                .op("Add", "y", in("x", "w")).output("y").model();
        Graph g = load(m, 1);
        assertThat(g.inputs()).extracting(Graph.Value::name).containsExactly("x");
        assertThat(g.isWeight("w")).isTrue();
    }

    @Test
    void conv_paramsAndMacs() throws Exception {
        Graph g = TestModels.opset(13).input("x", 1, 4, 6, 6).initRandom("w", 1, 8, 2, 3, 3).initRandom("b", 2, 8)
                .op("Conv", "y", in("x", "w", "b"), attr("group", 2L), ints("pads", 1, 1, 1, 1)).output("y").load();
        Node n = g.nodes().get(0);
        assertThat(n.outputShape()).containsExactly(1, 8, 6, 6);
        assertThat(n.params()).isEqualTo(8 * 2 * 9 + 8);
        assertThat(n.macs()).isEqualTo(8L * 36 * 2 * 9);
        Op.Conv c = (Op.Conv) n.op();
        assertThat(c.group()).isEqualTo(2);
        assertThat(c.padsBegin()).containsExactly(1, 1);
    }

    @Test
    void opsOfOtherDomains_areUnsupportedWithDomainAndOpset() throws Exception {
        Onnx.ModelProto m = TestModels.opset(13).input("x", 1, 4).op("FusedGelu", "y", in("x")).output("y").model();
        Onnx.GraphProto.Builder gb = m.getGraph().toBuilder();
        gb.setNode(0, gb.getNode(0).toBuilder().setDomain("com.microsoft"));
        m = m.toBuilder().setGraph(gb).addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("com.microsoft")
                .setVersion(1)).build();
        Graph g = load(m, 1);
        assertThat(g.unsupported()).hasSize(1);
        Op.Unsupported u = (Op.Unsupported) g.unsupported().get(0).op();
        assertThat(u.domain()).isEqualTo("com.microsoft");
        assertThat(u.opset()).isEqualTo(1);
        assertThatThrownBy(() -> new FloatEvaluator(g)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("FusedGelu").hasMessageContaining("com.microsoft");
    }

    @Test
    void runtimeShapeInput_makesNodeUnsupportedNotACrash() throws Exception {
        Graph g = TestModels.opset(13).input("x", 2, 3).input("s", 2).op("Reshape", "y", in("x", "s")).output("y").load();
        assertThat(g.unsupported()).hasSize(1);
        assertThat(((Op.Unsupported) g.unsupported().get(0).op()).reason()).contains("must be a constant");
    }

    @Test
    void supportedOps_coverTheIssueList() {
        assertThat(OnnxImporter.supportedOps()).contains("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Neg", "Conv", "Relu",
                "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip", "Softmax", "Exp", "Log", "Erf",
                "Gelu", "Sqrt", "Pow", "Reciprocal", "Abs", "Max", "Min", "MaxPool", "AveragePool", "GlobalAveragePool",
                "BatchNormalization", "LayerNormalization", "ReduceMean", "ReduceSum", "ReduceMax", "Flatten", "Reshape",
                "Transpose", "Concat", "Slice", "Split", "Squeeze", "Unsqueeze", "Pad", "Identity", "Dropout", "Cast");
    }
}
