package dev.zkscope.app;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Synthetic width- or depth-scaled variants of a model's shape for the scaling sweep: a fully connected network
 * (Gemm + Relu) with the model's input and output sizes and its first dense layer's width, whose hidden width is
 * multiplied by 1, 2, 4, ... or whose number of hidden layers is 1, 2, 4, ... The weights are seeded random numbers,
 * not the model's: the variants measure how the prover scales with the circuit, not what the model computes.
 */
final class ScaledVariants {
    /** How the sweep grows the circuit. */
    enum Mode {
        ROWS("same model, growing trace height 2^k"),
        WIDTH("synthetic MLP variants, hidden width x1, x2, x4, ..."),
        DEPTH("synthetic MLP variants, 1, 2, 4, ... hidden layers");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * The shape the variants start from.
     *
     * @param inputs  input features (the model's input, flattened, batch excluded)
     * @param width   hidden width: the model's first dense layer, or the input size (at most 128) when it has no
     *                hidden dense layer; clamped to [16, 1024]
     * @param depth   hidden layers (the model's dense layers minus the output layer, at least 1)
     * @param outputs output features
     */
    record Shape(int inputs, int width, int depth, int outputs) {}

    /** One variant: its layer widths from input to output, and the ONNX model. */
    record Variant(String name, List<Integer> widths, Onnx.ModelProto model) {
        String describe() {
            return widths.stream().map(String::valueOf).collect(Collectors.joining("-"));
        }
    }

    private ScaledVariants() {}

    static Shape shapeOf(Graph g) {
        int in = features(g.inputs().isEmpty() ? new int[] {1, 16} : g.inputs().get(0).shape());
        int out = features(g.outputs().isEmpty() ? new int[] {1, 10} : g.outputs().get(0).shape());
        int width = 0;
        int dense = 0;
        for (Node n : g.nodes()) {
            if (n.opType().equals("Gemm") || n.opType().equals("MatMul")) {
                dense++;
                int[] s = n.outputShape();
                if (width == 0 && s != null && s.length > 0) {
                    width = s[s.length - 1];
                }
            }
        }
        if (width <= 0 || dense < 2) {
            // No hidden dense layer (a CNN with one classifier layer, say): a hidden layer as wide as the input, at
            // most 128 wide so that the first proof of the sweep stays quick.
            width = Math.min(in, 128);
        }
        width = Math.max(16, Math.min(width, 1024));
        return new Shape(in, width, Math.max(1, dense - 1), out);
    }

    private static int features(int[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return (int) Math.max(1, Math.min(n, 1 << 16));
    }

    /** Largest variant the sweep builds, in parameters (weights and biases). */
    static final long MAX_PARAMS = 4_000_000;

    /** Layer widths from input to output of variant {@code step} (0, 1, 2, ...): factor 2^step on width or depth. */
    static List<Integer> widths(Shape s, Mode mode, int step) {
        int factor = 1 << step;
        int width = mode == Mode.WIDTH ? s.width() * factor : s.width();
        int depth = mode == Mode.DEPTH ? factor : s.depth();
        List<Integer> widths = new ArrayList<>();
        widths.add(s.inputs());
        for (int i = 0; i < depth; i++) {
            widths.add(width);
        }
        widths.add(s.outputs());
        return widths;
    }

    /** The variant's name: its layer widths and the factor. */
    static String name(Shape s, Mode mode, int step) {
        List<Integer> widths = widths(s, mode, step);
        return "synthetic MLP " + widths.stream().map(String::valueOf).collect(Collectors.joining("-"))
                + (mode == Mode.WIDTH ? " (width x" + (1 << step) + ")" : " (depth " + (widths.size() - 2) + ")");
    }

    static long params(List<Integer> widths) {
        long n = 0;
        for (int l = 0; l + 1 < widths.size(); l++) {
            n += (long) widths.get(l) * widths.get(l + 1) + widths.get(l + 1);
        }
        return n;
    }

    /** Variant {@code step} of the sweep in that mode, with seeded weights; refuses one over {@link #MAX_PARAMS}. */
    static Variant variant(Shape s, Mode mode, int step, long seed) {
        List<Integer> widths = widths(s, mode, step);
        long params = params(widths);
        if (params > MAX_PARAMS) {
            throw new IllegalArgumentException(name(s, mode, step) + " would have " + params + " parameters, more "
                    + "than the sweep builds (" + MAX_PARAMS + "); choose fewer proofs or the other mode");
        }
        return new Variant(name(s, mode, step), widths, mlp(widths, seed));
    }

    /** A Gemm/Relu network with these layer widths and seeded uniform weights in +-1/sqrt(fan-in). */
    static Onnx.ModelProto mlp(List<Integer> widths, long seed) {
        Random rnd = new Random(seed);
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("scaled_variant");
        g.addInput(value("input", widths.get(0)));
        String prev = "input";
        for (int l = 0; l + 1 < widths.size(); l++) {
            int in = widths.get(l);
            int out = widths.get(l + 1);
            double bound = 1 / Math.sqrt(in);
            Onnx.TensorProto.Builder w = Onnx.TensorProto.newBuilder().setName("w" + l).setDataType(1)
                    .addDims(out).addDims(in);
            for (int i = 0; i < out * in; i++) {
                w.addFloatData((float) ((rnd.nextDouble() * 2 - 1) * bound));
            }
            Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName("b" + l).setDataType(1).addDims(out);
            for (int i = 0; i < out; i++) {
                b.addFloatData((float) ((rnd.nextDouble() * 2 - 1) * bound * 0.1));
            }
            g.addInitializer(w).addInitializer(b);
            boolean last = l + 2 == widths.size();
            String gemmOut = last ? "output" : "gemm" + l;
            g.addNode(Onnx.NodeProto.newBuilder().setOpType("Gemm").setName("dense" + l).addInput(prev)
                    .addInput("w" + l).addInput("b" + l).addOutput(gemmOut)
                    .addAttribute(Onnx.AttributeProto.newBuilder().setName("transB")
                            .setType(Onnx.AttributeProto.AttributeType.INT).setI(1)));
            prev = gemmOut;
            if (!last) {
                g.addNode(Onnx.NodeProto.newBuilder().setOpType("Relu").setName("relu" + l).addInput(prev)
                        .addOutput("relu" + l));
                prev = "relu" + l;
            }
        }
        g.addOutput(value("output", widths.get(widths.size() - 1)));
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("zkscope scaling sweep")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g)
                .build();
    }

    private static Onnx.ValueInfoProto value(String name, int features) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(features));
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }
}
