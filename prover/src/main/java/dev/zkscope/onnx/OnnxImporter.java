package dev.zkscope.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.ir.Op;
import dev.zkscope.ir.Tensor;
import dev.zkscope.onnx.proto.Onnx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports an ONNX model into a static-shape {@link Graph}.
 *
 * <p>Steps: read and parse the protobuf; check it is a model (a graph with outputs, a default-domain opset); bind
 * symbolic batch dimensions of the inputs; decode initializers and Constant nodes as weights; order the nodes
 * topologically (refusing cycles, dangling inputs and duplicate producers); then, node by node, parse the op with the
 * registry, derive output shapes from the op's contract, and fold nodes whose inputs are all constant (which turns
 * PyTorch's Shape/Gather/Unsqueeze/Concat chains feeding a Reshape into constants). Every failure is a
 * {@link ModelLoadException} naming the file, the node and what to do.
 */
public final class OnnxImporter {
    /** Files above this size are refused before reading. */
    public static final long MAX_FILE_BYTES = 1L << 30;
    /** Models needing more multiply-accumulates per inference are refused (far beyond what can be proved). */
    public static final long MAX_MACS = 1L << 36;

    /** The newest default-domain opset known (ONNX 1.20); a model declaring a newer one is refused. */
    public static final int MAX_OPSET = 25;

    private static final Pattern BATCH_NAME = Pattern.compile("(?i).*batch.*|n|b|bs|N|unk__\\d+|.*dynamic_axes.*");

    private static final Map<Integer, String> ELEM_NAMES = Map.ofEntries(Map.entry(2, "uint8"), Map.entry(3, "int8"),
            Map.entry(4, "uint16"), Map.entry(5, "int16"), Map.entry(9, "bool"), Map.entry(12, "uint32"),
            Map.entry(13, "uint64"), Map.entry(14, "complex64"), Map.entry(15, "complex128"));

    private final OpRegistry registry = new OpRegistry();

    public OnnxImporter() {}

    /** The op types with a parser (default domain). */
    public static Set<String> supportedOps() {
        Set<String> all = new java.util.HashSet<>(new OpRegistry().opTypes());
        all.addAll(Expansions.TYPES);
        return Set.copyOf(all);
    }

    /** The op types the importer rewrites into registered ops (If, LSTM, GRU, TopK, QLinear ops ...). */
    public static Set<String> rewrittenOps() {
        return Expansions.TYPES;
    }

    public Graph load(Path file) throws ModelLoadException {
        return load(file, ImportOptions.defaults());
    }

    public Graph load(Path file, ImportOptions options) throws ModelLoadException {
        if (file == null || !Files.exists(file)) {
            throw new ModelLoadException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ModelLoadException(file, "is a directory, not an ONNX model file");
        }
        if (!Files.isReadable(file)) {
            throw new ModelLoadException(file, "file is not readable (check its permissions)");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelLoadException(file, "file is " + size + " bytes, above the 1 GiB limit");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read the file: " + e.getMessage());
        }
        return load(bytes, file, options);
    }

