package dev.zkscope.circuit;

/**
 * A labelled range of rows [start, start + rows): which layer and which gadget placed them. The checker uses regions
 * to name the layer of a violation; the explorer colours the trace heatmap by them.
 *
 * @param layer   the layer (ONNX node name) or a structural label such as "table:relu"
 * @param gadget  the gadget kind, e.g. "dot", "rescale", "relu"
 * @param start   first row
 * @param rows    number of rows
 */
public record Region(String layer, String gadget, int start, int rows) {
    public Region {
        if (start < 0 || rows < 0) {
            throw new IllegalArgumentException("region " + layer + "/" + gadget + " has negative start or size");
        }
    }

    public boolean contains(int row) {
        return row >= start && row < start + rows;
    }
}
