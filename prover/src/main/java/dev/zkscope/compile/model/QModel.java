package dev.zkscope.compile.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantized model lowered to integer steps: the layer IR the compiler places and the estimates read. Tensors are
 * numbered in creation order; tensor 0.. are the input, parameters (weights known when the circuit is built) and the
 * outputs of steps. Each step belongs to one ONNX node (its layer); a node may lower to several steps (a Gemm is a dot
 * product then a rescale), and the last step of a node writes the node's output tensor.
 */
public final class QModel {
    private final String name;
    private final List<Integer> sizes = new ArrayList<>();
    private final Map<Integer, long[]> params = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Integer> nodeOutputs = new LinkedHashMap<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<int[]> inputShapes = new ArrayList<>();
    private final List<Long> inputBounds = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private final List<int[]> outputShapes = new ArrayList<>();
    private int[] inputGroups;
    private int[] outputGroups;

    public QModel(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * How a hashed input and a hashed output are cut into groups, each hashed with its own salt and published as its
     * own digest (a segment of a segmented proof takes each boundary tensor, or each piece of one, from the segment
     * that made it): the sizes of consecutive runs of the concatenated input values and output values. Null (the
     * default): one group each.
     */
    public void hashGroups(int[] inputGroupSizes, int[] outputGroupSizes) {
        this.inputGroups = inputGroupSizes == null ? null : inputGroupSizes.clone();
        this.outputGroups = outputGroupSizes == null ? null : outputGroupSizes.clone();
    }

    /** The input's hash groups ({@link #hashGroups}), or null for one group. */
    public int[] inputGroups() {
        return inputGroups == null ? null : inputGroups.clone();
    }

    /** The output's hash groups ({@link #hashGroups}), or null for one group. */
    public int[] outputGroups() {
        return outputGroups == null ? null : outputGroups.clone();
    }

    /**
     * Declares an input tensor (a model may have several; their values are passed concatenated, in declaration
     * order); {@code bound} bounds |x| of its quantized elements.
     */
    public int input(int[] shape, long bound) {
        int t = newTensor(product(shape));
        inputs.add(t);
        inputShapes.add(shape.clone());
        inputBounds.add(bound);
        return t;
    }

    /**
     * A parameter tensor: values known when the circuit is built (weights, biases, constants). The array is held, not
     * copied (a large model's weights are read once and shared with the quantized graph): neither the caller nor a
     * reader of {@link #param(int)} may write it. A model with other values is made by {@link #withParam}.
     */
    public int param(long[] values) {
        int id = newTensor(values.length);
        params.put(id, values);
        return id;
    }

    /**
     * This model with parameter tensor {@code tensor} holding {@code values} instead (same length), everything else
     * shared: for tampering tests and demos, which must not write the arrays the quantized graph holds.
     */
    public QModel withParam(int tensor, long[] values) {
        if (!isParam(tensor)) {
            throw new IllegalArgumentException("tensor " + tensor + " is not a parameter");
        }
        if (values.length != params.get(tensor).length) {
            throw new IllegalArgumentException("parameter " + tensor + " has " + params.get(tensor).length
                    + " values, not " + values.length);
        }
        QModel q = new QModel(name);
        q.sizes.addAll(sizes);
        q.params.putAll(params);
        q.params.put(tensor, values);
        q.steps.addAll(steps);
        q.nodeOutputs.putAll(nodeOutputs);
        q.inputs.addAll(inputs);
        q.inputShapes.addAll(inputShapes);
        q.inputBounds.addAll(inputBounds);
        q.outputs.addAll(outputs);
        q.outputShapes.addAll(outputShapes);
        return q;
    }

    public int newTensor(int size) {
        sizes.add(size);
        return sizes.size() - 1;
    }

    /** Adds a step writing a tensor made by {@link #newTensor}; returns that tensor. */
    public int add(Step s) {
        if (s.out() != sizes.size() - 1 || s.size() != sizes.get(s.out())) {
            throw new IllegalArgumentException("step of " + s.layer() + " must write the newest tensor with its size");
        }
        steps.add(s);
        return s.out();
    }

    /** Records that {@code tensor} is the output of ONNX node {@code node} (the evaluator's intermediate). */
    public void nodeOutput(String node, int tensor) {
        nodeOutputs.put(node, tensor);
    }

    /** Declares an output tensor (several are concatenated, in declaration order, into the public output). */
    public void output(int tensor, int[] shape) {
        outputs.add(tensor);
        outputShapes.add(shape.clone());
    }

    /** The first input tensor. */
    public int inputTensor() { return inputs.get(0); }
    public List<Integer> inputTensors() { return Collections.unmodifiableList(inputs); }
    public int[] inputShape() { return inputShapes.get(0).clone(); }
    /** The largest bound of any input. */
    public long inputBound() {
        long b = 0;
        for (long x : inputBounds) {
            b = Math.max(b, x);
        }
        return b;
    }
    /** Number of input values, all inputs together. */
    public int inputSize() {
        int n = 0;
        for (int t : inputs) {
            n += sizes.get(t);
        }
        return n;
    }
    /** The first output tensor. */
    public int outputTensor() { return outputs.get(0); }
    public List<Integer> outputTensors() { return Collections.unmodifiableList(outputs); }
    public int[] outputShape() { return outputShapes.get(0).clone(); }
    public int size(int tensor) { return sizes.get(tensor); }
    public int tensorCount() { return sizes.size(); }
    public List<Step> steps() { return Collections.unmodifiableList(steps); }
    public Map<String, Integer> nodeOutputs() { return Collections.unmodifiableMap(nodeOutputs); }

    public boolean isParam(int tensor) {
        return params.containsKey(tensor);
    }

    /**
     * The activation that src reads whole and in order (src[i] = t[i], sizes equal), or -1: what the sumcheck
     * backend's plan treats as an alias, and its estimate with it.
     */
    public int identitySource(Src[] src) {
        if (src == null || src.length == 0 || src[0].isConstant()) {
            return -1;
        }
        int t = src[0].tensor();
        if (size(t) != src.length || isParam(t)) {
            return -1;
        }
        for (int i = 0; i < src.length; i++) {
            if (src[i].isConstant() || src[i].tensor() != t || src[i].index() != i) {
                return -1;
            }
        }
        return t;
    }

    public long[] param(int tensor) {
        return params.get(tensor);
    }

    /** Number of parameter elements. */
    public long paramCount() {
        long n = 0;
        for (long[] p : params.values()) {
            n += p.length;
        }
        return n;
    }

    /** Runs the integer semantics of every step: all tensors, indexed by id (the input is {@code input}). */
    public long[][] evaluate(long[] inputValues) {
        if (inputValues.length != inputSize()) {
            throw new IllegalArgumentException("model " + name + " takes " + inputSize() + " input values, got "
                    + inputValues.length);
        }
        long[][] t = new long[sizes.size()][];
        int off = 0;
        for (int in : inputs) {
            t[in] = java.util.Arrays.copyOfRange(inputValues, off, off + sizes.get(in));
            off += sizes.get(in);
        }
        for (Map.Entry<Integer, long[]> e : params.entrySet()) {
            t[e.getKey()] = e.getValue();
        }
        for (Step s : steps) {
            t[s.out()] = s.eval(t);
        }
        return t;
    }

    /** Bounds on |value| of every tensor, by interval propagation from the input bound. */
    public long[] bounds() {
        long[] b = new long[sizes.size()];
        for (int i = 0; i < inputs.size(); i++) {
            b[inputs.get(i)] = inputBounds.get(i);
        }
        for (Map.Entry<Integer, long[]> e : params.entrySet()) {
            long m = 0;
            for (long v : e.getValue()) {
                m = Math.max(m, Math.abs(v));
            }
            b[e.getKey()] = m;
        }
        for (Step s : steps) {
            b[s.out()] = s.bound(b);
        }
        return b;
    }

    /** Whether any dot product multiplies two activations (needs advice weight columns). */
    public boolean hasActivationProducts() {
        for (Step s : steps) {
            if (s instanceof Steps.Dot && ((Steps.Dot) s).work(this, null).varProducts() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A segment of this model for segmented proving: the same tensor numbering, the steps {@code [from, to)}, the
     * tensors {@code inputs} (made before step {@code from}, or model inputs) declared as its inputs in that order with
     * the bounds {@code inputBounds}, the tensors {@code outputs} as its outputs, and the parameter tensors
     * {@code params} (those its steps read). An input or output that is one of this model's inputs or outputs keeps its
     * shape; the others are flat. The segment's integer semantics and bounds are those of the same steps here.
     */
    public QModel slice(String name, int from, int to, List<Integer> inputs, long[] inputBounds, List<Integer> outputs,
                        java.util.Collection<Integer> params) {
        if (from < 0 || to > steps.size() || from >= to) {
            throw new IllegalArgumentException("steps [" + from + ", " + to + ") of " + steps.size());
        }
        QModel q = new QModel(name);
        q.sizes.addAll(sizes);
        for (int t : params) {
            if (!isParam(t)) {
                throw new IllegalArgumentException("tensor " + t + " is not a parameter");
            }
            q.params.put(t, this.params.get(t));
        }
        q.steps.addAll(steps.subList(from, to));
        for (int i = 0; i < inputs.size(); i++) {
            int t = inputs.get(i);
            int at = this.inputs.indexOf(t);
            q.inputs.add(t);
            q.inputShapes.add(at >= 0 ? this.inputShapes.get(at).clone() : new int[] {sizes.get(t)});
            q.inputBounds.add(inputBounds[i]);
        }
        for (int t : outputs) {
            int at = this.outputs.indexOf(t);
            q.outputs.add(t);
            q.outputShapes.add(at >= 0 ? this.outputShapes.get(at).clone() : new int[] {sizes.get(t)});
        }
        int first = steps.get(from).out();
        int last = steps.get(to - 1).out();
        for (Map.Entry<String, Integer> e : nodeOutputs.entrySet()) {
            if (e.getValue() >= first && e.getValue() <= last) {
                q.nodeOutputs.put(e.getKey(), e.getValue());
            }
        }
        return q;
    }

    static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }
}
