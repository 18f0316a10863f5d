package dev.zkscope.ir;

import java.util.List;

/**
 * The graph holds nodes a stage cannot run (unsupported ops, or ops a later stage cannot quantize). The message lists
 * every offending node with its op type, name and opset; it is a user-facing error, not a bug.
 */
public class UnsupportedModelException extends RuntimeException {
    private final List<String> nodes;

    public UnsupportedModelException(String message) {
        this(message, List.of());
    }

    public UnsupportedModelException(String message, List<String> nodes) {
        super(Printable.escape(message));
        this.nodes = List.copyOf(nodes);
    }

    /** Descriptions of the offending nodes, one per node. */
    public List<String> nodes() {
        return nodes;
    }
}
