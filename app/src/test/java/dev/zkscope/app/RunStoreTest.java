package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs table across sessions, without a window: round trip, a damaged file set aside, the view-model's load. */
class RunStoreTest {
    private static RunRecord run(int id, String model, Double predicted) {
        return new RunRecord(id, "2026-11-24T06:00:00Z", model, "standard", 100, true, null, 7, 0, 12, 3_210, 410.5,
                2_345.25, 31.0, 512L << 20, 98_304, predicted, predicted == null ? null : 400L << 20, true,
                "Accepted", id % 2 == 0);
    }

    @Test
    void load_readsRunsSavedBeforeKeyReuseWasRecorded(@TempDir Path tmp) throws Exception {
        // A runs file as the previous version wrote it: no keyReused field.
        Path file = tmp.resolve("runs.json");
        Files.writeString(file, "[ {\n  \"id\" : 3,\n  \"finishedAt\" : \"2026-11-24T06:00:00Z\",\n"
                + "  \"model\" : \"mlp.onnx\",\n  \"preset\" : \"standard\",\n  \"securityBits\" : 100,\n"
                + "  \"zeroKnowledge\" : true,\n  \"inputScale\" : null,\n  \"paramScale\" : 7,\n"
                + "  \"innerCols\" : 0,\n  \"logN\" : 12,\n  \"gadgetRows\" : 3210,\n  \"keygenMillis\" : 410.5,\n"
                + "  \"proveMillis\" : 2345.25,\n  \"verifyMillis\" : 31.0,\n  \"peakHeap\" : 536870912,\n"
                + "  \"proofBytes\" : 98304,\n  \"predictedSeconds\" : 2.5,\n  \"predictedHeap\" : 419430400,\n"
                + "  \"accepted\" : true,\n  \"verdict\" : \"Accepted\"\n} ]");
        RunStore.Loaded back = new RunStore(file).load();
        assertThat(back.problem()).isNull();
        assertThat(back.runs()).hasSize(1);
        RunRecord r = back.runs().get(0);
        assertThat(r.keygenMillis()).isEqualTo(410.5);
        assertThat(r.predictedHeap()).isEqualTo(400L << 20);
        assertThat(r.keyReused()).isNull();
        assertThat(r.reusedKey()).isFalse();
    }

    @Test
    void kindPhasesAndLayers_roundTrip_andOldRunsReadAsProofs(@TempDir Path tmp) throws Exception {
        RunRecord plain = run(1, "mlp.onnx", 2.5);
        assertThat(plain.kind()).isNull();
        assertThat(plain.runKind()).isEqualTo(RunRecord.Kind.PROOF);
        java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
        phases.put("witness", 12.5);
        phases.put("quotient", 40.25);
        java.util.Map<String, Integer> layers = new java.util.LinkedHashMap<>();
        layers.put("fc1", 300);
        layers.put("relu1", 120);
        RunRecord swept = new RunRecord(2, "2026-11-24T06:00:00Z", "mlp.onnx", "standard", 100, true, null, 7, 0, 13,
                3_210, 0, 2_000, 30, 1L << 29, 90_000, 2.0, 1L << 28, true, "Accepted", true, "sweep", phases, layers);
        RunStore store = new RunStore(tmp.resolve("runs.json"));
        store.save(List.of(plain, swept));
        List<RunRecord> back = store.load().runs();
        assertThat(back).containsExactly(plain, swept);
        assertThat(back.get(1).runKind()).isEqualTo(RunRecord.Kind.SWEEP);
        assertThat(back.get(1).phaseMillis()).containsExactly(java.util.Map.entry("witness", 12.5),
                java.util.Map.entry("quotient", 40.25));
        assertThat(back.get(1).layerRows().keySet()).containsExactly("fc1", "relu1");
        assertThat(RunRecord.Kind.of("batch")).isEqualTo(RunRecord.Kind.BATCH);
        assertThat(RunRecord.Kind.of("bench")).isEqualTo(RunRecord.Kind.BENCH);
        assertThat(RunRecord.Kind.of("something new")).isEqualTo(RunRecord.Kind.PROOF);
    }

    @Test
    void saveThenLoad_keepsEveryField(@TempDir Path tmp) throws Exception {
        RunStore store = new RunStore(tmp.resolve("cfg").resolve("runs.json"));
        assertThat(store.load().runs()).isEmpty();
        assertThat(store.load().problem()).isNull();
        List<RunRecord> runs = List.of(run(1, "mlp.onnx", 2.5), run(2, "synthetic MLP 64-32-10 (width x1)", null));
        store.save(runs);
        RunStore.Loaded back = new RunStore(store.file()).load();
        assertThat(back.problem()).isNull();
        assertThat(back.runs()).isEqualTo(runs);
        try (Stream<Path> files = Files.list(store.file().getParent())) {
            assertThat(files).containsExactly(store.file());
        }
    }

    @Test
    void damagedFile_isSetAsideAndReported_notFatal(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("runs.json");
        Files.writeString(file, "[{\"id\": 1, \"model\": \"mlp.onnx\", \"logN\": ");
        RunStore store = new RunStore(file);
        RunStore.Loaded loaded = store.load();
        assertThat(loaded.runs()).isEmpty();
        assertThat(loaded.problem()).contains(file.toString()).contains("moved to");
        assertThat(file).doesNotExist();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).anyMatch(p -> p.getFileName().toString().startsWith("runs.json.damaged-"));
        }
        store.save(List.of(run(1, "mlp.onnx", 1.0)));
        assertThat(store.load().runs()).hasSize(1);

        Files.writeString(file, "{\"not\": \"a list\"}");
        assertThat(store.load().problem()).isNotNull();
    }

    @Test
    void viewModel_showsEarlierSessionsRuns(@TempDir Path tmp) throws Exception {
        RunStore store = new RunStore(tmp.resolve("runs.json"));
        store.save(List.of(run(1, "mlp.onnx", 2.5), run(7, "cnn.onnx", 9.0)));
        List<String> errors = new ArrayList<>();
        Notifier notifier = new Notifier() {
            @Override
            public void error(String title, String message) {
                errors.add(title);
            }

            @Override
            public void info(String message) {}
        };
        ProveViewModel pvm = new ProveViewModel(Runnable::run, notifier, new SimpleObjectProperty<Analysis>(), store);
        assertThat(pvm.history()).extracting(RunRecord::model).containsExactly("mlp.onnx", "cnn.onnx");
        assertThat(pvm.runs()).isEmpty();
        assertThat(errors).isEmpty();
    }

    @Test
    void defaultStore_followsTheSystemProperty(@TempDir Path tmp) {
        String old = System.getProperty("zkscope.runs");
        try {
            System.setProperty("zkscope.runs", tmp.resolve("x.json").toString());
            assertThat(RunStore.defaultStore().file()).isEqualTo(tmp.resolve("x.json"));
            System.clearProperty("zkscope.runs");
            assertThat(RunStore.defaultStore().file().toString()).endsWith("zkscope/runs.json");
        } finally {
            if (old != null) {
                System.setProperty("zkscope.runs", old);
            }
        }
    }
}
