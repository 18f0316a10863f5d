package dev.zkscope.compile.estimate;

/**
 * Parameters of the other arithmetizations' cost models.
 *
 * @param privateWeights  weights are witness values (R1CS: every MAC is a product; GKR: weights committed)
 * @param ezklInnerCols   EZKL's num_inner_cols (products per row); EZKL's default is 2
 * @param ezklDecompLegs  EZKL's decomp_legs (limbs of a decomposition); default 2
 * @param ezklDecompBaseBits log2 of EZKL's decomp_base; default 14 (base 16384)
 * @param gkrRangeBits    bits of the range table a sumcheck/GKR prover's LogUp range checks use (DeepProve: 16)
 */
public record EstimateParams(boolean privateWeights, int ezklInnerCols, int ezklDecompLegs, int ezklDecompBaseBits,
                             int gkrRangeBits) {
    public EstimateParams {
        if (ezklInnerCols < 1 || ezklDecompLegs < 1 || ezklDecompBaseBits < 1 || gkrRangeBits < 1) {
            throw new IllegalArgumentException("estimate parameters must be positive");
        }
    }

    /** EZKL's defaults (2 inner columns, 2 legs of base 2^14), 16-bit range tables for GKR, fixed weights. */
    public static EstimateParams defaults() {
        return new EstimateParams(false, 2, 2, 14, 16);
    }

    /**
     * The parameters the estimates beside a compiled (or counted) circuit use: its weights' visibility, and the range
     * table width this repository's sumcheck backend would choose for the model (it picks one per model, so that the
     * sumcheck column is the cost of the backend that proves it, as {@code SumcheckEstimateTest} checks).
     */
    public static EstimateParams forCircuit(dev.zkscope.compile.CompiledModel cm) {
        EstimateParams o = forCircuit(cm.options());
        return new EstimateParams(o.privateWeights(), o.ezklInnerCols(), o.ezklDecompLegs(), o.ezklDecompBaseBits(),
                dev.zkscope.sumcheck.SumcheckBackend.rangeBits(cm.model()));
    }

    /** The defaults, with the weights' visibility of the compiled circuit the estimates are compared with. */
    public static EstimateParams forCircuit(dev.zkscope.compile.CompileOptions o) {
        EstimateParams d = defaults();
        return new EstimateParams(o.weights() == dev.zkscope.compile.CompileOptions.Visibility.HASHED,
                d.ezklInnerCols(), d.ezklDecompLegs(), d.ezklDecompBaseBits(), d.gkrRangeBits());
    }
}