    /** Imports a model from its serialized bytes; {@code file} is only used in messages. */
    public Graph load(byte[] bytes, Path file, ImportOptions options) throws ModelLoadException {
        if (bytes.length == 0) {
            throw new ModelLoadException(file, "the file is empty; expected an ONNX model (.onnx)");
        }
        Onnx.ModelProto model;
        try {
            // Byte fields (the weights' raw_data) alias the file's bytes instead of being copied out of them: a
            // model's weights are then in memory once as bytes and once decoded, not twice as bytes.
            com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            model = Onnx.ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(file, "not an ONNX model: the file is not a valid ONNX protobuf ("
                    + firstLine(e.getMessage()) + "); it may be truncated or of another format");
        } catch (java.io.IOException e) {
            throw new ModelLoadException(file, "not an ONNX model: " + firstLine(e.getMessage()));
        }
        try {
            return new Build(file, model, options).run();
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            // A malformed model that slipped past the checks: still a bad input, reported in one line.
            throw new ModelLoadException(file, "malformed model: " + e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** One import run. */
    private final class Build {
        private final Path file;
        private final Onnx.ModelProto model;
        private final ImportOptions options;
        private final Map<String, Tensor> weights = new LinkedHashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<String, int[]> declaredShapes = new HashMap<>();
        private final Map<String, String> unknownShapeCause = new HashMap<>();
        private final List<Node> nodes = new ArrayList<>();
        /** ONNX element types of constants (initializers, Constant values), for the zero points of QLinear ops. */
        private final Map<String, Integer> elemTypes = new HashMap<>();
        /** Symbolic dimension names bound through --shape. */
        private final Map<String, Integer> boundByShape = new HashMap<>();
        private int opset;

        Build(Path file, Onnx.ModelProto model, ImportOptions options) {
            this.file = file;
            this.model = model;
            this.options = options;
        }

        private ModelLoadException fail(String what) {
            return new ModelLoadException(file, what);
        }

        Graph run() throws ModelLoadException {
            if (!model.hasGraph() || (model.getGraph().getNodeCount() == 0 && model.getGraph().getOutputCount() == 0)) {
                throw fail("not an ONNX model: it holds no graph with nodes or outputs");
            }
            opset = -1;
            for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    opset = (int) Math.min(Integer.MAX_VALUE, o.getVersion());
                }
            }
            if (opset < 1) {
                throw fail("not an ONNX model: no valid opset_import for the default domain (found "
                        + model.getOpsetImportCount() + " opset entries)");
            }
            if (opset > MAX_OPSET) {
                throw fail("the model declares opset " + opset + ", newer than the newest ONNX opset this importer "
                        + "knows (" + MAX_OPSET + "); re-export it with opset_version " + MAX_OPSET + " or lower");
            }
            Onnx.GraphProto g = model.getGraph();
            if (g.getOutputCount() == 0) {
                throw fail("the graph declares no outputs");
            }
            if (g.getSparseInitializerCount() > 0) {
                throw fail("sparse initializers are not supported; densify them before export");
            }
            for (Onnx.TensorProto t : g.getInitializerList()) {
                try {
                    weights.put(t.getName(), TensorDecoder.decode(t, t.getName()));
                    elemTypes.put(t.getName(), t.getDataType());
                } catch (IllegalArgumentException e) {
                    throw fail(e.getMessage());
                }
            }
            bindUserShapes(g);
            List<Graph.Value> inputs = new ArrayList<>();
            for (Onnx.ValueInfoProto v : g.getInputList()) {
                if (weights.containsKey(v.getName())) {
                    continue;
                }
                int[] shape = inputShape(v);
                double[] fixed = options.fixedInputs().get(v.getName());
                if (fixed != null) {
                    weights.put(v.getName(), fixedInput(v.getName(), shape, inputType(v), fixed));
                    continue;
                }
                shapes.put(v.getName(), shape);
                inputs.add(new Graph.Value(v.getName(), shape, inputType(v)));
            }
            for (String name : options.fixedInputs().keySet()) {
                if (g.getInputList().stream().noneMatch(v -> v.getName().equals(name))) {
                    throw fail("--fix-input " + name + ": the model has no input '" + name + "'");
                }
            }
            if (inputs.isEmpty() && !options.fixedInputs().isEmpty()) {
                throw fail("--fix-input fixes every input of the model; leave at least one input free");
            }
            for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
                declare(v);
            }
            for (Onnx.ValueInfoProto v : g.getOutputList()) {
                declare(v);
            }
            List<Onnx.NodeProto> ordered = topologicalOrder(g);
            int index = 0;
            for (Onnx.NodeProto p : ordered) {
                String name = p.getName().isEmpty() ? p.getOpType() + "_" + index : p.getName();
                index++;
                importNode(p, name);
            }
            List<Graph.Value> outputs = new ArrayList<>();
            for (Onnx.ValueInfoProto v : g.getOutputList()) {
                int[] s = shapes.get(v.getName());
                if (s == null && weights.containsKey(v.getName())) {
                    s = weights.get(v.getName()).shape();
                }
                if (s == null && !unknownShapeCause.containsKey(v.getName())) {
                    throw fail("graph output '" + v.getName() + "' is not produced by any node");
                }
                outputs.add(new Graph.Value(v.getName(), s));
            }
            long activations = 0;
            long macs = 0;
            for (Node n : nodes) {
                macs += n.macs();
                for (int[] s : n.outputShapes()) {
                    activations += s == null ? 0 : Tensor.elementCount(s);
                }
            }
            if (activations > Tensor.MAX_ELEMENTS) {
                throw fail("the intermediate tensors hold " + activations + " elements in total, above the limit of 2^28");
            }
            if (macs > MAX_MACS) {
                throw fail("one inference needs " + macs + " multiply-accumulates, above the limit of 2^36");
            }
            Map<String, Tensor> used = new LinkedHashMap<>();
            for (Node n : nodes) {
                for (String in : n.inputs()) {
                    if (weights.containsKey(in)) {
                        used.put(in, weights.get(in));
                    }
                }
            }
            for (Graph.Value v : outputs) {
                if (weights.containsKey(v.name())) {
                    used.put(v.name(), weights.get(v.name()));
                }
            }
            String gname = g.getName().isEmpty() ? fileStem() : g.getName();
            return new Graph(gname, inputs, outputs, nodes, used, opset);
        }

        private String fileStem() {
            String s = file == null ? "model" : file.getFileName().toString();
            return s.endsWith(".onnx") ? s.substring(0, s.length() - 5) : s;
        }

        private int[] inputShape(Onnx.ValueInfoProto v) throws ModelLoadException {
            if (!v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
                throw fail("input '" + v.getName() + "' has no tensor shape; export the model with static input "
                        + "shapes (or a symbolic batch dimension)");
            }
            inputType(v);
            List<Onnx.TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
            int[] given = options.shapes().get(v.getName());
            if (given != null && given.length != dims.size()) {
                throw fail("--shape " + v.getName() + " gives " + given.length + " dimensions but input '" + v.getName()
                        + "' has " + dims.size() + " (" + describeDims(dims) + ")");
            }
            int[] shape = new int[dims.size()];
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                Onnx.TensorShapeProto.Dimension d = dims.get(i);
                if (d.hasDimValue() && d.getDimValue() > 0) {
                    if (d.getDimValue() > Tensor.MAX_ELEMENTS) {
                        throw fail("input '" + v.getName() + "' has absurd dimension " + d.getDimValue());
                    }
                    shape[i] = (int) d.getDimValue();
                    if (given != null && given[i] != shape[i]) {
                        throw fail("--shape " + v.getName() + " gives " + given[i] + " on axis " + i + " but the model "
                                + "fixes it to " + shape[i] + " (" + describeDims(dims) + ")");
                    }
                } else if (given != null) {
                    shape[i] = given[i];
                } else if (d.hasDimParam() && symbolValue(d.getDimParam()) != null) {
                    shape[i] = symbolValue(d.getDimParam());
                } else if (!d.hasDimParam() && i == 0) {
                    shape[i] = options.batch();
                } else {
                    refused.add(d.hasDimParam() ? "'" + d.getDimParam() + "' (axis " + i + ")" : "an unnamed dimension "
                            + "(axis " + i + ")");
                }
            }
            if (!refused.isEmpty()) {
                Onnx.TensorShapeProto.Dimension first = null;
                for (Onnx.TensorShapeProto.Dimension d : dims) {
                    if (d.hasDimParam() && symbolValue(d.getDimParam()) == null) {
                        first = d;
                        break;
                    }
                }
                String how = first != null ? "--dim " + first.getDimParam() + "=VALUE (for example --dim "
                        + first.getDimParam() + "=1) or --shape " + v.getName() + "=" + example(dims)
                        : "--shape " + v.getName() + "=" + example(dims);
                throw fail("input '" + v.getName() + "' has symbolic dimensions with no value: " + String.join(", ", refused)
                        + "; zkscope needs static shapes: set them with " + how);
            }
            if (Tensor.elementCount(shape) > Tensor.MAX_ELEMENTS) {
                throw fail("input '" + v.getName() + "' has " + Tensor.shapeString(shape) + ", more than 2^28 elements");
            }
            return shape;
        }

