package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/** What a parser sees of one node: attributes, opset, input shapes and constant input values. */
final class NodeContext {
    private final Onnx.NodeProto proto;
    private final String name;
    private final int opset;
    private final List<int[]> shapes;
    private final List<Tensor> constants;
    private int[] kept;

    NodeContext(Onnx.NodeProto proto, String name, int opset, List<int[]> shapes, List<Tensor> constants) {
        this.proto = proto;
        this.name = name;
        this.opset = opset;
        this.shapes = shapes;
        this.constants = constants;
    }

    String name() {
        return name;
    }

    String opType() {
        return proto.getOpType();
    }

    int opset() {
        return opset;
    }

    int outputCount() {
        return proto.getOutputCount();
    }

    /** Whether input i is present (optional inputs may be missing or empty names). */
    boolean has(int i) {
        return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
    }

    int[] shape(int i) {
        need(i);
        return shapes.get(i).clone();
    }

    int rank(int i) {
        return shape(i).length;
    }

    /** The value of input i if it is a constant (weight or folded), else null. */
    Tensor constant(int i) {
        return has(i) ? constants.get(i) : null;
    }

    Tensor requireConstant(int i, String what) {
        need(i);
        Tensor t = constants.get(i);
        if (t == null) {
            throw new NotConstant(what);
        }
        return t;
    }

    private void need(int i) {
        if (!has(i)) {
            throw new IllegalArgumentException(opType() + " is missing input " + i);
        }
    }

    /** Declares which inputs remain data inputs of the node (the others were read into attributes). */
    void keep(int... indices) {
        for (int i : indices) {
            need(i);
        }
        this.kept = indices.clone();
    }

    /** The kept data inputs: those declared with {@link #keep}, or by default every present input. */
    int[] keptInputs() {
        if (kept != null) {
            return kept;
        }
        List<Integer> k = new ArrayList<>();
        for (int i = 0; i < proto.getInputCount(); i++) {
            if (has(i)) {
                k.add(i);
            }
        }
        return k.stream().mapToInt(Integer::intValue).toArray();
    }

    private Onnx.AttributeProto attr(String n) {
        for (Onnx.AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(n)) {
                return a;
            }
        }
        return null;
    }

    boolean hasAttr(String n) {
        return attr(n) != null;
    }

    long intAttr(String n, long def) {
        Onnx.AttributeProto a = attr(n);
        return a == null ? def : a.getI();
    }

    double floatAttr(String n, double def) {
        Onnx.AttributeProto a = attr(n);
        return a == null ? def : a.getF();
    }

    String stringAttr(String n, String def) {
        Onnx.AttributeProto a = attr(n);
        return a == null ? def : a.getS().toStringUtf8();
    }

    /** An INTS attribute as longs, or null if absent. */
    long[] longsAttr(String n) {
        Onnx.AttributeProto a = attr(n);
        if (a == null) {
            return null;
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    /** An INTS attribute as ints (values must fit), or null if absent. */
    /** A FLOATS attribute as doubles, or null when absent. */
    double[] floatsAttr(String n) {
        Onnx.AttributeProto a = attr(n);
        if (a == null) {
            return null;
        }
        double[] out = new double[a.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getFloats(i);
        }
        return out;
    }

    int[] intsAttr(String n) {
        long[] l = longsAttr(n);
        return l == null ? null : toInts(l, n);
    }

    Onnx.TensorProto tensorAttr(String n) {
        Onnx.AttributeProto a = attr(n);
        return a == null || !a.hasT() ? null : a.getT();
    }

    static int[] toInts(long[] l, String what) {
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] > Integer.MAX_VALUE || l[i] < Integer.MIN_VALUE) {
                throw new IllegalArgumentException(what + " value " + l[i] + " is out of range");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    Op unsupported(String reason) {
        return new Op.Unsupported(opType(), proto.getDomain(), opset, reason);
    }

    /** A required constant input is computed at run time; the node is reported as unsupported. */
    static final class NotConstant extends RuntimeException {
        NotConstant(String what) {
            super(what + " must be a constant (computed at run time here)");
        }
    }
}
