package dev.zkscope.compile.model;

import dev.zkscope.circuit.Cell;

/**
 * One integer operation of the lowered model (the layer IR): it reads elements of earlier tensors ({@link Src}) and
 * writes one new tensor. A step knows its exact integer semantics ({@link #eval}), a bound on its outputs from bounds
 * on its inputs ({@link #bound}), how to place itself on the trace ({@link #lower}), and the counts the estimates
 * for other arithmetizations need ({@link #work}).
 */
public abstract class Step {
    final String layer;
    final String op;
    final int out;

    Step(String layer, String op, int out) {
        this.layer = layer;
        this.op = op;
        this.out = out;
    }

    /** The ONNX node this step belongs to. */
    public String layer() {
        return layer;
    }

    /** The ONNX op kind of that node. */
    public String op() {
        return op;
    }

    /** The tensor this step writes. */
    public int out() {
        return out;
    }

    /** Number of output elements. */
    public abstract int size();

    /** The output values from the values of all earlier tensors. */
    public abstract long[] eval(long[][] tensors);

    /** A bound on |output| from bounds on |input| of every earlier tensor. */
    public abstract long bound(long[] bounds);

    /** Places the step's gadgets; returns the output cells. */
    public abstract Cell[] lower(Lowerer lw);

    /** The widest range check this step needs, in bits, given the value bounds (0 when it needs none). */
    public int rangeBits(long[] bounds) {
        return 0;
    }

    /** What this step asks of a prover, for the estimates; {@code bounds} are the model's value bounds. */
    public abstract Work work(QModel model, long[] bounds);

    /**
     * Arithmetization-independent work of a step (the estimates' input).
     *
     * @param macs         multiply-accumulate terms of dot products
     * @param varProducts  of those, and of element-wise products, the products of two witness values
     * @param linear       element-wise linear outputs (add, sub, affine with constants)
     * @param products     element-wise products of two witness values
     * @param comparisons  pairwise comparisons (max, min, ReLU)
     * @param cmpBits      bits of the compared differences (widest)
     * @param divisions    divisions by a constant (rescales included) with range-checked remainder and quotient
     * @param divBits      bits range-checked per division: remainder plus quotient (widest)
     * @param varDivisions divisions by a witness value
     * @param lookups      table lookups
     * @param tableSize    size of the table used (largest)
     * @param sumTerms     terms added by sums (pooling, reductions)
     * @param moves        elements only moved (wiring)
     * @param outputs      output elements (of a layer: its largest step)
     * @param tableEntries entries of the tables its lookups read, summed over lookup steps (a layer with several tables
     *                     pays each one; {@code tableSize} is only the largest)
     * @param divBitSum    range-checked bits summed over divisions (each at its own width; {@code divBits} is the widest)
     * @param cmpBitSum    range-checked bits summed over comparisons (each at its own width)
     * @param dotChannels  of a dot product with parameter weights: its output channels C (the weight matrix has C rows
     *                     of K = macs / outputs taps and the output C x P positions); 0 otherwise
     * @param dotTaps      of such a dot product: K, the taps of its widest output (a convolution's border outputs
     *                     read fewer)
     * @param dotInputs    of such a dot product: the elements of its activation input
     */
    public record Work(long macs, long varProducts, long linear, long products, long comparisons, int cmpBits,
                       long divisions, int divBits, long varDivisions, long lookups, long tableSize, long sumTerms,
                       long moves, long outputs, long tableEntries, long divBitSum, long cmpBitSum,
                       long dotChannels, long dotTaps, long dotInputs) {
        /** One step's work: its table (if any) is its only one, and every division and comparison has its width. */
        public Work(long macs, long varProducts, long linear, long products, long comparisons, int cmpBits,
                    long divisions, int divBits, long varDivisions, long lookups, long tableSize, long sumTerms,
                    long moves, long outputs) {
            this(macs, varProducts, linear, products, comparisons, cmpBits, divisions, divBits, varDivisions, lookups,
                    tableSize, sumTerms, moves, outputs, lookups == 0 ? 0 : tableSize, divisions * divBits,
                    comparisons * cmpBits, 0, 0, 0);
        }

        /** This work with the shape of its dot product (see {@code dotChannels}). */
        public Work withDot(long channels, long taps, long inputs) {
            return new Work(macs, varProducts, linear, products, comparisons, cmpBits, divisions, divBits, varDivisions,
                    lookups, tableSize, sumTerms, moves, outputs, tableEntries, divBitSum, cmpBitSum, channels, taps,
                    inputs);
        }

        public static Work zero() {
            return new Work(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        public Work plus(Work o) {
            return new Work(macs + o.macs, varProducts + o.varProducts, linear + o.linear, products + o.products,
                    comparisons + o.comparisons, Math.max(cmpBits, o.cmpBits), divisions + o.divisions,
                    Math.max(divBits, o.divBits), varDivisions + o.varDivisions, lookups + o.lookups,
                    Math.max(tableSize, o.tableSize), sumTerms + o.sumTerms, moves + o.moves, Math.max(outputs, o.outputs),
                    tableEntries + o.tableEntries, divBitSum + o.divBitSum, cmpBitSum + o.cmpBitSum,
                    Math.max(dotChannels, o.dotChannels), Math.max(dotTaps, o.dotTaps), dotInputs + o.dotInputs);
        }
    }
}