        /**
         * The element type of a graph input: float types (float, double, float16, bfloat16) are read as floats; int32
         * and int64 (token ids, indices) as integers. Others are refused by name: 8- and 16-bit integers mean a
         * pre-quantized model, whose float original is what zkscope quantizes.
         */
        private Tensor.DType inputType(Onnx.ValueInfoProto v) throws ModelLoadException {
            int elem = v.getType().getTensorType().getElemType();
            switch (elem) {
                case 1: case 10: case 11: case 16: case 0:
                    return Tensor.DType.FLOAT;
                case 6: case 7:
                    return Tensor.DType.INT64;
                case 8:
                    throw fail("input '" + v.getName() + "' is a string tensor; only numeric inputs are supported");
                case 2: case 3: case 4: case 5: case 12: case 13:
                    throw fail("input '" + v.getName() + "' is " + ELEM_NAMES.getOrDefault(elem, "type " + elem)
                            + ": a pre-quantized model; zkscope quantizes float models itself (inputs float, or int32/"
                            + "int64 indices): export the float model");
                default:
                    throw fail("input '" + v.getName() + "' has element type "
                            + ELEM_NAMES.getOrDefault(elem, String.valueOf(elem))
                            + "; supported inputs are float (float32/64/16, bfloat16) and int32/int64 indices");
            }
        }

