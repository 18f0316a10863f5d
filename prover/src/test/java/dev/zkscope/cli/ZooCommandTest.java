package dev.zkscope.cli;

import static dev.zkscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zkscope zoo DIR}: one row per model with the counted circuit's figures, also as Markdown. */
class ZooCommandTest {

    @Test
    void samples_oneRowPerModel_withTheCountedLedger_andMarkdownWritten(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("models");
        Files.createDirectories(dir);
        for (String name : new String[] {"mlp", "cnn"}) {
            Files.copy(Path.of("../samples", name + ".onnx"), dir.resolve(name + ".onnx"));
        }
        Path md = tmp.resolve("zoo.md");
        CliTest.Run r = run("zoo", dir.toString(), "--no-predict", "--markdown", md.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| mlp |", "| cnn |", "fits this machine", "| yes |");
        assertThat(Files.readString(md)).isEqualTo(r.out());
        // the row's rows and trace are inspect's
        CliTest.Run i = run("inspect", dir.resolve("mlp.onnx").toString(), "--json");
        var c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(i.out()).get("circuit");
        assertThat(r.out()).contains("| 2^" + c.get("k").asInt() + " |");
    }

    @Test
    void missingDirectory_isBadInput() {
        CliTest.Run r = run("zoo", "no/such/dir", "--no-predict");
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("no directory", "make_zoo.py");
    }
}
