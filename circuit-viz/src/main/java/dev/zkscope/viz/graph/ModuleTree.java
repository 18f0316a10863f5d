package dev.zkscope.viz.graph;

import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The module hierarchy of a model, read from its node names. Exporters name nodes by the module that made them:
 * PyTorch writes {@code /layer1/0/conv1/Conv}, i.e. modules {@code /layer1}, {@code /layer1/0},
 * {@code /layer1/0/conv1} and the op's own name last. A module with two or more nodes is a <em>group</em>; the graph
 * view draws a collapsed group as one box and an expanded one as its members, so a 200-node model opens as a dozen
 * readable boxes. Names without a leading slash belong to no module.
 */
public final class ModuleTree {
    /** The default view shows at most about this many boxes (then stops expanding groups). */
    static final int DEFAULT_BOXES = 48;

    private final Map<String, List<String>> members = new LinkedHashMap<>();
    private final Map<String, List<String>> pathOf = new LinkedHashMap<>();

    public ModuleTree(Graph graph) {
        for (Node n : graph.nodes()) {
            List<String> path = modulePath(n.name());
            pathOf.put(n.name(), path);
            for (String m : path) {
                members.computeIfAbsent(m, k -> new ArrayList<>()).add(n.name());
            }
        }
        members.values().removeIf(l -> l.size() < 2);
        for (Map.Entry<String, List<String>> e : pathOf.entrySet()) {
            List<String> kept = new ArrayList<>();
            for (String m : e.getValue()) {
                if (members.containsKey(m)) {
                    kept.add(m);
                }
            }
            e.setValue(List.copyOf(kept));
        }
        members.replaceAll((k, v) -> List.copyOf(v));
    }

    /**
     * The modules a node name lies in, outermost first: {@code /layer1/0/conv1/Conv} gives {@code /layer1},
     * {@code /layer1/0}, {@code /layer1/0/conv1}; a name without a leading slash, or with one segment, gives none.
     */
    public static List<String> modulePath(String name) {
        if (name == null || !name.startsWith("/")) {
            return List.of();
        }
        String[] parts = name.substring(1).split("/");
        List<String> out = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                return List.of();
            }
            prefix.append('/').append(parts[i]);
            out.add(prefix.toString());
        }
        return out;
    }

    /** Every group (module with 2+ nodes) and its nodes in topological order. */
    public Map<String, List<String>> groups() {
        return Collections.unmodifiableMap(members);
    }

    /** The groups a node lies in, outermost first (modules with a single node left out). */
    public List<String> groupsOf(String node) {
        return pathOf.getOrDefault(node, List.of());
    }

    /**
     * The box a node is drawn in when {@code expanded} are the expanded groups: its outermost collapsed group, or
     * the node itself when every group it lies in is expanded.
     */
    public String boxOf(String node, Set<String> expanded) {
        for (String g : groupsOf(node)) {
            if (!expanded.contains(g)) {
                return g;
            }
        }
        return node;
    }

    /** The group's last path segment ("conv1" for /layer1/0/conv1). */
    public static String shortName(String group) {
        return group.substring(group.lastIndexOf('/') + 1);
    }

    /** How many boxes the view draws with these groups expanded (inputs and outputs not counted). */
    public int boxCount(Graph graph, Set<String> expanded) {
        Set<String> boxes = new HashSet<>();
        for (Node n : graph.nodes()) {
            boxes.add(boxOf(n.name(), expanded));
        }
        return boxes.size();
    }

    /**
     * The groups expanded when a model opens: every group of a small model; for a large one, the largest visible
     * groups are expanded one at a time while the view stays within {@link #DEFAULT_BOXES} boxes.
     */
    public Set<String> defaultExpanded(Graph graph) {
        Set<String> expanded = new HashSet<>();
        while (true) {
            Set<String> visible = new HashSet<>();
            for (Node n : graph.nodes()) {
                String b = boxOf(n.name(), expanded);
                if (members.containsKey(b)) {
                    visible.add(b);
                }
            }
            if (visible.isEmpty()) {
                return expanded;
            }
            List<String> bySize = new ArrayList<>(visible);
            bySize.sort(Comparator.comparingInt((String g) -> -members.get(g).size()).thenComparing(g -> g));
            int now = boxCount(graph, expanded);
            boolean grew = false;
            for (String g : bySize) {
                Set<String> next = new HashSet<>(expanded);
                next.add(g);
                if (boxCount(graph, next) <= Math.max(DEFAULT_BOXES, now)) {
                    expanded = next;
                    grew = true;
                    break;
                }
            }
            if (!grew) {
                return expanded;
            }
        }
    }

    /** Every group and every group containing it expanded: all nodes drawn. */
    public Set<String> all() {
        return new HashSet<>(members.keySet());
    }
}
