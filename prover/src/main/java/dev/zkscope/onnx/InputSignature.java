package dev.zkscope.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.zkscope.onnx.proto.Onnx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inputs of an ONNX model as declared, symbolic dimensions included, read without loading the model: the file is
 * streamed and everything but the graph's inputs, its initializer names and the model's metadata is skipped, so a
 * 600 MB model's signature is read in a moment. The app shows these to let the user set symbolic dimensions before
 * import ({@link ImportOptions#dims()}).
 *
 * @param inputs   the graph's inputs that are not initializers, in order
 * @param metadata the model's metadata properties (key to value)
 */
public record InputSignature(List<Input> inputs, Map<String, String> metadata) {
    public InputSignature {
        inputs = List.copyOf(inputs);
        metadata = Map.copyOf(metadata);
    }

    /**
     * One declared input: its name and dimensions, each either a value ({@code dims[i] > 0}, {@code symbols[i]}
     * null) or symbolic ({@code dims[i] == 0}, {@code symbols[i]} its name, or "" when unnamed).
     */
    public record Input(String name, long[] dims, String[] symbols) {
        public boolean isSymbolic(int axis) {
            return dims[axis] <= 0;
        }
    }

    /** The distinct symbolic dimension names of all inputs, in order of appearance ("" for an unnamed one). */
    public List<String> symbols() {
        List<String> out = new ArrayList<>();
        for (Input in : inputs) {
            for (int i = 0; i < in.dims().length; i++) {
                if (in.isSymbolic(i) && !out.contains(in.symbols()[i])) {
                    out.add(in.symbols()[i]);
                }
            }
        }
        return out;
    }

    /** Reads the signature of a model file; a file that is not a model gives a {@link ModelLoadException}. */
    public static InputSignature read(Path file) throws ModelLoadException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(CodedInputStream.newInstance(in, 1 << 16), file);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read the model's inputs: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ModelLoadException(file, "malformed model: " + e);
        }
    }

    private static InputSignature read(CodedInputStream in, Path file) throws IOException {
        in.setSizeLimit(Integer.MAX_VALUE);
        List<Onnx.ValueInfoProto> declared = new ArrayList<>();
        Set<String> initializers = new HashSet<>();
        Map<String, String> meta = new LinkedHashMap<>();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                readGraph(in, declared, initializers);
                in.popLimit(limit);
            } else if (field == 14 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                Onnx.StringStringEntryProto e = Onnx.StringStringEntryProto.parseFrom(in.readBytes());
                meta.put(e.getKey(), e.getValue());
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        List<Input> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto v : declared) {
            if (initializers.contains(v.getName())) {
                continue;
            }
            List<Onnx.TensorShapeProto.Dimension> dims = v.hasType() && v.getType().hasTensorType()
                    && v.getType().getTensorType().hasShape() ? v.getType().getTensorType().getShape().getDimList()
                    : List.of();
            long[] d = new long[dims.size()];
            String[] s = new String[dims.size()];
            for (int i = 0; i < d.length; i++) {
                Onnx.TensorShapeProto.Dimension x = dims.get(i);
                if (x.hasDimValue() && x.getDimValue() > 0) {
                    d[i] = x.getDimValue();
                } else {
                    s[i] = x.hasDimParam() ? x.getDimParam() : "";
                }
            }
            inputs.add(new Input(v.getName(), d, s));
        }
        return new InputSignature(inputs, meta);
    }

    /** Reads a GraphProto's inputs (field 11) and initializer names (field 5); skips the rest, weights included. */
    private static void readGraph(CodedInputStream in, List<Onnx.ValueInfoProto> inputs, Set<String> initializers)
            throws IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 11 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                inputs.add(Onnx.ValueInfoProto.parseFrom(in.readBytes()));
            } else if (field == 5 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                // TensorProto.name is field 8; read it and skip the data.
                while (true) {
                    int t = in.readTag();
                    if (t == 0) {
                        break;
                    }
                    if (WireFormat.getTagFieldNumber(t) == 8) {
                        initializers.add(in.readString());
                    } else if (!in.skipField(t)) {
                        break;
                    }
                }
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                return;
            }
        }
    }
}
