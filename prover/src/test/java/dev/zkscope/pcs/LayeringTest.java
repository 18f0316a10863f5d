package dev.zkscope.pcs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Plonkish argument depends on the commitment scheme only through {@link Pcs} (STYLE.md, after Plonky3's
 * uni-stark and commit crates): no file of {@code plonk} names the {@code fri} or {@code merkle} packages.
 * {@code FriPcs} itself is package-private, so the compiler already keeps {@code plonk} from naming it.
 */
class LayeringTest {
    @Test
    void plonk_neverNamesFriOrMerkle() throws IOException {
        Path dir = Path.of("src/main/java/dev/zkscope/plonk");
        assertThat(dir).isDirectory();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThan(5);
        for (Path f : files) {
            String src = Files.readString(f);
            assertThat(src).as(f.toString()).doesNotContain("dev.zkscope.fri").doesNotContain("dev.zkscope.merkle");
        }
    }
}
