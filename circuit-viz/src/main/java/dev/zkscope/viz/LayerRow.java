package dev.zkscope.viz;

import java.util.Map;

/**
 * One row of the layer table: what the graph says about a node, and, once the model is compiled, what the cost
 * ledger says about its layer. Every figure comes from the prover's results; nothing is computed here.
 *
 * @param index        position in topological order, from 1
 * @param name         ONNX node name (the layer's id in every view)
 * @param op           ONNX op type
 * @param inputShapes  formatted input shapes
 * @param outputShape  formatted output shape(s)
 * @param params       parameters the node owns
 * @param macs         multiply-accumulates of one inference
 * @param unsupported  null when supported, else why not
 * @param cost         the ledger's cost of this layer, or null when the model is not compiled (yet)
 */
public record LayerRow(int index, String name, String op, String inputShapes, String outputShape, long params,
                       long macs, String unsupported, Cost cost) {

    /**
     * The compiled cost of one layer, copied from the ledger.
     *
     * @param share     fraction of all gadget rows, in [0, 1]
     * @param tableRows the rows of the lookup tables charged to this layer: each table's rows shared among the layers
     *                  that look into it, in proportion to their lookups (a function table belongs to the layers
     *                  of that function; the range tables are shared by every layer with range checks). Over all
     *                  layers they add up to the circuit's table rows.
     * @param circuitMacs the multiply-accumulates the circuit's dot products hold (padding dropped); 0 when unknown
     * @param outputs   output elements of the layer in the circuit; 0 when unknown
     */
    public record Cost(long rows, long adviceCells, Map<String, Long> lookups, long rangeChecks, long copies,
                       double share, long tableRows, long circuitMacs, long outputs) {
        public Cost {
            lookups = Map.copyOf(lookups);
        }

        /** Without MACs and outputs (not known). */
        public Cost(long rows, long adviceCells, Map<String, Long> lookups, long rangeChecks, long copies,
                    double share, long tableRows) {
            this(rows, adviceCells, lookups, rangeChecks, copies, share, tableRows, 0, 0);
        }

        /** Trace rows per multiply-accumulate of the circuit, or null when the layer has none. */
        public Double rowsPerMac() {
            return circuitMacs == 0 ? null : (double) rows / circuitMacs;
        }

        /** Trace rows per output element, or null when not known. */
        public Double rowsPerElement() {
            return outputs == 0 ? null : (double) rows / outputs;
        }

        /** Without table rows charged (none known). */
        public Cost(long rows, long adviceCells, Map<String, Long> lookups, long rangeChecks, long copies,
                    double share) {
            this(rows, adviceCells, lookups, rangeChecks, copies, share, 0);
        }

        public long lookupCount() {
            return lookups.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public boolean isUnsupported() {
        return unsupported != null;
    }

    public LayerRow withCost(Cost c) {
        return new LayerRow(index, name, op, inputShapes, outputShape, params, macs, unsupported, c);
    }
}
