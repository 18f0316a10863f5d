package dev.zkscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The window's state without JavaFX: recent files, the sample catalog, the model to open at start. */
class AppStateTest {
    @Test
    void recentFiles_newestFirst_noDuplicates_skipsMissing(@TempDir Path tmp) throws Exception {
        RecentFiles r = new RecentFiles(SettingsStore.inMemory());
        Path a = Files.writeString(tmp.resolve("a.onnx"), "x");
        Path b = Files.writeString(tmp.resolve("b.onnx"), "x");
        Path c = Files.writeString(tmp.resolve("c.onnx"), "x");
        r.add(a);
        r.add(b);
        r.add(a);
        r.add(c);
        assertThat(r.list()).containsExactly(c, a, b);
        Files.delete(a);
        assertThat(r.list()).containsExactly(c, b);
        assertThat(r.last()).isEqualTo(c);
    }

    @Test
    void sampleCatalog_readsIndex() {
        SampleCatalog s = new SampleCatalog(AppFixture.SAMPLES);
        assertThat(s.samples()).extracting(SampleCatalog.Sample::name).contains("mlp", "cnn", "residual");
        assertThat(s.byName("mlp").file()).isRegularFile();
        assertThat(s.byName("mlp").description()).contains("MLP");
    }

    @Test
    void initialModel_argumentThenLastThenSample(@TempDir Path tmp) throws Exception {
        SampleCatalog samples = new SampleCatalog(AppFixture.SAMPLES);
        RecentFiles recent = new RecentFiles(SettingsStore.inMemory());
        assertThat(ZkscopeApp.initialModel(List.of(), recent, samples)).isEqualTo(samples.byName("mlp").file());
        Path last = Files.writeString(tmp.resolve("m.onnx"), "x");
        recent.add(last);
        assertThat(ZkscopeApp.initialModel(List.of(), recent, samples)).isEqualTo(last);
        assertThat(ZkscopeApp.initialModel(List.of("x.onnx"), recent, samples)).isEqualTo(Path.of("x.onnx"));
    }

    @Test
    void modelLoader_buildsRowsAndLayout() throws Exception {
        ModelSession s = new ModelLoader(dev.zkscope.viz.graph.GraphLayout::estimateWidth)
                .load(AppFixture.sample("residual"), 1);
        assertThat(s.rows()).hasSize(s.graph().nodes().size());
        assertThat(s.layout().nodes()).hasSizeGreaterThan(s.rows().size());
    }
}
