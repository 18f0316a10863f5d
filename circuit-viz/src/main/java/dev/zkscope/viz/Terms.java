package dev.zkscope.viz;

/**
 * Short explanations of the terms the views show, used as tooltips for teaching: every column header and chart
 * series says what it counts.
 */
public final class Terms {
    private Terms() {}

    public static final String OP = "The ONNX operator of this layer (Gemm, Conv, Relu, ...).";
    public static final String NAME = "The ONNX node name. Click a row to select the layer in every view.";
    public static final String INPUT_SHAPES = "Static shapes of the layer's inputs (data and weights), batch first.";
    public static final String OUTPUT_SHAPE = "Static shape of the layer's output tensor.";
    public static final String PARAMS = "Parameters: number of weight and bias values this layer owns.";
    public static final String MACS = "Multiply-accumulates of one inference in floating point: the usual ML cost.";
    public static final String ROW = "Row: one row of the Plonkish trace (a table with 2^k rows and a few columns). "
            + "The prover's work grows with the number of rows.";
    public static final String ROWS = "Trace rows this layer's gadgets occupy. " + ROW;
    public static final String ADVICE = "Advice cells: witness values the prover fills in and commits to.";
    public static final String LOOKUP = "Lookup: a check that a (input, output) pair is in a precomputed table; "
            + "how nonlinear functions (ReLU, sigmoid, ...) are proved.";
    public static final String LOOKUPS = "Lookups by table. " + LOOKUP;
    public static final String RANGE_CHECK = "Range check: proves a value fits in a number of bits (here by "
            + "limb decomposition with table lookups); needed after every rescaling division.";
    public static final String COPIES = "Copy constraints: equalities between cells, proved by the permutation "
            + "argument (wiring one gadget's output to the next one's input).";
    public static final String ROWS_PER_MAC = "Trace rows per multiply-accumulate the layer's dot products hold "
            + "(padding dropped): the layer blowup of a Gemm, MatMul or Conv. About 1/c with c inner columns, plus "
            + "the rescale rows.";
    public static final String ROWS_PER_ELEMENT = "Trace rows per output element of the layer: the layer blowup of "
            + "element-wise layers (ReLU, lookups, rescales). The 'Why this cost' tab shows the recipe behind it.";
    public static final String SHARE = "Share of all gadget rows of the circuit taken by this layer.";
    public static final String BLOWUP = "Layer blowup: how many trace rows (constraints) one layer becomes, compared to "
            + "its arithmetic in floating point (not the FRI blowup factor).";
    public static final String FRI = "FRI: the low-degree test behind the polynomial commitment; its number of "
            + "queries and blowup factor set the security level.";
    public static final String SECURITY_BITS = "Security in bits, two figures for the circuit: conjectured (ethSTARK's "
            + "conjecture, at most queries x log2(FRI blowup factor) + grinding bits, lower when the challenges' field terms are) "
            + "and provable (proved proximity-gap bounds). 100+ bits is considered secure; the 'provable' preset "
            + "reaches it provably. Settings > Security lists every term.";
    public static final String UNSUPPORTED = "This op has no parser or circuit gadget yet: the model can be "
            + "inspected but not compiled or proved.";
}
