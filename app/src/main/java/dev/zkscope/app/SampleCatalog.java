package dev.zkscope.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bundled sample models, read from {@code samples/models.json}. The directory is the system property
 * {@code zkscope.samples} if set, else {@code samples/} or {@code ../samples/} relative to the working directory.
 */
public final class SampleCatalog {
    /** One bundled model. */
    public record Sample(String name, String description, Path file) {}

    private final Path dir;
    private final List<Sample> samples;

    public SampleCatalog(Path dir) {
        this.dir = dir;
        this.samples = dir == null ? List.of() : read(dir);
    }

    public static SampleCatalog locate() {
        String prop = System.getProperty("zkscope.samples");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return new SampleCatalog(Path.of(prop));
        }
        for (Path p : List.of(Path.of("samples"), Path.of("..", "samples"))) {
            if (Files.isDirectory(p)) {
                return new SampleCatalog(p.toAbsolutePath().normalize());
            }
        }
        return new SampleCatalog(null);
    }

    public List<Sample> samples() {
        return samples;
    }

    public Path dir() {
        return dir;
    }

    /** The sample of that name, or null. */
    public Sample byName(String name) {
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static List<Sample> read(Path dir) {
        List<Sample> out = new ArrayList<>();
        Path index = dir.resolve("models.json");
        if (Files.isRegularFile(index)) {
            try {
                JsonNode root = new ObjectMapper().readTree(index.toFile());
                for (JsonNode m : root.path("models")) {
                    Path f = dir.resolve(m.path("file").asText());
                    if (Files.isRegularFile(f)) {
                        out.add(new Sample(m.path("name").asText(), m.path("description").asText(""), f));
                    }
                }
                return out;
            } catch (IOException e) {
                java.util.logging.Logger.getLogger("zkscope").warning("cannot read " + index + ": " + e);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(p -> {
                String n = p.getFileName().toString();
                out.add(new Sample(n.substring(0, n.length() - 5), "", p));
            });
        } catch (IOException e) {
            java.util.logging.Logger.getLogger("zkscope").warning("cannot list " + dir + ": " + e);
        }
        return out;
    }
}
