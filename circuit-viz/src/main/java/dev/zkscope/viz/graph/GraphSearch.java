package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds layers by name or op type, as Netron's search does: a case-insensitive substring of the node name
 * ({@code conv1}, {@code /layer2/}) or of the op type ({@code gemm}); {@code op:Relu} matches the op type exactly.
 * Hits are in topological order.
 */
public final class GraphSearch {
    private GraphSearch() {}

    public static List<String> find(Graph graph, String query) {
        List<String> out = new ArrayList<>();
        if (graph == null || query == null || query.isBlank()) {
            return out;
        }
        String q = query.strip();
        boolean exactOp = q.regionMatches(true, 0, "op:", 0, 3);
        String needle = (exactOp ? q.substring(3) : q).strip().toLowerCase(Locale.ROOT);
        if (needle.isEmpty()) {
            return out;
        }
        for (Node n : graph.nodes()) {
            String op = n.opType().toLowerCase(Locale.ROOT);
            boolean hit = exactOp ? op.equals(needle)
                    : n.name().toLowerCase(Locale.ROOT).contains(needle) || op.contains(needle);
            if (hit) {
                out.add(n.name());
            }
        }
        return out;
    }
}