        /** An input fixed by --fix-input: one value fills it, else the values must fill its shape exactly. */
        private Tensor fixedInput(String name, int[] shape, Tensor.DType type, double[] values)
                throws ModelLoadException {
            int n = (int) Tensor.elementCount(shape);
            if (values.length != 1 && values.length != n) {
                throw fail("--fix-input " + name + " gives " + values.length + " values for input '" + name + "' of "
                        + "shape " + Tensor.shapeString(shape) + " (" + n + " elements): give one value or " + n);
            }
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                double v = values[values.length == 1 ? 0 : i];
                if (type == Tensor.DType.INT64 && v != Math.rint(v)) {
                    throw fail("--fix-input " + name + ": input '" + name + "' holds integers, got " + v);
                }
                d[i] = v;
            }
            return Tensor.of(shape, d, type);
        }

        /** The value of a symbolic dimension: --dim, else bound by a --shape, else the batch size for batch names. */
        private Integer symbolValue(String name) {
            Integer v = options.dims().get(name);
            if (v == null) {
                v = boundByShape.get(name);
            }
            if (v == null && BATCH_NAME.matcher(name).matches()) {
                v = options.batch();
            }
            return v;
        }

        private String describeDims(List<Onnx.TensorShapeProto.Dimension> dims) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < dims.size(); i++) {
                Onnx.TensorShapeProto.Dimension d = dims.get(i);
                b.append(i == 0 ? "" : ",").append(d.hasDimValue() && d.getDimValue() > 0 ? String.valueOf(d.getDimValue())
                        : d.hasDimParam() ? d.getDimParam() : "?");
            }
            return b.append(']').toString();
        }

        /** A --shape value to show: the static dimensions, with 1 in place of every symbolic one. */
        private String example(List<Onnx.TensorShapeProto.Dimension> dims) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < dims.size(); i++) {
                Onnx.TensorShapeProto.Dimension d = dims.get(i);
                Integer sym = d.hasDimParam() ? symbolValue(d.getDimParam()) : null;
                b.append(i == 0 ? "" : ",").append(d.hasDimValue() && d.getDimValue() > 0 ? String.valueOf(d.getDimValue())
                        : sym != null ? String.valueOf(sym) : "1");
            }
            return b.toString();
        }

        /**
         * Before the inputs are read: symbolic names of inputs given whole by --shape are bound to the given values
         * (so another input or a declared shape with the same name agrees); a --dim or --shape naming nothing in the
         * model is refused with what the model has.
         */
        private void bindUserShapes(Onnx.GraphProto g) throws ModelLoadException {
            java.util.Set<String> symbols = new java.util.LinkedHashSet<>();
            java.util.Set<String> inputNames = new java.util.LinkedHashSet<>();
            for (Onnx.ValueInfoProto v : g.getInputList()) {
                if (weights.containsKey(v.getName())) {
                    continue;
                }
                inputNames.add(v.getName());
                if (!v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
                    continue;
                }
                List<Onnx.TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
                int[] given = options.shapes().get(v.getName());
                for (int i = 0; i < dims.size(); i++) {
                    Onnx.TensorShapeProto.Dimension d = dims.get(i);
                    if (!d.hasDimParam() || d.getDimParam().isEmpty()) {
                        continue;
                    }
                    symbols.add(d.getDimParam());
                    if (given != null && i < given.length && given.length == dims.size()) {
                        Integer before = boundByShape.putIfAbsent(d.getDimParam(), given[i]);
                        Integer dim = options.dims().get(d.getDimParam());
                        if ((before != null && before != given[i]) || (dim != null && dim != given[i])) {
                            throw fail("symbolic dimension '" + d.getDimParam() + "' is given two values ("
                                    + (dim != null ? dim : before) + " and " + given[i] + " by --shape "
                                    + v.getName() + ")");
                        }
                    }
                }
            }
            for (String name : options.dims().keySet()) {
                if (!symbols.contains(name)) {
                    throw fail("--dim " + name + ": the model's inputs have no symbolic dimension '" + name + "'"
                            + (symbols.isEmpty() ? " (they have none)" : " (they have: " + String.join(", ", symbols) + ")"));
                }
            }
            for (String name : options.shapes().keySet()) {
                if (!inputNames.contains(name)) {
                    throw fail("--shape " + name + ": the model has no input '" + name + "' (its inputs: "
                            + String.join(", ", inputNames) + ")");
                }
            }
        }

        /** Shapes declared in value_info/outputs, used only after an unsupported node. */
        private void declare(Onnx.ValueInfoProto v) {
            if (!v.hasType() || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
                return;
            }
            List<Onnx.TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
            int[] s = new int[dims.size()];
            for (int i = 0; i < s.length; i++) {
                Onnx.TensorShapeProto.Dimension d = dims.get(i);
                if (d.hasDimValue() && d.getDimValue() > 0 && d.getDimValue() <= Tensor.MAX_ELEMENTS) {
                    s[i] = (int) d.getDimValue();
                } else if (d.hasDimParam() && symbolValue(d.getDimParam()) != null) {
                    s[i] = symbolValue(d.getDimParam());
                } else {
                    return;
                }
            }
            if (Tensor.elementCount(s) <= Tensor.MAX_ELEMENTS) {
                declaredShapes.put(v.getName(), s);
            }
        }

        /** Kahn's algorithm in file order; refuses duplicate producers, dangling inputs and cycles. */
        private List<Onnx.NodeProto> topologicalOrder(Onnx.GraphProto g) throws ModelLoadException {
            Map<String, Integer> producer = new HashMap<>();
            List<Onnx.NodeProto> all = g.getNodeList();
            for (int i = 0; i < all.size(); i++) {
                for (String o : all.get(i).getOutputList()) {
                    if (o.isEmpty()) {
                        continue;
                    }
                    if (producer.containsKey(o) || shapes.containsKey(o) || weights.containsKey(o)) {
                        throw fail("tensor '" + o + "' is produced twice (node " + nodeLabel(all.get(i), i) + ")");
                    }
                    producer.put(o, i);
                }
            }
            int[] pending = new int[all.size()];
            List<List<Integer>> consumers = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                consumers.add(new ArrayList<>());
            }
            for (int i = 0; i < all.size(); i++) {
                Set<Integer> deps = new HashSet<>();
                List<String> reads = new ArrayList<>(all.get(i).getInputList());
                reads.addAll(outerReads(all.get(i)));
                for (String in : reads) {
                    if (in.isEmpty() || shapes.containsKey(in) || weights.containsKey(in)) {
                        continue;
                    }
                    Integer p = producer.get(in);
                    if (p == null) {
                        throw fail("node " + nodeLabel(all.get(i), i) + " reads tensor '" + in + "', which is not a graph "
                                + "input, an initializer or any node's output (dangling input)");
                    }
                    if (deps.add(p)) {
                        consumers.get(p).add(i);
                        pending[i]++;
                    }
                }
            }
            Deque<Integer> ready = new ArrayDeque<>();
            for (int i = 0; i < all.size(); i++) {
                if (pending[i] == 0) {
                    ready.add(i);
                }
            }
            List<Onnx.NodeProto> out = new ArrayList<>();
            while (!ready.isEmpty()) {
                int i = ready.poll();
                out.add(all.get(i));
                for (int c : consumers.get(i)) {
                    if (--pending[c] == 0) {
                        ready.add(c);
                    }
                }
            }
            if (out.size() != all.size()) {
                List<String> stuck = new ArrayList<>();
                for (int i = 0; i < all.size() && stuck.size() < 5; i++) {
                    if (pending[i] > 0) {
                        stuck.add(nodeLabel(all.get(i), i));
                    }
                }
                throw fail("the graph has a cycle through nodes " + String.join(", ", stuck));
            }
            return out;
        }

        private String nodeLabel(Onnx.NodeProto p, int i) {
            return "'" + (p.getName().isEmpty() ? "#" + i : p.getName()) + "' (" + p.getOpType() + ")";
        }

        private void importNode(Onnx.NodeProto p, String name) throws ModelLoadException {
            String label = "node '" + name + "' (" + p.getOpType() + ")";
            boolean defaultDomain = p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx");
            if (defaultDomain && p.getOpType().equals("Constant")) {
                importConstant(p, label);
                return;
            }
            List<int[]> inShapes = new ArrayList<>();
            List<Tensor> consts = new ArrayList<>();
            String unknownCause = null;
            for (String in : p.getInputList()) {
                if (in.isEmpty()) {
                    inShapes.add(null);
                    consts.add(null);
                    continue;
                }
                Tensor w = weights.get(in);
                consts.add(w);
                int[] s = w != null ? w.shape() : shapes.get(in);
                if (s == null && unknownCause == null) {
                    unknownCause = unknownShapeCause.getOrDefault(in, "input '" + in + "' has no shape");
                }
                inShapes.add(s);
            }
            if (defaultDomain && Expansions.handles(p, opset, weights::get)) {
                Op refused;
                try {
                    refused = unknownCause != null ? new Op.Unsupported(p.getOpType(), p.getDomain(), opset,
                            "input shapes unknown: " + unknownCause) : Expansions.expand(p, name, opset, emitter);
                } catch (NodeContext.NotConstant e) {
                    refused = new Op.Unsupported(p.getOpType(), p.getDomain(), opset, e.getMessage());
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    throw fail(label + ": " + e.getMessage());
                }
                if (refused != null) {
                    int[] present = allPresent(p);
                    List<String> inNames = new ArrayList<>();
                    List<int[]> inS = new ArrayList<>();
                    for (int k : present) {
                        inNames.add(p.getInput(k));
                        inS.add(inShapes.get(k));
                    }
                    addUnsupported(p, name, refused, inNames, inS);
                }
                return;
            }
            OpParser parser = defaultDomain ? registry.get(p.getOpType()) : null;
            Op op;
            NodeContext ctx = new NodeContext(p, name, opset, inShapes, consts);
            if (parser == null) {
                op = new Op.Unsupported(p.getOpType(), p.getDomain(), opsetOf(p.getDomain()),
                        defaultDomain ? (ModelOpParsers.advice(p.getOpType()) != null
                                ? ModelOpParsers.advice(p.getOpType()) : "no parser for this op")
                                : "op from domain '" + p.getDomain() + "'");
            } else if (unknownCause != null) {
                op = new Op.Unsupported(p.getOpType(), p.getDomain(), opset, "input shapes unknown: " + unknownCause);
            } else {
                try {
                    op = parser.parse(ctx);
                } catch (NodeContext.NotConstant e) {
                    op = new Op.Unsupported(p.getOpType(), p.getDomain(), opset, e.getMessage());
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    throw fail(label + ": " + e.getMessage());
                }
            }
            int[] kept = op instanceof Op.Unsupported ? allPresent(p) : ctx.keptInputs();
            List<String> inNames = new ArrayList<>();
            List<int[]> keptShapes = new ArrayList<>();
            List<Tensor> keptConsts = new ArrayList<>();
            boolean allConst = true;
            for (int k : kept) {
                inNames.add(p.getInput(k));
                keptShapes.add(inShapes.get(k));
                keptConsts.add(consts.get(k));
                allConst &= consts.get(k) != null;
            }
            if (op instanceof Op.Unsupported) {
                addUnsupported(p, name, op, inNames, keptShapes);
                return;
            }
            List<int[]> outShapes;
            try {
                outShapes = op.outputShapes(keptShapes);
            } catch (IllegalArgumentException e) {
                throw fail(label + ": " + e.getMessage() + " (input shapes " + describe(keptShapes) + ")");
            }
            for (int[] s : outShapes) {
                long n = Tensor.elementCount(s);
                if (n < 0 || n > Tensor.MAX_ELEMENTS) {
                    throw fail(label + ": output shape " + Tensor.shapeString(s) + " exceeds the limit of 2^28 elements");
                }
            }
            if (p.getOutputCount() < outShapes.size()) {
                throw fail(label + ": has " + p.getOutputCount() + " outputs, the op produces " + outShapes.size());
            }
            boolean fold = op instanceof Op.ShapeOf || op instanceof Op.ConstantOfShape || (allConst && kept.length > 0);
            if (fold) {
                List<Tensor> values;
                try {
                    if (op instanceof Op.ShapeOf) {
                        // Shape reads only the (static) shape of its input.
                        Op.ShapeOf so = (Op.ShapeOf) op;
                        int[] s = keptShapes.get(0);
                        long[] v = new long[Math.max(0, so.end() - so.start())];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = s[so.start() + i];
                        }
                        values = List.of(Tensor.ofLongs(new int[] {v.length}, v));
                    } else {
                        values = op.eval(keptConsts);
                    }
                } catch (RuntimeException e) {
                    throw fail(label + ": cannot fold constant node: " + e.getMessage());
                }
                for (int i = 0; i < values.size(); i++) {
                    if (!p.getOutput(i).isEmpty()) {
                        weights.put(p.getOutput(i), values.get(i));
                    }
                }
                return;
            }
            List<String> outNames = new ArrayList<>();
            for (int i = 0; i < outShapes.size(); i++) {
                outNames.add(p.getOutput(i));
                shapes.put(p.getOutput(i), outShapes.get(i));
            }
            long params = 0;
            for (int i = 0; i < kept.length; i++) {
                if (keptConsts.get(i) != null) {
                    params += keptConsts.get(i).size();
                }
            }
            long macs = op.macs(keptShapes, outShapes);
            nodes.add(new Node(name, p.getOpType(), op, inNames, outNames, keptShapes, outShapes, params, macs));
        }

        /** Tensors a node's subgraphs (If branches, Loop bodies) read from the enclosing scope. */
        private List<String> outerReads(Onnx.NodeProto p) {
            List<String> out = new ArrayList<>();
            for (Onnx.AttributeProto a : p.getAttributeList()) {
                if (a.hasG()) {
                    outerReads(a.getG(), out);
                }
                for (Onnx.GraphProto sg : a.getGraphsList()) {
                    outerReads(sg, out);
                }
            }
            return out;
        }

        private void outerReads(Onnx.GraphProto g, List<String> out) {
            Set<String> local = new HashSet<>();
            for (Onnx.TensorProto t : g.getInitializerList()) {
                local.add(t.getName());
            }
            for (Onnx.ValueInfoProto v : g.getInputList()) {
                local.add(v.getName());
            }
            for (Onnx.NodeProto n : g.getNodeList()) {
                local.addAll(n.getOutputList());
            }
            for (Onnx.NodeProto n : g.getNodeList()) {
                for (String in : n.getInputList()) {
                    if (!in.isEmpty() && !local.contains(in)) {
                        out.add(in);
                    }
                }
                for (String in : outerReads(n)) {
                    if (!local.contains(in)) {
                        out.add(in);
                    }
                }
            }
        }

        /** The importer's side of {@link Expansions}: synthetic nodes are parsed at opset 13. */
        private final Expansions.Emitter emitter = new Expansions.Emitter() {
            @Override
            public int[] shape(String tensor) {
                Tensor w = weights.get(tensor);
                return w != null ? w.shape() : shapes.get(tensor);
            }

            @Override
            public Tensor constant(String tensor) {
                return weights.get(tensor);
            }

            @Override
            public int elemType(String tensor) {
                return elemTypes.getOrDefault(tensor, 0);
            }

            @Override
            public String constant(String name, Tensor value) {
                if (weights.containsKey(name) || shapes.containsKey(name)) {
                    throw new IllegalArgumentException("tensor '" + name + "' is produced twice");
                }
                weights.put(name, value);
                return name;
            }

            @Override
            public void internal(String name, Op op, List<String> inputs, String output) throws ModelLoadException {
                List<int[]> in = new ArrayList<>();
                for (String t : inputs) {
                    int[] sh = shape(t);
                    if (sh == null || weights.containsKey(t)) {
                        throw fail("node '" + name + "' (" + op.kind() + ") reads '" + t + "', which is not a run-time "
                                + "tensor of known shape");
                    }
                    in.add(sh);
                }
                if (weights.containsKey(output) || shapes.containsKey(output)) {
                    throw fail("tensor '" + output + "' is produced twice (by node '" + name + "')");
                }
                List<int[]> out = op.outputShapes(in);
                shapes.put(output, out.get(0));
                nodes.add(new Node(name, op.kind(), op, List.copyOf(inputs), List.of(output), in, out, 0, 0));
            }

            @Override
            public void node(String name, String opType, List<String> inputs, List<String> outputs,
                             Onnx.AttributeProto... attrs) throws ModelLoadException {
                for (String o : outputs) {
                    if (weights.containsKey(o) || shapes.containsKey(o)) {
                        throw fail("tensor '" + o + "' is produced twice (by the rewrite of node '" + name + "')");
                    }
                }
                Onnx.NodeProto np = Onnx.NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs)
                        .addAllOutput(outputs).addAllAttribute(java.util.Arrays.asList(attrs)).build();
                int saved = opset;
                opset = 13;
                try {
                    importNode(np, name);
                } finally {
                    opset = saved;
                }
            }

            @Override
            public void inline(Onnx.GraphProto g, String prefix) throws ModelLoadException {
                for (Onnx.TensorProto t : g.getInitializerList()) {
                    if (weights.containsKey(t.getName()) || shapes.containsKey(t.getName())) {
                        throw fail("tensor '" + t.getName() + "' of subgraph '" + prefix + "' is produced twice");
                    }
                    try {
                        weights.put(t.getName(), TensorDecoder.decode(t, t.getName()));
                        elemTypes.put(t.getName(), t.getDataType());
                    } catch (IllegalArgumentException e) {
                        throw fail(e.getMessage());
                    }
                }
                int index = 0;
                for (Onnx.NodeProto n : topologicalOrder(g)) {
                    importNode(n, prefix + "/" + (n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName()));
                    index++;
                }
            }
        };

        private int opsetOf(String domain) {
            for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().equals(domain)) {
                    return (int) Math.min(Integer.MAX_VALUE, o.getVersion());
                }
            }
            return domain.isEmpty() || domain.equals("ai.onnx") ? opset : 0;
        }

        private int[] allPresent(Onnx.NodeProto p) {
            List<Integer> k = new ArrayList<>();
            for (int i = 0; i < p.getInputCount(); i++) {
                if (!p.getInput(i).isEmpty()) {
                    k.add(i);
                }
            }
            return k.stream().mapToInt(Integer::intValue).toArray();
        }

        private void addUnsupported(Onnx.NodeProto p, String name, Op op, List<String> inNames, List<int[]> inShapes) {
            List<String> outNames = new ArrayList<>();
            List<int[]> outShapes = new ArrayList<>();
            for (String o : p.getOutputList()) {
                if (o.isEmpty()) {
                    continue;
                }
                outNames.add(o);
                int[] s = declaredShapes.get(o);
                outShapes.add(s);
                if (s != null) {
                    shapes.put(o, s);
                } else {
                    unknownShapeCause.put(o, "it follows unsupported node '" + name + "' (" + p.getOpType() + ")");
                }
            }
            long params = 0;
            for (String in : inNames) {
                if (weights.containsKey(in)) {
                    params += weights.get(in).size();
                }
            }
            nodes.add(new Node(name, p.getOpType(), op, inNames, outNames, inShapes, outShapes, params, 0));
        }

        private void importConstant(Onnx.NodeProto p, String label) throws ModelLoadException {
            if (p.getOutputCount() != 1) {
                throw fail(label + ": a Constant has exactly one output");
            }
            NodeContext c = new NodeContext(p, label, opset, List.of(), List.of());
            Tensor value;
            try {
                if (c.tensorAttr("value") != null) {
                    value = TensorDecoder.decode(c.tensorAttr("value"), p.getOutput(0));
                    elemTypes.put(p.getOutput(0), c.tensorAttr("value").getDataType());
                } else if (c.hasAttr("value_float")) {
                    value = Tensor.scalar(c.floatAttr("value_float", 0));
                } else if (c.hasAttr("value_floats")) {
                    value = floats(p);
                } else if (c.hasAttr("value_int")) {
                    value = Tensor.ofLongs(new int[0], new long[] {c.intAttr("value_int", 0)});
                } else if (c.hasAttr("value_ints")) {
                    long[] v = c.longsAttr("value_ints");
                    value = Tensor.ofLongs(new int[] {v.length}, v);
                } else {
                    throw fail(label + ": Constant without a supported value attribute (value, value_float(s), "
                            + "value_int(s))");
                }
            } catch (IllegalArgumentException e) {
                throw fail(label + ": " + e.getMessage());
            }
            weights.put(p.getOutput(0), value);
        }

        private Tensor floats(Onnx.NodeProto p) {
            for (Onnx.AttributeProto a : p.getAttributeList()) {
                if (a.getName().equals("value_floats")) {
                    double[] d = new double[a.getFloatsCount()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = a.getFloats(i);
                    }
                    return Tensor.of(new int[] {d.length}, d);
                }
            }
            throw new IllegalStateException("value_floats vanished");
        }
    }

    private static String describe(List<int[]> shapes) {
        List<String> s = new ArrayList<>();
        for (int[] x : shapes) {
            s.add(Tensor.shapeString(x));
        }
        return String.join(", ", s).toLowerCase(Locale.ROOT);
    }

}
