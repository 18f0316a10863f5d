package dev.zkscope.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * The runs table on disk, as JSON: {@code ~/.config/zkscope/runs.json} (or {@code $XDG_CONFIG_HOME/zkscope}, or the
 * file named by {@code -Dzkscope.runs=FILE}). Written whole after each run, through a temporary file, so that a crash
 * never leaves half a file. A damaged file is moved aside ({@code runs.json.damaged-TIME}) and reported, never fatal.
 */
public final class RunStore {
    private static final Logger LOG = Logger.getLogger("zkscope");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What was read: the runs, and null or a message for the user when the file was damaged and set aside. */
    public record Loaded(List<RunRecord> runs, String problem) {}

    private final Path file;

    public RunStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The user's runs file (see the class comment). */
    public static RunStore defaultStore() {
        String explicit = System.getProperty("zkscope.runs");
        if (explicit != null && !explicit.isBlank()) {
            return new RunStore(Path.of(explicit));
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"),
                ".config");
        return new RunStore(config.resolve("zkscope").resolve("runs.json"));
    }

    /** Reads the runs; a missing file is an empty history, a damaged one is moved aside and reported. */
    public Loaded load() {
        if (!Files.exists(file)) {
            return new Loaded(List.of(), null);
        }
        try {
            RunRecord[] runs = JSON.readValue(file.toFile(), RunRecord[].class);
            if (runs == null) {
                throw new IOException("the file holds no list of runs");
            }
            for (RunRecord r : runs) {
                if (r == null || r.model() == null) {
                    throw new IOException("a run without a model");
                }
            }
            return new Loaded(List.copyOf(Arrays.asList(runs)), null);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
                    + java.time.Instant.now().toString().replace(':', '-'));
            String where;
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                where = "It was moved to " + aside + ";";
            } catch (IOException m) {
                where = "It could not be moved aside (" + m.getMessage() + ");";
            }
            LOG.warning("damaged runs file " + file + ": " + e);
            return new Loaded(List.of(), "The saved runs in " + file + " could not be read (" + message(e) + "). "
                    + where + " the runs table starts empty.");
        }
    }

    private static String message(Exception e) {
        if (e instanceof JsonProcessingException) {
            return ((JsonProcessingException) e).getOriginalMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Writes all runs, replacing the file atomically. */
    public void save(List<RunRecord> runs) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "runs", ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), new ArrayList<>(runs));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
