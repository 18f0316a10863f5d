package dev.zkscope.app;

import dev.zkscope.ir.Graph;
import dev.zkscope.onnx.ImportOptions;
import dev.zkscope.onnx.ModelLoadException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.viz.LayerRows;
import dev.zkscope.viz.graph.GraphLayout;
import dev.zkscope.viz.graph.LaidOutGraph;
import java.nio.file.Path;
import java.util.function.ToDoubleFunction;

/** Opens a model file into a {@link ModelSession}: import, table rows, graph layout. Runs on any thread. */
public final class ModelLoader {
    private final ToDoubleFunction<String> textWidth;

    public ModelLoader(ToDoubleFunction<String> textWidth) {
        this.textWidth = textWidth;
    }

    public ModelSession load(Path file, int batch) throws ModelLoadException {
        return load(file, new ImportOptions(batch));
    }

    /** With the symbolic dimensions the user set ({@link ImportOptions#dims()}). */
    public ModelSession load(Path file, ImportOptions options) throws ModelLoadException {
        Graph graph = new OnnxImporter().load(file, options);
        LaidOutGraph layout = GraphLayout.layout(graph, textWidth);
        return new ModelSession(file.toAbsolutePath().normalize(), graph, LayerRows.fromGraph(graph), layout);
    }
}
