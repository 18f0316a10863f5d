package dev.zkscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a cost-model cache directory of its own ({@code zkscope.cache}), so a test that calibrates or
 * saves a model never reads another test's cache or the suite's shared one, and restores the property afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * final OwnCostModelCache cache = new OwnCostModelCache();
 * ... cache.dir() ...
 * }</pre>
 */
public final class OwnCostModelCache implements BeforeEachCallback, AfterEachCallback {
    private static final String PROPERTY = "zkscope.cache";
    private Path dir;
    private String before;

    /** The directory the current test's {@code zkscope.cache} points at. */
    public Path dir() {
        if (dir == null) {
            throw new IllegalStateException("the cache exists only while a test runs");
        }
        return dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        before = System.getProperty(PROPERTY);
        dir = Files.createTempDirectory("zkscope-cache");
        System.setProperty(PROPERTY, dir.toString());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        dir = null;
    }
}
