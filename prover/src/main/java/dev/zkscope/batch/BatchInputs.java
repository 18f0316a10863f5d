package dev.zkscope.batch;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFileException;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The inputs of a batch: a file (EZKL's input JSON with one or many samples per input array, a test set
 * {"inputs": [...]}, or a NumPy .npy array of samples: the formats of {@link InputFiles#readCalibration}) or a
 * directory of such files, read in name order. Each input gets an id from its file's name (and its row, when the file
 * holds several), which names its proof file; two files that would give the same id are refused.
 */
public final class BatchInputs {
    private BatchInputs() {}

    /** Inputs of a batch at most (one proof file each). */
    public static final int MAX_INPUTS = InputFiles.MAX_ROWS;

    public static List<BatchInput> read(Path path, Graph graph) throws InputFileException {
        if (!Files.exists(path)) {
            throw new InputFileException("inputs " + path + ": no such file or directory");
        }
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".json")
                        || p.toString().endsWith(".npy"))).sorted().collect(Collectors.toList());
            } catch (IOException e) {
                throw new InputFileException("inputs directory " + path + " cannot be listed: " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new InputFileException("inputs directory " + path + " holds no .json or .npy files");
            }
        } else {
            files = List.of(path);
        }
        List<BatchInput> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (Path f : files) {
            List<List<Tensor>> rows = InputFiles.readCalibration(f, graph);
            String stem = stem(f);
            int width = String.valueOf(rows.size() - 1).length();
            for (int r = 0; r < rows.size(); r++) {
                String id = rows.size() == 1 ? stem : stem + "-" + String.format(Locale.ROOT, "%0" + width + "d", r);
                String source = f.getFileName() + (rows.size() == 1 ? "" : " row " + r);
                String other = ids.put(id, source);
                if (other != null) {
                    throw new InputFileException("inputs " + other + " and " + source + " would both be proved as '"
                            + id + "'; rename one of the files");
                }
                out.add(BatchInput.of(id, source, rows.get(r)));
                if (out.size() > MAX_INPUTS) {
                    throw new InputFileException("inputs " + path + " hold more than " + MAX_INPUTS + " inputs; split "
                            + "the batch");
                }
            }
        }
        return out;
    }

    /** A file name without its extension, with every character but letters, digits, '.', '_' and '-' as '_'. */
    static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String s = dot > 0 ? n.substring(0, dot) : n;
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
