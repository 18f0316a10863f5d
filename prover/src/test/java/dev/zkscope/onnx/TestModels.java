package dev.zkscope.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds small ONNX models with the generated protobuf builders, and runs them in ONNX Runtime. */
public final class TestModels {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("test");
    private final int opset;
    private final List<String> inputNames = new ArrayList<>();
    private final List<int[]> inputShapes = new ArrayList<>();

    private TestModels(int opset) {
        this.opset = opset;
    }

    public static TestModels opset(int opset) {
        return new TestModels(opset);
    }

    public TestModels input(String name, int... shape) {
        graph.addInput(valueInfo(name, shape));
        inputNames.add(name);
        inputShapes.add(shape);
        return this;
    }

    public TestModels symbolicInput(String name, String dimParam, int... rest) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(dimParam));
        for (int d : rest) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        graph.addInput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
        inputNames.add(name);
        return this;
    }

    /**
     * An input of ONNX element type {@code elemType} (1 float, 7 int64, 3 int8, ...) whose dimensions are each an
     * Integer (a fixed size) or a String (a symbolic dimension of that name).
     */
    public TestModels typedInput(String name, int elemType, Object... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] instanceof Integer) {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) dims[i]));
                shape[i] = (Integer) dims[i];
            } else {
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam((String) dims[i]));
                shape[i] = -1;
            }
        }
        graph.addInput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))));
        inputNames.add(name);
        inputShapes.add(shape);
        return this;
    }

    public TestModels output(String name) {
        graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
        return this;
    }

    public TestModels init(String name, int[] shape, float... data) {
        graph.addInitializer(floatTensor(name, shape, data));
        return this;
    }

    /** An initializer with deterministic pseudo-random values in [-1, 1). */
    public TestModels initRandom(String name, long seed, int... shape) {
        Random r = new Random(seed);
        float[] d = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return init(name, shape, d);
    }

    /** An initializer given as a tensor proto (integer types, bool, any shape). */
    public TestModels initTensor(Onnx.TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    /** A tensor of ONNX integer or bool element type {@code dataType} (2 uint8, 3 int8, 6 int32, 9 bool ...). */
    public static Onnx.TensorProto intTensor(String name, int dataType, int[] shape, long... data) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (int d : shape) {
            t.addDims(d);
        }
        for (long v : data) {
            if (dataType == 7) {
                t.addInt64Data(v);
            } else {
                t.addInt32Data((int) v);
            }
        }
        return t.build();
    }

    /** This model's graph, to be a subgraph (an If branch) of another. */
    public Onnx.GraphProto graph() {
        return graph.build();
    }

    public TestModels initLongs(String name, long... data) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7).addDims(data.length);
        for (long v : data) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return this;
    }

    public TestModels node(String op, String[] in, String[] out, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(out[0] + "_node");
        for (String s : in) {
            n.addInput(s);
        }
        for (String s : out) {
            n.addOutput(s);
        }
        for (Onnx.AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    /** A single-output node: node(op, inputs..., "->", output). */
    public TestModels op(String op, String out, String[] in, Onnx.AttributeProto... attrs) {
        return node(op, in, new String[] {out}, attrs);
    }

    public Onnx.ModelProto model() {
        return Onnx.ModelProto.newBuilder().setIrVersion(9).setProducerName("zkscope-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public byte[] bytes() {
        return model().toByteArray();
    }

    public List<int[]> inputShapes() {
        return inputShapes;
    }

    public Graph load() throws ModelLoadException {
        return new OnnxImporter().load(bytes(), Path.of("test.onnx"), ImportOptions.defaults());
    }

    // ---- attributes and tensors

    public static Onnx.AttributeProto attr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static Onnx.AttributeProto attr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public static Onnx.AttributeProto attr(String name, String v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    public static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    public static Onnx.AttributeProto tensorAttr(String name, Onnx.TensorProto t) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    /** A float tensor stored as raw_data (little-endian), as PyTorch writes them. */
    public static Onnx.TensorProto floatTensor(String name, int[] shape, float... data) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
        for (int d : shape) {
            t.addDims(d);
        }
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            b.putFloat(f);
        }
        return t.setRawData(ByteString.copyFrom(b.array())).build();
    }

    public static String[] in(String... names) {
        return names;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, int[] shape) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (int d : shape) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    // ---- running

    /** Random inputs in [-scale, scale), one per declared input. */
    public List<Tensor> randomInputs(long seed, double scale) {
        Random r = new Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (int[] s : inputShapes) {
            float[] d = new float[(int) Tensor.elementCount(s)];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
            }
            out.add(Tensor.ofFloats(s, d));
        }
        return out;
    }

    /** Runs the model in ONNX Runtime; outputs in graph order as (shape, values). */
    public static List<Tensor> runOrt(byte[] model, List<String> names, List<Tensor> inputs) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(model, so)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (int i = 0; i < inputs.size(); i++) {
                        Tensor t = inputs.get(i);
                        long[] shape = new long[t.rank()];
                        for (int k = 0; k < shape.length; k++) {
                            shape[k] = t.dim(k);
                        }
                        if (t.isInteger()) {
                            long[] l = new long[t.size()];
                            for (int k = 0; k < l.length; k++) {
                                l[k] = (long) t.get(k);
                            }
                            feed.put(names.get(i), OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(l), shape));
                            continue;
                        }
                        float[] f = new float[t.size()];
                        for (int k = 0; k < f.length; k++) {
                            f[k] = (float) t.get(k);
                        }
                        feed.put(names.get(i), OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape));
                    }
                    try (OrtSession.Result r = s.run(feed)) {
                        List<Tensor> out = new ArrayList<>();
                        for (int i = 0; i < r.size(); i++) {
                            OnnxTensor o = (OnnxTensor) r.get(i);
                            long[] ls = o.getInfo().getShape();
                            int[] shape = new int[ls.length];
                            for (int k = 0; k < ls.length; k++) {
                                shape[k] = (int) ls[k];
                            }
                            FloatBuffer fb = o.getFloatBuffer();
                            float[] f = new float[fb.remaining()];
                            fb.get(f);
                            out.add(Tensor.ofFloats(shape, f));
                        }
                        return out;
                    }
                } finally {
                    for (OnnxTensor t : feed.values()) {
                        t.close();
                    }
                }
            }
        }
    }

    public List<String> inputNames() {
        return inputNames;
    }
}
