package dev.zkscope.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zkscope.onnx.InputSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The symbolic dimensions of a model's inputs, each with a proposed value and where that value comes from: the
 * model's metadata (a property named as the dimension, or {@code dim.NAME}), else the first test input beside the
 * model ({@code NAME.input.json}: an input with one symbolic dimension has it fixed by its element count), else 1.
 * The app lists them in {@link DimensionsDialog} before importing a model that has any it cannot bind itself.
 */
final class SymbolicDims {
    /** Batch-like names the importer binds to the batch size by itself (as {@code OnnxImporter}'s rule). */
    private static final Pattern BATCH = Pattern.compile("(?i).*batch.*|n|b|bs|unk__\\d+|.*dynamic_axes.*");

    /**
     * One symbolic dimension.
     *
     * @param name   its name ("" never: unnamed dimensions are listed as "INPUT axis K")
     * @param where  the inputs and axes it appears at ("x axis 1")
     * @param value  the proposed value
     * @param source where the proposal comes from, shown beside it
     * @param batch  whether the importer would bind it to the batch size by itself
     */
    record Dim(String name, String where, int value, String source, boolean batch) {}

    private SymbolicDims() {}

    /** Every symbolic dimension of the model's inputs with a proposed value. */
    static List<Dim> of(InputSignature sig, Path model, int batch) {
        Map<String, List<String>> where = new LinkedHashMap<>();
        Map<String, Integer> fromInput = new LinkedHashMap<>();
        List<Long> counts = testInputCounts(model);
        for (int k = 0; k < sig.inputs().size(); k++) {
            InputSignature.Input in = sig.inputs().get(k);
            int symbolic = 0;
            long known = 1;
            String only = null;
            for (int i = 0; i < in.dims().length; i++) {
                if (in.isSymbolic(i)) {
                    symbolic++;
                    String name = in.symbols()[i].isEmpty() ? in.name() + " axis " + i : in.symbols()[i];
                    where.computeIfAbsent(name, x -> new ArrayList<>()).add(in.name() + " axis " + i);
                    only = name;
                } else {
                    known *= in.dims()[i];
                }
            }
            if (symbolic == 1 && k < counts.size() && counts.get(k) > 0 && counts.get(k) % known == 0) {
                fromInput.putIfAbsent(only, (int) (counts.get(k) / known));
            }
        }
        List<Dim> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : where.entrySet()) {
            String name = e.getKey();
            boolean isBatch = BATCH.matcher(name).matches() || e.getValue().stream().allMatch(w -> w.endsWith(" axis 0"))
                    && name.endsWith(" axis 0");
            Integer meta = metadata(sig.metadata(), name);
            int value;
            String source;
            if (meta != null) {
                value = meta;
                source = "from the model's metadata";
            } else if (fromInput.containsKey(name)) {
                value = fromInput.get(name);
                source = "from " + model.getFileName().toString().replaceFirst("\\.onnx$", "") + ".input.json";
            } else if (isBatch) {
                value = batch;
                source = "batch size (Settings)";
            } else {
                value = 1;
                source = "no hint in the model: set it";
            }
            out.add(new Dim(name, String.join(", ", e.getValue()), value, source, isBatch));
        }
        return out;
    }

    /** Whether the model cannot be imported without the user's values (a symbolic dimension that is not a batch). */
    static boolean needsUser(List<Dim> dims) {
        return dims.stream().anyMatch(d -> !d.batch());
    }

    private static Integer metadata(Map<String, String> meta, String name) {
        for (String key : new String[] {name, "dim." + name}) {
            String v = meta.get(key);
            if (v != null) {
                try {
                    int x = Integer.parseInt(v.strip());
                    if (x >= 1) {
                        return x;
                    }
                } catch (NumberFormatException e) {
                    // not a dimension value
                }
            }
        }
        return null;
    }

    /** Element counts of each input in the model's first test input (EZKL's input_data), or none. */
    static List<Long> testInputCounts(Path model) {
        String base = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        Path f = model.resolveSibling(base + ".input.json");
        List<Long> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(f) || Files.size(f) > (64L << 20)) {
                return out;
            }
            JsonNode data = new ObjectMapper().readTree(f.toFile()).path("input_data");
            for (JsonNode in : data) {
                out.add(count(in));
            }
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // no usable hint: the dialog proposes 1
        }
        return out;
    }

    private static long count(JsonNode n) {
        if (!n.isArray()) {
            return 1;
        }
        long c = 0;
        for (JsonNode x : n) {
            c += count(x);
        }
        return c;
    }
}
